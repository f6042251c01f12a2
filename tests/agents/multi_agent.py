"""A reference-client agent that serves several negotiations in one
process (sessions = 4) and misbehaves on cue, for run_ext.py:

    multi_agent.py MODE PIDFILE

appends its pid to PIDFILE, then plays LateConceder's strategy; in its
second negotiation, at its second question, MODE says what it does:
ok (nothing), violate (offers an option that does not exist), die
(exits), nosession (answers without its session), unknown (answers for
a session never given). linger: forks a child that sleeps, and neither exits nor lets
the child go when parley closes its input.
"""
import json
import os
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
sys.path.insert(0, os.path.join(SRC, "clients", "python"))
from parley_agent import Agent  # noqa: E402

MODE, PIDS = sys.argv[1], sys.argv[2]
with open(PIDS, "a") as f:
    f.write("%d\n" % os.getpid())


class Multi(Agent):
    sessions = 4
    concession = 0.2
    served = 0  # negotiations begun in this process

    def handle(self, m):
        t = m.get("type")
        if t == "settings":
            Multi.served += 1
            self.nth, self.asked = Multi.served, 0
        elif t in ("your_turn", "offer_received"):
            self.asked += 1
            if self.nth == 2 and self.asked == 2:
                if MODE == "violate":
                    return {"type": "offer", "outcome": [99] * len(
                        self.issues)}
                if MODE == "die":
                    os._exit(3)
                if MODE in ("nosession", "unknown"):
                    a = super().handle(m)
                    if MODE == "unknown":
                        a["session"] = "999"
                    sys.stdout.write(json.dumps(a) + "\n")
                    sys.stdout.flush()
                    return None
        return super().handle(m)


if MODE == "linger" and os.fork() == 0:
    time.sleep(1000)
    os._exit(0)
Multi().run()
if MODE == "linger":
    time.sleep(1000)
