#!/bin/sh
# End-to-end tests of the parley CLI: golden outputs of every example (text
# and JSON) and the documented exit codes of command-line mistakes.
#   run_golden.sh PARLEY SOURCE_DIR        compare
#   UPDATE=1 run_golden.sh PARLEY SOURCE_DIR   rewrite the golden files
set -u
parley=$1
cd "$2" || exit 2
golden=tests/cli/golden
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# check NAME EXPECTED_EXIT -- ARGS...: stdout must match $golden/NAME
check_golden() {
  name=$1
  shift
  "$parley" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    bad "$name: exit $rc: $(head -c 300 "$tmp/err")"
    return
  fi
  if [ -n "${UPDATE:-}" ]; then
    cp "$tmp/out" "$golden/$name"
    ok
  elif cmp -s "$tmp/out" "$golden/$name"; then
    ok
  else
    bad "$name differs from $golden/$name:"
    diff -u "$golden/$name" "$tmp/out" | head -40
  fi
}

# check_exit WHAT CODE ARGS...: exit code, and nothing on stdout for errors
check_exit() {
  what=$1
  code=$2
  shift 2
  "$parley" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    bad "$what: exit $rc, expected $code"
  elif [ "$code" -ne 0 ] && [ -s "$tmp/out" ]; then
    bad "$what: wrote to stdout on failure"
  elif [ "$code" -ne 0 ] && [ ! -s "$tmp/err" ]; then
    bad "$what: no message on stderr"
  else
    ok
  fi
}

for f in examples/*.yaml; do
  base=$(basename "$f" .yaml)
  check_golden "$base.txt" analyze "$f"
  check_golden "$base.json" analyze "$f" --json
done

# Implementation plans (docs/sequencing.md): text, JSON, an evaluated order
# with tranches, and the heuristic.
for f in examples/plans/*.yaml; do
  base=plan-$(basename "$f" .yaml)
  check_golden "$base.txt" sequence "$f"
  check_golden "$base.json" sequence "$f" --json
done
check_golden "plan-exchange.order.txt" sequence examples/plans/exchange.yaml --order enrichment_cap,banking,arak_core,frozen_assets,frozen_assets,frozen_assets,iaea_access,oil,stockpile_out,un_resolution,stockpile_out,frozen_assets
check_golden "plan-exchange.order.json" sequence examples/plans/exchange.yaml --json --order enrichment_cap,banking,arak_core,frozen_assets,iaea_access,oil,stockpile_out,un_resolution
check_golden "plan-minsk.heuristic.txt" sequence examples/plans/minsk.yaml --max-states 10
check_exit "sequence: infeasible plan" 0 sequence examples/plans/minsk.yaml --no-levers
check_exit "sequence without plan" 2 sequence
check_exit "sequence: two plans" 2 sequence examples/plans/minsk.yaml examples/plans/exchange.yaml
check_exit "sequence: unknown option" 2 sequence examples/plans/minsk.yaml --frob
check_exit "sequence: bad --max-states" 2 sequence examples/plans/minsk.yaml --max-states 0
check_exit "sequence: --order unknown step" 2 sequence examples/plans/exchange.yaml --order oil,nothing
check_exit "sequence: --order leaves a step out" 2 sequence examples/plans/exchange.yaml --order oil,banking
check_exit "sequence: --order empty item" 2 sequence examples/plans/exchange.yaml --order oil,,banking
check_exit "sequence: --order before a prerequisite" 2 sequence examples/plans/exchange.yaml --order un_resolution,enrichment_cap,stockpile_out,arak_core,iaea_access,oil,banking,frozen_assets
check_exit "sequence: missing plan" 3 sequence examples/plans/no-such-plan.yaml
check_exit "sequence: a scenario is no plan" 3 sequence examples/job-offer.yaml
check_exit "sequence --help" 0 sequence --help
# The annotated example of docs/sequence-format.md is the example file.
awk '/^```yaml/{n++; on=(n==1); next} /^```/{on=0} on' docs/sequence-format.md >"$tmp/format-example.yaml"
if cmp -s "$tmp/format-example.yaml" examples/plans/minsk.yaml; then ok; else
  bad "the example of docs/sequence-format.md differs from examples/plans/minsk.yaml"
fi

check_golden "job-offer.run.txt" run examples/job-offer.yaml --agents boulware,conceder --rounds 10
check_golden "job-offer.run.json" run examples/job-offer.yaml --agents boulware,conceder --rounds 10 --json
check_golden "security-talks.text.txt" run examples/security-talks.yaml --protocol text --agents boulware,conceder,conceder --rounds 3
check_golden "security-talks.partial.txt" run examples/security-talks.yaml --protocol text --partial --agents boulware,conceder,conceder --rounds 3
check_golden "security-talks.partial.json" run examples/security-talks.yaml --protocol text --partial --agents boulware,conceder,conceder --rounds 3 --json
check_golden "job-offer.run-ac.txt" run examples/job-offer.yaml --agents "aspiration:ac=const,c=0.7,om=freq,conceder:ac=next+time,t=0.6" --rounds 10
check_exit "run: partial without status quo" 2 run examples/job-offer.yaml --partial --agents linear,linear
check_exit "run: bad acceptance" 2 run examples/job-offer.yaml --agents "boulware:ac=sometimes,linear"
check_exit "run: rounds 0 without time" 2 run examples/job-offer.yaml --agents linear,linear --rounds 0
check_exit "run: bad time" 2 run examples/job-offer.yaml --agents linear,linear --time -1
check_exit "run: time limit" 0 run examples/job-offer.yaml --agents linear,linear --time 0.5
check_exit "run: unknown drafter" 2 run examples/job-offer.yaml --protocol text --drafter nobody --agents linear,linear
# A party that can never reach its reservation value, in 5^16 outcomes: the
# run ends at once, naming it (issue 19: this walked the whole space).
{
  echo "scenario: stuck"
  echo "issues:"
  for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
    echo "  - {id: i$i, options: [a, b, c, d, e]}"
  done
  echo "parties:"
  echo "  - {id: stuck, reservation: 1, weights: {i0: 1}, values: {i0: {a: 0.9, b: 0.5}}}"
  echo "  - {id: other, weights: {i1: 1}, values: {i1: {a: 1}}}"
} >"$tmp/stuck.yaml"
timeout 120 "$parley" run "$tmp/stuck.yaml" --agents boulware,boulware --rounds 2 --json >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q '"ended_by": "no_offer"' "$tmp/out" && grep -q '"no_offer": "stuck"' "$tmp/out"; then ok; else
  bad "run: a party with nothing it allows: $(cat "$tmp/out" "$tmp/err")"
fi
# plug-in agents, built next to the parley binary
plugins=$(dirname "$parley")
if [ -e "$plugins/patient.so" ]; then
  "$parley" run examples/job-offer.yaml --agents "$plugins/patient.so,conceder" --rounds 10 --json >"$tmp/out" 2>"$tmp/err"
  if grep -q '"ended_by": "agreement"' "$tmp/out"; then ok; else bad "patient plug-in: $(cat "$tmp/out" "$tmp/err")"; fi
  for mode in range error redline; do
    "$parley" run examples/job-offer.yaml --agents "linear,$plugins/broken.so:$mode" --json >"$tmp/out" 2>"$tmp/err"
    if [ $? -eq 0 ] && grep -q '"ended_by": "failure"' "$tmp/out" && grep -q '"failed": "employer"' "$tmp/out"; then ok; else
      bad "broken plug-in ($mode): $(cat "$tmp/out" "$tmp/err")"
    fi
  done
  "$parley" run examples/job-offer.yaml --agents "linear,$plugins/broken.so:walkout" --json >"$tmp/out" 2>"$tmp/err"
  if [ $? -eq 0 ] && grep -q '"ended_by": "walkout"' "$tmp/out" && grep -q '"walked_out": "employer"' "$tmp/out"; then ok; else
    bad "walking-out plug-in: $(cat "$tmp/out" "$tmp/err")"
  fi
  check_exit "run: missing plug-in" 2 run examples/job-offer.yaml --agents "$plugins/no-such-agent.so,linear"
else
  bad "no plug-in agents next to $parley"
fi
check_exit "run: mediated" 0 run examples/job-offer.yaml --protocol mediated --agents linear,linear --rounds 20 --seed 3

# A non-linear scenario beyond --max-outcomes: the box method, exact (the
# same frontier and solutions as enumeration, which the golden files were
# checked against) and, on a budget of 20 boxes, certified approximate.
nl=tests/data/scenarios/nonlinear-boxes.yaml
check_golden "nonlinear-boxes.txt" analyze "$nl" --max-outcomes 1000
check_golden "nonlinear-boxes.json" analyze "$nl" --max-outcomes 1000 --json
check_golden "nonlinear-boxes.budget.txt" analyze "$nl" --max-outcomes 1000 --max-boxes 20
check_exit "analyze: enumerate beyond the limit" 1 analyze "$nl" --max-outcomes 1000 --method enumerate
check_exit "analyze: structural of hyper-rectangles" 1 analyze "$nl" --method structural
check_exit "analyze: --max-boxes 0" 2 analyze "$nl" --max-boxes 0
check_exit "analyze: --method boxes" 0 analyze "$nl" --method boxes

# A folder of several GENIUS domains (the ANAC 2012 layout): FOLDER/PREFIX
# names one domain; the folder alone, or a wrong prefix, is bad input.
anac=tests/data/genius/anac2012
check_golden "anac2012-Tiny-A.txt" analyze "$anac/Tiny-A"
check_exit "analyze: domain prefix" 0 analyze "$anac/Tiny-B" --json
check_exit "run: domain prefix" 0 run "$anac/Tiny-A" --agents linear,linear --rounds 10
check_exit "convert: domain prefix" 0 convert "$anac/Tiny-A" --to yaml -o "$tmp/tiny-a.yaml"
check_exit "analyze: folder of several domains" 3 analyze "$anac"
grep -q "Tiny-A, Tiny-B" "$tmp/err" || bad "several domains: prefixes not listed"
check_exit "analyze: wrong domain prefix" 3 analyze "$anac/Tiny-C"
check_exit "run: wrong domain prefix" 3 run "$anac/Tiny-C" --agents linear,linear
check_exit "run: unknown protocol" 2 run examples/job-offer.yaml --protocol shouting --agents linear,linear
check_exit "run: wrong number of agents" 2 run examples/job-offer.yaml --agents boulware
check_exit "run: unknown agent" 2 run examples/job-offer.yaml --agents boulware,nonsense
check_exit "run: without agents" 2 run examples/job-offer.yaml
"$parley" run examples/security-talks.yaml --agents conceder,conceder,conceder --transcript "$tmp/t.jsonl" >/dev/null
if [ "$(tail -n 1 "$tmp/t.jsonl" | grep -c '"reason":"deadline"')" = 1 ]; then ok; else
  bad "security-talks transcript does not end by the deadline"
fi

# The mediator's toolkit (docs/mediation.md): unlock and improve.
check_golden "security-talks.unlock.txt" unlock examples/security-talks.yaml
check_golden "security-talks.unlock.json" unlock examples/security-talks.yaml --json --max-sets 2
check_golden "security-talks.unlock-by.txt" unlock examples/security-talks.yaml --by usa
check_golden "job-offer.unlock.txt" unlock examples/job-offer.yaml
check_golden "security-talks.improve.txt" improve examples/security-talks.yaml --from nato_enlargement=moratorium,offensive_weapons=reciprocal_limits,nato_infrastructure=transparency
check_golden "job-offer.improve.txt" improve examples/job-offer.yaml --from salary=70,remote=1,start=september
check_golden "job-offer.improve.json" improve examples/job-offer.yaml --from salary=80,remote=0,start=june --json
check_golden "security-talks.improve.json" improve examples/security-talks.yaml --json --from status_quo
check_exit "improve without --from" 2 improve examples/security-talks.yaml
check_exit "improve: unknown issue" 3 improve examples/security-talks.yaml --from nukes=none
check_exit "improve: unknown option" 3 improve examples/security-talks.yaml --from inf_missiles=maybe
check_exit "improve: issue twice" 3 improve examples/security-talks.yaml --from inf_missiles=moratorium,inf_missiles=verified_ban
check_exit "improve: no status quo to fill" 3 improve examples/job-offer.yaml --from salary=70
check_exit "improve: unknown option" 2 improve examples/job-offer.yaml --from status_quo --frob
check_exit "unlock: unknown party" 2 unlock examples/security-talks.yaml --by everyone
check_exit "unlock: bad --max-sets" 2 unlock examples/security-talks.yaml --max-sets many
check_exit "unlock: unknown option" 2 unlock examples/security-talks.yaml --frob
check_exit "unlock: bad scenario" 3 unlock tests/data/scenarios/n_variant_cycle.yaml
check_exit "unlock --help" 0 unlock --help
check_exit "analyze --plot --unlock 1" 0 analyze examples/security-talks.yaml --plot "$tmp/unlock1.svg" --unlock 1
if grep -q '1 feasible' "$tmp/unlock1.svg"; then ok; else bad "--unlock 1: the plot does not show the one package the set opens"; fi
check_exit "analyze --unlock beyond the sets" 2 analyze examples/security-talks.yaml --plot "$tmp/unlock.svg" --unlock 99
check_exit "analyze --unlock without deadlock" 2 analyze examples/job-offer.yaml --plot "$tmp/unlock.svg" --unlock 1
check_exit "analyze --unlock without --plot" 2 analyze examples/security-talks.yaml --unlock 1
check_exit "improve --help" 0 improve --help
"$parley" run examples/job-offer.yaml --agents boulware,conceder --rounds 10 --transcript "$tmp/agreed.jsonl" >/dev/null
check_golden "job-offer.improve-transcript.txt" improve examples/job-offer.yaml --from "transcript:$tmp/agreed.jsonl"
"$parley" run examples/security-talks.yaml --agents conceder,conceder,conceder --rounds 5 --transcript "$tmp/deadline.jsonl" >/dev/null
"$parley" improve examples/security-talks.yaml --from "transcript:$tmp/deadline.jsonl" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 3 ] && [ ! -s "$tmp/out" ] && grep -q 'deadline.jsonl:[0-9]*:1: the negotiation ended without agreement (deadline)' "$tmp/err"; then ok; else
  bad "improve: a transcript without agreement: $(cat "$tmp/err")"
fi
check_exit "improve: a scenario is no transcript" 3 improve examples/job-offer.yaml --from transcript:examples/job-offer.yaml
check_exit "improve: missing transcript" 3 improve examples/job-offer.yaml --from transcript:no-such-file.jsonl
"$parley" improve examples/security-talks.yaml --from nukes=none >/dev/null 2>"$tmp/err"
if grep -qx -- '--from:1:1: unknown issue "nukes"' "$tmp/err"; then ok; else
  bad "improve: the message for an unknown issue: $(cat "$tmp/err")"
fi

check_exit "no arguments" 2
check_exit "unknown command" 2 frobnicate
check_exit "analyze without input" 2 analyze
check_exit "unknown option" 2 analyze examples/job-offer.yaml --frob
check_exit "two YAML inputs" 3 analyze examples/job-offer.yaml examples/job-offer.yaml
check_exit "bad --max-outcomes" 2 analyze examples/job-offer.yaml --max-outcomes -3
check_exit "bad --memory" 2 analyze examples/job-offer.yaml --memory lots
check_exit "missing file" 3 analyze examples/no-such-file.yaml
check_exit "a folder of two scenarios" 3 analyze examples
check_exit "over the outcome limit" 1 analyze examples/security-talks.yaml --method enumerate --max-outcomes 100
check_exit "help" 0 help
check_exit "analyze --help" 0 analyze --help
check_exit "version" 0 --version

# The refusal names the outcome count and what to do.
"$parley" analyze examples/security-talks.yaml --method enumerate --max-outcomes 100 2>"$tmp/err" >/dev/null
if grep -q '243 outcomes' "$tmp/err" && grep -q -- '--max-outcomes' "$tmp/err"; then ok; else
  bad "too-big message: $(cat "$tmp/err")"
fi

# The annotated example of docs/tournament-format.md is the example file
# (without its opening comment), and the example runs.
awk '/^```yaml/{n++; on=(n==1); next} /^```/{on=0} on' docs/tournament-format.md >"$tmp/tournament-doc.yaml"
sed '/^#/d' examples/tournament/demo.yaml >"$tmp/tournament-example.yaml"
if cmp -s "$tmp/tournament-doc.yaml" "$tmp/tournament-example.yaml"; then ok; else
  bad "the example of docs/tournament-format.md differs from examples/tournament/demo.yaml"
fi
check_exit "tournament example" 0 tournament examples/tournament/demo.yaml --db "$tmp/demo.db" --quiet
check_exit "tournament example resumed" 0 tournament examples/tournament/demo.yaml --db "$tmp/demo.db" --quiet
check_exit "results" 0 results "$tmp/demo.db" --csv "$tmp/demo.csv"
check_exit "results of no store" 1 results "$tmp/no-such.db"
# The summary names scenarios by short unique names (docs/tournament.md):
# text, JSON and the CSV (without its wall_time column).
check_golden "tournament-demo.results.txt" results "$tmp/demo.db"
check_golden "tournament-demo.results.json" results "$tmp/demo.db" --json
sed 's/,[^,]*$//' "$tmp/demo.csv" >"$tmp/demo.nowall.csv"
if [ -n "${UPDATE:-}" ]; then cp "$tmp/demo.nowall.csv" "$golden/tournament-demo.csv"; ok
elif cmp -s "$tmp/demo.nowall.csv" "$golden/tournament-demo.csv"; then ok; else
  bad "tournament-demo.csv differs from $golden/tournament-demo.csv:"
  diff -u "$golden/tournament-demo.csv" "$tmp/demo.nowall.csv" | head -20
fi
# Every refusal of tournament and results, with its documented exit code
# (docs/cli.md); a config refused says file:line:col.
: >"$tmp/t-empty.yaml"
printf '# only a comment\n' >"$tmp/t-comment.yaml"
printf 'scenarios: [%s/examples/job-offer.yaml]\nagents: [' "$PWD" >"$tmp/t-big.yaml"
for k in $(seq 1 33); do printf '"linear:e=%d", ' "$k"; done >>"$tmp/t-big.yaml"
printf 'boulware]\nrepetitions: 1000000\n' >>"$tmp/t-big.yaml"
printf 'scenarios: [%s/examples/job-offer.yaml]\nagents: [boulware, conceder]\nrounds: 5\n' "$PWD" >"$tmp/t-ok.yaml"
printf 'not a database, only text\n' >"$tmp/text.db"
check_exit "tournament without config" 2 tournament
check_exit "tournament: unknown option" 2 tournament "$tmp/t-ok.yaml" --frob
check_exit "tournament: --db without value" 2 tournament "$tmp/t-ok.yaml" --db
check_exit "tournament: bad --jobs" 2 tournament "$tmp/t-ok.yaml" --jobs 0
check_exit "tournament: two configs" 2 tournament "$tmp/t-ok.yaml" "$tmp/t-ok.yaml"
check_exit "tournament: missing config" 3 tournament "$tmp/no-such.yaml" --db "$tmp/x.db"
for c in empty comment big; do
  check_exit "tournament: $c config" 3 tournament "$tmp/t-$c.yaml" --db "$tmp/x.db" --quiet
  if grep -q "t-$c.yaml:1:1: " "$tmp/err"; then ok; else bad "tournament: $c config: $(cat "$tmp/err")"; fi
done
if [ -e "$tmp/x.db" ]; then bad "a refused config left a store"; else ok; fi
check_exit "tournament: --db not a database" 3 tournament "$tmp/t-ok.yaml" --db "$tmp/text.db" --quiet
check_exit "tournament: --db in no folder" 1 tournament "$tmp/t-ok.yaml" --db "$tmp/no/such/x.db" --quiet
check_exit "tournament: a store of another config" 3 tournament "$tmp/t-ok.yaml" --db "$tmp/demo.db" --quiet
check_exit "results without store" 2 results
check_exit "results: unknown option" 2 results "$tmp/demo.db" --frob
check_exit "results: two stores" 2 results "$tmp/demo.db" "$tmp/demo.db"
check_exit "results: not a database" 3 results "$tmp/text.db"
check_exit "results: not a store" 3 results "$tmp/t-ok.yaml"
check_exit "results: --csv of no store" 3 results "$tmp/text.db" --csv "$tmp/x.csv"
check_exit "results: --csv not written" 1 results "$tmp/demo.db" --csv "$tmp/no/such/x.csv"

# "-" reads standard input (a YAML scenario; a plan for sequence), named
# <stdin> in messages.
check_stdin() {
  what=$1
  code=$2
  input=$3
  want=$4
  shift 4
  "$parley" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    bad "$what: exit $rc, expected $code: $(head -c 200 "$tmp/err")"
  elif [ "$code" -eq 0 ] && ! cmp -s "$tmp/out" "$want"; then
    bad "$what: output differs from $want"
  elif [ "$code" -ne 0 ] && ! grep -q "$want" "$tmp/err"; then
    bad "$what: expected '$want' in: $(head -c 200 "$tmp/err")"
  else
    ok
  fi
}
check_stdin "analyze - (YAML on stdin)" 0 examples/job-offer.yaml "$golden/job-offer.txt" analyze -
check_stdin "analyze - --json" 0 examples/job-offer.yaml "$golden/job-offer.json" analyze - --json
printf 'issues: [\n' >"$tmp/broken.yaml"
check_stdin "analyze - (bad YAML)" 3 "$tmp/broken.yaml" "^<stdin>:2:1: " analyze -
check_stdin "analyze - (a GENIUS domain)" 3 tests/data/genius/mixed/mixed.xml "^<stdin>:1:1: standard input holds a GENIUS file" analyze -
check_stdin "analyze - twice" 3 examples/job-offer.yaml "standard input can only be the one input" analyze - -
"$parley" sequence examples/plans/exchange.yaml >"$tmp/plan.txt" 2>/dev/null
check_stdin "sequence - (plan on stdin)" 0 examples/plans/exchange.yaml "$tmp/plan.txt" sequence -

# Several inputs whose first is not a domain: the first file is blamed,
# at line 1, column 1, with the reason.
: >"$tmp/empty.json"
printf '\357\273\277\357\273\277{}' >"$tmp/boms.json"
printf '\377\376{\000}\000' >"$tmp/utf16.json"
for f in empty boms utf16; do
  "$parley" analyze "$tmp/$f.json" tests/data/geniusweb/mixed/mixed.json >"$tmp/out" 2>"$tmp/err"
  rc=$?
  case $f in
  empty) why="empty file" ;;
  boms) why="two byte-order marks" ;;
  utf16) why="UTF-16 text" ;;
  esac
  if [ "$rc" -eq 3 ] && [ ! -s "$tmp/out" ] &&
     grep -q "^$tmp/$f.json:1:1: $why" "$tmp/err"; then
    ok
  else
    bad "first input $f.json: exit $rc: $(head -c 200 "$tmp/err")"
  fi
done

# A failure after the work is done (an output file that cannot be written,
# a full standard output) still leaves nothing on stdout and exits 1
# (docs/cli.md): standard output is held back until the command succeeds.
nodir=/nonexistent-parley-dir
check_exit "analyze: plot cannot be written" 1 analyze examples/job-offer.yaml --plot "$nodir/x.svg"
check_exit "analyze --json: plot cannot be written" 1 analyze examples/job-offer.yaml --json --plot "$nodir/x.svg"
check_exit "run: plot cannot be written" 1 run examples/job-offer.yaml --agents linear,linear --plot "$nodir/x.svg"
check_exit "run: transcript cannot be written" 1 run examples/job-offer.yaml --agents linear,linear --transcript "$nodir/t.jsonl"
check_exit "sequence: plot cannot be written" 1 sequence examples/plans/exchange.yaml --plot "$nodir/x.svg"
check_exit "report: cannot be written" 1 report examples/job-offer.yaml -o "$nodir/r.html"
check_exit "convert: cannot be written" 1 convert examples/job-offer.yaml --to yaml -o "$nodir/x.yaml"
check_exit "results: csv cannot be written" 1 results "$tmp/demo.db" --csv "$nodir/x.csv"
if [ -w /dev/full ]; then
  for args in "analyze examples/job-offer.yaml" "version" "help" \
      "run examples/job-offer.yaml --agents linear,linear" \
      "sequence examples/plans/exchange.yaml" "results $tmp/demo.db"; do
    # shellcheck disable=SC2086
    "$parley" $args >/dev/full 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q 'cannot write the output' "$tmp/err"; then
      ok
    else
      bad "$args >/dev/full: exit $rc, $(head -c 200 "$tmp/err")"
    fi
  done
fi

# Verifiable records (docs/records.md): keys, a signed run, publication
# with Russia's comments withheld, verification, tampering, bad usage.
rk="$tmp/records"
mkdir -p "$rk"
for p in russia usa nato; do
  check_exit "keygen $p" 0 keygen --party "$p" -o "$rk/$p.key"
done
check_exit "keygen: never overwrites" 1 keygen --party usa -o "$rk/usa.key"
check_exit "keygen: bad party id" 2 keygen --party "a b" -o "$rk/x.key"
check_exit "keygen without -o" 2 keygen --party usa
talks="examples/security-talks.yaml --protocol text --drafter usa --agents boulware,conceder,conceder --rounds 3"
# shellcheck disable=SC2086
check_exit "run --sign" 0 run $talks --sign "russia=$rk/russia.key" \
  --sign "usa=$rk/usa.key" --sign "nato=$rk/nato.key" --transcript "$rk/talks.record"
# checkpoints: only each signer's last event signed; verifies in both modes
# shellcheck disable=SC2086
check_exit "run --sign-every 0" 0 run $talks --sign "russia=$rk/russia.key" \
  --sign "usa=$rk/usa.key" --sign "nato=$rk/nato.key" --sign-every 0 \
  --transcript "$rk/cp.record"
check_exit "verify a checkpoint record" 0 verify "$rk/cp.record"
check_exit "verify --fast a checkpoint record" 0 verify --fast "$rk/cp.record"
[ "$(grep -c '"sig"' "$rk/cp.record")" -eq 4 ] ||
  bad "run --sign-every 0: $(grep -c '"sig"' "$rk/cp.record") signatures, expected 4"
# shellcheck disable=SC2086
check_exit "run --sign-every without --sign" 2 run $talks --sign-every 0 \
  --transcript "$rk/z"
# shellcheck disable=SC2086
check_exit "run --sign-every -1" 2 run $talks --sign "usa=$rk/usa.key" \
  --sign-every -1 --transcript "$rk/z"
# check_in_records NAME CODE ARGS...: run in $rk (paths in the output stay
# short), stdout must match $golden/NAME
check_in_records() {
  name=$1
  code=$2
  shift 2
  (cd "$rk" && "$parley" "$@") >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    bad "$name: exit $rc, expected $code: $(head -c 300 "$tmp/err")"
  elif [ -n "${UPDATE:-}" ]; then
    cp "$tmp/out" "$golden/$name"
    ok
  elif cmp -s "$tmp/out" "$golden/$name"; then
    ok
  else
    bad "$name differs from $golden/$name:"
    diff -u "$golden/$name" "$tmp/out" | head -40
  fi
}
check_in_records "records-talks.verify.txt" 0 verify talks.record \
  --trust russia.key.pub --trust usa.key.pub --trust nato.key.pub
check_in_records "records-talks.publish.txt" 0 publish talks.record \
  -o talks.bundle --withhold party=russia,event=comment --key usa.key
check_in_records "records-talks-withheld.verify.txt" 0 verify talks.bundle
(cd "$rk" && "$parley" verify --fast --json talks.bundle) >"$tmp/out" 2>&1
if [ $? -eq 0 ] && [ "$(grep -c '"withheld_by": "usa"' "$tmp/out")" -eq 3 ] &&
   grep -q '"ok": true' "$tmp/out"; then
  ok
else
  bad "verify --fast --json of the bundle: $(head -c 300 "$tmp/out")"
fi
# the HTML report of the bundle: the verdict, the withheld events marked
# (fontconfig keeps caches for the process: the report tests' suppressions)
supp="$(pwd)/tests/report/lsan.supp"
(cd "$rk" && LSAN_OPTIONS="suppressions=$supp" "$parley" report \
  --record talks.bundle -o talks.html) >/dev/null 2>&1
if [ $? -eq 0 ] && grep -q "Verified: the record is complete and intact" "$rk/talks.html" &&
   [ "$(grep -o 'withheld by usa' "$rk/talks.html" | wc -l)" -eq 3 ]; then
  ok
else
  bad "report --record of the bundle: no verdict or withheld marks"
fi
# a Russian comment altered after the fact: exit 4, located
sed '4s/\\"round\\":1/\\"round\\":2/' "$rk/talks.record" >"$rk/altered.record"
check_in_records "records-altered.verify.txt" 4 verify altered.record
# the third event line dropped
sed '5d' "$rk/talks.record" >"$rk/dropped.record"
check_in_records "records-dropped.verify.txt" 4 verify dropped.record
check_exit "publish: a record that does not verify" 4 publish \
  "$rk/dropped.record" -o "$rk/x.bundle"
check_exit "publish: withholding without --key" 2 publish \
  "$rk/talks.record" -o "$rk/x.bundle" --withhold 3
check_exit "publish: bad --withhold" 2 publish "$rk/talks.record" \
  -o "$rk/x.bundle" --withhold party=russia,3 --key "$rk/usa.key"
check_exit "publish: the genesis" 2 publish "$rk/talks.record" \
  -o "$rk/x.bundle" --withhold 0 --key "$rk/usa.key"
check_exit "verify: a scenario is no record" 3 verify examples/job-offer.yaml
check_exit "verify: missing file" 3 verify "$rk/no-such.record"
check_exit "verify without a record" 2 verify
check_exit "verify --help" 0 verify --help
# shellcheck disable=SC2086
check_exit "run --sign without --transcript" 2 run $talks \
  --sign "usa=$rk/usa.key"
# shellcheck disable=SC2086
check_exit "run --sign: no such party" 2 run $talks --sign "eu=$rk/usa.key" \
  --transcript "$rk/y"
# shellcheck disable=SC2086
check_exit "run --sign: another party's key" 2 run $talks \
  --sign "russia=$rk/usa.key" --transcript "$rk/y"
# a secret key others can read: a warning, the run goes on
chmod 0644 "$rk/nato.key"
# shellcheck disable=SC2086
"$parley" run $talks --sign "nato=$rk/nato.key" --transcript "$rk/y" \
  >/dev/null 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q "warning: secret key file .* (mode 0644)" "$tmp/err"; then
  ok
else
  bad "run --sign with a 0644 key: no warning"
fi
# Signed tournament stores (docs/records.md, "Tournament stores")
cp examples/job-offer.yaml "$rk/"
cat >"$rk/small.yaml" <<EOC
name: small
seed: 11
scenarios: [job-offer.yaml]
agents: [boulware, conceder, tit-for-tat]
rounds: 100
repetitions: 3
EOC
check_exit "keygen organiser" 0 keygen --party organiser -o "$rk/org.key"
check_exit "keygen another organiser" 0 keygen --party organiser -o "$rk/org2.key"
check_exit "tournament --sign" 0 tournament "$rk/small.yaml" --db "$rk/signed.db" \
  --sign "$rk/org.key" --jobs 1 --quiet
check_in_records "records-tournament.verify.txt" 0 verify signed.db --trust org.key.pub
check_in_records "records-tournament.results.txt" 0 results signed.db
check_exit "tournament --sign resumed" 0 tournament "$rk/small.yaml" \
  --db "$rk/signed.db" --sign "$rk/org.key" --quiet
check_exit "tournament: a signed store without --sign" 3 tournament \
  "$rk/small.yaml" --db "$rk/signed.db" --quiet
check_exit "tournament: a signed store with another key" 3 tournament \
  "$rk/small.yaml" --db "$rk/signed.db" --sign "$rk/org2.key" --quiet
check_exit "tournament --sign: a public key" 2 tournament "$rk/small.yaml" \
  --db "$rk/p.db" --sign "$rk/org.key.pub" --quiet
check_exit "tournament --sign: no such key" 3 tournament "$rk/small.yaml" \
  --db "$rk/p.db" --sign "$rk/no-such.key" --quiet
check_exit "tournament --sign-every without --sign" 2 tournament \
  "$rk/small.yaml" --db "$rk/p.db" --sign-every 5 --quiet
check_exit "tournament --sign-every -1" 2 tournament "$rk/small.yaml" \
  --db "$rk/p.db" --sign "$rk/org.key" --sign-every -1 --quiet
check_exit "tournament unsigned" 0 tournament "$rk/small.yaml" \
  --db "$rk/plain.db" --quiet
check_exit "tournament: an unsigned store with --sign" 3 tournament \
  "$rk/small.yaml" --db "$rk/plain.db" --sign "$rk/org.key" --quiet
check_exit "verify: an unsigned store" 3 verify "$rk/plain.db"
"$parley" verify "$rk/signed.db" --trust "$rk/org2.key.pub" >"$tmp/out" 2>&1
if [ $? -eq 4 ] && grep -q "^  key: the record's key for 'organiser' is not the trusted one" "$tmp/out"; then
  ok
else
  bad "verify: a signed store, another trusted key: $(tail -2 "$tmp/out")"
fi
if command -v sqlite3 >/dev/null; then
  cp "$rk/signed.db" "$rk/altered.db"
  sqlite3 "$rk/altered.db" "UPDATE negotiations SET utilities = '[0.99,0.1]' WHERE job = 3"
  check_in_records "records-tournament-altered.verify.txt" 4 verify altered.db
  check_in_records "records-tournament-altered.results.txt" 0 results altered.db
fi
check_exit "publish a signed store" 0 publish "$rk/signed.db" -o "$rk/t.bundle"
check_in_records "records-tournament-bundle.verify.txt" 0 verify t.bundle

# docs/records.md's test vector, by hand with b2sum (and openssl)
if command -v b2sum >/dev/null; then
  salt=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  body='{"round":1,"event":"comment","party":"usa"}'
  zero=0000000000000000000000000000000000000000000000000000000000000000
  commit=$(printf '%s\n%s' "$salt" "$body" | b2sum -l 256 | cut -d' ' -f1)
  sig=da521267323924d4632d5cf88eec03896f56aab9f4e4a6d4409fe7faf0f009a29aa3300e54567d649ec2d82db86bd650a90958969570d47bc073ed2fef932c06
  printf 'parley-record-1\n1\n%s\nusa\ncomment\n%s\n' "$zero" "$commit" >"$tmp/pre"
  link=$( (cat "$tmp/pre"; printf '%s\n' "$sig") | b2sum -l 256 | cut -d' ' -f1)
  if [ "$commit" = 708924982ec2f1e075c1e2adfcff86258058599836ff8fc380253e6ffbc3b85c ] &&
     [ "$link" = c7faab26376abe56e01d1120d9c253d298abb2b0577b01e122fe9be2fd1b67f5 ] &&
     grep -q "$commit" docs/records.md && grep -q "$link" docs/records.md; then
    ok
  else
    bad "records test vector: commitment $commit, link $link"
  fi
  if command -v openssl >/dev/null && command -v xxd >/dev/null; then
    printf '302a300506032b6570032100%s' \
      03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8 |
      xxd -r -p >"$tmp/pub.der"
    printf '%s' "$sig" | xxd -r -p >"$tmp/sig.bin"
    if openssl pkey -pubin -inform DER -in "$tmp/pub.der" -out "$tmp/pub.pem" 2>/dev/null &&
       openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin \
         -in "$tmp/pre" -sigfile "$tmp/sig.bin" >/dev/null 2>&1; then
      ok
    else
      bad "records test vector: openssl does not verify the signature"
    fi
  fi
fi

# --mpi runs parley-mpi next to parley (docs/architecture.md, "Start-up"):
# without it, a clear message and exit code 2, and 'version' says so.
mkdir "$tmp/alone" && cp "$parley" "$tmp/alone/parley"
"$tmp/alone/parley" tournament examples/tournament/demo.yaml --mpi >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 2 ] || [ -s "$tmp/out" ] ||
   ! grep -q "^parley: --mpi: Open MPI is not available: no parley-mpi next to this parley" "$tmp/err"; then
  bad "--mpi without parley-mpi: exit $rc: $(head -c 300 "$tmp/err")"
else
  ok
fi
if "$tmp/alone/parley" version | grep -q "Open MPI: no"; then ok; else
  bad "version without parley-mpi: $("$tmp/alone/parley" version)"
fi
# serve runs parley-serve next to parley, the same way.
"$tmp/alone/parley" serve examples/job-offer.yaml >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 2 ] || [ -s "$tmp/out" ] ||
   ! grep -q "^parley: serve: no parley-serve next to this parley" "$tmp/err"; then
  bad "serve without parley-serve: exit $rc: $(head -c 300 "$tmp/err")"
else
  ok
fi
if "$tmp/alone/parley" version | grep -q "serve: no" &&
   "$tmp/alone/parley" serve --help | grep -q "^usage: parley serve"; then ok; else
  bad "version or help without parley-serve: $("$tmp/alone/parley" version)"
fi

# A statically linked parley (no program interpreter) hands the command
# lines that may open a shared object to parley-dl next to it
# (docs/architecture.md, "Start-up"): alone, a clear message, exit code 2
# and nothing written; what needs no module runs as before.
if ! readelf -l "$parley" | grep -q "program interpreter"; then
  for args in "analyze examples/job-offer.yaml --plot $tmp/alone/p.svg" \
              "run examples/job-offer.yaml --agents boulware,./patient.so" \
              "report examples/job-offer.yaml -o $tmp/alone/r.html"; do
    # shellcheck disable=SC2086 # the arguments are split on purpose
    "$tmp/alone/parley" $args >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ] || [ -s "$tmp/out" ] || [ -e "$tmp/alone/p.svg" ] ||
       [ -e "$tmp/alone/r.html" ] ||
       ! grep -q "^parley: .*, which only parley-dl can do, and parley-dl next to this parley cannot be run" "$tmp/err"; then
      bad "static parley without parley-dl, $args: exit $rc: $(head -c 300 "$tmp/err")"
    else
      ok
    fi
  done
  if "$tmp/alone/parley" run examples/job-offer.yaml --agents boulware,conceder |
       grep -q "^Result" &&
     "$tmp/alone/parley" report --help | grep -q "^usage: parley report" &&
     "$tmp/alone/parley" convert examples/job-offer.yaml --to yaml -o "$tmp/alone/c.yaml"; then
    ok
  else
    bad "static parley without parley-dl: a plain run, report --help or convert --to yaml fails"
  fi
fi

# A report without the cairo module: exit code 2 like any picture, no file.
PARLEY_MODULE_DIR="$tmp/alone" "$parley" report examples/job-offer.yaml -o "$tmp/alone/nomod.html" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 2 ] || [ -e "$tmp/alone/nomod.html" ] ||
   ! grep -q "cairo module, which cannot be loaded" "$tmp/err"; then
  bad "report without the cairo module: exit $rc: $(head -c 300 "$tmp/err")"
else
  ok
fi

# Pictures need the cairo module (docs/architecture.md, "Start-up"):
# without it, a clear message, exit code 2 and no file; 'version' says so.
for pic in png pdf svg; do
  PARLEY_MODULE_DIR="$tmp/alone" "$parley" analyze examples/job-offer.yaml --plot "$tmp/p.$pic" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne 2 ] || [ -s "$tmp/out" ] || [ -e "$tmp/p.$pic" ] ||
     ! grep -q "^parley: pictures need parley's cairo module, which cannot be loaded: no parley-cairo.so in" "$tmp/err"; then
    bad "--plot .$pic without the cairo module: exit $rc: $(head -c 300 "$tmp/err")"
  else
    ok
  fi
done
if PARLEY_MODULE_DIR="$tmp/alone" "$parley" version | grep -q "pictures: no"; then ok; else
  bad "version without the cairo module: $(PARLEY_MODULE_DIR="$tmp/alone" "$parley" version)"
fi
if "$parley" version | grep -q "^parley [0-9.]* (Open MPI: [a-z]*, pictures: yes, serve: [a-z]*)$"; then ok; else
  bad "version: $("$parley" version)"
fi

# A GENIUS domain that lists an item twice loads as GENIUS loads it, with a
# warning on stderr at the repeat (docs/formats.md), and exit code 0.
rep=tests/data/genius/repeats
"$parley" analyze $rep/repeats.xml $rep/alice.xml $rep/bob.xml --json >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
  bad "repeated items: exit $rc: $(head -c 300 "$tmp/err")"
elif ! grep -q "^$rep/repeats.xml:11:9: warning: issue \"size\" lists 1 item again (here \"small\", as option \"small#3\")" "$tmp/err"; then
  bad "repeated items: no warning at the repeat: $(head -c 300 "$tmp/err")"
elif ! grep -q '"outcomes": 8,' "$tmp/out"; then
  bad "repeated items: GENIUS counts 4 x 2 outcomes: $(grep outcomes "$tmp/out")"
else
  ok
fi

# Every YAML example in the docs is a valid scenario, or a valid plan (a
# block with a top-level "steps:" key, docs/sequence-format.md).
for doc in docs/*.md; do
  awk -v out="$tmp/doc-$(basename "$doc" .md)" '/^```yaml/{n++; f=out "-" n ".yaml"; on=1; next} /^```/{on=0} on{print > f}' "$doc"
done
for f in "$tmp"/doc-*.yaml; do
  [ -e "$f" ] || continue
  grep -q '^agents:' "$f" && continue # a tournament: checked above
  if grep -q '^steps:' "$f"; then
    check_exit "docs plan $(basename "$f")" 0 sequence "$f"
  else
    check_exit "docs example $(basename "$f")" 0 analyze "$f"
  fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
