#!/usr/bin/env bash
# Run every atheris harness in fuzz/ for FUZZ_SECONDS each, on a copy of its seed corpus.
# Findings (crash inputs) are written to fuzz/findings/; the run fails if any harness finds one.
set -u
seconds=${FUZZ_SECONDS:-60}
python=${PYTHON:-.venv/bin/python}
status=0
mkdir -p fuzz/findings
for harness in fuzz/fuzz_*.py; do
  name=$(basename "$harness" .py); name=${name#fuzz_}
  work=$(mktemp -d); cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  echo "== $name: ${seconds}s"
  if ! "$python" "$harness" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 \
       -artifact_prefix="fuzz/findings/$name-" "$work" 2>"fuzz/findings/$name.log"; then
    status=1; echo "   FINDING: see fuzz/findings/$name.log"
  fi
  grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs" "fuzz/findings/$name.log" | tail -1
  rm -rf "$work"
done
exit $status
