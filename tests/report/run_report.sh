#!/bin/sh
# The HTML report end to end (docs/report.md): `parley report` and every
# `--plot` write their files with the documented exit codes; the report
# refers to nothing outside itself; in headless Chromium it loads with no
# console message and no network request, and a screenshot is taken.
# Skips the browser part (exit 77) when Debian's chromium is not installed.
#   run_report.sh PARLEY SOURCE_DIR
set -u
parley=$1
cd "$2" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run WHAT CODE ARGS...: the exit code
run() {
  what=$1
  code=$2
  shift 2
  "$parley" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" -ne "$code" ]; then bad "$what: exit $rc, expected $code: $(head -c 300 "$tmp/err")"; else ok; fi
}
# nonempty WHAT FILE MAGIC: the file exists and starts with MAGIC
starts() {
  if [ -s "$2" ] && head -c 16 "$2" | grep -q "$3"; then ok; else bad "$1: $2 missing or not $3"; fi
}

run "analyze --plot png" 0 analyze examples/security-talks.yaml --plot "$tmp/st.png"
starts "outcome space png" "$tmp/st.png" PNG
run "analyze --plot svg" 0 analyze examples/job-offer.yaml --plot "$tmp/jo.svg"
starts "outcome space svg" "$tmp/jo.svg" '<?xml'
run "analyze --plot pdf" 0 analyze examples/job-offer.yaml --plot "$tmp/jo.pdf"
starts "outcome space pdf" "$tmp/jo.pdf" '%PDF'
run "run --plot" 0 run examples/job-offer.yaml --agents boulware,conceder --rounds 10 --plot "$tmp/run.svg"
starts "negotiation svg" "$tmp/run.svg" '<?xml'
run "run --plot, single text" 0 run examples/security-talks.yaml --protocol text --agents boulware,conceder,conceder --rounds 3 --plot "$tmp/text.png"
starts "single text png" "$tmp/text.png" PNG
run "sequence --plot" 0 sequence examples/plans/minsk.yaml --plot "$tmp/minsk.png"
starts "sequence png" "$tmp/minsk.png" PNG
run "sequence --order --plot" 0 sequence examples/plans/exchange.yaml --order enrichment_cap,banking,arak_core,frozen_assets,iaea_access,oil,stockpile_out,un_resolution --plot "$tmp/order.svg"
run "--plot unknown extension" 2 analyze examples/job-offer.yaml --plot "$tmp/x.gif"
run "--plot without extension" 2 sequence examples/plans/minsk.yaml --plot "$tmp/x"
run "--plot unwritable" 1 analyze examples/job-offer.yaml --plot "$tmp/no/such/dir/x.svg"
[ -e "$tmp/x.gif" ] && bad "a refused plot left a file"
run "report" 0 report examples/security-talks.yaml -o "$tmp/security.html" --run boulware,conceder,conceder --protocol text --rounds 3 --sequence examples/plans/minsk.yaml
run "report, job offer" 0 report examples/job-offer.yaml -o "$tmp/job.html" --run boulware,conceder --rounds 10 --sequence examples/plans/exchange.yaml --from salary=70,remote=1,start=september
run "report, unlock and improve" 0 report examples/security-talks.yaml -o "$tmp/mediate.html" --from nato_enlargement=moratorium,offensive_weapons=reciprocal_limits --max-sets 2
run "report: a deadlock unlock cannot handle" 0 report tests/data/scenarios/y_many_variants.yaml -o "$tmp/many.html"
if grep -q 'warning: the report leaves out "What would unlock it": .*at most 64' "$tmp/err" && ! grep -q 'id="unlock"' "$tmp/many.html"; then ok; else bad "a refused unlock: no warning, or a section: $(cat "$tmp/err")"; fi
run "report: bad --from" 3 report examples/security-talks.yaml -o "$tmp/r.html" --from nukes=none
run "report: bad --max-sets" 2 report examples/security-talks.yaml -o "$tmp/r.html" --max-sets many
[ -e "$tmp/r.html" ] && bad "a refused report left a file"
run "report without -o" 2 report examples/job-offer.yaml
run "report: wrong number of agents" 2 report examples/job-offer.yaml -o "$tmp/r.html" --run boulware
run "report: bad plan" 3 report examples/job-offer.yaml -o "$tmp/r.html" --sequence examples/job-offer.yaml
run "report: missing input" 3 report examples/no-such.yaml -o "$tmp/r.html"
run "report: unwritable" 1 report examples/job-offer.yaml -o "$tmp/no/such/dir/r.html"
run "report --help" 0 report --help
ls "$tmp"/*.tmp.* >/dev/null 2>&1 && bad "temporary files left behind"

# The mediator's sections (docs/mediation.md): the deadlocked security talks
# get "What would unlock it" with the picture of what the cheapest set
# opens, and "Can this deal be improved" for --from; the job offer, not
# deadlocked, neither.
for want in 'id="unlock"' 'href="#unlock"' 'id="unlock-frontier"' 'moratorium_would_do'; do
  if grep -q "$want" "$tmp/security.html" && grep -q "$want" "$tmp/mediate.html"; then ok; else bad "the security talks' report lacks $want"; fi
done
if grep -q 'id="improve"' "$tmp/mediate.html" && grep -q 'No feasible package improves on it' "$tmp/mediate.html"; then ok; else bad "--from on a deadlock: no improve section"; fi
if grep -q 'Not Pareto-efficient' "$tmp/job.html" && grep -q 'employer moves salary from 70 to 80' "$tmp/job.html"; then ok; else bad "the job offer's report lacks its improvements"; fi
if grep -q 'id="improve"' "$tmp/security.html"; then bad "a report without --from has the improve section"; else ok; fi
if grep -q 'id="unlock"' "$tmp/job.html"; then bad "the job offer (not deadlocked) has an unlock section"; else ok; fi
[ "$(grep -o '<li><p><b>Cost' "$tmp/mediate.html" | wc -l)" -eq 2 ] || bad "--max-sets 2: not two sets described"

# Self-contained: no reference to anything outside the page.
for f in "$tmp/security.html" "$tmp/job.html" "$tmp/mediate.html"; do
  if grep -Eq '(src|href)="(https?:)?//|https?://|@import|url\((https?:)?//' "$f"; then
    bad "$(basename "$f") refers to something outside itself: $(grep -Eo '.{30}https?://.{30}' "$f" | head -3)"
  else ok; fi
  if grep -q '{{' "$f"; then bad "$(basename "$f"): a template slot left unfilled"; else ok; fi
done

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium): the report was not loaded in a browser"
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ] || exit 1
  exit 77
fi
# Chromium's own background services (updates, time, accounts,
# dictionaries) show in the net log whatever the page does; a page's
# request is any other http(s) URL.
own='^(https?://)([a-z0-9.-]*\.)?(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(/|:|$)'
chrome() { # chrome PAGE NAME: DOM, console log and net log into $tmp/NAME.*
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --enable-logging=stderr --v=0 --no-first-run --disable-sync \
    --disable-background-networking --user-data-dir="$tmp/profile-$2" \
    --log-net-log="$tmp/$2.net.json" --dump-dom "file://$1" \
    >"$tmp/$2.dom" 2>"$tmp/$2.log"
}
requests() { # the page's own http(s) requests in a net log
  grep -o '"url":"[^"]*"' "$1" | sed 's/^"url":"//; s/"$//' | grep -E '^https?://' | grep -Ev "$own" | sort -u
}
# The checks must be able to fail: a page with a console message and a
# request is caught.
cat >"$tmp/control.html" <<'HTML'
<!DOCTYPE html><html><body><p>control</p><img src="http://192.0.2.1/x.png" alt=""><script>console.error("control message");</script></body></html>
HTML
chrome "$tmp/control.html" control
if grep -q 'CONSOLE.*control message' "$tmp/control.log"; then ok; else bad "the console check does not see console messages"; fi
if requests "$tmp/control.net.json" | grep -q 192.0.2.1; then ok; else bad "the net-log check does not see requests"; fi

for name in security job mediate; do
  chrome "$tmp/$name.html" "$name"
  if grep -q 'id="outcome-space"' "$tmp/$name.dom" && grep -q '<svg' "$tmp/$name.dom" &&
     { [ "$name" = mediate ] || { grep -q 'id="negotiation"' "$tmp/$name.dom" && grep -q 'id="sequence"' "$tmp/$name.dom"; }; } &&
     { [ "$name" != mediate ] || { grep -q 'id="unlock"' "$tmp/$name.dom" && grep -q 'id="improve"' "$tmp/$name.dom"; }; }; then ok; else
    bad "$name report: the DOM lacks its sections: $(head -c 300 "$tmp/$name.log")"
  fi
  if grep -q 'CONSOLE' "$tmp/$name.log"; then bad "$name report: console: $(grep CONSOLE "$tmp/$name.log" | head -3)"; else ok; fi
  r=$(requests "$tmp/$name.net.json")
  if [ -n "$r" ]; then bad "$name report made requests: $r"; else ok; fi
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$tmp/profile-shot" --hide-scrollbars --window-size=1280,1600 \
    --screenshot="$tmp/$name-shot.png" "file://$tmp/$name.html" >/dev/null 2>&1
  starts "$name report screenshot" "$tmp/$name-shot.png" PNG
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
