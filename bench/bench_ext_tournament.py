"""bench_ext_tournament: how much of the machine the external agents of a
tournament get (issue 13; docs/performance.md). Not a test: it prints
figures.

    python3 bench/bench_ext_tournament.py build/parley [DATA [ROUNDS]]

A tournament of 8 external agents (the Python reference client, 8
processes' worth of specs) and 8 built-in strategies on ItexvsCypress
(DATA: ../shared/data), every ordered pair of the 16 agents (240
negotiations), ROUNDS rounds (default 1000), 2 worker threads: once with a
process per negotiation, once with the clients declaring sessions (one
process per agent per thread).

How it is measured: every external process writes, as it exits, the CPU
time it used (os.times: user + system, its own and its children's) to a
file; the whole run's CPU (parley, its reapers and every agent) is the
rusage of the parley command (os.wait4: all its reaped descendants), so
parley's own share is the difference. Printed: wall time, the agents' CPU
as a share of what the two cores give in that time (2 x wall: the
issue's measure) and as a share of the CPU the run used (what the agents
get of the work actually done, the measure that the machine's other
load does not distort), and the load average.
"""
import os
import subprocess
import sys
import tempfile
import time

parley = os.path.abspath(sys.argv[1])
data = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "../shared/data")
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dom = os.path.join(data, "genius", "anac", "y2010", "ItexvsCypress")
if not os.path.isdir(dom):
    print("bench_ext_tournament: skipped (%s not found)" % dom)
    sys.exit(0)
BUILTIN = ["boulware", "linear", "conceder", "aspiration", "hardliner",
           "random", "micro", "tit-for-tat"]
# the agent: the Python reference client, reporting its CPU at exit
AGENT = '''import atexit, os, sys
sys.path.insert(0, %r)
from parley_agent import Agent
def cpu():
    t = os.times()
    with open(os.environ["CPU_FILE"], "a") as f:
        f.write("%%r\\n" %% (t.user + t.system + t.children_user + t.children_system))
atexit.register(cpu)
class A(Agent):
    concession = float(sys.argv[1])
A().run(sessions=int(sys.argv[2]) or None)
''' % os.path.join(src, "clients", "python")


def run(tmp, sessions):
    cpu_file = os.path.join(tmp, "cpu%d" % sessions)
    agent = os.path.join(tmp, "agent.py")
    with open(agent, "w") as f:
        f.write(AGENT)
    specs = ["ext:CPU_FILE=%s exec /usr/bin/python3 %s %g %d" %
             (cpu_file, agent, 0.2 + 0.4 * k, sessions) for k in range(8)]
    cfg = os.path.join(tmp, "t%d.yaml" % sessions)
    with open(cfg, "w") as f:
        f.write("name: ext\nscenarios: [%s]\nagents:\n" % dom)
        for a in specs + BUILTIN:
            f.write("  - '%s'\n" % a)
        f.write("rounds: %d\ntime_limit: 600\n" % rounds)
    db = os.path.join(tmp, "t%d.db" % sessions)
    t0 = time.monotonic()
    p = subprocess.Popen([parley, "tournament", cfg, "--db", db, "--jobs",
                          "2", "--quiet"], stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if status:
        print("tournament failed (status %d)" % status)
        sys.exit(1)
    total = ru.ru_utime + ru.ru_stime
    agents = sum(float(x) for x in open(cpu_file).read().split())
    procs = len(open(cpu_file).read().split())
    csv_path = os.path.join(tmp, "t%d.csv" % sessions)
    subprocess.run([parley, "results", db, "--csv", csv_path],
                   stdout=subprocess.DEVNULL, check=True)
    rows = open(csv_path).read().strip().splitlines()[1:]
    fails = sum(",failure," in r for r in rows)
    print("%-34s %6.1f s wall, %3d negotiations (%d failed), %4d agent "
          "processes; CPU: agents %6.1f s, parley %5.1f s; agents get "
          "%4.1f%% of 2 cores x wall, %4.1f%% of the CPU used" %
          ("a process per negotiation" if not sessions else
           "sessions (a process per thread)", wall, len(rows), fails, procs,
           agents, total - agents, 100 * agents / (2 * wall),
           100 * agents / total))
    return sorted(r.split(",")[5:9] for r in rows)


with tempfile.TemporaryDirectory() as tmp:
    print("bench_ext_tournament: 8 Python reference clients x 8 built-ins "
          "on ItexvsCypress, %d rounds, 2 threads; load average %.1f" %
          (rounds, os.getloadavg()[0]))
    a = run(tmp, 0)
    b = run(tmp, 4)
    print("same results both ways: %s" % ("yes" if a == b else "NO"))
