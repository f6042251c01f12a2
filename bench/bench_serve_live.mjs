// Live updates of `parley serve` under load (docs/web.md, docs/performance.md):
// PEOPLE participants in SESSIONS alternating-offers sessions of a scenario
// made here (PEOPLE/SESSIONS persons a session, 4 issues of 5 options,
// no agents), each holding its seat's stream of server-sent events (or
// long polling, --transport poll) and acting every PERIOD seconds for
// SECONDS seconds: on its turn an offer, otherwise a look at its view with
// the events it has not seen (GET ?from=N, what a reloaded page asks;
// --idle none: nothing). Every
// participant checks that each message's events continue exactly where its
// last one stopped, and at the end that it holds every event of its
// session once and in order. Prints the actions and requests per second,
// the delay from an offer's request to each participant's receipt of its
// event (p50, p95, p99, max), the errors, and the server's memory, threads
// and CPU time next to the client's own.
//
// usage: node bench_serve_live.mjs PARLEY [--people 200] [--sessions 50]
//          [--period 0.1] [--seconds 60] [--transport sse|poll]
//          [--idle look|none] [--actions N] [--reconnect K] [--quiet]
// --actions N: a bounded run instead (each person makes N offers, no
// timing); --reconnect K: each stream is dropped after K messages and
// resumed with Last-Event-ID. Exit 1 when an event was lost, duplicated or
// out of order, or a request failed; 77 when parley has no serve. The
// ctest serve_live runs small bounded versions. Only 127.0.0.1 is
// contacted.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const argv = process.argv.slice(2);
const opt = { people: 200, sessions: 50, period: 0.1, seconds: 60, transport: "sse",
  idle: "look", actions: 0, reconnect: 0, quiet: false };
let PARLEY = null;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--quiet") opt.quiet = true;
  else if (a.startsWith("--") && a.slice(2) in opt && i + 1 < argv.length) {
    const k = a.slice(2), v = argv[++i];
    opt[k] = typeof opt[k] === "number" ? Number(v) : v;
  } else if (!PARLEY) PARLEY = a;
  else { console.error("bench_serve_live: unknown argument " + a); process.exit(2); }
}
const per = opt.people / opt.sessions;
if (!PARLEY || !Number.isInteger(per) || per < 2 || !["sse", "poll"].includes(opt.transport)) {
  console.error("usage: node bench_serve_live.mjs PARLEY [--people 200] [--sessions 50] " +
    "[--period 0.1] [--seconds 60] [--transport sse|poll] [--idle look|none] [--actions N] " +
    "[--reconnect K] (people a multiple of sessions, at least 2 a session)");
  process.exit(2);
}

if (!/serve: yes/.test(execFileSync(PARLEY, ["version"], { encoding: "utf8" }))) {
  console.log("SKIP: this parley was built without libmicrohttpd (no serve)");
  process.exit(77);
}

// ---- the scenario and the server -------------------------------------------
const tmp = mkdtempSync(path.join(tmpdir(), "parley-bench-live-"));
const scen = path.join(tmp, "council.yaml");
let y = `scenario: council\ntitle: "A council of ${per}"\nissues:\n`;
for (let i = 0; i < 4; i++) y += `  - id: i${i}\n    options: [a, b, c, d, e]\n`;
y += "parties:\n";
for (let p = 0; p < per; p++) {
  y += `  - id: p${p}\n    weights: {i0: 1, i1: 1, i2: 1, i3: 1}\n    values:\n`;
  for (let i = 0; i < 4; i++)
    y += `      i${i}: {${"abcde".split("").map((o, k) => `${o}: ${((k + p + i) % 5) / 4}`).join(", ")}}\n`;
}
writeFileSync(scen, y);

const server = spawn(PARLEY, ["serve", "--port", "0", "--data", path.join(tmp, "data"), scen],
  { stdio: ["ignore", "ignore", "pipe"] });
const port = await new Promise((resolve, reject) => {
  let err = "";
  server.stderr.on("data", (d) => {
    err += d;
    const m = err.match(/:(\d+)\//);
    if (m) resolve(Number(m[1]));
  });
  server.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function request(method, p, body, token) {
  return new Promise((resolve) => {
    const headers = {};
    if (token) headers["X-Parley-Token"] = token;
    const data = body === undefined ? undefined : JSON.stringify(body);
    if (data) { headers["Content-Type"] = "application/json"; headers["Content-Length"] = Buffer.byteLength(data); }
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers, agent }, (res) => {
      let s = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { s += c; });
      res.on("end", () => {
        let j = null;
        try { j = JSON.parse(s); } catch (e) { j = { error: "not JSON: " + s.slice(0, 80) }; }
        resolve({ status: res.statusCode, data: j });
      });
    });
    req.on("error", (e) => resolve({ status: 0, data: { error: String(e) } }));
    req.end(data);
  });
}

// ---- sessions and participants ----------------------------------------------
const sessions = [];
for (let s = 0; s < opt.sessions; s++) {
  const parties = {};
  for (let p = 0; p < per; p++) parties["p" + p] = "person";
  const r = await request("POST", "/api/sessions", { scenario: "council", rounds: 1000, parties });
  if (r.status !== 201) { console.error("bench_serve_live: cannot create a session:", r.data); process.exit(1); }
  sessions.push({ id: r.data.id, links: r.data.links, sent: new Map() });
}

const errors = [];
const lat = [];      // ms from an offer's request to one participant's receipt of its event
let offers = 0, looks = 0, requests = 0, messages = 0, reconnects = 0;
let stopping = false;

class Participant {
  constructor(sess, party, seed) {
    this.s = sess; this.party = party; this.token = sess.links[party].token;
    this.events = []; this.version = 0; this.ask = null; this.ended = false;
    this.seen = 0; // the last version its stream or poll delivered
    this.busy = false; this.made = 0; this.rnd = seed * 7919 + 1; this.sinceMsgs = 0;
    this.req = null;
  }
  random(n) { this.rnd = (this.rnd * 1103515245 + 12345) % 2147483648; return this.rnd % n; }
  offer() {
    const o = {};
    for (let i = 0; i < 4; i++) o["i" + i] = "abcde"[this.random(5)];
    return o;
  }
  // A view: its events must continue those held, once and in order.
  take(view) {
    messages++;
    const now = performance.now();
    if (view.events_from !== this.events.length) {
      errors.push(`${this.party}@${this.s.id.slice(0, 6)}: a view's events start at ${view.events_from}, ` +
        `${this.events.length} held`);
      return;
    }
    this.seen = Math.max(this.seen, view.version);
    for (const e of view.events) {
      const t0 = this.s.sent.get(this.events.length);
      if (t0 !== undefined) lat.push(now - t0);
      this.events.push(e);
    }
    if (view.version >= this.version) {
      this.version = view.version;
      this.ask = view.you.ask;
      this.ended = view.end !== null;
    }
  }
  // The stream: one long response; Last-Event-ID when it resumes.
  stream() {
    const headers = { "X-Parley-Token": this.token, Accept: "text/event-stream" };
    if (this.seen) headers["Last-Event-ID"] = `${this.seen}.${this.events.length}`;
    const req = http.get({ host: "127.0.0.1", port, path: `/api/sessions/${this.s.id}/events`,
      headers, agent: false }, (res) => {
      if (res.statusCode !== 200) { errors.push(`stream: ${res.statusCode}`); res.resume(); return; }
      res.setEncoding("utf8");
      let buf = "";
      res.on("data", (c) => {
        buf += c;
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const msg = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const line = msg.split("\n").find((l) => l.startsWith("data: "));
          if (!line) continue; // a heartbeat
          this.take(JSON.parse(line.slice(6)));
          if (opt.reconnect && ++this.sinceMsgs >= opt.reconnect && !this.ended) {
            this.sinceMsgs = 0;
            reconnects++;
            res.removeAllListeners("data");
            res.removeAllListeners("end");
            req.destroy();
            this.stream();
            return;
          }
        }
      });
      res.on("end", () => { if (!this.ended && !stopping) errors.push("a stream ended early"); });
    });
    req.on("error", (e) => { if (!stopping && !req.destroyed) errors.push("stream: " + e); });
    this.req = req;
  }
  async poll() {
    while (!this.ended && !stopping) {
      const q = this.seen ? `?since=${this.seen}&from=${this.events.length}&wait=25` : "";
      requests++;
      const r = await request("GET", `/api/sessions/${this.s.id}${q}`, undefined, this.token);
      if (r.status !== 200) { if (!stopping) errors.push("view: " + r.status); return; }
      this.take(r.data);
    }
  }
  async tick() {
    if (this.busy || this.ended || stopping) return;
    const mine = this.ask === "propose" || this.ask === "respond";
    const quota = opt.actions && this.made >= opt.actions;
    if ((!mine && opt.idle !== "look") || (mine && quota)) return;
    this.busy = true;
    requests++;
    if (!mine) { // a look: the view with the events it has not seen
      const r = await request("GET", `/api/sessions/${this.s.id}?from=${this.events.length}`,
        undefined, this.token);
      if (r.status !== 200) errors.push(`look: ${r.status} ${r.data.error}`);
      looks++;
      this.busy = false;
      return;
    }
    this.s.sent.set(this.events.length, performance.now());
    const r = await request("POST", `/api/sessions/${this.s.id}/act?from=${this.events.length}`,
      { type: "offer", offer: this.offer() }, this.token);
    if (r.status !== 200) errors.push(`act: ${r.status} ${r.data.error}`);
    else {
      offers++;
      this.made++;
      if (r.data.version >= this.version) { this.version = r.data.version; this.ask = r.data.you.ask; }
    }
    this.busy = false;
  }
}

const rssBefore = procField("VmRSS"); // the sessions, no participant yet
const people = [];
sessions.forEach((s, k) => Object.keys(s.links).forEach((p, j) => people.push(new Participant(s, p, k * per + j))));
for (const p of people) if (opt.transport === "sse") p.stream(); else p.poll();

// ---- the run ----------------------------------------------------------------
const load0 = loadavg()[0];
const cpu0 = process.cpuUsage();
const srv0 = serverCpu();
const t0 = performance.now();
const timers = people.map((p, k) => setTimeout(() => {
  p.timer = setInterval(() => p.tick(), opt.period * 1000);
}, (k % 100) * opt.period * 10)); // spread over one period
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (opt.actions) {
  for (let n = 0; n < 6000 && !people.every((p) => p.made >= opt.actions || p.ended); n++) await sleep(50);
} else await sleep(opt.seconds * 1000);
for (const t of timers) clearTimeout(t);
for (const p of people) clearInterval(p.timer);
for (let n = 0; n < 600 && people.some((p) => p.busy); n++) await sleep(50);
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const srvCpu = serverCpu() - srv0;
const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
const field = (k) => procField(k, status);

// every participant holds its session's events, once and in order
let lost = 0, dup = 0, wrongOrder = 0, total = 0;
for (const s of sessions) {
  const r = await request("GET", `/api/sessions/${s.id}`, undefined, Object.values(s.links)[0].token);
  s.final = r.data.events.map((e) => JSON.stringify({ ...e, utility: undefined }));
}
for (let n = 0; n < 200; n++) { // the last messages may still be on the way
  if (people.every((p) => p.events.length >= p.s.final.length)) break;
  await sleep(50);
}
for (const p of people) {
  const got = p.events.map((e) => JSON.stringify({ ...e, utility: undefined }));
  const want = p.s.final;
  total += want.length;
  if (got.length < want.length) lost += want.length - got.length;
  if (got.length > want.length) dup += got.length - want.length;
  if (got.slice(0, want.length).some((e, i) => e !== want[i])) wrongOrder++;
}
stopping = true;
for (const p of people) if (p.req) p.req.destroy();
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
agent.destroy();
rmSync(tmp, { recursive: true, force: true });

lat.sort((a, b) => a - b);
const q = (f) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] : NaN).toFixed(1);
const say = (s) => { if (!opt.quiet || errors.length) console.log(s); };
say(`bench_serve_live: ${opt.people} participants (${per} persons in each of ${opt.sessions} ` +
  `alternating-offers sessions), ${opt.transport === "sse" ? "server-sent events" : "long polling"}, ` +
  (opt.actions ? `${opt.actions} offers each` : `acting every ${opt.period * 1000} ms for ${opt.seconds} s`) +
  (opt.idle === "look" ? " (a look at the view when not their turn)" : "") +
  (opt.reconnect ? `, streams resumed every ${opt.reconnect} messages (${reconnects} times)` : ""));
say(`offers ${offers} (${(offers / elapsed).toFixed(0)}/s), looks ${looks} (${(looks / elapsed).toFixed(0)}/s), ` +
  `requests ${requests} (${(requests / elapsed).toFixed(0)}/s), messages received ${messages} in ${elapsed.toFixed(1)} s`);
say(`event delivery (offer sent -> event received, ${lat.length} deliveries): p50 ${q(0.5)} ms, ` +
  `p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${lat.length ? lat[lat.length - 1].toFixed(1) : "-"} ms`);
say(`events ${total} held by the participants: lost ${lost}, duplicated ${dup}, out of order ${wrongOrder}; ` +
  `errors ${errors.length}`);
say(`server: RSS ${(field("VmRSS") / 1024).toFixed(1)} MiB (peak ${(field("VmHWM") / 1024).toFixed(1)} MiB; ` +
  `${(rssBefore / 1024).toFixed(1)} MiB before the participants connected), ` +
  `${field("Threads")} threads, CPU ${srvCpu.toFixed(1)} s; client CPU ` +
  `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load average ${load0.toFixed(1)} at the start`);
for (const e of errors.slice(0, 10)) console.log("error: " + e);
process.exit(lost || dup || wrongOrder || errors.length ? 1 : 0);

// A field of the server's /proc status, in KiB or a count.
function procField(k, text) {
  const t = text || readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number((t.match(new RegExp(`^${k}:\\s+(\\d+)`, "m")) || [])[1]);
}

function serverCpu() {
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in ticks of 1/100 s
  } catch (e) { return 0; }
}
