#!/bin/sh
# Every fuzz target has a libFuzzer dictionary, and every dictionary line is
# one libFuzzer reads: blank, a # comment, or [name=]"value" where value
# escapes only \\, \" and \xHH. libFuzzer would otherwise stop at start-up
# ("ParseDictionaryFile: error"), which only a fuzz run would show.
#   check_dicts.sh tests/fuzz
set -u
cd "${1:?usage: $0 FUZZ_DIR}" || exit 2
bad=0
for src in fuzz_*.c; do
  name=${src#fuzz_}
  name=${name%.c}
  if [ ! -f "$name.dict" ]; then
    echo "$src: no $name.dict next to it"
    bad=1
  fi
done
for d in *.dict; do
  # drop the allowed escapes, then a line must be one plain quoted value
  if sed -e 's/\\\\//g' -e 's/\\"//g' -e 's/\\x[0-9A-Fa-f][0-9A-Fa-f]//g' "$d" |
    grep -n -v -E '^[[:space:]]*(#.*)?$|^([A-Za-z0-9_]+=)?"[^"\\]*"$'; then
    echo "$d: the lines above are not libFuzzer dictionary entries"
    bad=1
  fi
done
[ "$bad" -eq 0 ] && echo "every fuzz target has a dictionary; all parse"
exit "$bad"
