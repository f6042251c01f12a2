#!/bin/sh
# bench_tournament: tournament throughput and a full ANAC tournament
# (docs/performance.md). Not a test: it prints figures.
#
#   bench/bench_tournament.sh build/parley [DATA]
#
# 1. negotiations per second on one machine with 1 and 2 worker threads and
#    with 2 MPI ranks (one worker each), on ItexvsCypress (1000 rounds,
#    every built-in strategy against every other, both roles);
# 2. the full tournament: every built-in strategy, every two-party scenario
#    of DATA (../shared/data), both roles, 5 repetitions, 1000 rounds --
#    wall time and peak memory.
# Results of every run are compared: the same negotiations, the same
# outcomes, whatever the number of workers.
set -u
parley=$1
data=${2:-../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -d "$data/genius" ]; then
  echo "bench_tournament: skipped ($data not found)"
  exit 0
fi
data=$(cd "$data" && pwd)
agents='[boulware, linear, conceder, aspiration, hardliner, random, micro, tit-for-tat]'

now() { date +%s.%N; }
# runs a tournament, prints the run's rate (the "Run" line: the
# negotiations alone, without loading and summarising), the whole
# command's wall time and the launcher's peak memory; $1 label, $2 config,
# $3 options, then the command's prefix (mpirun ...)
run() {
  label=$1 config=$2 opts=$3 db=$tmp/$(echo "$1" | tr -c 'a-z0-9\n' _).db
  shift 3
  t0=$(now)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o "$tmp/mem" "$@" "$parley" tournament "$config" --db "$db" --quiet $opts >"$tmp/out" 2>"$tmp/err" ||
    { echo "$label: failed: $(tail -3 "$tmp/err")"; return; }
  t1=$(now)
  line=$(grep '^Run ' "$tmp/out")
  awk -v l="$label" -v a="$t0" -v b="$t1" -v m="$(cat "$tmp/mem")" -v line="$line" \
    'BEGIN { split(line, w, " "); printf "%-28s %7d negotiations  run %6.2f s %8.0f /s  (command %.2f s, peak %d MiB)\n", l, w[2], w[5], w[7], b - a, m / 1024 }'
  "$parley" results "$db" --csv "$tmp/$label.csv" && sed 's/,[^,]*$//' "$tmp/$label.csv" | md5sum | cut -c1-16 >"$tmp/$label.hash"
}

cat >"$tmp/itex.yaml" <<EOF
name: throughput
seed: 1
scenarios: [$data/genius/anac/y2010/ItexvsCypress]
agents: $agents
rounds: 1000
repetitions: 1000
EOF
echo "bench_tournament: $(nproc) processors, $("$parley" version)"
run "1 thread" "$tmp/itex.yaml" "--jobs 1"
run "2 threads" "$tmp/itex.yaml" "--jobs 2"
mpirun=$(command -v mpirun)
if [ -n "$mpirun" ] && "$parley" version | grep -q "Open MPI: yes"; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  run "2 MPI ranks" "$tmp/itex.yaml" "--mpi" "$mpirun" --oversubscribe -np 2
  run "2 MPI ranks (tcp)" "$tmp/itex.yaml" "--mpi" "$mpirun" --oversubscribe --mca btl self,tcp -np 2
fi
for l in "1 thread" "2 threads" "2 MPI ranks" "2 MPI ranks (tcp)"; do
  [ -e "$tmp/$l.hash" ] && echo "  $l: results $(cat "$tmp/$l.hash")"
done

cat >"$tmp/full.yaml" <<EOF
name: anac-full
seed: 5
scenarios: ["$data/genius/AMPOvsCity", "$data/genius/SON", "$data/genius/partydomain",
            "$data/genius/ANAC201[56]/*", "$data/genius/anac/*/*",
            "$data/genius/linear/*", "$data/geniusweb/ANL2023/*"]
parties: 2
agents: $agents
rounds: 1000
repetitions: 5
EOF
run "full tournament (2 threads)" "$tmp/full.yaml" "--jobs 2"
