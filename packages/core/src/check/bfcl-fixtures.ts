import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeCategory } from "./check-case.js";
import type { Category } from "../schema/category.js";
import { PyDict, type PyValue } from "./pyvalue.js";
import type { ConcreteCall } from "./render.js";
import { parsePyJson } from "../parse/pyjson.js";
import { bfclFileName } from "../formats/bfcl.js";

/**
 * Loading BFCL data files and enumerating the concrete call sets a ground truth allows. Used by
 * the checker tests and by `advfc bench check`.
 */

export interface BfclEntry {
  id: string;
  category: Category;
  /** The question file's `function` list. */
  functions: PyValue;
  /** The answer file's `ground_truth`, or null for relevance/irrelevance. */
  groundTruth: PyValue[] | null;
}

function readJsonl(path: string): PyValue[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => parsePyJson(l));
}

/** Read one category of a BFCL data folder (`.../bfcl/v4`). */
export function loadCategory(dir: string, category: Category, version: "v3" | "v4"): BfclEntry[] {
  const file = bfclFileName(category, version);
  const questions = readJsonl(join(dir, file));
  let answers: PyValue[] | undefined;
  if (!category.includes("relevance")) answers = readJsonl(join(dir, "possible_answer", file));
  return questions.map((q, i) => {
    const d = q as PyDict;
    const id = d.get("id") as string;
    let gt: PyValue[] | null = null;
    if (answers) {
      const a = answers[i] as PyDict;
      if (a.get("id") !== id) throw new Error(`${file}: answer line ${i + 1} has id ${String(a.get("id"))}, question has ${id}`);
      gt = a.get("ground_truth") as PyValue[];
    }
    return { id, category: normalizeCategory(category)!, functions: d.get("function")!, groundTruth: gt };
  });
}

/** Concrete value for one allowed option: dict options hold per-key allowed lists (BFCL's `dict_checker`). */
function concretize(option: PyValue, type: string | undefined, itemsType: string | undefined): PyValue {
  const isDictType = type === "dict" || type === "HashMap" || type === "object";
  if (isDictType && option instanceof PyDict) return concreteDict(option);
  if (Array.isArray(option) && (itemsType === "dict" || itemsType === "object") && option.every((o) => o instanceof PyDict))
    return option.map((o) => concreteDict(o as PyDict));
  return option;
}

function concreteDict(option: PyDict): PyDict {
  const out = new PyDict();
  option.keys.forEach((k, i) => {
    const allowed = option.values[i];
    const first = Array.isArray(allowed) ? allowed.find((a) => a !== "") : undefined;
    if (first !== undefined) out.set(k, first);
  });
  return out;
}

/** Marks "pass an explicit empty string" (as opposed to "" = omit). */
const EMPTY_STRING = new PyDict();

interface ParamInfo {
  type?: string;
  itemsType?: string;
  required: boolean;
}

function docParams(functions: PyValue, name: string): Map<string, ParamInfo> {
  const out = new Map<string, ParamInfo>();
  const docs = Array.isArray(functions) ? functions : [];
  const doc = docs.find((d) => d instanceof PyDict && d.get("name") === name) as PyDict | undefined;
  const params = doc?.get("parameters");
  if (!(params instanceof PyDict)) return out;
  const props = params.get("properties");
  const required = params.get("required");
  const req = new Set(Array.isArray(required) ? required.filter((r): r is string => typeof r === "string") : []);
  if (props instanceof PyDict)
    props.keys.forEach((k, i) => {
      const p = props.values[i];
      const t = p instanceof PyDict ? p.get("type") : undefined;
      const items = p instanceof PyDict ? p.get("items") : undefined;
      const it = items instanceof PyDict ? items.get("type") : undefined;
      out.set(k as string, {
        ...(typeof t === "string" ? { type: t } : {}),
        ...(typeof it === "string" ? { itemsType: it } : {}),
        required: req.has(k as string),
      });
    });
  return out;
}

/**
 * The call sets a ground truth accepts, one allowed value varied at a time: the first choice of
 * every parameter, then each other choice of each parameter. `""` means "omit"; it is not used
 * for a parameter the doc marks required (BFCL rejects that choice: missing_required). Dict
 * options (`{key: [allowed]}`) become concrete dicts. Parameters with no usable choice are
 * omitted (such entries cannot pass).
 */
export function enumerateChoices(groundTruth: PyValue[], functions: PyValue = []): ConcreteCall[][] {
  const calls = groundTruth.map((c) => {
    const d = c as PyDict;
    const name = d.keys[0] as string;
    const info = docParams(functions, name);
    const params = d.values[0] as PyDict;
    const choices = params.keys.map((k, pi) => {
      const opts = params.values[pi];
      const pinfo = info.get(k as string);
      const list = Array.isArray(opts) ? opts : [];
      // A parameter the doc lacks can only be omitted; choosing a value is unexpected_param.
      if (pinfo === undefined && info.size > 0 && list.includes("")) return [""];
      if (!pinfo?.required) return list;
      const given = list.filter((o) => o !== "");
      // Required with only "" allowed: BFCL accepts an explicit empty string for string types.
      if (given.length === 0 && list.includes("") && ["string", "any", "String"].includes(pinfo.type ?? "")) return [EMPTY_STRING];
      return given;
    });
    return { name, params, info, choices };
  });
  const pick = (override?: { call: number; param: number; option: number }): ConcreteCall[] =>
    calls.map((c, ci) => {
      const args: Array<[string, PyValue]> = [];
      c.params.keys.forEach((k, pi) => {
        const opts = c.choices[pi]!;
        const idx = override && override.call === ci && override.param === pi ? override.option : 0;
        const v = opts[idx];
        if (v === undefined || v === "") return;
        if (v === EMPTY_STRING) {
          args.push([k as string, ""]);
          return;
        }
        const pinfo = c.info.get(k as string);
        args.push([k as string, concretize(v, pinfo?.type, pinfo?.itemsType)]);
      });
      return { name: c.name, args };
    });
  const out = [pick()];
  calls.forEach((c, ci) =>
    c.choices.forEach((opts, pi) => {
      for (let j = 1; j < opts.length; j++) out.push(pick({ call: ci, param: pi, option: j }));
    }),
  );
  return out;
}
