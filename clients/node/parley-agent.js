// parley-agent: write a parley negotiating agent in JavaScript (Node.js).
//
// A dependency-free reference client of parley's agent wire protocol
// (docs/agent-protocol.md): JSON Lines over stdin/stdout, or over a TCP
// connection for an agent that runs as a service. Extend Agent, override
// what you want to decide yourself, and call run():
//
//   const { Agent } = require('./parley-agent.js');
//   class Stubborn extends Agent {
//     accept(offer, utility, time) { return utility >= 0.9; }
//   }
//   new Stubborn().run();
//
// and negotiate with it: parley run job-offer.yaml --agents
// "ext:node stubborn.js",boulware
//
// By default an Agent concedes in time from its best outcome to its
// reservation value (target(t) = 1 - (1 - r) t^(1/e), e = 1), proposes the
// allowed outcome closest above its target, accepts what reaches the
// target, comments article by article in the single text and votes for
// changes that do not hurt it in the mediated text. It never proposes or
// accepts an outcome that breaks its red lines or falls below its
// reservation value.
'use strict';

const net = require('net');
const readline = require('readline');

const VERSION = 1;
const MAX_OUTCOMES = 200000; // enumerated at most; larger spaces are sampled

function holds(e, o) {
  if (e.in) return e.in.options.includes(o[e.in.issue]);
  if (e.not) return !holds(e.not, o);
  if (e.all) return e.all.every((x) => holds(x, o));
  return e.any.some((x) => holds(x, o));
}

class Agent {
  constructor() {
    this.concession = 1; // e of the time-dependent target
    // > 0: one process (or connection) serves up to this many negotiations
    // at once, each with an agent of its own (a new instance of the class,
    // made without arguments); 0: one negotiation per process (version 1).
    // Declared in the handshake ("sessions" in "ready"); parley keeps such
    // a process for a tournament thread's negotiations. A subclass sets it
    // in its constructor, or as a static property `static sessions = 4`.
    this.sessions = new.target.sessions || 0;
    this.settings = null;
    this._ranked = null;
  }

  // ---- what a subclass overrides ----------------------------------

  start() {}

  // An outcome (array of option indices) to offer, or null to walk out.
  propose(time) {
    const target = this.target(time);
    const ranked = this.ranked();
    let best = null;
    for (const [u, o] of ranked) {
      if (u + 1e-12 < target) break;
      best = o;
    }
    if (best === null && ranked.length) best = ranked[0][1];
    return best ? best.slice() : null;
  }

  // Whether to accept an offer worth `utility`; offers that break its red
  // lines or reservation are never accepted, whatever this says.
  accept(offer, utility, time) {
    return utility >= this.target(time) - 1e-12;
  }

  // Single text: the draft with the options it wants on the articles it
  // rejects (at least one must differ).
  comment(draft, time) {
    const mine = this.propose(time);
    if (!mine) return null;
    const want = draft.slice();
    const target = this.target(time);
    for (let i = 0; i < want.length; i++) {
      if (this.allowed(want) && this.utility(want) >= target) break;
      want[i] = mine[i];
    }
    return want.every((v, i) => v === draft[i]) ? mine : want;
  }

  // Mediated text: for changing the text from current to proposal.
  vote(current, proposal, time) {
    const a = this.allowed(current), b = this.allowed(proposal);
    if (a !== b) return b;
    return this.utility(proposal) >= this.utility(current) - 1e-12;
  }

  event(message) {}
  finished(message) {}

  // ---- helpers ------------------------------------------------------

  target(time) {
    const r = Math.max(this.reservation, 0);
    return 1 - (1 - r) * Math.pow(time, 1 / this.concession);
  }

  utility(o) {
    const u = this.settings.preferences.utility;
    let total = 0;
    if (u.kind === 'additive') {
      for (let i = 0; i < o.length; i++) total += u.values[i][o[i]];
    } else {
      for (const r of u.rectangles) {
        let inside = true;
        for (let k = 0; k < r.issues.length && inside; k++) {
          const v = o[r.issues[k]];
          inside = v >= r.lo[k] && v <= r.hi[k];
        }
        if (inside) total += r.utility;
      }
      total /= u.scale;
    }
    return Math.min(total, 1);
  }

  allowed(o) {
    if (this.utility(o) < this.reservation - 1e-9) return false;
    for (const rl of this.settings.preferences.red_lines)
      if (rl.rule && !holds(rl.rule, o)) return false;
    return true;
  }

  ranked() {
    if (this._ranked) return this._ranked;
    const sizes = this.issues.map((i) => i.options.length);
    const total = sizes.reduce((a, b) => a * b, 1);
    const outs = [];
    if (total <= MAX_OUTCOMES) {
      const cur = sizes.map(() => 0);
      for (;;) {
        outs.push(cur.slice());
        let i = sizes.length - 1;
        for (; i >= 0; i--) {
          if (++cur[i] < sizes[i]) break;
          cur[i] = 0;
        }
        if (i < 0) break;
      }
    } else { // a deterministic sample
      let x = this.index + 1;
      const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
      for (let k = 0; k < MAX_OUTCOMES; k++) outs.push(sizes.map((n) => next() % n));
    }
    this._ranked = outs.filter((o) => this.allowed(o))
      .map((o) => [this.utility(o), o])
      .sort((a, b) => b[0] - a[0]);
    return this._ranked;
  }

  // ---- the protocol ---------------------------------------------------

  handle(m) {
    const t = m.time || 0;
    let a;
    const offerOrEnd = (o, type) => (o ? { type, outcome: o } : { type: 'end' });
    if (m.type === 'settings') {
      if (m.version !== VERSION) throw new Error('unknown protocol version ' + m.version);
      this.settings = m;
      this.party = m.party.id;
      this.index = m.party.index;
      this.protocol = m.protocol;
      this.issues = m.scenario.issues;
      this.reservation = m.preferences.reservation;
      this.start();
      a = { type: 'ready', version: VERSION };
    } else if (m.type === 'your_turn') {
      a = m.expect.includes('comment')
        ? offerOrEnd(this.comment(m.draft_outcome, t), 'comment')
        : offerOrEnd(this.propose(t), 'offer');
    } else if (m.type === 'offer_received') {
      if (m.current_outcome) { // a mediator's proposal
        const yes = this.vote(m.current_outcome, m.outcome, t) && this.allowed(m.outcome);
        a = { type: yes ? 'accept' : 'reject' };
      } else if (this.allowed(m.outcome) && this.accept(m.outcome, m.utility, t)) {
        a = { type: 'accept' };
      } else if (m.expect.includes('comment')) {
        a = offerOrEnd(this.comment(m.outcome, t), 'comment');
      } else {
        a = offerOrEnd(this.propose(t), 'offer');
      }
    } else if (m.type === 'action_done') {
      this.event(m);
      return null;
    } else if (m.type === 'finished') {
      this.finished(m);
      return null;
    } else {
      return null; // unknown informs are ignored (later versions)
    }
    if (m.id !== undefined) a.id = m.id;
    return a;
  }

  // Negotiates over a readable and a writable stream until "finished"
  // (or, when this.sessions > 0, every negotiation parley sends until it
  // closes the stream; done is then called at its end).
  serveStream(input, output, done) {
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    if (this.sessions > 0) return this._serveSessions(rl, output, done);
    rl.on('line', (line) => {
      if (!line.trim()) return;
      const m = JSON.parse(line);
      const a = this.handle(m);
      if (a) output.write(JSON.stringify(a) + '\n');
      if (m.type === 'finished') {
        rl.close();
        if (done) done(m);
      }
    });
  }

  _serveSessions(rl, output, done) {
    const agents = new Map(); // session id -> its agent; the first is this
    let first = true;
    rl.on('line', (line) => {
      if (!line.trim()) return;
      const m = JSON.parse(line);
      const sid = m.session;
      if (m.type === 'settings') {
        agents.set(sid, first ? this : new this.constructor());
        first = false;
      }
      const agent = agents.get(sid);
      if (!agent) return; // a session already over (or unknown): ignored
      const a = agent.handle(m);
      if (m.type === 'finished') agents.delete(sid);
      if (!a) return;
      if (a.type === 'ready') a.sessions = this.sessions;
      a.session = sid;
      output.write(JSON.stringify(a) + '\n');
    });
    rl.on('close', () => done && done(null));
  }

  // Negotiates over stdin and stdout (an ext:CMD agent); sessions, when
  // given, overrides the class's.
  run(sessions) {
    if (sessions !== undefined) this.sessions = sessions;
    this.serveStream(process.stdin, process.stdout, () => process.exit(0));
  }
}

// A server that gives each connection a new agent (one negotiation each).
function agentServer(AgentClass) {
  return net.createServer((sock) => {
    sock.setEncoding('utf8');
    new AgentClass().serveStream(sock, sock, () => sock.end());
    sock.on('error', () => {});
  });
}

// Runs as a service for ext+tcp:HOST:PORT: a new agent per connection
// (one negotiation each). ready(port) is called once listening.
function serve(AgentClass, host = '127.0.0.1', port = 0, ready = null) {
  const server = agentServer(AgentClass);
  server.listen(port, host, () => ready && ready(server.address().port));
  return server;
}

// Runs as a service for ext+unix:PATH (a stream socket at path, replaced
// if it exists), as serve does for TCP. ready(path) once listening.
function serveUnix(AgentClass, path, ready = null) {
  try { require('fs').unlinkSync(path); } catch (e) { /* none there */ }
  const server = agentServer(AgentClass);
  server.listen(path, () => ready && ready(path));
  return server;
}

module.exports = { Agent, serve, serveUnix, VERSION };

if (require.main === module) new Agent().run();
