#!/bin/sh
# A misbehaving external agent for tests/agents/run_ext.py: $1 picks the
# fault. It plays the candidate of examples/job-offer.yaml (party 0 under
# SAOP: it is asked first, "your_turn").
mode=$1
ready='{"type":"ready","version":1}'
[ "$mode" = early ] && echo "hello, parley"
[ "$mode" = dead ] && exit 3
read -r settings
case $mode in
  outofturn) printf '%s\n%s\n' "$ready" '{"type":"accept"}' ;;
  version) echo '{"type":"ready","version":2}' ;;
  *) echo "$ready" ;;
esac
read -r question
case $mode in
  early|outofturn) echo '{"type":"offer","outcome":[2,1,0]}' ;;
  malformed) echo '{"type": "offer", outcome: [1,1,0]}' ;;
  huge) head -c 104857600 /dev/zero | tr '\0' x; echo ;;
  unknown) echo '{"type":"offer","outcome":{"salary":"95","remote":"1","start":"june"}}' ;;
  redline) echo '{"type":"offer","outcome":[0,2,1]}' ;;
  wrongtype) echo '{"type":"accept"}' ;;
  wrongid) echo '{"type":"offer","outcome":[2,1,0],"id":99}' ;;
  closed) exec 1>&-; sleep 5 ;;
  fork) sleep 987 & echo "forked" >&2; while :; do sleep 1; done ;;
  silent) exec sleep 986 ;;
esac
# answer what follows with the same offer until the end
while read -r line; do
  case $line in *finished*) exit 0 ;; *your_turn*|*offer_received*)
    echo '{"type":"offer","outcome":[2,1,0]}' ;; esac
done
