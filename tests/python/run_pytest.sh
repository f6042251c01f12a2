#!/bin/sh
# The Python binding's tests (python/tests) under Debian's Python.
#   run_pytest.sh SOURCE_DIR LIBPARLEY PARLEY_CLI [LIBASAN]
# With LIBASAN (the ASan build), the sanitizer runtime is preloaded into the
# uninstrumented interpreter, leak detection is off (CPython does not free
# everything at exit) and the pip-install test is left out.
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
if [ -n "${4:-}" ]; then
  if ! [ -f "$4" ]; then
    echo "skipped: no sanitizer runtime at $4" >&2
    exit 77
  fi
  export LD_PRELOAD="$4" PARLEY_SKIP_INSTALL_TEST=1
  export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  # a later detect_leaks in the caller's options would win: drop it
  ASAN_OPTIONS=$(printf '%s' "$ASAN_OPTIONS" | sed 's/:detect_leaks=1//g')
fi
# -p no:cacheprovider: nothing written into the source tree
exec "$PY" -m pytest -q -p no:cacheprovider python/tests
