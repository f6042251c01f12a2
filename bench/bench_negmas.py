#!/usr/bin/python3
"""bench_negmas: parley.negmas.pareto_frontier against NegMAS's own
negmas.preferences.pareto_frontier (docs/performance.md, "NegMAS").
Prints figures; not a test. Skipped without NegMAS.

    /usr/bin/python3 bench/bench_negmas.py [DATA] [--quick]

DATA: the shared data (default ../shared/data next to the checkout).
Run from the checkout's root after `make build` (or set PARLEY_LIBRARY).

Every folder of DATA that NegMAS reads (Scenario.load) as two parties over
at most 2,000,000 outcomes (--quick: 200,000): NegMAS's function once,
parley.negmas's best of 3 (each call converts the ufuns again: nothing is
cached between calls), one thread, and whether the two results are equal
(tuples, element types, order, indices). Seconds are process CPU time, not
wall time: the machine is shared.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import parley  # noqa: E402


def cpu(fn, *args):
    t = time.process_time()
    out = fn(*args)
    return time.process_time() - t, out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    limit = 200_000 if "--quick" in sys.argv else 2_000_000
    data = args[0] if args else os.path.join(os.path.dirname(ROOT), "shared",
                                             "data")
    try:
        import parley.negmas as pn
        from negmas import Scenario
        from negmas.preferences import pareto_frontier
    except ImportError as e:
        print(f"skipped: NegMAS is not importable ({e})")
        return
    import negmas
    if not os.path.isdir(data):
        print(f"skipped: no shared data at {data}")
        return
    print(f"bench_negmas: NegMAS {negmas.__version__}, libparley "
          f"{parley.library_version()}, Python {sys.version.split()[0]}")
    print(f"{'scenario':42s} {'outcomes':>9s} {'points':>6s} "
          f"{'NegMAS s':>9s} {'parley s':>9s} {'speed-up':>8s}  same")
    total_n = total_p = 0.0
    count = equal = 0
    for d, subs, files in sorted(os.walk(data)):
        if subs or not files:
            continue
        try:
            sc = Scenario.load(d)
        except Exception:
            continue
        if sc is None or len(sc.ufuns) != 2 or \
                sc.outcome_space.cardinality > limit:
            continue
        tn, theirs = cpu(pareto_frontier, sc.ufuns)
        tp = min(cpu(pn.pareto_frontier, sc.ufuns)[0] for _ in range(3))
        ours = pn.pareto_frontier(sc.ufuns)
        same = ours == theirs and [type(x) for x in ours[1]] == \
            [type(x) for x in theirs[1]]
        count += 1
        equal += same
        total_n += tn
        total_p += tp
        print(f"{os.path.relpath(d, data):42s} "
              f"{int(sc.outcome_space.cardinality):9d} {len(ours[0]):6d} "
              f"{tn:9.3f} {tp:9.3f} {tn / max(tp, 1e-9):7.1f}x  "
              f"{'yes' if same else 'NO'}")
    print(f"{count} two-party scenarios, {equal} equal; NegMAS {total_n:.2f} "
          f"s, parley.negmas {total_p:.2f} s in all "
          f"({total_n / max(total_p, 1e-9):.1f}x)")


if __name__ == "__main__":
    main()
