"""An example parley agent: holds out for its best outcomes and concedes
late (Boulware, e = 0.2), accepts anything it would offer itself next, and
says on stderr (kept in the transcript) what it offers, in words.

    parley run examples/job-offer.yaml \
        --agents "ext:python3 clients/python/example_agent.py",conceder

With --sessions N it declares that one process serves up to N
negotiations at once (a tournament then keeps the process, per worker
thread, for all of them).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parley_agent import Agent  # noqa: E402


class LateConceder(Agent):
    concession = 0.2

    def propose(self, time):
        offer = super().propose(time)
        if offer is not None:
            print("offering", self.named(offer), file=sys.stderr, flush=True)
        return offer

    def accept(self, offer, utility, time):
        mine = super().propose(time)
        return mine is not None and utility >= self.utility(mine) - 1e-12


if __name__ == "__main__":
    n = None
    if len(sys.argv) == 3 and sys.argv[1] == "--sessions":
        n = int(sys.argv[2])
    LateConceder().run(sessions=n)
