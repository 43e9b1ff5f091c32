/**
 * Hydra override lists for verl, checked key by key against the pinned v0.7 key list
 * ({@link VERL_PPO_KEYS}, {@link VERL_SFT_KEYS}): a key in the base config is written
 * `key=value`; a key under an open map (`data.apply_chat_template_kwargs`, …) is not in the
 * base config and is written `+key=value`; anything else is a typo and throws
 * {@link VerlConfigKeyError} naming the nearest valid key.
 */
import { AdvfcError } from "@advfc/core";
import type { VerlKeySet } from "./verl-keys.js";

/** A value of one override. Lists are written Hydra-style: `['console','file']`. */
export type OverrideValue = string | number | boolean | null | readonly (string | number | boolean)[];

/** An override key is not a key of the pinned verl config. */
export class VerlConfigKeyError extends AdvfcError {
  constructor(
    readonly key: string,
    readonly suggestion: string | undefined,
    readonly config: string,
  ) {
    super(`Expected a key of ${config} but received ${JSON.stringify(key)}${suggestion !== undefined ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ""}`);
    this.name = "VerlConfigKeyError";
  }
}

/** Levenshtein distance (insert, delete, substitute: 1 each). */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The valid key closest to `key` (whole dotted paths compared), or undefined when none is near (distance > max(3, ⌈len/3⌉)). */
export function nearestKey(key: string, keys: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of keys) {
    const d = levenshtein(key, k);
    if (d < bestD || (d === bestD && best !== undefined && k < best)) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(3, Math.ceil(key.length / 3)) ? best : undefined;
}

function isOpenMapChild(key: string, set: VerlKeySet): boolean {
  for (const m of set.openMaps) if (key.startsWith(`${m}.`) && key.length > m.length + 1) return true;
  return false;
}

/**
 * How `key` is written: `"key"` or `"+key"`.
 * @throws {VerlConfigKeyError} for a key that is neither in the config nor under an open map.
 */
export function resolveKey(key: string, set: VerlKeySet): string {
  const bare = key.startsWith("+") ? key.slice(1) : key;
  if (set.keys.has(bare)) return bare;
  if (isOpenMapChild(bare, set)) return `+${bare}`;
  throw new VerlConfigKeyError(bare, nearestKey(bare, set.keys), set.name);
}

function formatScalar(v: string | number | boolean | null): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v);
  // Hydra's grammar: quote what it would otherwise split or interpret.
  return /^[\w./~@:-]*$/.test(v) && v !== "" ? v : `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A value as Hydra override text. */
export function formatOverrideValue(v: OverrideValue): string {
  if (Array.isArray(v)) return `[${(v as readonly (string | number | boolean)[]).map((x) => (typeof x === "string" ? `'${x}'` : formatScalar(x))).join(",")}]`;
  return formatScalar(v as string | number | boolean | null);
}

function yamlScalar(v: string | number | boolean | null): string {
  if (v === null) return "null";
  if (typeof v !== "string") return String(v);
  return /^[\w./~@-][\w./~@ :-]*$/.test(v) && !/:\s|\s$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) && !/^[\d.+-]+$/.test(v) ? v : JSON.stringify(v);
}

/** An ordered, validated set of overrides for one verl entry point. */
export class VerlOverrides {
  private readonly values = new Map<string, OverrideValue>();

  constructor(readonly keySet: VerlKeySet) {}

  /**
   * Set `key` (dotted path; a leading `+` is optional and recomputed).
   * @throws {VerlConfigKeyError} for a key verl v0.7 does not have.
   */
  set(key: string, value: OverrideValue): this {
    this.values.set(resolveKey(key, this.keySet), value);
    return this;
  }

  /** Set every entry of a record (in its order). */
  setAll(values: Readonly<Record<string, OverrideValue>>): this {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
    return this;
  }

  /** The value of `key` (written without `+`), if set. */
  get(key: string): OverrideValue | undefined {
    return this.values.get(key) ?? this.values.get(`+${key}`);
  }

  /** The override list, in the order set: `["data.train_files=['a.parquet']", "+data.x=1", …]`. */
  toArgs(): string[] {
    return [...this.values].map(([k, v]) => `${k}=${formatOverrideValue(v)}`);
  }

  /** The same settings as nested YAML (keys added with `+` marked in a comment). */
  toYaml(): string {
    type Node = Map<string, Node | { value: OverrideValue; added: boolean }>;
    const root: Node = new Map();
    for (const [k, v] of this.values) {
      const added = k.startsWith("+");
      const parts = (added ? k.slice(1) : k).split(".");
      let node = root;
      for (const p of parts.slice(0, -1)) {
        let next = node.get(p);
        if (!(next instanceof Map)) node.set(p, (next = new Map()));
        node = next;
      }
      node.set(parts[parts.length - 1]!, { value: v, added });
    }
    const lines: string[] = [];
    const walk = (node: Node, indent: string) => {
      for (const [k, v] of node) {
        if (v instanceof Map) {
          lines.push(`${indent}${k}:`);
          walk(v, `${indent}  `);
        } else {
          const value = Array.isArray(v.value) ? `[${(v.value as readonly (string | number | boolean)[]).map((x) => yamlScalar(x)).join(", ")}]` : yamlScalar(v.value as string | number | boolean | null);
          lines.push(`${indent}${k}: ${value}${v.added ? "  # not in the base config (+)" : ""}`);
        }
      }
    };
    walk(root, "");
    return `${lines.join("\n")}\n`;
  }
}
