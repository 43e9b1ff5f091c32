#!/usr/bin/env python3
"""Compare oracle.jsonl (BFCL reference) with advfc.jsonl (advfc check) over cases.jsonl.

usage: compare.py cases.jsonl oracle.jsonl advfc.jsonl [--out disagreements.jsonl] [--examples N]

A case agrees when both give the same `valid`, and, when invalid, the same error_type.
Oracle SKIP (Java/JS prompt mode, no tree-sitter) and CRASH:* (BFCL's checker raises) are
reported separately; advfc reports crashes as "checker_error:<code>".
"""
import argparse
import collections
import json
import re
import sys

V3_TO_V4 = {"simple": "simple_python", "java": "simple_java", "javascript": "simple_javascript"}


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "id" in d:
                out[str(d["id"])] = d
    return out


def tag_of(cid):
    # ids look like v4:<entry>:<mode>:<tag...>; strip numbers / param names for grouping
    parts = cid.split(":")
    if len(parts) < 4:
        return cid
    t = parts[3]
    if t in ("val", "alt", "drop_req", "drop_opt", "extra_known") and len(parts) > 4:
        t = t + ":" + (parts[-1] if t == "val" else "")
    if t == "text" and len(parts) > 4:
        t = "text:" + parts[4]
    t = re.sub(r"\d+$", "N", t)
    t = re.sub(r"#\d+$", "", t)
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("oracle")
    ap.add_argument("advfc")
    ap.add_argument("--out", default="disagreements.jsonl")
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--file-examples", type=int, default=5)
    args = ap.parse_args()

    oracle = load(args.oracle)
    advfc = load(args.advfc)

    meta = {}  # id -> (category, mode)
    with open(args.cases) as f:
        for line in f:
            d = json.loads(line)
            meta[str(d["id"])] = (V3_TO_V4.get(d["category"], d["category"]), d["mode"])

    groups = collections.defaultdict(list)
    special = collections.defaultdict(list)
    missing_oracle = []
    missing_advfc = []
    agree = 0
    compared = 0
    for cid, (cat, mode) in meta.items():
        o = oracle.get(cid)
        a = advfc.get(cid)
        if o is None:
            missing_oracle.append(cid)
            continue
        oet = o.get("error_type")
        if a is None:
            missing_advfc.append(cid)
            continue
        aet = a.get("error_type") if not a.get("valid") else None
        if oet == "SKIP" or (isinstance(oet, str) and oet.startswith("CRASH:")):
            special[(cat, mode, oet, aet if aet is not None else "VALID")].append(cid)
            continue
        compared += 1
        ov = bool(o.get("valid"))
        av = bool(a.get("valid"))
        if ov == av and (ov or oet == aet):
            agree += 1
            continue
        groups[(cat, mode, oet if not ov else "VALID", aet if not av else "VALID")].append(cid)

    # pick examples
    want = {}
    for key, ids in list(groups.items()) + list(special.items()):
        for cid in ids[: args.file_examples]:
            want[cid] = key
    with open(args.cases) as f, open(args.out, "w") as out:
        for line in f:
            d = json.loads(line)
            cid = str(d["id"])
            if cid in want:
                key = want[cid]
                rec = {"group": {"category": key[0], "mode": key[1], "oracle": key[2], "advfc": key[3]},
                       "oracle_result": oracle.get(cid), "advfc_result": advfc.get(cid), "case": d}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")

    p = print
    p(f"cases: {len(meta)}  compared: {compared}  agree: {agree}  disagree: {compared - agree}"
      f"  oracle SKIP/CRASH: {sum(len(v) for v in special.values())}"
      f"  missing in oracle: {len(missing_oracle)}  missing in advfc: {len(missing_advfc)}")
    if missing_advfc:
        p(f"  e.g. missing in advfc: {missing_advfc[:3]}")
    p("")
    p("== disagreements by (category, mode, oracle error_type, advfc error_type) ==")
    for key, ids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        p(f"{len(ids):7d}  {key[0]:<24} {key[1]:<7} oracle={key[2]:<50} advfc={key[3]:<50} e.g. {', '.join(ids[:args.examples])}")
    p("")
    p("== disagreements by (oracle, advfc) over all categories/modes, with mutation tags ==")
    by_pair = collections.defaultdict(list)
    for key, ids in groups.items():
        by_pair[(key[2], key[3])].extend(ids)
    for pair, ids in sorted(by_pair.items(), key=lambda kv: -len(kv[1])):
        tags = collections.Counter(tag_of(i) for i in ids)
        p(f"{len(ids):7d}  oracle={pair[0]:<50} advfc={pair[1]:<50} tags: " + ", ".join(f"{t}={n}" for t, n in tags.most_common(8)))
    p("")
    p("== oracle SKIP / CRASH (reported separately) ==")
    for key, ids in sorted(special.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        p(f"{len(ids):7d}  {key[0]:<24} {key[1]:<7} oracle={key[2]:<30} advfc={key[3]:<40} e.g. {', '.join(ids[:args.examples])}")
    p("")
    p(f"examples with inputs: {args.out}")


if __name__ == "__main__":
    main()
