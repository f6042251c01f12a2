#!/usr/bin/python3
"""bench_python: the Python binding against the C engine and the CLI
(docs/performance.md, docs/python.md). Prints figures; not a test.

    /usr/bin/python3 bench/bench_python.py [DATA] [--quick]

DATA: the shared data (default ../shared/data next to the checkout).
Run from the checkout's root after `make build` (or set PARLEY_LIBRARY).

1. negotiations/s, boulware vs conceder, SAOP, 1000 rounds, one thread, on
   ItexvsCypress (parties Itex, Cypress as bench_negotiation loads them):
   parley.run from Python against build/bench/bench_negotiation's C loop;
   both measured twice, interleaved, best of each (the machine is shared).
2. analysis of Travel (ANAC 2010, 188,160 outcomes): load + analyze +
   to_dict from Python against `parley analyze Travel --json` (process
   start included), best of 5 each, with the method the library picks
   (auto) and by enumeration.
3. resident memory of this process over 100,000 negotiations run from
   Python (ItexvsCypress), sampled every 10,000.
4. a Python agent: a hardliner written in Python (parley.Agent: always its
   best outcome, accepts only as much) against boulware, 1000 rounds, on
   ItexvsCypress, next to the C hardliner in the same match; both run
   through parley.run, so the difference is the Python agent's calls.
5. parley.Env: steps/s from Python with bench_env's learner (offer its
   best outcome, accept at 0.8 or more) against boulware on ItexvsCypress
   at 100 rounds, against build/bench/bench_env's C loop; the difference
   of their times per step is the Python overhead per step. `--env` runs
   only this part.
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import parley  # noqa: E402


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def itex_paths(data):
    d = os.path.join(data, "genius", "anac", "y2010", "ItexvsCypress")
    return [os.path.join(d, "ItexvsCypress_" + n + ".xml")
            for n in ("domain", "Itex", "Cypress")]


def py_rate(s, n):
    t = time.perf_counter()
    rounds = 0
    for _ in range(n):
        rounds += parley.run(s, ["boulware", "conceder"], rounds=1000).rounds
    return n / (time.perf_counter() - t), rounds / n


def c_rate(data):
    exe = os.path.join(ROOT, "build", "bench", "bench_negotiation")
    if not os.access(exe, os.X_OK):
        return None, None
    out = subprocess.run([exe, data], capture_output=True, text=True,
                         timeout=1200).stdout
    m = re.search(r"ItexvsCypress\s+\d+ negotiations\s+(\d+) /s.*?"
                  r"([\d.]+) rounds", out)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def env_rate(s, episodes):
    """Steps/s of the bench_env policy through parley.Env."""
    env = parley.Env(s, "boulware", party=0, rounds=100)
    sp = env.action_space
    best, best_u = None, -1.0
    for k in range(s.outcome_count):  # small: enumerate the indices
        idx, r = [], k
        for n in reversed(sp["nvec"]):
            idx.append(r % n)
            r //= n
        idx = tuple(reversed(idx))
        u = s.utility(env.outcome(idx), 0)
        if u > best_u:
            best, best_u = idx, u
    steps = 0
    t = time.process_time()
    for k in range(episodes):
        obs = env.reset(k)
        while not obs["done"]:
            a = "accept" if obs["offer"] is not None and \
                obs["offer_utility"] >= 0.8 else best
            obs, reward, done, info = env.step(a)
            steps += 1
    return steps / (time.process_time() - t), steps


def env_c_rate(data):
    exe = os.path.join(ROOT, "build", "bench", "bench_env")
    if not os.access(exe, os.X_OK):
        return None
    out = subprocess.run([exe, data], capture_output=True, text=True,
                         timeout=1200, cwd=ROOT).stdout
    m = re.search(r"ItexvsCypress\s+100 rounds\s+\d+ episodes\s+\d+ steps"
                  r"\s+(\d+) steps/s", out)
    return float(m.group(1)) if m else None


def env_part(s, data, quick):
    episodes = 2000 if quick else 20000
    py = max(env_rate(s, episodes) for _ in range(2))
    print(f"ItexvsCypress  parley.Env  {episodes} episodes  {py[1]} steps  "
          f"{py[0]:9.0f} steps/s  {1e6 / py[0]:.2f} us/step")
    c = env_c_rate(data)
    if c:
        print(f"ItexvsCypress  C bench_env (100 rounds)  {c:9.0f} steps/s  "
              f"{1e6 / c:.3f} us/step; Python overhead per step "
              f"{1e6 / py[0] - 1e6 / c:.2f} us")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    data = args[0] if args else os.path.join(os.path.dirname(ROOT), "shared",
                                             "data")
    cli = os.path.join(ROOT, "build", "parley")
    print(f"bench_python: Python {sys.version.split()[0]}, libparley "
          f"{parley.library_version()} ({parley.library_path()})")
    paths = itex_paths(data)
    if not os.path.exists(paths[0]):
        print(f"skipped: no ItexvsCypress under {data}")
        return
    s = parley.load(*paths)
    if "--env" in sys.argv:
        env_part(s, data, quick)
        return
    n = 2000 if quick else 20000

    # 1. negotiations/s
    py, c = [], []
    for _ in range(2):
        py.append(py_rate(s, n))
        c.append(c_rate(data))
    pbest = max(r for r, _ in py)
    print(f"ItexvsCypress  Python parley.run  {n} negotiations  "
          f"{pbest:8.0f} /s  {py[0][1]:.1f} rounds")
    cr = [r for r, _ in c if r]
    if cr:
        cbest = max(cr)
        print(f"ItexvsCypress  C bench_negotiation 20000 negotiations  "
              f"{cbest:8.0f} /s  {c[0][1]:.1f} rounds")
        print(f"ItexvsCypress  Python / C = {pbest / cbest:.2f}")

    # 2. analysis, with the method the library picks and by enumeration
    travel = os.path.join(data, "genius", "anac", "y2010", "Travel")
    if os.path.isdir(travel):
        for method in ("auto", "enumerate"):
            pt, ct = [], []
            for _ in range(2 if quick else 5):
                t = time.perf_counter()
                a = parley.load(travel).analyze(method=method)
                d = a.to_dict()
                pt.append(time.perf_counter() - t)
                if os.access(cli, os.X_OK):
                    t = time.perf_counter()
                    subprocess.run([cli, "analyze", travel, "--json",
                                    "--method", method],
                                   stdout=subprocess.DEVNULL, check=True)
                    ct.append(time.perf_counter() - t)
            print(f"Travel ({d['outcomes']} outcomes, {d['method']}, "
                  f"{len(d['pareto'])} Pareto points)  Python "
                  f"load+analyze+to_dict {min(pt):.4f} s", end="")
            if ct:
                print(f"  CLI analyze --json {min(ct):.4f} s  ratio "
                      f"{min(pt) / min(ct):.2f}")
            else:
                print()

    # 4. a Python agent against the same match in C
    m = 50 if quick else 500
    rates = agent_rates(s, m)
    for name, (rate, rounds, end) in rates.items():
        print(f"ItexvsCypress  {name} vs boulware  {m} negotiations  "
              f"{rate:8.0f} /s  {rounds} rounds ({end})")
    c, p = rates["C hardliner"][0], rates["Python hardliner"][0]
    calls = rates["Python hardliner"][1]  # one propose or respond a round
    print(f"ItexvsCypress  Python agent / C agent = {p / c:.3f}; "
          f"{(1 / p - 1 / c) / calls * 1e6:.1f} us per Python call")

    # 3. memory over 100,000 negotiations
    total = 20000 if quick else 100000
    for _ in range(1000):  # warm up the allocator and the interpreter
        parley.run(s, ["boulware", "conceder"], rounds=1000)
    start = rss_kib()
    samples = []
    t = time.perf_counter()
    for k in range(1, total + 1):
        parley.run(s, ["boulware", "conceder"], rounds=1000)
        if k % (total // 10) == 0:
            samples.append(rss_kib())
    secs = time.perf_counter() - t
    print(f"memory over {total} negotiations from Python: RSS {start} KiB "
          f"after warm-up, then " + " ".join(str(x) for x in samples) +
          f" KiB; growth {samples[-1] - start} KiB ({total / secs:.0f} /s)")

    # 5. the stepped negotiation's overhead per step
    env_part(s, data, quick)


class PyHardliner(parley.Agent):
    """The C hardliner's rule in Python: its best outcome, always."""

    def start(self):
        self.best = max(self.outcomes(), key=self.utility)
        self.top = self.utility(self.best)

    def propose(self, state):
        return self.best

    def respond(self, state, offer):
        return self.utility(offer) >= self.top


def agent_rates(s, n):
    """negotiations/s and calls into the Python agent per negotiation."""
    out = {}
    for name, agent in (("C hardliner", "hardliner"),
                        ("Python hardliner", PyHardliner)):
        t = time.perf_counter()
        ev = 0
        for _ in range(n):
            r = parley.run(s, [agent, "boulware"], rounds=1000)
            ev += len(r.events) if agent is PyHardliner and not ev else 0
        out[name] = (n / (time.perf_counter() - t), r.rounds, r.end)
    return out


if __name__ == "__main__":
    main()
