#!/bin/sh
# The Python binding's tests (python/tests) under Debian's Python.
#   run_pytest.sh SOURCE_DIR LIBPARLEY PARLEY_CLI
# Exits 77 (skipped) when /usr/bin/python3, pytest or numpy is missing.
# Always /usr/bin/python3: a python3 earlier on PATH (pyenv) lacks Debian's
# packages.
set -u
src=$1
PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import pytest, numpy' 2>/dev/null; then
  echo "skipped: /usr/bin/python3 with pytest and numpy is needed" >&2
  exit 77
fi
export PARLEY_LIBRARY="$2" PARLEY_CLI="$3"
cd "$src" || exit 2
# -p no:cacheprovider: nothing written into the source tree
exec "$PY" -m pytest -q -p no:cacheprovider python/tests
