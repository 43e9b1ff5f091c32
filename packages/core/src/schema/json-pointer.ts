/**
 * RFC 6901 JSON Pointers, used by {@link ExpectedCall.pyFloats} to name single values inside
 * nested allowed-value lists.
 */

/** Encode a path (keys and indices) as a JSON Pointer: `["a/b", 0]` → `"/a~1b/0"`. */
export function encodeJsonPointer(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) out += "/" + String(seg).replace(/~/g, "~0").replace(/\//g, "~1");
  return out;
}

/** Decode a JSON Pointer into its reference tokens (always strings): `"/a~1b/0"` → `["a/b", "0"]`. */
export function decodeJsonPointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new SyntaxError(`JSON Pointer must start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value `pointer` names inside `root`, or `undefined` when it names nothing. */
export function resolveJsonPointer(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const tok of decodeJsonPointer(pointer)) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(tok)) return undefined;
      cur = cur[Number(tok)];
    } else if (typeof cur === "object" && cur !== null && Object.prototype.hasOwnProperty.call(cur, tok)) {
      cur = (cur as Record<string, unknown>)[tok];
    } else return undefined;
  }
  return cur;
}
