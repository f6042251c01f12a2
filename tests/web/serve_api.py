#!/usr/bin/env python3
"""parley serve end to end through its JSON API (docs/web.md): sessions
played to the end under both protocols, a restart that resumes them, and
the security rules: tokens, one party never sees another's preferences,
CSRF, body caps, hostile JSON, path traversal, headers, the bind check;
uploads in each format (the CLI's line:col messages), the host's view and
figure, the results after the end, signed transcripts that verify.

usage: serve_api.py PARLEY SOURCE_DIR. Exit 77 (skip) when parley was
built without `parley serve`. Only loopback addresses are used; every loop
is bounded by a count."""
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading

PARLEY, SRC = sys.argv[1], sys.argv[2]
passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)


version = subprocess.run([PARLEY, "version"], capture_output=True, text=True).stdout
if "serve: yes" not in version:
    print("SKIP: parley was built without libmicrohttpd (serve: no)")
    sys.exit(77)


class Server:
    def __init__(self, data, *scenarios):
        self.p = subprocess.Popen(
            [PARLEY, "serve", "--port", "0", "--data", data, *scenarios],
            stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.p.kill()
            raise SystemExit("serve did not start: " + line + self.p.stderr.read())
        self.port = int(m.group(1))

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=60)
        self.p.stderr.close()
        return rc

    def raw(self, method, path, body=None, headers=None):
        """One request, the path sent as it is (no normalisation)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def call(self, method, path, body=None, token=None, ctype="application/json"):
        h = {}
        if token:
            h["X-Parley-Token"] = token
        if body is not None:
            h["Content-Type"] = ctype
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
        st, hdrs, data = self.raw(method, path, body, h)
        try:
            return st, json.loads(data), hdrs
        except ValueError:
            return st, None, hdrs


tmp = tempfile.mkdtemp(prefix="parley-serve-")
data_dir = os.path.join(tmp, "data")
job = os.path.join(SRC, "examples/job-offer.yaml")
talks = os.path.join(SRC, "examples/security-talks.yaml")
secret = os.path.join(SRC, "tests/data/web/secret-offer.yaml")
srv = Server(data_dir, job, talks, secret)

# ---- the page and its headers ---------------------------------------------
for path in ["/", "/app.js", "/app.css", "/api/scenarios"]:
    st, h, body = srv.raw("GET", path)
    ok(st == 200, f"GET {path}: {st}")
    csp = h.get("content-security-policy", "")
    ok("script-src 'self'" in csp and "unsafe-inline" not in csp and
       "default-src 'none'" in csp, f"{path}: CSP {csp!r}")
    ok(h.get("x-content-type-options") == "nosniff", f"{path}: nosniff")
    ok(h.get("x-frame-options") == "DENY", f"{path}: framing")
st, h, page = srv.raw("GET", "/")
ok(h.get("cache-control") == "no-store", "the page is not cached")
ok(b"<script>" not in page and b"<style" not in page and b"http" not in page,
   "the page has no inline script or style and no outside asset")
st, h, _ = srv.raw("GET", "/app.js")
ok(h.get("content-type", "").startswith("text/javascript"), "script type")

st, sc, _ = srv.call("GET", "/api/scenarios")
names = [s["name"] for s in sc["scenarios"]]
ok(names == ["job-offer", "security-talks", "secret-offer"], f"scenarios {names}")

# ---- creating sessions: bad requests ----------------------------------------
bad_creates = [
    ({"scenario": "nope", "parties": {}}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person"}}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "ext:sh"}}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "/tmp/x.so"}}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "boulware"}, "rounds": 0}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "boulware"}, "rounds": 10**6}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "boulware"}, "protocol": "mediated"}, 400),
    ({"scenario": "job-offer", "parties": {"candidate": "person", "employer": "nosuchagent"}}, 400),
    ([1, 2], 400),
]
for body, want in bad_creates:
    st, r, _ = srv.call("POST", "/api/sessions", body)
    ok(st == want and r and r.get("error"), f"create {body}: {st} {r}")


def create(scenario, parties, **kw):
    st, r, h = srv.call("POST", "/api/sessions", dict(scenario=scenario, parties=parties, **kw))
    ok(st == 201, f"create {scenario}: {st} {r}")
    ok(h.get("cache-control") == "no-store", "links are not cached")
    return r


def view(sid, token, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    st, v, h = srv.call("GET", f"/api/sessions/{sid}" + ("?" + qs if qs else ""), token=token)
    ok(st == 200, f"view: {st} {v}")
    ok(h.get("cache-control") == "no-store", "a view is not cached")
    return v


def act(sid, token, body, want=200):
    st, v, _ = srv.call("POST", f"/api/sessions/{sid}/act", body, token=token)
    ok(st == want, f"act {body}: {st} {v}")
    return v


# ---- alternating offers: a person against boulware, to the end ---------------
s1 = create("job-offer", {"candidate": "person", "employer": "boulware"}, rounds=8)
sid1, tok1 = s1["id"], s1["links"]["candidate"]["token"]
ok(re.fullmatch(r"[0-9a-f]{32}", sid1) and re.fullmatch(r"[0-9a-f]{64}", tok1), "id and token forms")
ok(s1["links"]["candidate"]["path"] == f"/s/{sid1}/candidate#{tok1}", "the link")
ok("employer" not in s1["links"], "no link for an agent")
v = view(sid1, tok1)
ok(v["you"]["ask"] == "propose", f"the candidate opens: {v['you']['ask']}")
# what the person may not do
act(sid1, tok1, {"type": "accept"}, 409)
act(sid1, tok1, {"type": "offer", "offer": {"salary": "60", "remote": "1", "start": "june"}}, 422)
act(sid1, tok1, {"type": "offer", "offer": {"salary": "80", "remote": "1"}}, 422)
act(sid1, tok1, {"type": "offer", "offer": {"salary": "90", "remote": "1", "start": "june"}}, 422)
act(sid1, tok1, {"type": "offer", "offer": {"wage": "80"}}, 422)
act(sid1, tok1, {"type": "dance"}, 400)
act(sid1, tok1, {"type": "offer", "offer": "80"}, 422)
act(sid1, tok1, {"type": "offer", "note": "x" * 1001,
                 "offer": {"salary": "80", "remote": "1", "start": "june"}}, 400)
d = act(sid1, tok1, {"type": "offer", "dry_run": True,
                     "offer": {"salary": "60", "remote": "1", "start": "june"}})
ok(d["ok"] is False and "salary_floor" in d["error"], f"a dry run flags the red line: {d}")
d = act(sid1, tok1, {"type": "offer", "dry_run": True,
                     "offer": {"salary": "80", "remote": "1", "start": "june"}})
ok(d["ok"] is True and abs(d["utility"] - 0.74) < 1e-9, f"a dry run's utility: {d}")
ok(view(sid1, tok1)["events"] == [], "dry runs and refused actions change nothing")
best = {"salary": "80", "remote": "1", "start": "september"}
v = act(sid1, tok1, {"type": "offer", "offer": best, "note": "my first offer"})
ok(v["events"][0]["note"] == "my first offer", "a note goes with its event")
ok(v["events"][0]["party"] == "candidate" and v["events"][1]["party"] == "employer",
   "boulware answered at once")
for _ in range(20):  # bounded: 8 rounds
    if v["end"]:
        break
    ok(v["you"]["ask"] == "respond", f"the candidate responds: {v['you']}")
    st_u = v["you"]["standing"]["utility"]
    if st_u >= 0.7:
        v = act(sid1, tok1, {"type": "accept"})
    else:
        v = act(sid1, tok1, {"type": "offer", "offer": best})
ok(v["end"] is not None, "the negotiation ended")
tail = view(sid1, tok1, **{"from": 2})
ok(tail["events"] == v["events"][2:] and tail["event_count"] == len(v["events"]) and
   tail["events_from"] == 2, "a view from an event on")
ok(view(sid1, tok1, **{"from": 10**6})["events"] == [], "a view from past the end")
ok(v["end"]["ended_by"] in ("agreement", "deadline"), f"ended by {v['end']}")
act(sid1, tok1, {"type": "accept"}, 409)
ended_events = len(v["events"])

# ---- privacy: a person never sees another party's preferences ---------------
s2 = create("secret-offer", {"candidate": "person", "employer": "person"}, rounds=6)
sid2 = s2["id"]
tc, te = s2["links"]["candidate"]["token"], s2["links"]["employer"]["token"]
ok(tc != te, "each person has their own token")
seen = []
v = view(sid2, tc)
seen.append(json.dumps(v))
seen.append(json.dumps(act(sid2, tc, {"type": "offer", "offer": {"salary": "70", "remote": "1", "start": "june"}})))
ve = view(sid2, te)
ok(ve["you"]["ask"] == "respond" and ve["you"]["id"] == "employer", "the employer responds")
ok(any("SECRET" in r["description"] for r in ve["you"]["red_lines"]), "the employer sees its own red line")
act(sid2, te, {"type": "offer", "offer": {"salary": "70", "remote": "1", "start": "june"}})
seen.append(json.dumps(view(sid2, tc)))
seen.append(json.dumps(act(sid2, tc, {"type": "accept", "dry_run": True})))
seen.append(json.dumps(act(sid2, tc, {"type": "accept"})))
seen.append(json.dumps(srv.call("GET", "/api/scenarios")[1]))
seen.append(json.dumps(s2["links"]["candidate"]))
secrets_of_employer = ["SECRET", "secret_office_days_line", "0.61357", "0.09753", "0.28889",
                       "0.98765", "0.01234", "0.27182"]
for text in seen:
    for s in secrets_of_employer:
        ok(s not in text, f"the candidate saw {s!r}")
fin = view(sid2, tc)
ok(fin["end"] and fin["end"]["ended_by"] == "agreement", f"two people agreed: {fin['end']}")
ok(all(set(e) <= {"kind", "round", "time", "party", "offer", "utility", "rejects", "note"}
       for e in fin["events"]), "events carry one utility, the viewer's")

# ---- tokens -------------------------------------------------------------------
for t in [None, "", secrets.token_hex(32), tok1, tc[:-1], tc + "0", tc.upper(), "../" * 20]:
    st, r, _ = srv.call("GET", f"/api/sessions/{sid2}", token=t)
    ok(st == 403 and "token" in r["error"], f"token {t!r}: {st}")
st, r, _ = srv.call("GET", f"/api/sessions/{sid2}?token={tc}")
ok(st == 403, "a token in the query is not taken")
st, r, _ = srv.call("GET", f"/api/sessions/{'0' * 32}", token=tc)
ok(st == 404, "an unknown session")
tokens = set()
for _ in range(20):
    r = create("job-offer", {"candidate": "person", "employer": "person"})
    tokens.update(l["token"] for l in r["links"].values())
ok(len(tokens) == 40, "tokens do not repeat")
ok(len({t[:8] for t in tokens}) == 40, "tokens differ from their first digits")

# ---- CSRF: state changes need the header and JSON ------------------------------
st, r, _ = srv.call("POST", f"/api/sessions/{sid1}/act", {"type": "end"})
ok(st == 403, f"an action without its token: {st}")
st, r, _ = srv.call("POST", f"/api/sessions/{sid2}/act", '{"type":"end"}', token=tc,
                    ctype="text/plain")
ok(st == 415, f"a form-like content type: {st}")
st, r, _ = srv.call("POST", "/api/sessions", json.dumps({"scenario": "job-offer"}),
                    ctype="application/x-www-form-urlencoded")
ok(st == 415, f"a cross-site form cannot create a session: {st}")
st, r, _ = srv.call("GET", f"/api/sessions/{sid2}/act", token=tc)
ok(st == 405, f"acting takes POST: {st}")

# ---- body caps and hostile JSON -------------------------------------------------
big = '{"type":"offer","note":"' + "x" * 70000 + '"}'
st, r, _ = srv.call("POST", f"/api/sessions/{sid2}/act", big, token=tc)
ok(st == 413, f"a body over 64 KiB: {st}")
st, _, _ = srv.raw("POST", "/api/sessions", b"{}",
                   {"Content-Type": "application/json", "Content-Length": "999999999"})
ok(st == 413, f"a Content-Length over the cap: {st}")
hostile = ["", "{", "[" * 30000 + "]" * 30000, '{"type":"accept","type":"end"}',
           '{"type":"accept\\u0000"}', '{"type":"offer","offer":{"salary":1e999}}',
           '"just a string"', "null", '{"type":"offer","offer":{"salary":["80"]}}',
           b'{"type":"\xff\xfe"}', '{"type": 5}']
for body in hostile:
    st, r, _ = srv.call("POST", f"/api/sessions/{s1['id']}/act", body, token=tok1)
    ok(st in (400, 409, 422) and r and isinstance(r.get("error"), str),
       f"hostile body {body[:30]!r}: {st} {r}")
st, r, _ = srv.call("POST", "/api/sessions", '{"scenario": "job-offer",\n  "rounds": }')
ok(st == 400 and re.match(r"request body:2:\d+: ", r["error"]), f"line:col of a JSON error: {r}")
st, r, _ = srv.call("GET", f"/api/sessions/{sid2}?since=abc&wait=5", token=tc)
ok(st == 400, "a bad since")
st, r, _ = srv.call("GET", f"/api/sessions/{sid2}?since=1&wait=100000", token=tc)
ok(st == 400, "a wait over 60 s")

# ---- paths: nothing but the page and the API --------------------------------------
for p in ["/../../../../etc/passwd", "/app.js/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
          "/s/../../etc/passwd", "/api/../../etc/passwd", "/etc/passwd", "/src/table/table.c",
          "/app.js%00.html", "/api/sessions/" + sid1 + "/../" + sid2, "//etc/passwd",
          "/s/" + sid1 + "/../../../etc/passwd"]:
    st, h, body = srv.raw("GET", p)
    if "%00" in p:  # libmicrohttpd ends the path at the NUL: the script
        ok(st == 404 or body.startswith(b"// The negotiation table"), f"path {p}: {st}")
        continue
    ok(st in (400, 404) and b"root:" not in body and b"#include" not in body, f"path {p}: {st}")
st, h, body = srv.raw("DELETE", "/api/sessions")
ok(st == 405, f"DELETE: {st}")

# ---- long polling: a view waits for the next event ---------------------------------
s3 = create("job-offer", {"candidate": "person", "employer": "person"}, rounds=4)
sid3, ta, tb = s3["id"], s3["links"]["candidate"]["token"], s3["links"]["employer"]["token"]
v0 = view(sid3, tb)
got = {}
th = threading.Thread(target=lambda: got.update(view(sid3, tb, since=v0["version"], wait=60)))
th.start()
act(sid3, ta, {"type": "offer", "offer": {"salary": "80", "remote": "1", "start": "june"}})
th.join(timeout=120)
ok(got.get("version", 0) > v0["version"] and got["you"]["ask"] == "respond",
   "a waiting view returns with the new event")

# ---- the single text: two people and an agent --------------------------------------
st, sc, _ = srv.call("GET", "/api/scenarios")
talk_parties = [p["id"] for p in sc["scenarios"][1]["parties"]]
s4 = create("security-talks", {talk_parties[0]: "person", talk_parties[1]: "person",
                               talk_parties[2]: "boulware"},
            protocol="text", drafter=talk_parties[0], rounds=5)
sid4 = s4["id"]
tk = {p: s4["links"][p]["token"] for p in talk_parties[:2]}


def play_text(sid, tokens, budget):
    """Each person drafts its best text, accepts a draft it may accept, else
    comments with its best option on one article; bounded by budget."""
    for _ in range(budget):
        acted = False
        for p, t in tokens.items():
            v = view(sid, t)
            if v["end"]:
                return v
            ask = v["you"]["ask"]
            if ask == "propose":
                best = {i["id"]: max(i["options"], key=lambda o: o["value"])["id"]
                        for i in v["you"]["issues"]}
                r = act(sid, t, {"type": "offer", "offer": best, "dry_run": True})
                if not r["ok"]:
                    return v
                act(sid, t, {"type": "offer", "offer": best})
                acted = True
            elif ask == "respond":
                if act(sid, t, {"type": "accept", "dry_run": True})["ok"]:
                    act(sid, t, {"type": "accept", "note": "agreed"})
                else:
                    draft = v["you"]["standing"]["offer"]
                    best = {i["id"]: max(i["options"], key=lambda o: o["value"])["id"]
                            for i in v["you"]["issues"]}
                    wants = [dict(draft, **{i: o}) for i, o in best.items() if o != draft[i]]
                    for want in wants + [best]:
                        if act(sid, t, {"type": "comment", "offer": want, "dry_run": True})["ok"]:
                            act(sid, t, {"type": "comment", "offer": want, "note": "we need this"})
                            break
                    else:
                        act(sid, t, {"type": "end"})
                acted = True
        if not acted:
            return view(sid, next(iter(tokens.values())))
    return view(sid, next(iter(tokens.values())))


mid = view(sid4, tk[talk_parties[0]])
ok(mid["you"]["ask"] == "propose", "the drafter drafts first")
ok([p.get("drafter") for p in mid["parties"]] == [True, None, None], "the drafter is shown")
# play one draft and one answer, then restart the server in the middle
play_text(sid4, tk, 1)
before = view(sid4, tk[talk_parties[1]])
rc = srv.stop()
ok(rc == 0, f"serve stops on SIGTERM with 0: {rc}")

# ---- a restart resumes every session ------------------------------------------------
srv = Server(data_dir, job, talks, secret)
after = view(sid4, tk[talk_parties[1]])
ok(after["events"] == before["events"] and after["you"] == before["you"],
   "the single text resumes event for event")
v1 = view(sid1, tok1)
ok(len(v1["events"]) == ended_events and v1["end"] is not None, "an ended session stays ended")
v2 = view(sid2, tc)
ok(v2["events"] == fin["events"], "the two people's agreement is kept")
notes = [e.get("note") for e in after["events"] if e.get("note")]
ok(all(isinstance(n, str) for n in notes), "notes survive a restart")
end = play_text(sid4, tk, 40)
ok(end["end"] is not None, f"the single text reaches its end: {end['end']}")
kinds = {e["kind"] for e in end["events"]}
ok("offer" in kinds and ({"comment", "accept"} & kinds), f"drafts and answers: {kinds}")
ok(any(e["party"] == talk_parties[2] for e in end["events"]), "the agent took part")
srv.stop()

# ---- the command line ---------------------------------------------------------------
def run(*args):
    return subprocess.run([PARLEY, "serve", *args], capture_output=True, text=True, timeout=60)


r = run("--bind", "0.0.0.0", "--port", "0", job)
ok(r.returncode == 2 and "--allow-remote" in r.stderr, f"a remote bind is refused: {r.stderr}")
r = run("--bind", "::", "--port", "0", job)
ok(r.returncode == 2, "an IPv6 wildcard is refused too")
r = run("--port", "70000", job)
ok(r.returncode == 2, "a port out of range")
r = run("--port", "0")
ok(r.returncode == 2 and "scenario" in r.stderr, "no scenario")
r = run("--port", "0", os.path.join(tmp, "missing.yaml"))
ok(r.returncode == 3, f"a scenario that does not load: {r.returncode} {r.stderr}")
bad = os.path.join(tmp, "bad.yaml")
with open(bad, "w") as f:
    f.write("scenario: x\nissues: [\n")
r = run("--port", "0", bad)
ok(r.returncode == 3 and re.search(r"bad\.yaml:\d+:\d+: ", r.stderr), f"line:col: {r.stderr}")
r = run("--help")
ok(r.returncode == 0 and "--allow-remote" in r.stdout, "help")

# ---- uploads, the host's view, the figure, the results, signed transcripts ----
keyfile = os.path.join(tmp, "server.key")
r = subprocess.run([PARLEY, "keygen", "--party", "engine", "-o", keyfile],
                   capture_output=True, text=True)
ok(r.returncode == 0, f"keygen: {r.stderr}")
other_key = os.path.join(tmp, "usa.key")
subprocess.run([PARLEY, "keygen", "--party", "usa", "-o", other_key], capture_output=True)
r = run("--port", "0", "--sign", other_key, job)
ok(r.returncode == 2 and "engine" in r.stderr, f"--sign needs the engine's key: {r.stderr}")
r = run("--port", "0", "--sign", os.path.join(tmp, "nokey"), job)
ok(r.returncode != 0, "--sign with a missing key file")
data2 = os.path.join(tmp, "data2")
srv = Server(data2, job, secret, "--sign", keyfile)


def read(rel):
    with open(os.path.join(SRC, rel), "rb") as f:
        return f.read()


def upload(files, name=None):
    body = {"files": [{"name": n, "data": base64.b64encode(b).decode()} for n, b in files]}
    if name:
        body["name"] = name
    return srv.call("POST", "/api/scenarios", body)


def cli_message(files):
    """What `parley analyze` prints for the same files (given domain first,
    from their folder, so that the names agree)."""
    d = tempfile.mkdtemp(dir=tmp)
    for n, b in files:
        with open(os.path.join(d, n), "wb") as f:
            f.write(b)
    r = subprocess.run([PARLEY, "analyze", *[n for n, _ in files]], cwd=d,
                       capture_output=True, text=True)
    ok(r.returncode == 3, f"the CLI refuses {[n for n, _ in files]}: {r.returncode}")
    return r.stderr.strip()


genius = [(n, read("tests/data/genius/mixed/" + n)) for n in ["mixed.xml", "buyer.xml", "seller.xml"]]
gweb = [(n, read("tests/data/geniusweb/mixed/" + n)) for n in ["mixed.json", "buyer.json", "seller.json"]]
job_bytes = read("examples/job-offer.yaml")
big_yaml = job_bytes + b"\n" + b"# a long comment\n" * 6000  # over 64 KiB
good_uploads = [
    ([("my-offer.yaml", job_bytes)], None, "my-offer"),
    ([("big.yaml", big_yaml)], None, "big"),
    ([genius[1], genius[2], genius[0]], None, "mixed"),  # any order: a folder
    (gweb, "gw-mixed", "gw-mixed"),
    ([("my-offer.yaml", job_bytes)], None, "my-offer-2"),  # a name taken
]
for files, name, want in good_uploads:
    st, r, h = upload(files, name)
    ok(st == 201 and r["name"] == want, f"upload {[n for n, _ in files]}: {st} {r}")
names = [s["name"] for s in srv.call("GET", "/api/scenarios")[1]["scenarios"]]
ok(names[:2] == ["job-offer", "secret-offer"] and
   set(names[2:]) == {"my-offer", "big", "mixed", "gw-mixed", "my-offer-2"}, f"listed: {names}")
bad_uploads = [
    [("bad.yaml", b"scenario: x\nissues: [\n")],
    [("tag_mismatch.xml", read("tests/data/genius/broken/tag_mismatch.xml")), genius[1]],
    [("dom_syntax.json", read("tests/data/geniusweb/bad/dom_syntax.json")),
     ("good.json", read("tests/data/geniusweb/bad/good.json"))],
    [("dom.json", read("tests/data/geniusweb/bad/dom.json"))],
]
for files in bad_uploads:
    st, r, _ = upload(files)
    want = cli_message(files)
    ok(st == 400 and r["error"] == want, f"upload error {r} == the CLI's {want!r}")
    ok(len(files) == 1 and files[0][0] == "dom.json" or re.match(r"[\w.-]+:\d+:\d+: ", want),
       f"a file's error has its line:col: {want!r}")
for body in [{"files": []}, {"files": [{"name": "x.yaml", "data": "***"}]},
             {"files": [{"name": "../x.yaml", "data": ""}]}, {"files": "x"},
             {"files": [{"name": "x.yaml", "data": ""}], "name": "../../etc"}, [1]]:
    st, r, _ = srv.call("POST", "/api/scenarios", body)
    ok(st == 400 and isinstance(r.get("error"), str), f"bad upload {body}: {st} {r}")
st, r, _ = srv.call("POST", "/api/scenarios", '{"files": []}', ctype="text/plain")
ok(st == 415, f"an upload needs JSON: {st}")
st, _, _ = srv.raw("POST", "/api/scenarios", b"{}",
                   {"Content-Type": "application/json", "Content-Length": str(5 << 20)})
ok(st == 413, f"an upload over 4 MiB: {st}")
s5 = create("mixed", {p["id"]: "boulware" for p in next(
    s for s in srv.call("GET", "/api/scenarios")[1]["scenarios"] if s["name"] == "mixed")["parties"]})
ok(s5 and "id" in s5, "a session on an uploaded GENIUS scenario")

# the host's view and the figure
s6 = create("secret-offer", {"candidate": "person", "employer": "boulware"}, rounds=6)
sid6, tk6, host6 = s6["id"], s6["links"]["candidate"]["token"], s6["host"]["token"]
ok(s6["host"]["path"] == f"/h/{sid6}#{host6}" and host6 != tk6, f"the host's link: {s6['host']}")
st, _, _ = srv.raw("GET", f"/h/{sid6}")
ok(st == 200, "the host's page")
hv = view(sid6, host6)
ok("you" not in hv and hv.get("host") is True, "the host's view has no seat")
act(sid6, host6, {"type": "end"}, 403)
leak = []
for what in ["figure.svg", "analysis", "report.html", "transcript"]:
    st, h, body = srv.raw("GET", f"/api/sessions/{sid6}/{what}", headers={"X-Parley-Token": tk6})
    ok(st in (403, 409), f"a seat's {what} before the end: {st}")
    leak.append(body.decode())
    st, h, body = srv.raw("GET", f"/api/sessions/{sid6}/{what}")
    ok(st == 403, f"{what} without a token: {st}")
for text in leak:
    for s in secrets_of_employer:
        ok(s not in text, f"the candidate saw {s!r} before the end")
st, h, svg = srv.raw("GET", f"/api/sessions/{sid6}/figure.svg", headers={"X-Parley-Token": host6})
ok(st == 200 and h["content-type"] == "image/svg+xml" and b"<svg" in svg[:400],
   f"the host sees the figure: {st} {svg[:80]!r}")
ok("default-src 'none'" in h["content-security-policy"] and h["cache-control"] == "no-store",
   "the figure's headers")
v = act(sid6, tk6, {"type": "offer", "offer": {"salary": "70", "remote": "1", "start": "june"}})
hv = view(sid6, host6)
ok(all(set(e["utilities"]) == {"candidate", "employer"} for e in hv["events"] if "offer" in e),
   "the host sees every party's utility of each offer")
st, h, svg2 = srv.raw("GET", f"/api/sessions/{sid6}/figure.svg", headers={"X-Parley-Token": host6})
ok(st == 200 and svg2 != svg, "the figure follows the offers")
for _ in range(12):  # bounded: 6 rounds
    if v["end"]:
        break
    v = act(sid6, tk6, {"type": "accept"} if v["you"]["standing"]["utility"] >= 0.5 else
            {"type": "offer", "offer": {"salary": "70", "remote": "1", "start": "june"}})
ok(v["end"] is not None, "the session with a host ended")
hv = view(sid6, host6)
ok(set(hv["end"]["payoffs"]) == {"candidate", "employer"}, f"the host sees every payoff: {hv['end']}")
# the host's stream of events: the host's view, and (ended) nothing more
st, h, body = srv.raw("GET", f"/api/sessions/{sid6}/events", headers={"X-Parley-Token": host6})
data = [ln[6:] for ln in body.decode().split("\n") if ln.startswith("data: ")]
hs = json.loads(data[-1]) if data else {}
ok(st == 200 and h["content-type"].startswith("text/event-stream") and len(data) == 1 and
   hs.get("host") is True and "you" not in hs and hs["end"]["payoffs"] == hv["end"]["payoffs"],
   f"the host's stream carries the host's view: {st} {body[:80]!r}")
st, h, svg3 = srv.raw("GET", f"/api/sessions/{sid6}/figure.svg", headers={"X-Parley-Token": tk6})
ok(st == 200 and b"<svg" in svg3[:400], "after the end a seat sees the figure")
st, an, h = srv.call("GET", f"/api/sessions/{sid6}/analysis", token=tk6)
ok(st == 200 and "analysis" in an and "result" in an and
   "attachment" in h.get("content-disposition", ""), f"the analysis: {st}")
ok(an["result"]["ended_by"] == v["end"]["ended_by"], "the analysis places the result")
st, h, html = srv.raw("GET", f"/api/sessions/{sid6}/report.html", headers={"X-Parley-Token": tk6})
ok(st == 200 and h["content-type"].startswith("text/html") and
   h.get("content-disposition") == 'attachment; filename="report.html"', f"the report: {st} {h}")
csp = h.get("content-security-policy", "")
ok("unsafe-inline" not in csp and "sandbox" in csp and "default-src 'none'" in csp, f"report CSP {csp}")
page = html.decode()
inline = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S) + \
    re.findall(r"<style[^>]*>(.*?)</style>", page, re.S) + re.findall(r' style="([^"]*)"', page)
ok(len(inline) >= 2, "the report has its inline style and script")
for block in inline:
    hsh = "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
    ok(hsh in csp, f"the report's CSP allows its own inline block {hsh}")
for tok in [tk6, host6]:
    st, h, rec = srv.raw("GET", f"/api/sessions/{sid6}/transcript", headers={"X-Parley-Token": tok})
    ok(st == 200 and h.get("content-disposition") == 'attachment; filename="transcript.jsonl"',
       f"the transcript: {st}")
recfile = os.path.join(tmp, "transcript.jsonl")
with open(recfile, "wb") as f:
    f.write(rec)
r = subprocess.run([PARLEY, "verify", recfile, "--trust", keyfile + ".pub"],
                   capture_output=True, text=True)
ok(r.returncode == 0, f"parley verify accepts the signed transcript: {r.stdout} {r.stderr}")
with open(recfile, "wb") as f:
    lines = rec.split(b"\n")
    k = next(i for i, l in enumerate(lines) if b'"event":"offer"' in l)
    lines[k] = re.sub(rb'"round":(\d+)', lambda m: b'"round":' + str(int(m.group(1)) + 1).encode(),
                      lines[k], count=1) if b'"round":' in lines[k] else lines[k].replace(b'"salt":"', b'"salt":"0', 1)
    f.write(b"\n".join(lines))
r = subprocess.run([PARLEY, "verify", recfile], capture_output=True, text=True)
ok(r.returncode == 4, f"a tampered transcript does not verify: {r.returncode}")
srv.stop()

# uploads and the host survive a restart
srv = Server(data2, job, secret, "--sign", keyfile)
names2 = [s["name"] for s in srv.call("GET", "/api/scenarios")[1]["scenarios"]]
ok(set(names) == set(names2), f"uploaded scenarios are kept: {names2}")
hv2 = view(sid6, host6)
ok(hv2["events"] == hv["events"], "the host's link survives a restart")
srv.stop()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
