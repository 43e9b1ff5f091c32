import { z } from "zod";

/** Formats samples are read from. `advfc` = made by advfc itself (rewrites, hand-written seeds). */
export const SOURCE_FORMATS = ["bfcl-v3", "bfcl-v4", "xlam", "openai", "advfc"] as const;

/** Where a sample came from, so every bad case can be traced back to its seed's file line. */
export const SourceSchema = z.strictObject({
  format: z.enum(SOURCE_FORMATS),
  /** The file it was read from, as given to the reader (`"-"` or `"<stdin>"` for stdin). */
  file: z.string().optional(),
  /** 1-based line number in `file`. */
  line: z.number().int().positive().optional(),
  /** The record's id in the source, when it had one. */
  id: z.string().optional(),
});
export type Source = z.output<typeof SourceSchema>;
export type SourceFormat = Source["format"];
