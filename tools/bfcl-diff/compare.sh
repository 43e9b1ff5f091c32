#!/usr/bin/env bash
# Differential test: BFCL reference oracle (Python, ./bfcl_eval) vs advfc's TypeScript checker.
# usage: bash tools/bfcl-diff/compare.sh          (regenerates everything)
#        SKIP_GEN=1 bash compare.sh              (reuse cases.jsonl)
#        SKIP_GEN=1 SKIP_ORACLE=1 bash compare.sh (reuse cases.jsonl + oracle.jsonl)
set -euo pipefail
cd "$(dirname "$0")"
ADVFC=${ADVFC:-$(git rev-parse --show-toplevel)/packages/cli/dist/bin.js}
if [ -z "${SKIP_GEN:-}" ]; then
  echo "[1/4] generating cases" >&2
  python3 gen_cases.py > cases.jsonl
fi
if [ -z "${SKIP_ORACLE:-}" ]; then
  echo "[2/4] oracle" >&2
  python3 oracle.py < cases.jsonl > oracle.jsonl
fi
echo "[3/4] advfc check" >&2
set +e
node "$ADVFC" check cases.jsonl > advfc.jsonl 2> advfc.err
rc=$?
set -e
echo "advfc check exit status: $rc (stderr in advfc.err, $(wc -l < advfc.err) lines)" >&2
echo "[4/4] compare" >&2
python3 compare.py cases.jsonl oracle.jsonl advfc.jsonl --out disagreements.jsonl | tee summary.txt
