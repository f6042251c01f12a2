#!/bin/sh
# The bad-input corpus: run_corpus.sh PARLEY_BINARY CORPUS_DIR [COMMAND]
#
# COMMAND is the subcommand each file is given to: analyze (default) for
# scenarios, sequence for plans (tests/data/plans).
#
#   y_*.yaml  must load and analyse: exit 0.
#   n_*.yaml  must be refused: exit 3, nothing on stdout, and on stderr
#             exactly the one line held in n_*.err next to it.
#
# Runs from any directory: it changes to CORPUS_DIR and passes bare file
# names, so the messages start with the file name alone. Prints one line
# per failure and ends with "N passed, N failed"; exits 1 on any failure.
set -u

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
  echo "usage: $0 PARLEY_BINARY CORPUS_DIR [COMMAND]" >&2
  exit 2
fi
command=${3:-analyze}
case $1 in
  /*) parley=$1 ;;
  *) parley=$(pwd)/$1 ;;
esac
if [ ! -x "$parley" ]; then
  echo "$0: $parley is not an executable" >&2
  exit 2
fi
cd "$2" || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parley-corpus.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# A hanging case fails instead of stalling the suite, where timeout(1) exists.
if command -v timeout >/dev/null 2>&1; then
  run() { timeout 60 "$parley" "$command" "$1" >"$tmp/out" 2>"$tmp/err"; }
else
  run() { "$parley" "$command" "$1" >"$tmp/out" 2>"$tmp/err"; }
fi

passed=0
failed=0
fail() {
  echo "FAIL $1: $2"
  failed=$((failed + 1))
}
firstline() { head -n 1 "$1" | cut -c 1-300; }

for f in y_*.yaml; do
  [ -e "$f" ] || continue
  run "$f"
  code=$?
  if [ "$code" -ne 0 ]; then
    fail "$f" "exit $code, expected 0: $(firstline "$tmp/err")"
  else
    passed=$((passed + 1))
  fi
done

for f in n_*.yaml; do
  [ -e "$f" ] || continue
  expected=${f%.yaml}.err
  if [ ! -f "$expected" ]; then
    fail "$f" "no $expected next to it"
    continue
  fi
  if [ "$(wc -l <"$expected")" -ne 1 ]; then
    fail "$f" "$expected must hold exactly one line"
    continue
  fi
  run "$f"
  code=$?
  if [ "$code" -ne 3 ]; then
    fail "$f" "exit $code, expected 3: $(firstline "$tmp/err")"
  elif [ -s "$tmp/out" ]; then
    fail "$f" "wrote on stdout: $(firstline "$tmp/out")"
  elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    fail "$f" "$(wc -l <"$tmp/err") lines on stderr, expected 1: $(firstline "$tmp/err")"
  elif ! cmp -s "$tmp/err" "$expected"; then
    fail "$f" "stderr is: $(firstline "$tmp/err")"
    echo "     expected: $(firstline "$expected")"
  else
    passed=$((passed + 1))
  fi
done

# An expectation without its input is a corpus mistake too.
for e in n_*.err; do
  [ -e "$e" ] || continue
  [ -f "${e%.err}.yaml" ] || fail "$e" "no ${e%.err}.yaml next to it"
done

if [ $((passed + failed)) -eq 0 ]; then
  fail "$2" "no y_*.yaml or n_*.yaml files"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
