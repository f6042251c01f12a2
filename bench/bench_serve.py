#!/usr/bin/env python3
"""Load on `parley serve` (docs/web.md, docs/performance.md): PEOPLE
participants in SESSIONS sessions of a four-party scenario (made here),
each looking at its view and, on its turn, making an offer, every PERIOD
seconds for SECONDS seconds. Prints the requests, their latency (p50, p99,
max) and the rate; then checks that no event was lost or duplicated (each
session's events are exactly the offers its people were told were taken,
in order) and that a restart brings back the same events.

usage: bench_serve.py PARLEY [--people 200] [--sessions 50]
                             [--period 0.1] [--seconds 60]
Only 127.0.0.1 is contacted; the run stops by itself."""
import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("parley")
ap.add_argument("--people", type=int, default=200)
ap.add_argument("--sessions", type=int, default=50)
ap.add_argument("--period", type=float, default=0.1)
ap.add_argument("--seconds", type=float, default=60)
args = ap.parse_args()
per = args.people // args.sessions
if per < 2 or args.people % args.sessions:
    sys.exit("people must be a multiple of sessions, at least 2 a session")

tmp = tempfile.mkdtemp(prefix="parley-bench-serve-")
scen = os.path.join(tmp, "council.yaml")
with open(scen, "w") as f:
    f.write("scenario: council\ntitle: \"A council of %d\"\nissues:\n" % per)
    for i in range(4):
        f.write("  - id: i%d\n    options: [a, b, c, d, e]\n" % i)
    f.write("parties:\n")
    for p in range(per):
        f.write("  - id: p%d\n    weights: {i0: 1, i1: 1, i2: 1, i3: 1}\n    values:\n" % p)
        for i in range(4):
            vals = [(k + p + i) % 5 / 4 for k in range(5)]
            f.write("      i%d: {a: %g, b: %g, c: %g, d: %g, e: %g}\n" % (i, *vals))


def start():
    p = subprocess.Popen([args.parley, "serve", "--port", "0", "--data",
                          os.path.join(tmp, "data"), scen],
                         stderr=subprocess.PIPE, text=True)
    m = re.search(r":(\d+)/", p.stderr.readline())
    return p, int(m.group(1))


def request(conn, method, path, body=None, token=None):
    h = {"X-Parley-Token": token} if token else {}
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    return r.status, json.loads(r.read())


server, port = start()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
seats = []  # (session, party, token)
for s in range(args.sessions):
    st, r = request(c, "POST", "/api/sessions",
                    {"scenario": "council", "rounds": 1000,
                     "parties": {f"p{p}": "person" for p in range(per)}})
    assert st == 201, r
    seats += [(r["id"], p, l["token"]) for p, l in r["links"].items()]
c.close()

lat = []       # seconds per request
sent = {}      # (session, party) -> offers the server took, in order
errors = []
lock = threading.Lock()
stop_at = time.monotonic() + args.seconds


def participant(sid, party, token, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine, my_lat, seen = [], [], 0
    try:
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            # the events it has not seen yet, as a page that kept them would
            st, v = request(conn, "GET", f"/api/sessions/{sid}?from={seen}", token=token)
            if st == 200:
                seen = v["event_count"]
            my_lat.append(time.monotonic() - t0)
            if st != 200:
                errors.append((st, v))
                return
            if v["you"]["ask"] in ("propose", "respond"):
                offer = {f"i{i}": rnd.choice("abcde") for i in range(4)}
                t0 = time.monotonic()
                st, v = request(conn, "POST", f"/api/sessions/{sid}/act",
                                {"type": "offer", "offer": offer}, token)
                my_lat.append(time.monotonic() - t0)
                if st == 200:
                    mine.append(offer)
                elif st != 409:  # 409: another tab's move came first
                    errors.append((st, v))
            time.sleep(max(0.0, args.period - (time.monotonic() - t0)))
    finally:
        conn.close()
        with lock:
            sent[(sid, party)] = mine
            lat.extend(my_lat)


threads = [threading.Thread(target=participant, args=(*s, k)) for k, s in enumerate(seats)]
t_start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - t_start

lat.sort()
q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1000
print(f"bench_serve: {args.people} people in {args.sessions} sessions, one look "
      f"every {args.period * 1000:.0f} ms for {args.seconds:.0f} s")
print(f"requests {len(lat)} in {elapsed:.1f} s ({len(lat) / elapsed:.0f}/s); latency "
      f"p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {lat[-1] * 1000:.1f} ms")


def events_by_session(port):
    out = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for sid, party, token in seats:
        if sid not in out:
            st, v = request(conn, "GET", f"/api/sessions/{sid}", token=token)
            out[sid] = v["events"]
    conn.close()
    return out


before = events_by_session(port)
lost = dup = 0
offers = 0
for sid, party, token in seats:
    got = [e["offer"] for e in before[sid] if e["party"] == party and e["kind"] == "offer"]
    want = sent[(sid, party)]
    offers += len(want)
    if got != want:
        lost += sum(1 for o in want if o not in got)
        dup += max(0, len(got) - len(want))
print(f"offers taken {offers}; events lost {lost}, duplicated {dup}; errors {len(errors)}")
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)
server.stderr.close()
server, port = start()
after = events_by_session(port)
same = after == before
print("after a restart: " + ("the same events" if same else "DIFFERENT events"))
server.send_signal(signal.SIGTERM)
server.wait(timeout=60)
server.stderr.close()
sys.exit(0 if same and not lost and not dup and not errors else 1)
