#!/usr/bin/env python3
"""Generate a large, deterministic JSONL workload of BFCL single-turn check cases.

Each line: {"id", "category", "functions", "possible_answer", "model_output", "mode"}.
Source: the BFCL data folder (v4 and v3; see DATA below). For every entry, the ground truth is rendered (first
allowed value; "" = omit) in each mode and mutated in many ways.

Usage: python3 gen_cases.py [--data DIR] [--seed N] [--v3-fraction F] > cases.jsonl
"""
import argparse
import json
import math
import os
import random
import re
import sys

# BFCL data: $ADVFC_BFCL_DATA, else ../shared/data/bfcl beside the repository checkout.
DATA = os.environ.get("ADVFC_BFCL_DATA") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "bfcl")
)
OMIT = object()

V4_CATS = [
    "simple_python", "simple_java", "simple_javascript", "multiple", "parallel",
    "parallel_multiple", "irrelevance", "live_simple", "live_multiple", "live_parallel",
    "live_parallel_multiple", "live_irrelevance", "live_relevance",
]
V3_CATS = [
    "simple", "java", "javascript", "multiple", "parallel", "parallel_multiple", "irrelevance",
    "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple",
    "live_irrelevance", "live_relevance",
]
V3_TO_V4 = {"simple": "simple_python", "java": "simple_java", "javascript": "simple_javascript"}
MODES = ["prompt", "json", "hermes", "openai"]


class Raw:
    """A Python source fragment, emitted verbatim in prompt mode (not representable in JSON)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


class NotJson(Exception):
    pass


def lang_of(cat):
    if "javascript" in cat:
        return "javascript"
    if "java" in cat:
        return "java"
    return "python"


# ----------------------------------------------------------------------------- rendering

def pyrepr(v, dq=False):
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, str):
        if dq and "\\" not in v and '"' not in v and "\n" not in v:
            return '"' + v + '"'
        return repr(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        return repr(v)
    if isinstance(v, tuple):
        inner = ", ".join(pyrepr(x, dq) for x in v)
        return "(" + inner + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(pyrepr(x, dq) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{pyrepr(k, dq)}: {pyrepr(x, dq)}" for k, x in v.items()) + "}"
    return repr(v)


def jsonable(v):
    if isinstance(v, Raw):
        raise NotJson()
    if isinstance(v, tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    return v


def render_prompt_calls(calls, dq=False, sep=", ", wrap=True):
    parts = []
    for name, args in calls:
        a = ", ".join(f"{k}={pyrepr(v, dq)}" for k, v in args.items())
        parts.append(f"{name}({a})")
    s = sep.join(parts)
    return "[" + s + "]" if wrap else s


def render(calls, mode, rng=None, **kw):
    """Render calls [(name, {param: value})] in a mode. Raises NotJson where not representable."""
    if mode == "prompt":
        return render_prompt_calls(calls, dq=kw.get("dq", False))
    if mode == "json":
        obj = [{"function": n, "parameters": jsonable(a)} for n, a in calls]
        return json.dumps(obj, ensure_ascii=kw.get("ensure_ascii", True), indent=kw.get("indent"))
    if mode == "hermes":
        blocks = [
            "<tool_call>\n" + json.dumps({"name": n, "arguments": jsonable(a)},
                                         ensure_ascii=kw.get("ensure_ascii", True)) + "\n</tool_call>"
            for n, a in calls
        ]
        return kw.get("sep", "\n").join(blocks)
    if mode == "openai":
        return [
            {"id": f"call_{i}", "type": "function",
             "function": {"name": n, "arguments": json.dumps(jsonable(a), ensure_ascii=kw.get("ensure_ascii", True))}}
            for i, (n, a) in enumerate(calls)
        ]
    raise ValueError(mode)


# ----------------------------------------------------------------------------- ground truth

def choose(allowed, idx=0):
    if not isinstance(allowed, list):
        return allowed
    if len(allowed) == 0:
        return OMIT
    if idx >= len(allowed):
        idx = 0
    v = allowed[idx]
    if isinstance(v, str) and v == "":
        return OMIT
    return v


def render_dict_option(opt):
    if not isinstance(opt, dict):
        return opt
    out = {}
    for k, allowed in opt.items():
        v = choose(allowed)
        if v is OMIT:
            continue
        out[k] = v
    return out


def py_value_from_choice(schema, v):
    t = (schema or {}).get("type")
    it = ((schema or {}).get("items") or {}).get("type")
    if t == "dict" and isinstance(v, dict):
        return render_dict_option(v)
    if t in ("array", "tuple") and it == "dict" and isinstance(v, list):
        return [render_dict_option(o) for o in v]
    if t == "tuple" and isinstance(v, list):
        return v  # list is fine (tuples come back from JSON as lists)
    return v


def gt_calls_python(gt, fdocs, pick=None):
    """pick: {(ci, param): idx} overrides the allowed-value index."""
    pick = pick or {}
    calls = []
    for ci, call in enumerate(gt):
        (name, params), = call.items()
        props = (fdocs.get(name) or {}).get("parameters", {}).get("properties", {})
        req = (fdocs.get(name) or {}).get("parameters", {}).get("required", []) or []
        args = {}
        for p, allowed in params.items():
            v = choose(allowed, pick.get((ci, p), first_idx(allowed, p in req)))
            if v is OMIT:
                continue
            args[p] = py_value_from_choice(props.get(p), v)
        calls.append((name, args))
    return calls


def first_idx(allowed, required):
    """Index of the first allowed value; for a required param, the first one that is not ""."""
    if required and isinstance(allowed, list):
        for i, a in enumerate(allowed):
            if not (isinstance(a, str) and a == ""):
                return i
    return 0


# ----------------------------------------------------------------------------- Java / JS sources

JAVA_ELEM_TYPE = {"String": "String", "integer": "int", "long": "long", "char": "char", "any": "Object",
                  "double": "double", "float": "float", "boolean": "boolean", "short": "short", "byte": "byte"}


def java_scalar(t, v):
    """Java source for a ground-truth value of Java type t (as java_type_converter expects)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if t == "long" and isinstance(v, int):
        return f"{v}L"
    if t == "float" and isinstance(v, (int, float)):
        return f"{v}f"
    if t == "double" and isinstance(v, (int, float)):
        return repr(float(v))
    if isinstance(v, (int, float)):
        return repr(v)
    if v is None:
        return "null"
    return str(v)


def java_value_literal(v):
    """Source text parse_java_value turns into v."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if v is None:
        return "null"
    return repr(v)


def java_source(schema, v):
    t = schema.get("type")
    it = (schema.get("items") or {}).get("type")
    if t == "Array" and isinstance(v, list):
        et = JAVA_ELEM_TYPE.get(it, "Object")
        return f"new {et}[]{{" + ", ".join(java_scalar(it, x) if it != "String" else str(x) for x in v) + "}"
    if t == "ArrayList" and isinstance(v, list):
        if it == "String":
            el = ['"' + str(x) + '"' for x in v]
        elif it == "char":
            el = ["'" + str(x) + "'" for x in v]
        elif it:
            el = [java_scalar(it, x) for x in v]
        else:
            el = [java_value_literal(x) for x in v]
        if not el:
            return "new ArrayList<>()"
        return "new ArrayList<>(Arrays.asList(" + ", ".join(el) + "))"
    if t == "HashMap" and isinstance(v, dict):
        d = render_dict_option(v)
        if not d:
            return "new HashMap<>()"
        puts = " ".join(f'put("{k}", {java_value_literal(x)});' for k, x in d.items())
        return "new HashMap<String, Object>() {{ " + puts + " }}"
    return java_scalar(t, v)


def js_literal(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(js_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f'"{k}": {js_literal(x)}' for k, x in v.items()) + "}"
    if v is None:
        return "null"
    return repr(v)


def js_source(schema, v):
    t = schema.get("type")
    it = (schema.get("items") or {}).get("type")
    if t == "String":
        return '"' + str(v) + '"' if isinstance(v, str) else js_literal(v)
    if t == "Bigint" and isinstance(v, int) and not isinstance(v, bool):
        return f"{v}n"
    if t == "array" and isinstance(v, list):
        if it == "Bigint":
            return "[" + ", ".join(f"{x}n" for x in v) + "]"
        return "[" + ", ".join(js_literal(x) for x in v) + "]"
    if t == "dict" and isinstance(v, dict):
        d = render_dict_option(v)
        return "{" + ", ".join(f'"{k}": {js_literal(x)}' for k, x in d.items()) + "}" if d else "{}"
    if isinstance(v, str):
        return v
    return js_literal(v)


def gt_calls_src(gt, fdocs, lang, pick=None):
    pick = pick or {}
    calls = []
    for ci, call in enumerate(gt):
        (name, params), = call.items()
        props = (fdocs.get(name) or {}).get("parameters", {}).get("properties", {})
        req = (fdocs.get(name) or {}).get("parameters", {}).get("required", []) or []
        args = {}
        for p, allowed in params.items():
            v = choose(allowed, pick.get((ci, p), first_idx(allowed, p in req)))
            if v is OMIT:
                continue
            schema = props.get(p) or {"type": "String" if lang == "java" else "String"}
            args[p] = java_source(schema, v) if lang == "java" else js_source(schema, v)
        calls.append((name, args))
    return calls


def java_variants(schema, src, v):
    """Alternative Java sources (some accepted by BFCL, some not) + non-string JSON values."""
    t = schema.get("type")
    it = (schema.get("items") or {}).get("type")
    out = []
    if t in ("integer", "short", "byte") and isinstance(v, int) and not isinstance(v, bool):
        out += [f"{v}L", f"{v}.0", f" {v}", f"+{v}", f"{v}f", f"({v})", f"0{v}", str(v + 1), v, f"{v:_}" if abs(v) >= 1000 else f"-{v}"]
    elif t == "long" and isinstance(v, int):
        out += [f"{v}l", str(v), f"{v}.0L", f"{v + 1}L", v, f"{v}LL"]
    elif t == "double" and isinstance(v, (int, float)):
        out += [f"{v}d", f"{v}f", f"{v}D", f"{float(v)}e0", f"{float(v)}E+0", str(int(v)), f"{v + 1.0}", float(v), f".{int(v)}", f"{float(v)}0"]
    elif t == "float" and isinstance(v, (int, float)):
        out += [f"{v}F", repr(v), f"{float(v)}f", f"{float(v)}e1f", f"{v + 1}f", float(v)]
    elif t == "boolean" and isinstance(v, bool):
        out += ["True", "TRUE", "1", "false" if v else "true", v, " true", "Boolean.TRUE"]
    elif t in ("String", "any", "char"):
        s = src
        out += ['"' + s + '"', s.upper(), s.lower(), s + " ", s.replace(" ", ""), s + "x", "", "'" + s + "'", s + ".", "null"]
        if s.isdigit():
            out.append(int(s))
    elif t == "Array":
        et = JAVA_ELEM_TYPE.get(it, "Object")
        inner = src[src.find("{") + 1:src.rfind("}")] if "{" in src else ""
        els = [x.strip() for x in inner.split(",") if x.strip()]
        out += [
            f"new {et}[] {{ " + ", ".join(els) + " }",
            "{" + ", ".join(els) + "}",
            "[" + ", ".join(els) + "]",
            f"new {et}[]{{" + ",".join(els) + "}",
            f"new {et}[]{{" + ", ".join('"' + e + '"' for e in els) + "}",
            f"new {et}[]{{" + ", ".join(reversed(els)) + "}",
            f"new {et}[]{{}}",
            f"new {et}[]{{" + ", ".join(els[:-1]) + "}",
            "Arrays.asList(" + ", ".join(els) + ")",
            f"new {et}[{len(els)}]",
            json.loads(json.dumps(v)) if isinstance(v, list) else [],
            f"new {et}[][]{{{{" + ", ".join(els) + "}}",
            "  " + src,
        ]
    elif t == "ArrayList":
        inner = src[src.find("asList(") + 7:src.rfind("))")] if "asList(" in src else ""
        els = [x.strip() for x in inner.split(",") if x.strip()]
        out += [
            "new ArrayList<String>() {{ " + " ".join(f"add({e});" for e in els) + " }}",
            "new ArrayList<>()",
            "Arrays.asList(" + ", ".join(els) + ")",
            "List.of(" + ", ".join(els) + ")",
            "new ArrayList<>(Arrays.asList(" + ", ".join(reversed(els)) + "))",
            "new ArrayList<>(Arrays.asList(" + ",".join(els) + "))",
            "new ArrayList<Object>(Arrays.asList(" + ", ".join(els) + "))",
            "new ArrayList<>(Arrays.asList(" + ", ".join(e.strip('"') for e in els) + "))",
            "new ArrayList<>(List.of(" + ", ".join(els) + "))",
            "[" + ", ".join(els) + "]",
            v if isinstance(v, list) else [],
            "new ArrayList<>(Arrays.asList(" + ", ".join(els) + "))  ",
        ]
    elif t == "HashMap":
        d = render_dict_option(v) if isinstance(v, dict) else {}
        items = list(d.items())
        out += [
            "new HashMap<>() {{ " + " ".join(f'put("{k}", {java_value_literal(x)});' for k, x in items) + " }}",
            "new HashMap<String, Object>(){{" + "".join(f'put("{k}",{java_value_literal(x)});' for k, x in items) + "}}",
            "new HashMap<String, Object>() {{\n    " + "\n    ".join(f'put("{k}", {java_value_literal(x)});' for k, x in items) + "\n}}",
            "new HashMap<>()",
            "new HashMap<String, String>() {}",
            "Map.of(" + ", ".join(f'"{k}", {java_value_literal(x)}' for k, x in items) + ")",
            "{" + ", ".join(f'"{k}": {java_value_literal(x)}' for k, x in items) + "}",
            "new HashMap<String, Object>() {{ " + " ".join(f"put('{k}', {java_value_literal(x)});" for k, x in items) + " }}",
            "new HashMap<String, Object>() {{ " + " ".join(f'put("{k}x", {java_value_literal(x)});' for k, x in items) + " }}",
            "new HashMap<String, Object>() {{ " + " ".join(f'put("{k}", {java_value_literal(x)});' for k, x in items[:-1]) + " }}",
            "new HashMap<String, Object>() {{ " + " ".join(f'put("{k}", "{x}");' for k, x in items) + " }}",
            d,
        ]
    else:
        out += [src + " ", '"' + str(src) + '"']
    return out


def js_variants(schema, src, v):
    t = schema.get("type")
    it = (schema.get("items") or {}).get("type")
    out = []
    if t == "String":
        s = v if isinstance(v, str) else src
        out += [s, "'" + s + "'", '"' + s.upper() + '"', "`" + s + "`", '"' + s + ' "', '"' + s, s + '"', '""', "'" + s + '"', "null"]
    elif t == "integer" and isinstance(v, int) and not isinstance(v, bool):
        out += [f"{v}.0", f"{v}n", v, f" {v}", f"+{v}", str(v + 1), f"0x{v:x}" if v >= 0 else f"-{-v}", f"{v}e0"]
    elif t == "float" and isinstance(v, (int, float)):
        out += [str(int(v)) if float(v).is_integer() else f"{v}0", f"{float(v)}0", f"{float(v)}e0", float(v), f"{float(v) + 1}", f".{str(float(v)).split('.')[-1]}", f"{float(v)}f", f"-{float(v)}"]
    elif t == "Bigint" and isinstance(v, int):
        out += [str(v), f"BigInt({v})", f"{v}N", v, f"{v + 1}n"]
    elif t == "Boolean" and isinstance(v, bool):
        out += ["True", "1", "false" if v else "true", v, " true", "!0"]
    elif t == "array":
        inner = src[1:-1] if src.startswith("[") else ""
        els = [x.strip() for x in inner.split(",") if x.strip()]
        out += [
            "new Array(" + ", ".join(els) + ")",
            "[]",
            "[" + ", ".join(reversed(els)) + "]",
            "[" + ",".join(els) + "]",
            "[" + ", ".join(e.replace('"', "'") for e in els) + "]",
            "[" + ", ".join(e.strip('"') for e in els) + "]",
            "[[" + ", ".join(els) + "]]",
            "[ " + ", ".join(els) + " ]",
            "  " + src,
            v if isinstance(v, list) else [],
            "[" + ", ".join(els + els[:1]) + "]",
            "Array.of(" + ", ".join(els) + ")",
        ]
    elif t == "dict":
        d = render_dict_option(v) if isinstance(v, dict) else {}
        items = list(d.items())
        out += [
            "{" + ", ".join(f"{k}: {js_literal(x)}" for k, x in items) + "}",
            "{" + ", ".join(f"'{k}': {js_literal(x).replace(chr(34), chr(39))}" for k, x in items) + "}",
            "{}",
            "{" + ", ".join(f'"{k}": {js_literal(x)}' for k, x in items[:-1]) + "}",
            "{" + ", ".join(f'"{k}x": {js_literal(x)}' for k, x in items) + "}",
            "{ " + ", ".join(f'"{k}": {js_literal(x)}' for k, x in items) + " }",
            "{" + ",".join(f'"{k}":{js_literal(x)}' for k, x in items) + "}",
            d,
            "new Map()",
            "{" + ", ".join(f'"{k}": {js_literal(x)}' for k, x in items) + ", }",
        ]
    else:
        out += ['"' + str(src) + '"', str(src).upper(), str(src) + " ", "'" + str(src) + "'"]
    return out


# ----------------------------------------------------------------------------- python value mutations

def value_mutations(v, schema, prompt):
    """[(tag, new_value)] for one Python value. Raw values only when prompt."""
    out = []
    if isinstance(v, bool):
        out += [("bool_not", not v), ("bool_int", int(v)), ("bool_str", str(v)), ("bool_strlow", str(v).lower()), ("bool_none", None), ("bool_float", float(v))]
        if prompt:
            out += [("raw_not", Raw(f"not {not v}")), ("raw_paren", Raw(f"({v})"))]
    elif isinstance(v, int):
        out += [("int_inc", v + 1), ("int_float", float(v)), ("int_str", str(v)), ("int_neg", -v if v else -1), ("int_bool", bool(v)), ("int_big", v + 10 ** 20), ("int_list", [v]), ("int_none", None)]
        if prompt:
            out += [("raw_binop", Raw(f"{v - 1} + 1")), ("raw_uadd", Raw(f"+{v}")), ("raw_paren", Raw(f"({v})")), ("raw_dotzero", Raw(f"{v}.0")), ("raw_mul", Raw(f"{v} * 1")),
                    ("raw_underscore", Raw(f"{v:_}")), ("raw_complex", Raw(f"{v}j")), ("raw_floordiv", Raw(f"{v * 2} // 2")), ("raw_truediv", Raw(f"{v * 2} / 2")),
                    ("raw_pow", Raw(f"{v} ** 1")), ("raw_negneg", Raw(f"-(-{v})")), ("raw_name", Raw("n_value")), ("raw_call", Raw(f"int({v})")), ("raw_sub", Raw(f"vals[{v}]"))]
            if v >= 0:
                out += [("raw_hex", Raw(hex(v))), ("raw_octal", Raw(oct(v)))]
            if v < 0:
                out += [("raw_negspace", Raw(f"- {-v}"))]
    elif isinstance(v, float):
        out += [("f_inc", v + 1.5), ("f_str", repr(v)), ("f_neg", -v if v else -1.0), ("f_round", round(v, 1) + 0.01), ("f_list", [v]), ("f_nan", float("nan")), ("f_inf", float("inf")), ("f_bool", True)]
        if v.is_integer():
            out += [("f_int", int(v)), ("f_int_inc", int(v) + 1)]
        else:
            out += [("f_trunc", int(v))]
        if prompt:
            out += [("raw_exp", Raw(f"{v!r}e0")), ("raw_zero", Raw(f"{v!r}0")), ("raw_add", Raw(f"{v!r} + 0")), ("raw_div", Raw(f"{v * 2!r} / 2")), ("raw_uneg", Raw(f"-{-v!r}") if v < 0 else Raw(f"-{v!r}")),
                    ("raw_name", Raw("x_value")), ("raw_floatcall", Raw(f"float({v!r})")), ("raw_uadd", Raw(f"+{v!r}"))]
    elif isinstance(v, str):
        out += [("s_upper", v.upper()), ("s_lower", v.lower()), ("s_title", v.title()), ("s_nospace", v.replace(" ", "")), ("s_punct", v + "."), ("s_dash", v.replace(" ", "-")),
                ("s_under", v.replace(" ", "_")), ("s_star", "*" + v + "^"), ("s_squote", "'" + v + "'"), ("s_dquote", '"' + v + '"'), ("s_extra", v + "x"), ("s_empty", ""),
                ("s_trunc", v[:-1]), ("s_lead_ws", " " + v), ("s_tab", v + "\t"), ("s_nbsp", v + "\u00a0"), ("s_none", None), ("s_list", [v]), ("s_colon", v + ":"),
                ("s_slash", v.replace(" ", "/")), ("s_comma", v.replace(" ", ", ")), ("s_backslash", v + "\\"), ("s_nl", v + "\n")]
        if "'" in v:
            out.append(("s_q2dq", v.replace("'", '"')))
        if v.strip().lstrip("-").isdigit():
            out.append(("s_int", int(v)))
        try:
            out.append(("s_float", float(v)))
        except ValueError:
            pass
        if prompt:
            out += [("raw_concat", Raw(f"{v[:1]!r} {v[1:]!r}")), ("raw_plus", Raw(f"{v[:1]!r} + {v[1:]!r}")), ("raw_mul", Raw(f"{v!r} * 2")), ("raw_fstring", Raw("f" + repr(v))),
                    ("raw_bytes", Raw("b" + repr(v.encode("ascii", "ignore").decode()))), ("raw_rstring", Raw("r" + repr(v))), ("raw_triple", Raw('"""' + v.replace('"', "'").replace("\\", "") + '"""'))]
            if v.isidentifier():
                out += [("raw_name", Raw(v))]
            out += [("raw_attr", Raw("obj.attr")), ("raw_subscript", Raw("data['k']")), ("raw_call_noargs", Raw("get_value()")), ("raw_call_kw", Raw("get_value(k=1)")),
                    ("raw_call_pos", Raw("get_value(1, 'a')")), ("raw_lambda", Raw("lambda x: x")), ("raw_set", Raw("{1, 2}")), ("raw_listcomp", Raw("[x for x in y]")),
                    ("raw_ellipsis", Raw("...")), ("raw_starred_dict", Raw("{**d}")), ("raw_compare", Raw("1 < 2")), ("raw_boolop", Raw("a or b")), ("raw_ifexp", Raw("a if b else c")),
                    ("raw_slice", Raw("s[1:2]")), ("raw_attr_call", Raw("os.getcwd()")), ("raw_await", Raw("(yield)"))]
    elif isinstance(v, list):
        out += [("l_rev", list(reversed(v))), ("l_empty", []), ("l_nested", [v]), ("l_none", None), ("l_str", str(v)), ("l_json", json.dumps(jsonable(v)))]
        if v:
            out += [("l_dup", v + v[:1]), ("l_drop", v[:-1])]
            if all(isinstance(x, int) and not isinstance(x, bool) for x in v):
                out += [("l_elem_float", [float(x) for x in v]), ("l_elem_str", [str(x) for x in v]), ("l_elem_bool", [bool(x) for x in v]), ("l_first_float", [float(v[0])] + v[1:])]
            if all(isinstance(x, float) for x in v):
                out += [("l_elem_int", [int(x) for x in v]), ("l_elem_str", [repr(x) for x in v])]
            if all(isinstance(x, str) for x in v):
                out += [("l_elem_upper", [x.upper() for x in v]), ("l_elem_punct", [x + "." for x in v]), ("l_elem_int", [len(x) for x in v]), ("l_elem_none", [None for _ in v]),
                        ("l_elem_quote", ["'" + x + "'" for x in v])]
            if all(isinstance(x, dict) for x in v):
                d0 = dict(v[0])
                if d0:
                    k0 = next(iter(d0))
                    out += [("ld_drop_key", [{k: x for k, x in d0.items() if k != k0}] + v[1:]), ("ld_extra_key", [dict(d0, zz=1)] + v[1:]),
                            ("ld_upper_val", [{k: (x.upper() if isinstance(x, str) else x) for k, x in d0.items()}] + v[1:])]
                out += [("ld_elem_str", [json.dumps(jsonable(x)) for x in v])]
            if all(isinstance(x, list) for x in v):
                out += [("ll_flat", [y for x in v for y in x]), ("ll_inner_tuple_like", [list(reversed(x)) for x in v])]
            if prompt:
                out += [("raw_tuple", tuple(v)), ("raw_tuple_elems", Raw("[" + ", ".join(f"({pyrepr(x)},)" for x in v) + "]"))]
        elif prompt:
            out += [("raw_tuple", tuple())]
    elif isinstance(v, dict):
        out += [("d_empty", {}), ("d_extra", dict(v, zz_extra=1)), ("d_list", [v]), ("d_str", json.dumps(jsonable(v))), ("d_none", None)]
        if v:
            k0 = next(iter(v))
            out += [("d_drop", {k: x for k, x in v.items() if k != k0}), ("d_rename", {(k + "_x" if k == k0 else k): x for k, x in v.items()}),
                    ("d_upperkey", {(k.upper() if k == k0 else k): x for k, x in v.items()})]
            x0 = v[k0]
            if isinstance(x0, str):
                out += [("d_val_upper", dict(v, **{k0: x0.upper()})), ("d_val_extra", dict(v, **{k0: x0 + "x"})), ("d_val_punct", dict(v, **{k0: x0 + "."}))]
            elif isinstance(x0, bool):
                out += [("d_val_not", dict(v, **{k0: not x0}))]
            elif isinstance(x0, (int, float)):
                out += [("d_val_inc", dict(v, **{k0: x0 + 1})), ("d_val_float", dict(v, **{k0: float(x0)})), ("d_val_str", dict(v, **{k0: str(x0)}))]
            elif isinstance(x0, list):
                out += [("d_val_rev", dict(v, **{k0: list(reversed(x0))})), ("d_val_tuple", dict(v, **{k0: tuple(x0)}))]
        if prompt:
            out += [("raw_dict_call", Raw("dict(a=1)")), ("raw_dict_intkey", Raw("{1: 'a'}")), ("raw_dict_star", Raw("{**base, 'a': 1}"))]
    elif v is None:
        out += [("n_str", "None"), ("n_zero", 0), ("n_empty", ""), ("n_false", False), ("n_null", "null")]
    if not prompt:
        out = [(t, x) for t, x in out if not _has_raw(x)]
    return out


def _has_raw(x):
    if isinstance(x, Raw):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_raw(y) for y in x)
    if isinstance(x, dict):
        return any(_has_raw(y) for y in x.values())
    return False


def dummy_value(schema):
    t = (schema or {}).get("type")
    return {"string": "x", "integer": 1, "float": 1.5, "number": 1.5, "boolean": True, "array": ["x"], "tuple": [1, 2],
            "dict": {"k": "v"}, "any": "x", "String": "x", "Boolean": "true", "Bigint": "1n", "long": "1L",
            "double": "1.0", "char": "c", "Array": "new String[]{x}", "ArrayList": "new ArrayList<>()",
            "HashMap": "new HashMap<>()"}.get(t, "x")


def dummy_call(fdoc, with_optional=False):
    props = fdoc.get("parameters", {}).get("properties", {})
    req = fdoc.get("parameters", {}).get("required", []) or []
    args = {}
    for p, s in props.items():
        if p in req or with_optional:
            args[p] = dummy_value(s)
    return (fdoc["name"], args)


# ----------------------------------------------------------------------------- text-level variants

def prompt_text_variants(s, calls):
    inner = s[1:-1] if s.startswith("[") and s.endswith("]") else s
    v = [
        ("prose_before", "Sure, here you go: " + s),
        ("prose_after", s + "\nLet me know if you need anything else."),
        ("fence", "```\n" + s + "\n```"),
        ("fence_python", "```python\n" + s + "\n```"),
        ("fence_tool_code", "```tool_code\n" + s + "\n```"),
        ("ws_lead", "  \n\t" + s),
        ("ws_trail", s + " \n\n  "),
        ("ws_lead_nl", "\n\n" + s),
        ("quote_single", "'" + s + "'"),
        ("quote_double", '"' + s + '"'),
        ("quote_single_inner", "['" + inner + "']"),
        ("backticks", "`" + s + "`"),
        ("think", "<think>I should call the tool.</think>\n" + s),
        ("think_brackets", "<think>[maybe]</think>" + s),
        ("no_brackets", inner),
        ("newline_sep", "[" + inner.replace("), ", "),\n") + "]"),
        ("trailing_comma", "[" + inner + ",]"),
        ("double_brackets", "[" + s + "]"),
        ("open_only", "[" + inner),
        ("close_only", inner + "]"),
        ("semicolon_sep", "[" + inner.replace("), ", "); ") + "]"),
        ("crlf", s.replace(", ", ",\r\n")),
        ("tab_ws", "\t" + s + "\t"),
        ("tool_call_tag", "<TOOLCALL>" + s + "</TOOLCALL>"),
        ("python_tag", "<|python_tag|>" + s),
        ("tuple_list", "(" + inner + ",)"),
        ("set_list", "{" + inner + "}"),
        ("paren_list", "(" + inner + ")"),
        ("unicode_ws", "\u00a0" + s),
        ("bom", "\ufeff" + s),
        ("comment", s + "  # done"),
        ("trailing_backtick_nl", "`\n" + s + "\n`"),
    ]
    if calls:
        name, args = calls[0]
        if args:
            k0 = next(iter(args))
            pos = ", ".join([pyrepr(args[k0])] + [f"{k}={pyrepr(x)}" for k, x in args.items() if k != k0])
            v.append(("positional_first", f"[{name}({pos})]"))
            v.append(("kwargs_all", f"[{name}(**{pyrepr(dict(args))})]"))
            v.append(("kwargs_extra", f"[{name}({', '.join(f'{k}={pyrepr(x)}' for k, x in args.items())}, **extra)]"))
            v.append(("starargs", f"[{name}(*args, {', '.join(f'{k}={pyrepr(x)}' for k, x in args.items())})]"))
            v.append(("dup_kw", f"[{name}({', '.join(f'{k}={pyrepr(x)}' for k, x in args.items())}, {k0}={pyrepr(args[k0])})]"))
        v.append(("call_on_call", f"[{name}()()]"))
        v.append(("subscript_name", f"[tools[0]({', '.join(f'{k}={pyrepr(x)}' for k, x in args.items())})]"))
        v.append(("attr_on_call", f"[get().{name.split('.')[-1]}({', '.join(f'{k}={pyrepr(x)}' for k, x in args.items())})]"))
        v.append(("bare_name", f"[{name}]"))
        v.append(("await_call", f"[await {name}()]"))
        v.append(("dq_strings", render_prompt_calls(calls, dq=True)))
        v.append(("no_space", s.replace(", ", ",").replace("=", "=")))
        v.append(("space_eq", s.replace("=", " = ")))
    return v


def json_text_variants(s, calls):
    obj = json.loads(s)
    v = [
        ("prose_before", "Here are the calls: " + s),
        ("prose_after", s + "\nDone."),
        ("prose_brackets_before", "Options [a] and [b]: " + s),
        ("fence_json", "```json\n" + s + "\n```"),
        ("fence", "```\n" + s + "\n```"),
        ("indent", json.dumps(obj, indent=2)),
        ("no_ascii_escape", json.dumps(obj, ensure_ascii=False)),
        ("single_obj", json.dumps(obj[0]) if obj else "{}"),
        ("nested_array", "[" + s + "]"),
        ("two_arrays", s + "\n" + s),
        ("trailing_comma", s[:-1] + ",]" if s.endswith("]") else s),
        ("python_literal", pyrepr(obj)),
        ("name_key", json.dumps([{"name": o["function"], "parameters": o["parameters"]} for o in obj])),
        ("arguments_key", json.dumps([{"function": o["function"], "arguments": o["parameters"]} for o in obj])),
        ("missing_parameters", json.dumps([{"function": o["function"]} for o in obj])),
        ("params_string", json.dumps([{"function": o["function"], "parameters": json.dumps(o["parameters"])} for o in obj])),
        ("params_list", json.dumps([{"function": o["function"], "parameters": [o["parameters"]]} for o in obj])),
        ("params_null", json.dumps([{"function": o["function"], "parameters": None} for o in obj])),
        ("func_list", json.dumps([{"function": [o["function"]], "parameters": o["parameters"]} for o in obj])),
        ("func_int", json.dumps([{"function": 1, "parameters": o["parameters"]} for o in obj])),
        ("non_dict_item", json.dumps(["x"] + obj)),
        ("number_item", json.dumps([1] + obj)),
        ("extra_key", json.dumps([dict(o, id="c1") for o in obj])),
        ("think", "<think>[plan]</think>\n" + s),
        ("wrapped_obj", json.dumps({"tool_calls": obj})),
        ("wrapped_obj_text", "Result: " + json.dumps({"calls": obj})),
        ("string_array", json.dumps([json.dumps(o) for o in obj])),
        ("empty_array", "[]"),
        ("empty_obj_array", "[{}]"),
        ("nan_value", s.replace('"parameters": {', '"parameters": {"zz": NaN, ', 1)),
        ("ws_lead", "   \n" + s),
        ("backticks_only", "`" + s + "`"),
        ("unclosed", s[:-1]),
        ("prose_only", "I cannot help with that."),
        ("bracket_in_string", json.dumps(obj).replace("[", "[ ", 1)),
    ]
    return v


def hermes_text_variants(s, calls):
    blocks = s.split("\n<tool_call>") if s else []
    v = [
        ("prose_before", "I'll call the tool.\n" + s),
        ("prose_after", s + "\nDone."),
        ("think", "<think>\nreasoning\n</think>\n\n" + s),
        ("no_newline_open", s.replace("<tool_call>\n", "<tool_call>")),
        ("no_newline_close", s.replace("\n</tool_call>", "</tool_call>")),
        ("space_open", s.replace("<tool_call>\n", "<tool_call> \n")),
        ("crlf", s.replace("\n", "\r\n")),
        ("no_sep", s.replace("</tool_call>\n<tool_call>", "</tool_call><tool_call>")),
        ("double_sep", s.replace("</tool_call>\n<tool_call>", "</tool_call>\n\n<tool_call>")),
        ("unclosed_last", s[: -len("\n</tool_call>")] if s.endswith("\n</tool_call>") else s),
        ("python_dict", s.replace('"', "'")),
        ("fence", "```\n" + s + "\n```"),
        ("extra_newlines_inside", s.replace("<tool_call>\n", "<tool_call>\n\n")),
        ("upper_tag", s.replace("tool_call", "TOOL_CALL")),
        ("empty_block", "<tool_call>\n\n</tool_call>\n" + s),
        ("broken_block_first", "<tool_call>\n{\"name\": \"f\", \"arguments\": {\n</tool_call>\n" + s),
        ("array_block", "<tool_call>\n[1, 2]\n</tool_call>\n" + s),
        ("string_block", "<tool_call>\n\"text\"\n</tool_call>\n" + s),
        ("number_block", "<tool_call>\n42\n</tool_call>"),
        ("null_block", "<tool_call>\nnull\n</tool_call>"),
        ("nested_tag", "<tool_call>\n" + s + "\n</tool_call>"),
        ("plain_json", "\n".join(b.replace("<tool_call>\n", "").replace("\n</tool_call>", "") for b in [s])),
        ("empty", ""),
        ("prose_only", "I can't do that."),
        ("tool_response_tag", s.replace("tool_call", "tool_response")),
        ("multiline_json", s.replace(", ", ",\n")),
        ("nan_token", "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": NaN}}\n</tool_call>"),
        ("dup_keys", s.replace('{"name": ', '{"name": "zzz", "name": ', 1)),
        ("trailing_comma_json", s.replace("}}\n</tool_call>", "},}\n</tool_call>", 1)),
        ("bom", "\ufeff" + s),
    ]
    return v


def openai_variants(out, calls):
    v = [
        ("as_string", json.dumps(out)),
        ("as_string_ws", "  " + json.dumps(out, indent=1) + "\n"),
        ("name_arguments_items", [{"name": c["function"]["name"], "arguments": c["function"]["arguments"]} for c in out]),
        ("bfcl_shape_items", [{c["function"]["name"]: c["function"]["arguments"]} for c in out]),
        ("no_id_type", [{"function": c["function"]} for c in out]),
        ("args_dict", [{"function": {"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])}} for c in out]),
        ("args_missing", [{"function": {"name": c["function"]["name"]}} for c in out]),
        ("args_null", [{"function": {"name": c["function"]["name"], "arguments": None}} for c in out]),
        ("args_empty_str", [{"function": {"name": c["function"]["name"], "arguments": ""}} for c in out]),
        ("args_empty_obj", [{"function": {"name": c["function"]["name"], "arguments": "{}"}} for c in out]),
        ("args_number", [{"function": {"name": c["function"]["name"], "arguments": "5"}} for c in out]),
        ("args_array", [{"function": {"name": c["function"]["name"], "arguments": "[]"}} for c in out]),
        ("args_jsonnull", [{"function": {"name": c["function"]["name"], "arguments": "null"}} for c in out]),
        ("args_string", [{"function": {"name": c["function"]["name"], "arguments": "\"x\""}} for c in out]),
        ("args_truncated", [{"function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"][:-1]}} for c in out]),
        ("args_python_literal", [{"function": {"name": c["function"]["name"], "arguments": pyrepr(json.loads(c["function"]["arguments"]))}} for c in out]),
        ("args_ws", [{"function": {"name": c["function"]["name"], "arguments": "\n " + c["function"]["arguments"] + " \n"}} for c in out]),
        ("args_double_encoded", [{"function": {"name": c["function"]["name"], "arguments": json.dumps(c["function"]["arguments"])}} for c in out]),
        ("args_trailing_text", [{"function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"] + " extra"}} for c in out]),
        ("args_dup_key", [{"function": {"name": c["function"]["name"], "arguments": _dup_first_key(c["function"]["arguments"])}} for c in out]),
        ("args_unicode_escape", [{"function": {"name": c["function"]["name"], "arguments": json.dumps(json.loads(c["function"]["arguments"]), ensure_ascii=False)}} for c in out]),
        ("name_missing", [{"function": {"arguments": c["function"]["arguments"]}} for c in out]),
        ("name_null", [{"function": {"name": None, "arguments": c["function"]["arguments"]}} for c in out]),
        ("item_empty", [{}] + out),
        ("item_string", ["call"] + out),
        ("item_number", [1] + out),
        ("item_list", [[c] for c in out]),
        ("function_string", [{"function": c["function"]["name"], "arguments": c["function"]["arguments"]} for c in out]),
        ("empty_list", []),
        ("empty_list_string", "[]"),
        ("empty_string", ""),
        ("text_answer", "I'm sorry, I can't do that."),
        ("text_bracket", "[Note] no tools needed"),
        ("broken_json_string", json.dumps(out)[:-2]),
        ("dup_calls", out + out),
        ("args_nan", [{"function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"].replace("}", ", \"zz\": NaN}", 1) if c["function"]["arguments"] != "{}" else "{\"zz\": NaN}"}} for c in out]),
        ("args_bigexp", [{"function": {"name": c["function"]["name"], "arguments": "{\"x\": 1e400}"}} for c in out]),
        ("args_control_char", [{"function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"].replace("\"", "\"\t", 1)}} for c in out]),
        ("args_lone_surrogate", [{"function": {"name": c["function"]["name"], "arguments": "{\"x\": \"\\ud800\"}"}} for c in out]),
        ("args_infinity", [{"function": {"name": c["function"]["name"], "arguments": "{\"x\": -Infinity}"}} for c in out]),
        ("args_bom", [{"function": {"name": c["function"]["name"], "arguments": "\ufeff" + c["function"]["arguments"]}} for c in out]),
        ("object_not_list_string", json.dumps(out[0]) if out else "{}"),
    ]
    return v


def _dup_first_key(argjson):
    d = json.loads(argjson)
    if not d:
        return argjson
    k = next(iter(d))
    return "{" + json.dumps(k) + ": \"zz_dup\", " + argjson[1:]


# ----------------------------------------------------------------------------- case assembly

class Emitter:
    def __init__(self, out):
        self.out = out
        self.n = 0
        self.skipped = 0
        self.seen = set()

    def emit(self, cid, cat, functions, pa, mo, mode):
        if cid in self.seen:
            i = 2
            while f"{cid}#{i}" in self.seen:
                i += 1
            cid = f"{cid}#{i}"
        if mo is None or (mode != "openai" and not isinstance(mo, str)) or (mode == "openai" and not isinstance(mo, (str, list))):
            self.skipped += 1  # not a valid harness input (advfc rejects the line)
            return
        try:
            line = json.dumps({"id": cid, "category": cat, "functions": functions, "possible_answer": pa,
                               "model_output": mo, "mode": mode}, allow_nan=False)
        except ValueError:
            self.skipped += 1  # NaN/Infinity outside a string: not JSON
            return
        self.seen.add(cid)
        self.out.write(line + "\n")
        self.n += 1


def safe_render(calls, mode, **kw):
    try:
        return render(calls, mode, **kw)
    except NotJson:
        return None


def truncations(s, rng, k):
    if not isinstance(s, str) or len(s) < 2:
        return []
    n = len(s)
    step = max(1, n // k)
    pos = sorted(set(list(range(1, n, step)) + [rng.randrange(1, n) for _ in range(2)] + [n - 1]))
    return [(f"trunc{p}", s[:p]) for p in pos]


CAPS_FULL = {"alt": 3, "struct": 7, "value": 9, "text": 7, "trunc": 3, "fuzz": 6}
CAPS_V3 = {"alt": 1, "struct": 1, "value": 2, "text": 1, "trunc": 1, "fuzz": 1}

FUZZ_CHARS = list("[](){},:;='\"\\ \n\t\r.-+*/_^#`<>!?@$%&|~0123456789eEjLlnxabcTFN") + ["\u00a0", "\u2028", "\ufeff", "é", "Σ", "١", "ﬁ", "\x00", "\x1f", "\x85"]


def char_fuzz(s, rng):
    """1-3 random insert/delete/replace/duplicate edits."""
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        i = rng.randrange(len(s) + 1) if s else 0
        if op < 0.35 or not s:
            s.insert(i, rng.choice(FUZZ_CHARS))
        elif op < 0.6:
            del s[min(i, len(s) - 1)]
        elif op < 0.85:
            s[min(i, len(s) - 1)] = rng.choice(FUZZ_CHARS)
        else:
            j = min(i, len(s) - 1)
            s.insert(j, s[j])
    return "".join(s)


def capped(rng, items, n):
    return items if len(items) <= n else rng.sample(items, n)


def gen_python_entry(em, ver, cat, q, pa, rng, full):
    functions = q["function"]
    fdocs = {f["name"]: f for f in functions}
    gt = pa["ground_truth"]
    eid = q["id"]
    base_calls = gt_calls_python(gt, fdocs)
    caps = CAPS_FULL if full else CAPS_V3

    for mode in MODES:
        prompt = mode == "prompt"
        alt, struct, value = [], [], []  # (tag, calls)
        for ci, call in enumerate(gt):
            (name, params), = call.items()
            for p, allowed in params.items():
                if not isinstance(allowed, list):
                    continue
                for j in range(1, min(len(allowed), 3)):
                    alt.append((f"alt:{ci}:{p}:{j}", gt_calls_python(gt, fdocs, {(ci, p): j})))
                if allowed and isinstance(allowed[0], str) and allowed[0] == "" and len(allowed) == 1:
                    pass
        for ci, (name, args) in enumerate(base_calls):
            fdoc = fdocs.get(name) or {}
            props = fdoc.get("parameters", {}).get("properties", {})
            req = fdoc.get("parameters", {}).get("required", []) or []
            gparams = list(gt[ci].values())[0]

            def with_call(newcall, ci=ci):
                c = list(base_calls)
                c[ci] = newcall
                return c

            for p in list(args):
                kind = "drop_req" if p in req else "drop_opt"
                struct.append((f"{kind}:{ci}:{p}", with_call((name, {k: x for k, x in args.items() if k != p}))))
            struct.append((f"extra_unknown:{ci}", with_call((name, dict(args, zz_extra=1)))))
            for p, sch in props.items():
                if p not in gparams:
                    struct.append((f"extra_known:{ci}:{p}", with_call((name, dict(args, **{p: dummy_value(sch)})))))
                    break
            struct.append((f"empty_args:{ci}", with_call((name, {}))))
            struct.append((f"wrong_name:{ci}", with_call((name + "_v2", args))))
            struct.append((f"name_upper:{ci}", with_call((name.upper(), args))))
            if "." in name:
                struct.append((f"name_underscore:{ci}", with_call((name.replace(".", "_"), args))))
                struct.append((f"name_last:{ci}", with_call((name.split(".")[-1], args))))
            struct.append((f"args_reversed:{ci}", with_call((name, dict(reversed(list(args.items())))))))
            struct.append((f"dup_call:{ci}", base_calls[: ci + 1] + [(name, args)] + base_calls[ci + 1:]))
            if len(base_calls) > 1:
                struct.append((f"drop_call:{ci}", base_calls[:ci] + base_calls[ci + 1:]))
            for p, val in args.items():
                for tag, nv in value_mutations(val, props.get(p), prompt):
                    value.append((f"val:{ci}:{p}:{tag}", with_call((name, dict(args, **{p: nv})))))
        if len(base_calls) > 1:
            struct.append(("reorder_reverse", list(reversed(base_calls))))
            struct.append(("reorder_rotate", base_calls[1:] + base_calls[:1]))
            struct.append(("swap_args_between_calls", [(base_calls[0][0], base_calls[1][1])] + [(base_calls[1][0], base_calls[0][1])] + base_calls[2:]))
        struct.append(("no_calls", []))
        for f in functions:
            if f["name"] not in {c[0] for c in base_calls}:
                struct.append((f"other_func:{f['name']}", [dummy_call(f)]))
                break
        struct.append(("all_funcs_dummy", [dummy_call(f, True) for f in functions[:4]]))

        variants = [("base", base_calls)] + capped(rng, alt, caps["alt"]) + capped(rng, struct, caps["struct"]) + capped(rng, value, caps["value"])
        base_out = None
        for tag, calls in variants:
            mo = safe_render(calls, mode)
            if mo is None:
                continue
            if tag == "base":
                base_out = mo
            em.emit(f"{ver}:{eid}:{mode}:{tag}", cat, functions, gt, mo, mode)
        if base_out is None:
            continue
        # text-level variants of the base output
        if mode == "prompt":
            tv = prompt_text_variants(base_out, base_calls)
        elif mode == "json":
            tv = json_text_variants(base_out, base_calls)
        elif mode == "hermes":
            tv = hermes_text_variants(base_out, base_calls)
        else:
            tv = openai_variants(base_out, base_calls)
        for tag, mo in capped(rng, tv, caps["text"]):
            em.emit(f"{ver}:{eid}:{mode}:text:{tag}", cat, functions, gt, mo, mode)
        # truncations
        if mode == "openai":
            tr = [(f"json_{t}", m) for t, m in truncations(json.dumps(base_out), rng, 6)]
            if base_out:
                a = base_out[0]["function"]["arguments"]
                for tag, t in truncations(a, rng, 4):
                    tr.append((f"args_{tag}", [dict(base_out[0], function={"name": base_out[0]["function"]["name"], "arguments": t})] + base_out[1:]))
        else:
            tr = truncations(base_out, rng, 10)
        for tag, mo in capped(rng, tr, caps["trunc"]):
            em.emit(f"{ver}:{eid}:{mode}:{tag}", cat, functions, gt, mo, mode)
        # random character edits of the base output
        for k in range(caps["fuzz"]):
            target = json.dumps(base_out) if mode == "openai" else base_out
            em.emit(f"{ver}:{eid}:{mode}:fuzz{k}", cat, functions, gt, char_fuzz(target, rng), mode)


def gen_src_entry(em, ver, cat, q, pa, rng, full, lang):
    functions = q["function"]
    fdocs = {f["name"]: f for f in functions}
    gt = pa["ground_truth"]
    eid = q["id"]
    base_calls = gt_calls_src(gt, fdocs, lang)
    # raw Python ground-truth values (for the non-source mutations)
    py_calls = gt_calls_python(gt, fdocs)
    for mode in ["json", "hermes", "openai"]:
        variants = [("base", base_calls)]
        for ci, call in enumerate(gt):
            (name, params), = call.items()
            for p, allowed in params.items():
                if isinstance(allowed, list):
                    for j in range(1, min(len(allowed), 3)):
                        variants.append((f"alt:{ci}:{p}:{j}", gt_calls_src(gt, fdocs, lang, {(ci, p): j})))
        for ci, (name, args) in enumerate(base_calls):
            fdoc = fdocs.get(name) or {}
            props = fdoc.get("parameters", {}).get("properties", {})
            req = fdoc.get("parameters", {}).get("required", []) or []
            gparams = list(gt[ci].values())[0]

            def with_call(newcall, ci=ci):
                c = list(base_calls)
                c[ci] = newcall
                return c

            for p, src in args.items():
                schema = props.get(p) or {"type": "String"}
                raw_v = choose(gparams.get(p, [""]))
                vs = java_variants(schema, src, raw_v) if lang == "java" else js_variants(schema, src, raw_v)
                for k, nv in enumerate(vs):
                    variants.append((f"val:{ci}:{p}:v{k}", with_call((name, dict(args, **{p: nv})))))
                # the plain Python value (as a prompt-mode Python model would give)
                pv = py_calls[ci][1].get(p)
                if pv is not None:
                    variants.append((f"val:{ci}:{p}:pyvalue", with_call((name, dict(args, **{p: pv})))))
                variants.append((f"val:{ci}:{p}:pyrepr", with_call((name, dict(args, **{p: pyrepr(pv)})))))
                if p in req:
                    variants.append((f"drop_req:{ci}:{p}", with_call((name, {k: x for k, x in args.items() if k != p}))))
                else:
                    variants.append((f"drop_opt:{ci}:{p}", with_call((name, {k: x for k, x in args.items() if k != p}))))
            for p, s in props.items():
                if p not in gparams:
                    variants.append((f"extra_known:{ci}:{p}", with_call((name, dict(args, **{p: dummy_value(s)})))))
                    break
            variants.append((f"extra_unknown:{ci}", with_call((name, dict(args, zz_extra="1")))))
            variants.append((f"wrong_name:{ci}", with_call((name + "_v2", args))))
            if "." in name:
                variants.append((f"name_underscore:{ci}", with_call((name.replace(".", "_"), args))))
            variants.append((f"dup_call:{ci}", base_calls + [(name, args)]))
        variants.append(("no_calls", []))
        variants = variants[:1] + capped(rng, variants[1:], 40 if full else 6)
        base_out = None
        for tag, calls in variants:
            mo = safe_render(calls, mode)
            if mo is None:
                continue
            if tag == "base":
                base_out = mo
            em.emit(f"{ver}:{eid}:{mode}:{tag}", cat, functions, gt, mo, mode)
        if base_out is not None and full:
            if mode == "json":
                tv = json_text_variants(base_out, base_calls)
            elif mode == "hermes":
                tv = hermes_text_variants(base_out, base_calls)
            else:
                tv = openai_variants(base_out, base_calls)
            for tag, mo in rng.sample(tv, min(len(tv), 10)):
                em.emit(f"{ver}:{eid}:{mode}:text:{tag}", cat, functions, gt, mo, mode)
    # character-level fuzz of each Java/JS source value (json mode)
    for ci, (name, args) in enumerate(base_calls):
        for p, src in args.items():
            if not isinstance(src, str):
                continue
            for k in range(4 if full else 1):
                c = list(base_calls)
                c[ci] = (name, dict(args, **{p: char_fuzz(src, rng)}))
                em.emit(f"{ver}:{eid}:json:srcfuzz:{ci}:{p}:{k}", cat, functions, gt, render(c, "json"), "json")
    # a few prompt-mode cases (the oracle SKIPs these: no tree-sitter)
    s = "[" + ", ".join(f"{n}({', '.join(f'{k}={v}' for k, v in a.items())})" for n, a in base_calls) + "]"
    em.emit(f"{ver}:{eid}:prompt:base", cat, functions, gt, s, "prompt")


def gen_relevance_entry(em, ver, cat, q, rng, full):
    functions = q["function"]
    eid = q["id"]
    f0 = functions[0] if functions else {"name": "f", "parameters": {"properties": {}, "required": []}}
    calls_variants = [
        ("call_required", [dummy_call(f0)]),
        ("call_all", [dummy_call(f0, True)]),
        ("call_noargs", [(f0["name"], {})]),
        ("call_unknown_func", [("nonexistent_function", {"q": "x"})]),
        ("two_calls", [dummy_call(f) for f in functions[:2]] or [("f", {})]),
        ("no_calls", []),
    ]
    for mode in MODES:
        allv = [(tag, safe_render(calls, mode)) for tag, calls in calls_variants]
        extra = []
        if mode == "prompt":
            extra = [("prose", "I'm sorry, none of the functions can answer that."), ("empty", ""), ("empty_list", "[]"),
                     ("list_empty_call", "[{}]"), ("number", "42"), ("brackets_prose", "[I cannot help]"),
                     ("fenced_call", "```python\n" + render_prompt_calls([dummy_call(f0)]) + "\n```"),
                     ("bare_name", f"[{f0['name']}]"), ("none", "None"), ("string_lit", "'no call'"),
                     ("think_then_call", "<think>ok</think>" + render_prompt_calls([dummy_call(f0)])),
                     ("call_with_positional", f"[{f0['name']}(1)]"), ("nested_list", "[[]]"), ("dict_lit", "{'a': 1}")]
        elif mode == "json":
            extra = [("prose", "No function applies."), ("empty_list", "[]"), ("list_empty_obj", "[{}]"),
                     ("obj_no_list", json.dumps({"function": f0["name"], "parameters": {}})),
                     ("missing_params", json.dumps([{"function": f0["name"]}])), ("params_str", json.dumps([{"function": f0["name"], "parameters": "x"}])),
                     ("prose_brackets", "I considered [x] but no."), ("nested", "[[]]")]
        elif mode == "hermes":
            extra = [("prose", "No tool is relevant."), ("empty", ""), ("broken_block", "<tool_call>\n{bad json}\n</tool_call>"),
                     ("array_block", "<tool_call>\n[]\n</tool_call>"), ("no_args", "<tool_call>\n{\"name\": \"" + f0["name"] + "\"}\n</tool_call>"),
                     ("args_list", "<tool_call>\n{\"name\": \"" + f0["name"] + "\", \"arguments\": []}\n</tool_call>"),
                     ("empty_args", "<tool_call>\n{\"name\": \"" + f0["name"] + "\", \"arguments\": {}}\n</tool_call>"),
                     ("think_only", "<think>\nno tool\n</think>\n\nAnswer: 42")]
        else:
            extra = [("text", "Sorry, I can't help."), ("empty_string", ""), ("empty_list", []), ("empty_list_string", "[]"),
                     ("bad_args", [{"type": "function", "function": {"name": f0["name"], "arguments": "{bad"}}]),
                     ("args_array", [{"type": "function", "function": {"name": f0["name"], "arguments": "[]"}}]),
                     ("args_empty_obj", [{"type": "function", "function": {"name": f0["name"], "arguments": "{}"}}]),
                     ("item_empty", [{}]), ("args_dict", [{"function": {"name": f0["name"], "arguments": {}}}])]
        allv += extra
        for tag, mo in capped(rng, allv, 12 if full else 3):
            em.emit(f"{ver}:{eid}:{mode}:{tag}", cat, functions, None, mo, mode)


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


TRICKY_STRING_PAIRS = [
    ("straße", "STRASSE"), ("STRASSE", "straße"), ("ΟΔΟΣ", "οδος"), ("ΟΔΟΣ", "οδοσ"), ("οδος", "ΟΔΟΣ"),
    ("İstanbul", "i̇stanbul"), ("İstanbul", "istanbul"), ("ıi", "II"), ("\u212a", "k"), ("ǅ", "ǆ"), ("ﬃ", "FFI"), ("ﬃ", "ffi"),
    ("\u212b", "å"), ("a\u00a0b", "ab"), ("a\tb", "ab"), ("a\u3000b", "ab"), ("a'b", 'a"b'), ("a`b", "ab"),
    ("a_b-c.d/e,f*g^h", "abcdefgh"), ("a\\b", "ab"), ("ＡＢ", "ａｂ"), ("a b", "ab"), ("A.B.", "ab"), ("x\u200by", "xy"),
    ("café", "cafe\u0301"), ("CAFÉ", "café"), ("Ⅻ", "ⅻ"), ("ᾈ", "ᾀ"), ("ǰ", "J̌"), ("\U0001d400", "\U0001d41a"), ("Ω", "ω"),
    ("\u0130", "i\u0307"), ("ς", "Σ"), ("σς", "ΣΣ"), ("a\x00b", "ab"), ("\ud83d\ude00", "😀"), ("K", "k"), ("Ａ", "ａ"),
    ("1,000", "1000"), ("-5", "5"), ("a'", 'A"'), ("$", "$"), ("Ǳ", "ǳ"), ("ẞ", "ß"), ("ß", "ẞ"),
]


def gen_synthetic_strings(em, rng):
    """Tiny synthetic entries exercising standardize_string on Unicode edge cases."""
    func = {"name": "lookup", "description": "d", "parameters": {"type": "dict", "properties": {
        "q": {"type": "string", "description": "q"}, "tags": {"type": "array", "items": {"type": "string"}, "description": "t"},
        "meta": {"type": "dict", "properties": {"k": {"type": "string"}}, "description": "m"}}, "required": ["q"]}}
    for i, (gtv, mv) in enumerate(TRICKY_STRING_PAIRS):
        gt = [{"lookup": {"q": [gtv], "tags": [[gtv], ""], "meta": [{"k": [gtv]}, ""]}}]
        for mode in MODES:
            for tag, args in [("q", {"q": mv}), ("tags", {"q": gtv, "tags": [mv]}), ("meta", {"q": gtv, "meta": {"k": mv}}),
                              ("same", {"q": gtv})]:
                mo = safe_render([("lookup", args)], mode)
                em.emit(f"synth:str{i}:{mode}:{tag}", "simple_python", [func], gt, mo, mode)
                mo2 = safe_render([("lookup", args)], mode, ensure_ascii=False)
                if mo2 != mo:
                    em.emit(f"synth:str{i}:{mode}:{tag}:noascii", "simple_python", [func], gt, mo2, mode)


def gen_synthetic_numbers(em):
    """Synthetic entries for numeric edge cases (int/float/bool equality, big ints, -0.0)."""
    func = {"name": "num", "description": "d", "parameters": {"type": "dict", "properties": {
        "i": {"type": "integer", "description": ""}, "f": {"type": "float", "description": ""},
        "b": {"type": "boolean", "description": ""}, "a": {"type": "array", "items": {"type": "float"}, "description": ""},
        "s": {"type": "string", "description": ""}, "t": {"type": "tuple", "items": {"type": "integer"}, "description": ""},
        "any": {"type": "any", "description": ""}}, "required": []}}
    gts = [
        {"i": [1, ""], "f": [1.0, ""], "b": [True, ""], "a": [[1.0, 2.0], ""], "s": ["1", ""], "t": [[1, 2], ""], "any": ["x", ""]},
        {"i": [0, ""], "f": [0.0, ""], "b": [False, ""], "a": [[0.5], ""], "s": ["True", ""], "t": [[0], ""], "any": ["", ""]},
        {"i": [10 ** 20, ""], "f": [1e20, ""], "b": [True, ""], "a": [[1e-7], ""], "s": ["None", ""], "t": [[1, 2, 3], ""], "any": [1, ""]},
        {"i": [-1, ""], "f": [-0.0, ""], "b": [False, ""], "a": [[], ""], "s": ["", ""], "t": [[], ""], "any": [True, ""]},
        {"i": [5, ""], "f": [2.5, ""], "b": [True, ""], "a": [[1, 2], ""], "s": ["5", ""], "t": [[5], ""], "any": [None, ""]},
    ]
    values = {
        "i": [1, 0, -1, 5, 10 ** 20, 1.0, 0.0, True, False, "1", None, 2 ** 63, -0, 1e20, [1]],
        "f": [1, 1.0, 0, 0.0, -0.0, 2.5, 1e20, 10 ** 20, True, False, "1.0", None, float("inf"), float("nan"), 2.50],
        "b": [True, False, 1, 0, "True", "true", None, 1.0],
        "a": [[1.0, 2.0], [1, 2], [1, 2.0], [0.5], [], [1e-7], [True], ["1.0"], [[1.0]], None, (1.0, 2.0)],
        "s": ["1", 1, "True", True, "None", None, "", "5", 5.0, ["1"]],
        "t": [[1, 2], (1, 2), [1.0, 2.0], [0], (0,), [], (), [1, 2, 3], [5], ["5"], [True, 2]],
        "any": ["x", "", 1, True, None, "1", "X"],
    }
    for gi, g in enumerate(gts):
        gt = [{"num": g}]
        for p, vals in values.items():
            for vi, val in enumerate(vals):
                for mode in MODES:
                    mo = safe_render([("num", {p: val})], mode)
                    if mode != "prompt" and isinstance(val, tuple):
                        continue
                    if mo is None:
                        continue
                    em.emit(f"synth:num{gi}:{p}:{vi}:{mode}", "simple_python", [func], gt, mo, mode)
                if isinstance(val, (int, float)) and not isinstance(val, bool):
                    # Python source spellings
                    for si, src in enumerate([repr(val), f"{val!r}".replace("e+", "e"), f"({val!r})", f"-(-{val!r})" if val >= 0 else f"-{-val!r}", f"{val!r} + 0"]):
                        em.emit(f"synth:num{gi}:{p}:{vi}:prompt_src{si}", "simple_python", [func], gt, f"[num({p}={src})]", "prompt")


# ----------------------------------------------------------------------------- targeted synthetic edge cases

def _emit_raw_modes(em, cid, cat, funcs, gt, name, raw_args_json, modes=("json", "hermes", "openai")):
    """Emit a call whose arguments are given as RAW JSON text (not produced by json.dumps)."""
    for mode in modes:
        if mode == "json":
            mo = '[{"function": ' + json.dumps(name) + ', "parameters": ' + raw_args_json + "}]"
        elif mode == "hermes":
            mo = "<tool_call>\n{\"name\": " + json.dumps(name) + ", \"arguments\": " + raw_args_json + "}\n</tool_call>"
        else:
            mo = [{"id": "c0", "type": "function", "function": {"name": name, "arguments": raw_args_json}}]
        em.emit(f"{cid}:{mode}", cat, funcs, gt, mo, mode)


def gen_synthetic_python_literals(em):
    """Prompt-mode Python literal spellings and JSON number/escape spellings (raw text)."""
    func = {"name": "lit", "description": "d", "parameters": {"type": "dict", "properties": {
        "s": {"type": "string", "description": ""}, "i": {"type": "integer", "description": ""},
        "f": {"type": "float", "description": ""}, "b": {"type": "boolean", "description": ""},
        "l": {"type": "array", "items": {"type": "integer"}, "description": ""},
        "ls": {"type": "array", "items": {"type": "string"}, "description": ""},
        "d": {"type": "dict", "properties": {}, "description": ""},
        "t": {"type": "tuple", "items": {"type": "integer"}, "description": ""},
        "a": {"type": "any", "description": ""},
        "ld": {"type": "array", "items": {"type": "dict"}, "description": ""}}, "required": []}}
    gt = [{"lit": {"s": ["abc", ""], "i": [1000, ""], "f": [0.5, ""], "b": [True, ""], "l": [[1, 2], ""],
                   "ls": [["a", "b"], ""], "d": [{"k": [1], "bb": [True, ""], "ff": [1.0, ""], "ll": [[1, 2], ""], "s": ["x", ""]}, ""],
                   "t": [[1, 2], ""], "a": ["xyz", ""], "ld": [[{"k": [1]}], ""]}}]
    P = {
        "s": ["'abc'", '"abc"', "'\\x61bc'", "'\\u0061bc'", "'\\N{LATIN SMALL LETTER A}bc'", "'\\141bc'", "'ab' 'c'", "u'abc'", "R'abc'", "b'abc'",
              "f'abc'", "'''abc'''", '"""abc"""', "'a\\\nbc'", "'\\xZZ'", "'ab\\c'", "'abc\\q'", "rb'abc'", "'ABC'", "'a b c'", "'a-b_c'", "'ab' + 'c'",
              "'a' * 1 + 'bc'", "'abc'[0:3]", "'%sbc' % 'a'", "'{}bc'.format('a')", "str('abc')", "'abc'.lower()", "''.join(['a','b','c'])",
              "'a\\u0062c'", "'\\U00000061bc'", "'ab\\x00c'", "'abc' if True else 'x'", "('abc')", "(('abc'))", "'abc',", "abc", "ABC", "a_b_c",
              "'\\N{DIGIT ONE}'", "'ａｂｃ'", "'ab\u00adc'", "'ab\\tc'", "'abc' 'def'[0:0]", "r'a\\bc'", "'ab\\'c'", "'a\"bc'"],
        "i": ["1000", "1_000", "0x3e8", "0o1750", "0b1111101000", "1000.0", "1e3", "1E3", "10**3", "1000 + 0", "999 + 1", "+1000", "-(-1000)", "~(-1001)",
              "- -1000", "not 0", "True * 1000", "int('1000')", "len('x') * 1000", "max(1000, 1)", "round(1000.4)", "abs(-1000)", "2000 // 2", "2000 / 2",
              "1000j", "(1000)", "01000", "1__000", "1000_", "0_0", "00", "1000L", "٣", "sum([500, 500])", "1000 if True else 0", "(lambda: 1000)()",
              "int", "None", "True", "'1000'", "[1000]", "1000.", ".1000e4", "0x3E8", "1_0_0_0", "10 ** 3 + 0", "1 << 10 - 24", "2 ** 10 - 24", "1000 % 1001",
              "-1000", "- 1000", "+ 1000", "1000 * True", "1000 & 1023", "1000 | 0", "1000 ^ 0", "1000 >> 0", "1 / 0", "2 ** -1", "1e3 // 1"],
        "f": ["0.5", ".5", "5e-1", "0.50", "1/2", "0.25 + 0.25", "0.1 + 0.4", "0.1 * 5", "float('0.5')", "5E-1", "0_0.5", "0.5_0", "1 - 0.5", "-(-0.5)", "+0.5",
              "- -0.5", "0.5j", "0", "1", "True / 2", "1 / 2.0", "0.3 + 0.2", "0.1 + 0.2 + 0.2", "round(0.49999, 1)", "abs(-0.5)", "0x1 / 2", "'0.5'", "None",
              "float('nan')", "float('inf')", "1e309", "-1e309", "1e-400", "0.5000000000000001", "0.49999999999999994", "5 / 10", "2 ** -1", "4 ** -0.5", "0.25 * 2"],
        "b": ["True", "False", "1", "0", "'True'", "true", "not False", "not True", "-True", "bool(1)", "True and True", "1 == 1", "True + 0", "(True)",
              "True if 1 else False", "None", "~True", "+True"],
        "l": ["[1, 2]", "[1,2]", "(1, 2)", "[1, 2,]", "[1.0, 2]", "[True, 2]", "[1, 1+1]", "[1, 2] + []", "[1] + [2]", "[1] * 1 + [2]", "list((1, 2))",
              "[*[1, 2]]", "[x for x in (1, 2)]", "[+1, -(-2)]", "[-1, 2]", "[1, '2']", "[[1, 2]]", "[]", "[1, 2, 3][0:2]", "range(1, 3)", "{1, 2}",
              "[1, 0x2]", "[1, 2_0//10]", "[1, 2.0]", "[1, 2][::-1][::-1]", "sorted([2, 1])", "[1, not 0]", "[1, True+True]"],
        "ls": ["['a', 'b']", "['A', 'B']", "('a', 'b')", "['a', 'b',]", "['a' 'b']", "['a', 'b' + '']", "['a', \"b\"]", "['a', b]", "['a', b.c]", "['a', f()]",
               "['a.', 'b-']", "[' a', 'b ']", "['a', 'b'][0:2]", "['a', 1]", "['a', None]", "list('ab')", "'ab'", "['a,b']", "[['a'], 'b']", "['ａ', 'b']"],
        "d": ["{'k': 1}", "{'k': True}", "{'k': 1.0}", "{'k': 1, 'bb': 1}", "{'k': 1, 'bb': True}", "{'k': 1, 'ff': 1}", "{'k': 1, 'ff': True}",
              "{'k': 1, 'll': (1, 2)}", "{'k': 1, 'll': [1.0, 2.0]}", "{'k': 1, 'll': [True, 2]}", "{'k': 1, 's': 'X'}", "{'k': 1, 's': ' x.'}",
              "{'k': 1, 'k': 2}", "{'k': 2, 'k': 1}", "{'K': 1}", "{k: 1}", "{1: 1}", "{'k': 1, None: 1}", "{'k': 1, **{}}", "dict(k=1)", "{'k': '1'}",
              "{'k': [1]}", "{'k': 1, 'zz': 1}", "{}", "{'k': 1, 's': None}", "{'k': 1, (1, 2): 3}", "{'k': 1, 'bb': 1.0}", "{'k': 1.0, 'ff': 1, 'bb': 1}",
              "{'k': -1 * -1}", "{'k': +1}", "{'k': 0x1}", "{'k': 1, 'll': [1, 2][0:2]}"],
        "t": ["(1, 2)", "[1, 2]", "(1, 2,)", "((1, 2))", "(1.0, 2)", "(True, 2)", "tuple([1, 2])", "(1,) + (2,)", "(1, 2) + ()", "1, 2", "(1, (2))", "((1), 2)",
              "(1, 2)[0:2]", "()", "(1,)", "(1, 2, 3)"],
        "a": ["'xyz'", "'XYZ'", "xyz", "'x y z'", "1", "True", "None", "['xyz']", "{'xyz': 1}", "'xyz' + ''", "x.y.z", "xyz()", "xyz(q=1)", "x[0]"],
        "ld": ["[{'k': 1}]", "[{'k': True}]", "[{'k': 1.0}]", "[{'k': 1}, {'k': 1}]", "[]", "[{}]", "({'k': 1},)", "[{'k': '1'}]", "[{'K': 1}]", "[dict(k=1)]"],
    }
    for p, srcs in P.items():
        for si, src in enumerate(srcs):
            em.emit(f"synth:pylit:{p}:{si}", "simple_python", [func], gt, f"[lit({p}={src})]", "prompt")
    # call-shape spellings
    shapes = ["lit(s='abc')", "[lit(s='abc')]", "(lit(s='abc'))", "[(lit(s='abc'))]", "lit (s='abc')", "lit(\ns='abc'\n)", "lit(s='abc',)",
              "[lit(s='abc'), ]", "ｌｉｔ(s='abc')", "lit(ｓ='abc')", "lit(ſ='abc')", "ℓit(s='abc')", "x.lit(s='abc')", "x[0](s='abc')", "lit()(s='abc')",
              "lit(s='abc')(s='abc')", "'lit'(s='abc')", "[lit(s='abc') for _ in [1]]", "[*[lit(s='abc')]]", "[lit(s='abc'); lit(s='abc')]",
              "lit(s='abc') lit(s='abc')", "[lit(s='abc')\nlit(s='abc')]", "lit(s='abc'),\nlit(s='abc')", "[[lit(s='abc')]]", "[lit(s='abc'), 1]",
              "[lit(s='abc'), None]", "{lit(s='abc')}", "lit(**{'s': 'abc'})", "lit(*[], s='abc')", "lit(1, s='abc')", "lit(s='abc', **x)",
              "lit(s=lit(s='abc'))", "lit(s='abc')  # comment", "lit(s='abc') \\\n", "\\\nlit(s='abc')", "lit(s='abc');", "lit(s='a' 'bc')",
              "lit(s= 'abc' )", "lit( s = 'abc' )", "lit(s='abc')[0]", "lit(s='abc').x", "-lit(s='abc')", "await lit(s='abc')", "lit(s:='abc')",
              "lit(s='abc' # c\n)", "lit(s='abc'\t)", "\tlit(s='abc')", "lit(s='abc')\t", "\u00a0lit(s='abc')", "lit(s='abc')\r", "lit(s='abc')\r\n",
              "\r\nlit(s='abc')", "lit\u200b(s='abc')", "lit(s=\"abc\")", "lit(s='abc', s='abd')", "lit(s='abd', s='abc')", "lit(s='abc', i=1000, i=1000)",
              "lit.__call__(s='abc')", "lit(s='abc')\n\n\n", "```lit(s='abc')```", "``lit(s='abc')``", "'lit(s=\"abc\")'", "''lit(s=\"abc\")''",
              "\"lit(s='abc')\"", "`lit(s='abc')`", "\n`lit(s='abc')`\n", " ` lit(s='abc') ` ", "[]lit(s='abc')", "lit(s='abc')[]"]
    for si, src in enumerate(shapes):
        em.emit(f"synth:pyshape:{si}", "simple_python", [func], gt, src, "prompt")
    # raw JSON spellings for json / hermes / openai
    J = ['{"i": 1000}', '{"i": 1000.0}', '{"i": 1e3}', '{"i": 1E3}', '{"i": 1000e0}', '{"i": -0}', '{"i": 01000}', '{"i": +1000}', '{"i": 1000, "i": 1}',
         '{"i": 1, "i": 1000}', '{"i": "1000"}', '{"i": true}', '{"i": 1000 }', '{ "i" : 1000 }', '{"i":1000}', '{"i": 1000}\n', '\n{"i": 1000}',
         '{"i": 1000}x', '{"i": 1000,}', "{'i': 1000}", '{i: 1000}', '{"i": 0x3e8}', '{"i": 1_000}', '{"i": 1000.}', '{"i": .5}', '{"i": Infinity}',
         '{"i": NaN}', '{"i": -Infinity}', '{"i": 1e400}', '{"i": 100000000000000000000000}', '{"i": 1000.0000000000001}', '{"i": 999.9999999999999}',
         '{"f": 0.5}', '{"f": 5e-1}', '{"f": 0.50}', '{"f": 1}', '{"f": 0}', '{"f": 5E-1}', '{"f": 0.5e0}', '{"f": 50e-2}', '{"f": -0.0}',
         '{"s": "abc"}', '{"s": "\\u0061bc"}', '{"s": "a\\u0062c"}', '{"s": "ABC"}', '{"s": "a\\/bc"}', '{"s": "ab\\u0000c"}', '{"s": "ab\tc"}',
         '{"s": "ab\\tc"}', '{"s": "\\ud800abc"}', '{"s": "abc\\ud83d\\ude00"}', '{"s": "abc\\ud83d"}', '{"s": "ab\\c"}', '{"s": "ab\\x63"}',
         '{"s": "a\u00a0bc"}', '{"s": "a b c"}', '{"s": "a-b_c"}', '{"s": \'abc\'}', '{"s": "abc" "def"}', '{"s": "abc", "s": "abd"}',
         '{"b": true}', '{"b": True}', '{"b": 1}', '{"b": "true"}', '{"b": TRUE}', '{"b": null}',
         '{"l": [1, 2]}', '{"l": [1.0, 2]}', '{"l": [1, 2,]}', '{"l": [true, 2]}', '{"l": [1e0, 2]}', '{"l": [1, 2e0]}', '{"l": []}',
         '{"d": {"k": 1}}', '{"d": {"k": true}}', '{"d": {"k": 1.0}}', '{"d": {"k": 1e0}}', '{"d": {"k": 1, "bb": 1}}', '{"d": {"k": 1, "ff": 1}}',
         '{"d": {"k": 1, "ll": [1.0, 2]}}', '{"d": {"k": 1, "ll": [true, 2]}}', '{"d": {"k": 1, "s": "X."}}', '{"d": {"k": 1, "k": 2}}',
         '{"d": {"k": 2, "k": 1}}', '{"d": {}}', '{"d": {"k": "1"}}', '{"d": {"k": [1]}}', '{"t": [1, 2]}', '{"t": [1.0, 2]}', '{"t": [true, 2]}',
         '{"ld": [{"k": 1}]}', '{"ld": [{"k": true}]}', '{"ld": [{"k": 1.0}]}', '{"ld": [{"k": 1}, {"k": 1}]}', '{"ld": [{}]}', '{"ld": []}',
         '{"a": "xyz"}', '{"a": "XYZ"}', '{"a": 1}', '{"a": null}', '{"a": ["xyz"]}',
         '\ufeff{"i": 1000}', '\f{"i": 1000}', '{"i":\u00a01000}', '{"i":\r1000}', '{"i":\v1000}', '{"i": 1000}\u2028', '{"i": 1000} // c', '/* c */{"i": 1000}',
         '[{"i": 1000}]', '"{\\"i\\": 1000}"', 'null', '1000', '"x"', '', ' ', '{}', '{"": 1}', '{"i": [[[[[[[[[[[[1]]]]]]]]]]]]}']
    for ji, raw in enumerate(J):
        _emit_raw_modes(em, f"synth:json:{ji}", "simple_python", [func], gt, "lit", raw)


def gen_synthetic_numeric_equality(em):
    """int/float/bool equality corners (Python compares int and float exactly; True == 1 == 1.0)."""
    func = {"name": "eq", "description": "d", "parameters": {"type": "dict", "properties": {
        "i": {"type": "integer", "description": ""}, "f": {"type": "float", "description": ""},
        "s": {"type": "string", "description": ""}, "d": {"type": "dict", "properties": {}, "description": ""},
        "lf": {"type": "array", "items": {"type": "float"}, "description": ""}}, "required": []}}
    gts = [
        {"i": [1e20, ""], "f": [10 ** 20, ""], "s": [True, ""], "d": [{"k": [10 ** 20]}, ""], "lf": [[1e20], ""]},
        {"i": [9007199254740993, ""], "f": [9007199254740993, ""], "s": [2, ""], "d": [{"k": [9007199254740993]}, ""], "lf": [[0.1], ""]},
        {"i": [2 ** 64, ""], "f": [0.1, ""], "s": [None, ""], "d": [{"k": [1e20]}, ""], "lf": [[1.0, 2.0], ""]},
        {"i": [-(2 ** 63), ""], "f": [1.5, ""], "s": [1.5, ""], "d": [{"k": [0.1]}, ""], "lf": [[9007199254740993.0], ""]},
    ]
    vals = {
        "i": ["100000000000000000000", "100000000000000000001", "1e20", "99999999999999999999", "9007199254740993", "9007199254740992", "9007199254740992.0",
              "18446744073709551616", "18446744073709551617", "-9223372036854775808", "-9223372036854775809", "True", "10**20", "2**64", "2**53+1"],
        "f": ["1e20", "100000000000000000000", "100000000000000000001", "1.0000000000000002e20", "9007199254740993", "9007199254740992", "9007199254740992.0",
              "0.1", "0.1000000000000000055511151231257827", "0.30000000000000004", "1.5", "3/2", "1.5000000000000002", "10**20", "10**20+1"],
        "s": ["True", "1", "'True'", "2", "2.0", "None", "'None'", "1.5", "'1.5'", "3/2"],
        "d": ["{'k': 100000000000000000000}", "{'k': 100000000000000000001}", "{'k': 1e20}", "{'k': 9007199254740993}", "{'k': 9007199254740992}",
              "{'k': 9007199254740992.0}", "{'k': 0.1}", "{'k': 1/10}", "{'k': 0.1000000000000000055511151231257827}", "{'k': 10**20}", "{'k': 10**20+1}"],
        "lf": ["[1e20]", "[100000000000000000000.0]", "[0.1]", "[1/10]", "[1.0, 2.0]", "[1, 2]", "[1.0, 2]", "[9007199254740993.0]", "[9007199254740992.0]",
               "[9007199254740993]"],
    }
    for gi, g in enumerate(gts):
        gt = [{"eq": g}]
        for p, srcs in vals.items():
            for si, src in enumerate(srcs):
                em.emit(f"synth:eq{gi}:{p}:{si}:prompt", "simple_python", [func], gt, f"[eq({p}={src})]", "prompt")
                try:
                    v = eval(src)
                except Exception:
                    continue
                raw = '{"' + p + '": ' + (json.dumps(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else src if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", src) else json.dumps(v)) + "}"
                _emit_raw_modes(em, f"synth:eq{gi}:{p}:{si}", "simple_python", [func], gt, "eq", raw)


JAVA_SYNTH_PARAMS = [
    # (param, schema, gt value, [source spellings])
    ("by", {"type": "byte"}, 5, ["5", "-5", "05", "5L", "+5", " 5", "5 ", "5\n", "٥", "５", "5_0", "0x5", "5.0", "(byte) 5", "\n5"]),
    ("sh", {"type": "short"}, 300, ["300", "300\n", "3_00", "300S", "３００"]),
    ("in", {"type": "integer"}, 42, ["42", "42L", "42\n", "٤٢", "42.0", "4_2", "+42", "-42", "042", "0x2A", "42 ", "\u00a042", "42\u2028"]),
    ("lo", {"type": "long"}, 50, ["50L", "50l", "50", "50L\n", "50LL", "٥٠L", "50.0L", "+50L", "-50L", "50 L", "50L ", "50\nL"]),
    ("do", {"type": "double"}, 1.5, ["1.5", "1.5d", "1.5D", "1.5f", "1.50", "15e-1", "1.5e0", "1.5E+0", "1.5\n", "1,5", ".15e1", "1.5e", "١.٥", "01.5", "+1.5"]),
    ("fl", {"type": "float"}, 3.0, ["3.0f", "3f", "3F", "3.0", "3.0F\n", "3e0f", "3.0e+0F", "٣f", "3.f", ".3e1f", "3.0 f", "+3.0f"]),
    ("bo", {"type": "boolean"}, True, ["true", "True", "TRUE", "true\n", " true", "1", "Boolean.TRUE", "false"]),
    ("ch", {"type": "char"}, "a", ["a", "'a'", '"a"', "A", "'a'\n"]),
    ("st", {"type": "String"}, "Hello World", ["Hello World", '"Hello World"', "hello world", "HelloWorld", "Hello-World", "'Hello World'", "Hello World\n",
                                               "Hello\tWorld", "hello_world", "HELLO, WORLD."]),
    ("an", {"type": "any"}, "obj", ["obj", '"obj"', "OBJ", "obj ", "o.b.j", "new Obj()", "null"]),
    ("ai", {"type": "Array", "items": {"type": "integer"}}, [1, 2], ["new int[]{1, 2}", "new int[] {1,2}", "new int[]{ 1 , 2 }", "new Integer[]{1, 2}",
                                                                   "new int[]{1, 2,}", "new int[]{1,\n2}", "new int[]{1,\r2}", "new int[]{1,\u20282}", "{1, 2}",
                                                                   "new int[]{١, ٢}", "new int[]{1L, 2}", "new int[]{1, 2} ", "x = new int[]{1, 2};", "new int[2]{1, 2}",
                                                                   "new int[]{01, 2}", "new int[]{1, 2}{3}", "new int[][]{{1, 2}}", "new int[]{2, 1}", "new   int[]{1, 2}"]),
    ("as", {"type": "Array", "items": {"type": "String"}}, ["a", "b"], ["new String[]{a, b}", 'new String[]{"a", "b"}', "new String[]{A, B}", "new String[]{a,b}",
                                                                      "new String[]{ a , b }", "new String[]{a, b, }", "new String[]{'a', 'b'}", "new String[]{a}"]),
    ("al", {"type": "ArrayList", "items": {"type": "String"}}, ["a", "b"], ['new ArrayList<>(Arrays.asList("a", "b"))', 'new ArrayList<String>(Arrays.asList("a", "b"))',
                                                                          'new ArrayList<>(Arrays.asList("A", "B"))', 'new ArrayList<>(Arrays.asList(a, b))',
                                                                          "new ArrayList<>(Arrays.asList('a', 'b'))", 'new ArrayList<>(Arrays.asList("a","b"))',
                                                                          'new ArrayList<>(Arrays.asList( "a" , "b" ))', 'new ArrayList<String>() {{ add("a"); add("b"); }}',
                                                                          'new ArrayList<String>() {{add("a");add("b");}}', 'new ArrayList<String>() {{\n add("a");\n add("b");\n}}',
                                                                          'new ArrayList<List<String>>(Arrays.asList("a", "b"))', 'new ArrayList<>(Arrays.asList("a)", "b"))',
                                                                          'new ArrayList<>(Arrays.asList("a,b"))', 'new ArrayList<>()', 'new ArrayList<>(List.of("a", "b"))',
                                                                          'new  ArrayList<>(Arrays.asList("a", "b"))', 'Arrays.asList("a", "b")', 'new ArrayList<>(Arrays.asList("a", "b")) ',
                                                                          'new ArrayList<>(Arrays.asList("a", "b"));']),
    ("ali", {"type": "ArrayList", "items": {"type": "integer"}}, [1, 2], ["new ArrayList<>(Arrays.asList(1, 2))", "new ArrayList<Integer>(Arrays.asList(1,2))",
                                                                        "new ArrayList<>(Arrays.asList(1L, 2))", "new ArrayList<Integer>() {{ add(1); add(2); }}",
                                                                        "new ArrayList<>(Arrays.asList(١, 2))", "new ArrayList<>(Arrays.asList(1, 2, ))"]),
    ("all", {"type": "ArrayList", "items": {"type": "long"}}, [1, 2], ["new ArrayList<>(Arrays.asList(1L, 2L))", "new ArrayList<>(Arrays.asList(1, 2))",
                                                                     "new ArrayList<Long>() {{ add(1L); add(2l); }}"]),
    ("alc", {"type": "ArrayList", "items": {"type": "char"}}, ["a", "b"], ["new ArrayList<>(Arrays.asList('a', 'b'))", "new ArrayList<Character>() {{ add('a'); add('b'); }}",
                                                                         'new ArrayList<>(Arrays.asList("a", "b"))', "new ArrayList<>(Arrays.asList(a, b))"]),
    ("ala", {"type": "ArrayList", "items": {"type": "any"}}, ["x", "y"], ['new ArrayList<>(Arrays.asList(x, y))', 'new ArrayList<>(Arrays.asList("x", "y"))']),
    ("hm", {"type": "HashMap"}, {"k": ["v"], "n": [1]}, ['new HashMap<String, Object>() {{ put("k", "v"); put("n", 1); }}', 'new HashMap<>() {{ put("k", "v"); put("n", 1); }}',
                                                         'new HashMap<String, Object>(){{put("k","v");put("n",1);}}', 'new HashMap<String, Object>() { { put("k", "v"); put("n", 1); } }',
                                                         'new HashMap<String, Object>() {{ put("k", "V"); put("n", 1); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1L); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1.0); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1_0); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", ١); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", +1); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1f); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", true); }}',
                                                         'new HashMap<String, Object>() {{ put("k", v); put("n", 1); }}', 'new HashMap<String, Object>() {{ put("k", "v)"); put("n", 1); }}',
                                                         "new HashMap<String, Object>() {{ put('k', 'v'); put('n', 1); }}", 'new HashMap<String, Object>() {{ put("k", "v"); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1); put("z", 2); }}', 'new HashMap<>()', 'new HashMap<>() {}',
                                                         'new HashMap<String, Object>() {{\n put("k", "v");\n put("n", 1);\n}}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1); }};',
                                                         'new HashMap<String, Object>() {{ put("k", "v");put("n",1); }}', 'new HashMap<String, Object>() {{ put("n", 1); put("k", "v"); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", 0x1); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1e0); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", nan); }}', 'new HashMap<String, Object>() {{ put("k", "v"); put("n", Infinity); }}',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", "1"); }}', 'Map.of("k", "v", "n", 1)',
                                                         'new HashMap<String, Object>() {{ put("k", "v"); put("n", 1); }}\r']),
    ("se", {"type": "Set"}, "x", ["x"]),
    ("ht", {"type": "Hashtable"}, "x", ["x"]),
    ("qu", {"type": "Queue"}, "x", ["x"]),
    ("sk", {"type": "Stack"}, "x", ["x"]),
]

JS_SYNTH_PARAMS = [
    ("st", {"type": "String"}, "Hello World", ['"Hello World"', "'Hello World'", "Hello World", "`Hello World`", '"hello world"', '"Hello World', 'Hello World"',
                                               '"Hello World"\n', '"Hello-World"', "'Hello World\"", '""Hello World""', '"Hello\\tWorld"', '"Hello World" ']),
    ("in", {"type": "integer"}, 42, ["42", "42.0", "42n", "42\n", "٤٢", "+42", "-42", "0x2A", "42 ", "4_2", "042", "42e0"]),
    ("fl", {"type": "float"}, 1.5, ["1.5", "1.50", "1.5\n", ".15e1", "1.5e0", "15e-1", "١.٥", "+1.5", "1.5f", "01.5", "1.", "2", "1.5 "]),
    ("fi", {"type": "float"}, 2.0, ["2", "2.0", "2.00", "2\n", "٢"]),
    ("bi", {"type": "Bigint"}, 7, ["7n", "7", "7N", "7n\n", "٧n", "-7n", "+7n", "BigInt(7)", "07n", "7n "]),
    ("bo", {"type": "Boolean"}, True, ["true", "True", "true\n", " true", "false", "!0", "1"]),
    ("an", {"type": "any"}, "obj", ["obj", '"obj"', "OBJ", "obj "]),
    ("as", {"type": "array", "items": {"type": "String"}}, ["a", "b"], ['["a", "b"]', "['a', 'b']", '["a","b"]', '[ "a" , "b" ]', '[a, b]', '["A", "B"]', '["a", "b",]',
                                                                      'new Array("a", "b")', 'new Array( "a", "b" )', '["a", "b"]\n', '["a",\n"b"]', '["a",\r"b"]',
                                                                      '["a",\u2028"b"]', '["a", "b"] ', ' ["a", "b"]', '["a, b"]', '["a", ["b"]]', '[["a", "b"]]', '[]',
                                                                      'Array.of("a", "b")', '["a", `b`]', "[\"a\", 'b']", '["a", "b"].slice()']),
    ("ai", {"type": "array", "items": {"type": "integer"}}, [1, 2], ["[1, 2]", "[1,2]", "[1, 2.0]", "[1n, 2]", "[١, 2]", "new Array(1, 2)", "[1, 2,]", "[ 1 , 2 ]", "[+1, 2]",
                                                                   "[1, 0x2]", "['1', '2']", "[[1], 2]", "[1, 2]\n"]),
    ("af", {"type": "array", "items": {"type": "float"}}, [1.5, 2.0], ["[1.5, 2.0]", "[1.5, 2]", "[1.50, 2.00]", "[1.5,2.0]", "[1.5e0, 2.0]", "new Array(1.5, 2.0)"]),
    ("ab", {"type": "array", "items": {"type": "Bigint"}}, [1, 2], ["[1n, 2n]", "[1, 2]", "new Array(1n, 2n)", "[1n,2n]"]),
    ("abo", {"type": "array", "items": {"type": "Boolean"}}, [True, False], ["[true, false]", "[True, False]", "[1, 0]", "new Array(true, false)"]),
    ("aa", {"type": "array", "items": {"type": "array"}}, [[1, 2], [3, 4]], ["[[1, 2], [3, 4]]", "[ [1,2],[3,4] ]", "[[1, 2],[3, 4]]", "new Array([1, 2], [3, 4])",
                                                                              "[[1, 2], [3, 4],]", "[[1, 2]]", "[['1', 2], [3, 4]]", "[[1.0, 2], [3, 4]]"]),
    ("ad", {"type": "array", "items": {"type": "dict"}}, [{"k": [1]}], ['[{"k": 1}]', "[{k: 1}]", "[{'k': 1}]", '[{"k": 1}, {"k": 2}]', "[]"]),
    ("di", {"type": "dict"}, {"k": ["v"], "n": [1]}, ['{"k": "v", "n": 1}', "{k: 'v', n: 1}", "{'k': 'v', 'n': 1}", '{"k":"v","n":1}', '{ "k" : "v" , "n" : 1 }',
                                                     '{"n": 1, "k": "v"}', '{"k": "V", "n": 1}', '{"k": "v", "n": 1.0}', '{"k": "v", "n": "1"}', '{"k": "v", "n": 1n}',
                                                     '{"k": "v:w", "n": 1}', '{"k": "v", "n": 1,}', '{"k": "v"}', '{"k": "v", "n": 1, "z": 2}', '{"k": "v", "n": {"x": 1}}',
                                                     '{"k": ["v"], "n": 1}', '{"k": "v", "n": 1}\n', ' {"k": "v", "n": 1}', '{"k": "v",\n"n": 1}', '{"k": "v",\r"n": 1}',
                                                     '{"k": "v", "n": ١}', '{"k": "v", "n": 1_0}', '{"k": "v", "n": true}', '{}', '{"k": v, "n": 1}', '{"k": "v, w", "n": 1}',
                                                     '{"k": "v", "n": 1} extra', "{\"k\": 'v', \"n\": 1}", '{"k": `v`, "n": 1}', '{"k": "v", "n": +1}', '{"k": "v", "n": nan}']),
    ("dn", {"type": "dict"}, {"o": [{"x": [1]}]}, ['{"o": {"x": 1}}', "{o: {x: 1}}", '{"o": {"x": 1, "y": 2}}', '{"o": {}}']),
]


def gen_synthetic_java_js(em):
    for lang, params, cat in [("java", JAVA_SYNTH_PARAMS, "simple_java"), ("js", JS_SYNTH_PARAMS, "simple_javascript")]:
        props = {p: dict(s, description="") for p, s, _, _ in params}
        func = {"name": f"Synth.{lang}Call" if lang == "java" else "synthJsCall", "description": "d",
                "parameters": {"type": "dict", "properties": props, "required": []}}
        name = func["name"]
        gt = [{name: {p: [v, ""] for p, s, v, _ in params}}]
        for p, s, v, srcs in params:
            frng = random.Random(f"synth-fuzz|{lang}|{p}")
            for si, src in enumerate(srcs):
                raw = json.dumps({p: src})
                _emit_raw_modes(em, f"synth:{lang}:{p}:{si}", cat, [func], gt, name, raw)
                for k in range(3):
                    _emit_raw_modes(em, f"synth:{lang}:{p}:{si}:fuzz{k}", cat, [func], gt, name, json.dumps({p: char_fuzz(src, frng)}), modes=("json",))
            # non-string JSON values
            for vi, val in enumerate([v if not isinstance(v, dict) else {k: a[0] for k, a in v.items()}, None, 1, True, [1], {"a": 1}]):
                _emit_raw_modes(em, f"synth:{lang}:{p}:json{vi}", cat, [func], gt, name, json.dumps({p: val}), modes=("json",))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--seed", default="bfclref-1")
    ap.add_argument("--v3-fraction", type=float, default=1.0, help="fraction of v3 entries included (reduced mutations)")
    ap.add_argument("--limit-per-cat", type=int, default=0)
    args = ap.parse_args()
    em = Emitter(sys.stdout)
    for ver, cats, full in [("v4", V4_CATS, True), ("v3", V3_CATS, False)]:
        for cat in cats:
            qpath = os.path.join(args.data, ver, f"BFCL_{ver}_{cat}.json")
            apath = os.path.join(args.data, ver, "possible_answer", f"BFCL_{ver}_{cat}.json")
            qs = load_jsonl(qpath)
            pas = load_jsonl(apath) if os.path.exists(apath) else None
            if args.limit_per_cat:
                qs = qs[: args.limit_per_cat]
            v4cat = V3_TO_V4.get(cat, cat)
            for i, q in enumerate(qs):
                rng = random.Random(f"{args.seed}|{ver}|{q['id']}")
                if ver == "v3" and rng.random() > args.v3_fraction:
                    continue
                if "relevance" in v4cat:
                    gen_relevance_entry(em, ver, cat, q, rng, full)
                    continue
                pa = pas[i]
                assert pa["id"] == q["id"], (pa["id"], q["id"])
                lang = lang_of(v4cat)
                if lang == "python":
                    gen_python_entry(em, ver, cat, q, pa, rng, full)
                else:
                    gen_src_entry(em, ver, cat, q, pa, rng, full, lang)
    rng = random.Random(args.seed + "|synth")
    gen_synthetic_strings(em, rng)
    gen_synthetic_numbers(em)
    gen_synthetic_python_literals(em)
    gen_synthetic_numeric_equality(em)
    gen_synthetic_java_js(em)
    print(f"generated {em.n} cases ({em.skipped} skipped as non-JSON harness input)", file=sys.stderr)


if __name__ == "__main__":
    main()
