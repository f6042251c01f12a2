#!/bin/sh
# The ANAC components against the live reference: records fresh
# negotiations from NegMAS (tests/agents/anac_reference.py) into a
# temporary folder and replays them through parley (test_anac with
# PL_ANAC_FIXTURES). Skips (77) when NegMAS cannot be imported by
# /usr/bin/python3 (PL_NEGMAS_PATH is added to PYTHONPATH when set).
# usage: run_anac_live.sh TEST_ANAC_BINARY SOURCE_DIR
set -eu
bin=$1
src=$2
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ -n "${PL_NEGMAS_PATH:-}" ]; then
  PYTHONPATH="$PL_NEGMAS_PATH${PYTHONPATH:+:$PYTHONPATH}"
  export PYTHONPATH
fi
if ! "$py" -c 'import sys, types; sys.modules.setdefault("stringcase", types.ModuleType("stringcase")); import negmas.gb.components.genius' >/dev/null 2>&1; then
  echo "NegMAS is not importable: skipped"
  exit 77
fi
tmp=$(mktemp -d /tmp/pl_anac_live_XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$py" "$src/tests/agents/anac_reference.py" "$tmp" "$src"/tests/data/agents/domains/*
PL_SOURCE_DIR=$src PL_ANAC_FIXTURES=$tmp "$bin"
