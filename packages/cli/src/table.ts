/**
 * A Markdown table for benchmark output, aligned for reading in a terminal: the first
 * `textColumns` columns are left-aligned text, the rest right-aligned numbers (`---:`).
 * Returns the header, the separator and one line per row.
 */
export function markdownTable(rows: readonly (readonly string[])[], textColumns = 1): string[] {
  const [head, ...body] = rows;
  if (head === undefined) return [];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]): string =>
    `| ${widths.map((w, c) => (c < textColumns ? (r[c] ?? "").padEnd(w) : (r[c] ?? "").padStart(w))).join(" | ")} |`;
  const separator = `|${widths.map((w, c) => (c < textColumns ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`;
  return [line(head), separator, ...body.map(line)];
}
