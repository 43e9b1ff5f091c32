/**
 * A small typed layer over hyparquet-writer for the nested columns verl reads: every column is
 * declared with an explicit {@link ColumnType}, flattened here into the parquet schema that
 * pyarrow itself writes (the standard three-level list: `<name> (LIST) → list (REPEATED) →
 * element`), so `pd.read_parquet` gives verl lists of dicts, exactly as for a dataset made with
 * `datasets`/pandas. Type guessing is never used: an empty dataset still has its full schema.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { SchemaElement } from "hyparquet";
import { parquetWriteFile } from "hyparquet-writer";

/** A column's logical type. Every level is OPTIONAL (nullable), as pandas/pyarrow write it. */
export type ColumnType =
  | { kind: "string" }
  | { kind: "int64" }
  | { kind: "bool" }
  | { kind: "list"; element: ColumnType }
  | { kind: "struct"; fields: Readonly<Record<string, ColumnType>> };

export const pq = {
  string: (): ColumnType => ({ kind: "string" }),
  int64: (): ColumnType => ({ kind: "int64" }),
  bool: (): ColumnType => ({ kind: "bool" }),
  list: (element: ColumnType): ColumnType => ({ kind: "list", element }),
  struct: (fields: Record<string, ColumnType>): ColumnType => ({ kind: "struct", fields }),
};

/** One column: its name, type and one value per row. */
export interface TypedColumn {
  name: string;
  type: ColumnType;
  data: readonly unknown[];
}

function elements(name: string, type: ColumnType): SchemaElement[] {
  switch (type.kind) {
    case "string":
      return [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" }];
    case "int64":
      return [{ name, type: "INT64", repetition_type: "OPTIONAL" }];
    case "bool":
      return [{ name, type: "BOOLEAN", repetition_type: "OPTIONAL" }];
    case "list":
      return [
        { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...elements("element", type.element),
      ];
    case "struct": {
      const fields = Object.entries(type.fields);
      return [{ name, repetition_type: "OPTIONAL", num_children: fields.length }, ...fields.flatMap(([k, t]) => elements(k, t))];
    }
  }
}

/** The flat parquet schema (root first) of a set of typed columns. */
export function parquetSchemaOf(columns: readonly { name: string; type: ColumnType }[]): SchemaElement[] {
  return [{ name: "root", num_children: columns.length }, ...columns.flatMap((c) => elements(c.name, c.type))];
}

/** Converts values to what the writer wants for a type (int64 → bigint), recursively. */
function encode(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "int64":
      return typeof value === "bigint" ? value : BigInt(value as number);
    case "list":
      return (value as unknown[]).map((v) => encode(v, type.element));
    case "struct":
      return Object.fromEntries(Object.entries(type.fields).map(([k, t]) => [k, encode((value as Record<string, unknown>)[k], t)]));
    default:
      return value;
  }
}

/** Typed columns as a pyarrow-style string for messages and tests: `list<struct<role: string, content: string>>`. */
export function formatColumnType(type: ColumnType): string {
  switch (type.kind) {
    case "list":
      return `list<${formatColumnType(type.element)}>`;
    case "struct":
      return `struct<${Object.entries(type.fields)
        .map(([k, t]) => `${k}: ${formatColumnType(t)}`)
        .join(", ")}>`;
    default:
      return type.kind;
  }
}

/**
 * Write typed columns to a parquet file (parent folders are created).
 * @throws {Error} when the columns' lengths differ.
 */
export function writeTypedParquet(filename: string, columns: readonly TypedColumn[]): void {
  const rows = columns[0]?.data.length ?? 0;
  for (const c of columns) if (c.data.length !== rows) throw new Error(`Expected ${rows} values for column ${c.name} but received ${c.data.length}`);
  mkdirSync(dirname(filename), { recursive: true });
  parquetWriteFile({
    filename,
    schema: parquetSchemaOf(columns),
    columnData: columns.map((c) => ({ name: c.name, data: c.data.map((v) => encode(v, c.type)) as unknown[] })),
  });
}
