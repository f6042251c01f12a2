"""parley_agent: write a parley negotiating agent in Python.

A dependency-free reference client of parley's agent wire protocol
(docs/agent-protocol.md): JSON Lines over stdin/stdout, or over a TCP
connection for an agent that runs as a service. Subclass Agent, override
what you want to decide yourself, and call run():

    from parley_agent import Agent

    class Stubborn(Agent):
        def accept(self, offer, utility, time):
            return utility >= 0.9

    if __name__ == "__main__":
        Stubborn().run()

and negotiate with it: parley run job-offer.yaml --agents
"ext:python3 stubborn.py",boulware

By default an Agent concedes in time from its best outcome to its
reservation value (target(t) = 1 - (1 - r) t^(1/e), e = 1), proposes the
allowed outcome closest above its target, accepts what reaches the target,
comments article by article in the single text and votes for changes that
do not hurt it in the mediated text. It never proposes or accepts an
outcome that breaks its red lines or falls below its reservation value.
"""

import json
import os
import socket
import sys

VERSION = 1
MAX_OUTCOMES = 200000  # enumerated at most; larger spaces are sampled


class ProtocolError(Exception):
    pass


class Agent:
    """One negotiation's agent. After settings: self.party (id),
    self.index, self.protocol, self.issues (list of {"id", "label",
    "options": [{"id", "label"}]}), self.reservation, self.settings."""

    concession = 1.0  # e of the time-dependent target
    # > 0: one process (or connection) serves up to this many negotiations
    # at once, each with an agent of its own (a new instance of the class,
    # made without arguments); 0: one negotiation per process (version-1
    # behaviour). Declared in the handshake ("sessions" in "ready"); parley
    # keeps such a process for a tournament thread's negotiations.
    sessions = 0

    # ---- what a subclass overrides ---------------------------------

    def start(self):
        """Called once the settings are known."""

    def propose(self, time):
        """An outcome (list of option indices) to offer, or None to walk
        out."""
        target = self.target(time)
        best = None
        for u, o in self.ranked():
            if u + 1e-12 < target:
                break
            best = o
        return list(best) if best is not None else (
            list(self.ranked()[0][1]) if self.ranked() else None)

    def accept(self, offer, utility, time):
        """Whether to accept an offer (list of option indices) worth
        `utility` to this party. Offers that break its red lines or
        reservation are never accepted, whatever this says."""
        return utility >= self.target(time) - 1e-12

    def comment(self, draft, time):
        """Single text: the draft with the options it wants on the
        articles it rejects (at least one must differ)."""
        want = list(draft)
        mine = self.propose(time)
        if mine is None:
            return None
        target = self.target(time)
        for i in range(len(want)):  # one article at a time, from its offer
            if self.allowed(want) and self.utility(want) >= target:
                break
            want[i] = mine[i]
        if want == list(draft):
            want = mine
        return want

    def vote(self, current, proposal, time):
        """Mediated text: for changing the text from current to proposal."""
        a, b = self.allowed(current), self.allowed(proposal)
        if a != b:
            return b
        return self.utility(proposal) >= self.utility(current) - 1e-12

    def event(self, message):
        """Every action_done message (an offer, acceptance, comment, ...)."""

    def finished(self, message):
        """The end: message["reason"], message["outcome"], ..."""

    # ---- helpers ---------------------------------------------------

    def target(self, time):
        r = max(self.reservation, 0.0)
        return 1 - (1 - r) * time ** (1.0 / self.concession)

    def utility(self, outcome):
        """This party's utility of a complete outcome (option indices)."""
        u = self.settings["preferences"]["utility"]
        if u["kind"] == "additive":
            total = sum(u["values"][i][k] for i, k in enumerate(outcome))
        else:
            total = 0.0
            for r in u["rectangles"]:
                if all(lo <= outcome[i] <= hi
                       for i, lo, hi in zip(r["issues"], r["lo"], r["hi"])):
                    total += r["utility"]
            total /= u["scale"]
        return min(total, 1.0)

    def allowed(self, outcome):
        """Its red lines hold and it gets at least its reservation value."""
        if self.utility(outcome) < self.reservation - 1e-9:
            return False
        for rl in self.settings["preferences"]["red_lines"]:
            if "rule" in rl and not _holds(rl["rule"], outcome):
                return False
        return True

    def ranked(self):
        """The allowed outcomes, best first, as (utility, outcome)."""
        if self._ranked is None:
            sizes = [len(i["options"]) for i in self.issues]
            outs = []
            total = 1
            for n in sizes:
                total *= n
            if total <= MAX_OUTCOMES:
                _product(sizes, outs)
            else:  # a deterministic sample
                import random
                rnd = random.Random(self.index)
                outs = [[rnd.randrange(n) for n in sizes]
                        for _ in range(MAX_OUTCOMES)]
            scored = [(self.utility(o), o) for o in outs if self.allowed(o)]
            scored.sort(key=lambda x: -x[0])
            self._ranked = scored
        return self._ranked

    def named(self, outcome):
        """An outcome as {issue label: option label}."""
        return {i["label"]: i["options"][k]["label"]
                for i, k in zip(self.issues, outcome)}

    # ---- the protocol ----------------------------------------------

    def __init__(self):
        self._ranked = None
        self.settings = None

    def _settings(self, m):
        if m.get("version") != VERSION:
            raise ProtocolError("unknown protocol version %r" % m.get("version"))
        self.settings = m
        self.party = m["party"]["id"]
        self.index = m["party"]["index"]
        self.protocol = m["protocol"]
        self.issues = m["scenario"]["issues"]
        self.reservation = m["preferences"]["reservation"]
        self.start()
        return {"type": "ready", "version": VERSION}

    def handle(self, m):
        """The answer to one message from parley (a dict), or None."""
        t = m.get("type")
        time = m.get("time", 0.0)
        if t == "settings":
            a = self._settings(m)
        elif t == "your_turn":
            if "comment" in m["expect"]:
                o = self.comment(m["draft_outcome"], time)
                a = {"type": "comment", "outcome": o} if o else {"type": "end"}
            else:
                o = self.propose(time)
                a = {"type": "offer", "outcome": o} if o else {"type": "end"}
        elif t == "offer_received":
            offer = m["outcome"]
            if "current_outcome" in m:  # a mediator's proposal
                yes = self.vote(m["current_outcome"], offer, time)
                yes = yes and self.allowed(offer)
                a = {"type": "accept" if yes else "reject"}
            elif self.allowed(offer) and self.accept(offer, m["utility"], time):
                a = {"type": "accept"}
            elif "comment" in m["expect"]:
                o = self.comment(offer, time)
                a = {"type": "comment", "outcome": o} if o else {"type": "end"}
            else:
                o = self.propose(time)
                a = {"type": "offer", "outcome": o} if o else {"type": "end"}
        elif t == "action_done":
            self.event(m)
            return None
        elif t == "finished":
            self.finished(m)
            return None
        else:
            return None  # unknown informs are ignored (later versions)
        if "id" in m:
            a["id"] = m["id"]
        return a

    def serve_stream(self, rfile, wfile):
        """Negotiates over a pair of text streams until "finished" (or,
        when self.sessions > 0, every negotiation parley sends until it
        closes the stream)."""
        if self.sessions:
            return self._serve_sessions(rfile, wfile)
        for line in rfile:
            if not line.strip():
                continue
            m = json.loads(line)
            a = self.handle(m)
            if a is not None:
                _write(wfile, a)
            if m.get("type") == "finished":
                return m
        return None

    def _serve_sessions(self, rfile, wfile):
        agents = {}  # session id -> its agent; the first is self
        last = None
        for line in rfile:
            if not line.strip():
                continue
            m = json.loads(line)
            sid = m.get("session")
            if m.get("type") == "settings":
                agents[sid] = self if last is None else type(self)()
                last = sid
            agent = agents.get(sid)
            if agent is None:
                continue  # a session already over (or unknown): ignored
            a = agent.handle(m)
            if m.get("type") == "finished":
                del agents[sid]
            if a is None:
                continue
            if a["type"] == "ready":
                a["sessions"] = self.sessions
            a["session"] = sid
            _write(wfile, a)
        return None

    def run(self, sessions=None):
        """Negotiates over stdin and stdout (an ext:CMD agent); sessions
        overrides the class's."""
        if sessions is not None:
            self.sessions = sessions
        self.serve_stream(sys.stdin, sys.stdout)


def _write(wfile, a):
    wfile.write(json.dumps(a, separators=(",", ":")) + "\n")
    wfile.flush()


def serve(agent_class, host="127.0.0.1", port=0, ready=None, count=None):
    """Runs as a service for ext+tcp:HOST:PORT: one new agent per
    connection (one negotiation each, or several when the class declares
    sessions), one connection at a time. ready(port) is
    called once listening; count: connections to serve (None: for
    ever)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(16)
    if ready:
        ready(srv.getsockname()[1])
    _accept(srv, agent_class, count)


def serve_unix(agent_class, path, ready=None, count=None):
    """Runs as a service for ext+unix:PATH, as serve() does for TCP: a
    stream socket at path (replaced if it exists); ready(path) is called
    once listening."""
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    if ready:
        ready(path)
    try:
        _accept(srv, agent_class, count)
    finally:
        os.unlink(path)


def _accept(srv, agent_class, count):
    served = 0
    while count is None or served < count:
        conn, _ = srv.accept()
        with conn:
            f = conn.makefile("rw", encoding="utf-8", newline="\n")
            try:
                agent_class().serve_stream(f, f)
            except (OSError, ValueError, KeyError, ProtocolError):
                pass
        served += 1
    srv.close()


def _holds(e, o):
    if "in" in e:
        return o[e["in"]["issue"]] in e["in"]["options"]
    if "not" in e:
        return not _holds(e["not"], o)
    if "all" in e:
        return all(_holds(x, o) for x in e["all"])
    return any(_holds(x, o) for x in e["any"])


def _product(sizes, out):
    cur = [0] * len(sizes)
    while True:
        out.append(list(cur))
        i = len(sizes) - 1
        while i >= 0:
            cur[i] += 1
            if cur[i] < sizes[i]:
                break
            cur[i] = 0
            i -= 1
        if i < 0:
            return


if __name__ == "__main__":
    Agent().run()
