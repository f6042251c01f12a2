#!/usr/bin/python3
"""bench_vs_negmas: the parley command line, whole process, against NegMAS
in Python on the same ANAC scenarios (docs/performance.md, "Side by side
with NegMAS"). Prints figures; not a test. Skipped without NegMAS.

    /usr/bin/python3 bench/bench_vs_negmas.py [DATA] [--parley PATH] [--runs N]
                                      [--negmas-runs M]

DATA: the shared data (default ../shared/data next to the checkout); the
scenarios are the two-party GENIUS folders of DATA with 10^4.5 to 10^6.5
outcomes (the 10^5-outcome ANAC domains: Travel, Energy, AMPOvsCity).
PATH: the parley executable (default build/parley).

Per scenario, two tasks:
- analysis: `parley analyze FOLDER --json` (load, frontier, Nash and the
  other packages, JSON written) against NegMAS's Scenario.load +
  pareto_frontier + nash_points;
- one negotiation: `parley run FOLDER --agents boulware,boulware --rounds
  1000` against Scenario.load + an SAOMechanism of 1,000 steps with two
  BoulwareTBNegotiator.
parley's figure is a whole process (start-up, loading, output); NegMAS's is
the work inside one Python process after `import negmas` (its import, about
a second, is not counted). Times are CPU seconds (the child's rusage for
parley, process_time for NegMAS), because the machine is shared and wall
time would measure the neighbours. NegMAS's figure is the median of M runs
(default 3) for tasks over a second (its negotiations vary by half between
runs), else of N (default 21). parley's is the median of at least N runs,
for NegMAS's long tasks taken in batches between its runs and after the
last: the speed of this virtual machine drifts by a third over minutes,
more for short processes (page faults, start-up) than for long
computations, so both are measured across the same minutes. (A parley run
right after each of NegMAS's short tasks would measure caches NegMAS left
cold: those are timed back to back.)
"""
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))


def child_cpu(argv):
    """CPU seconds of one child process (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: "
                           f"{r.stderr.decode(errors='replace').strip()}")
    return (after.ru_utime - before.ru_utime) + \
        (after.ru_stime - before.ru_stime)


def cpu(fn):
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def side_by_side(fn, argv, runs, slow_runs):
    """Median CPU of fn (NegMAS) over `runs` runs, or `slow_runs` when the
    first takes over a second (NegMAS's negotiations: 6-60 s each), and of
    the parley command argv over at least `runs` runs, in batches between
    fn's runs and after the last. Returns both and fn's last result."""
    t, out = cpu(fn)
    theirs = [t]
    if t <= 1:  # a task of under a second: both back to back, minutes apart
        theirs += [cpu(fn)[0] for _ in range(runs - 1)]
        ours = [child_cpu(argv) for _ in range(runs)]
        return statistics.median(theirs), statistics.median(ours), out
    batch = -(-runs // slow_runs)
    ours = []
    for _ in range(slow_runs - 1):
        ours += [child_cpu(argv) for _ in range(batch)]
        t, out = cpu(fn)
        theirs.append(t)
    ours += [child_cpu(argv) for _ in range(batch)]
    return statistics.median(theirs), statistics.median(ours), out


def scenarios(data):
    """Two-party GENIUS folders of DATA between 10^4.5 and 10^6.5 outcomes,
    from DOMAINS.tsv (its outcome counts and profiles)."""
    tsv = os.path.join(data, "DOMAINS.tsv")
    out = []
    with open(tsv, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            n = float(row["outcomes"])
            if 10 ** 4.5 <= n <= 10 ** 6.5 and \
                    len(row["profiles_used"].split()) == 2:
                folder = os.path.join(data, os.path.dirname(row["domain_file"]))
                if os.path.isdir(folder) and folder not in out:
                    out.append(folder)
    return out


def main():
    args = sys.argv[1:]
    exe = os.path.join(ROOT, "build", "parley")
    runs = 21
    slow_runs = 3
    rest = []
    while args:
        a = args.pop(0)
        if a == "--parley" and args:
            exe = args.pop(0)
        elif a == "--runs" and args:
            runs = max(1, int(args.pop(0)))
        elif a == "--negmas-runs" and args:
            slow_runs = max(1, int(args.pop(0)))
        else:
            rest.append(a)
    data = rest[0] if rest else os.path.join(os.path.dirname(ROOT), "shared",
                                             "data")
    try:
        import parley.negmas  # noqa: F401  (stands in for stringcase)
        import negmas
        from negmas import Scenario, SAOMechanism
        from negmas.preferences import nash_points, pareto_frontier
        from negmas.sao import BoulwareTBNegotiator
    except ImportError as e:
        print(f"skipped: NegMAS is not importable ({e})")
        return
    if not os.path.isfile(os.path.join(data, "DOMAINS.tsv")):
        print(f"skipped: no shared data at {data}")
        return
    if not os.access(exe, os.X_OK):
        print(f"skipped: no parley at {exe} (make build)")
        return
    print(f"bench_vs_negmas: NegMAS {negmas.__version__}, "
          f"{subprocess.run([exe, 'version'], capture_output=True, text=True).stdout.strip()}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print("CPU seconds, median of %d (NegMAS's tasks over a second: of %d, "
          "parley's taken between them); parley whole process, NegMAS "
          "after import" % (runs, slow_runs))
    print(f"{'scenario':34s} {'outcomes':>9s}  {'task':12s} "
          f"{'NegMAS s':>9s} {'parley s':>9s} {'ratio':>8s}")
    ratios = {"analysis": [], "negotiation": []}
    for folder in scenarios(data):
        name = os.path.relpath(folder, data)

        def analysis():
            sc = Scenario.load(folder)
            front, _ = pareto_frontier(sc.ufuns)
            nash_points(sc.ufuns, front, outcome_space=sc.outcome_space)
            return sc

        def negotiation():
            sc = Scenario.load(folder)
            m = SAOMechanism(outcome_space=sc.outcome_space, n_steps=1000)
            for u in sc.ufuns:
                m.add(BoulwareTBNegotiator(), ufun=u)
            return m.run()

        tn_a, tp_a, sc = side_by_side(
            analysis, [exe, "analyze", folder, "--json"], runs, slow_runs)
        n = int(sc.outcome_space.cardinality)
        tn_r, tp_r, _ = side_by_side(
            negotiation, [exe, "run", folder, "--agents", "boulware,boulware",
                          "--rounds", "1000"], runs, slow_runs)
        for task, tn, tp in (("analysis", tn_a, tp_a),
                             ("negotiation", tn_r, tp_r)):
            ratio = tn / max(tp, 1e-6)
            ratios[task].append(ratio)
            print(f"{name:34s} {n:9d}  {task:12s} {tn:9.3f} {tp:9.4f} "
                  f"{ratio:7.0f}x")
    for task, target in (("analysis", 100), ("negotiation", 1000)):
        r = ratios[task]
        if r:
            print(f"{task}: {min(r):.0f}x to {max(r):.0f}x (target >= "
                  f"{target}x: {'met' if min(r) >= target else 'not met'})")


if __name__ == "__main__":
    main()
