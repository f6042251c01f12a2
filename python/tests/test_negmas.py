"""The NegMAS bridge (parley.negmas): scenarios both ways, parley's
strategies as NegMAS negotiators, and pareto_frontier against NegMAS's own
on every two-party scenario of the shared data. Skipped without NegMAS."""
import csv
import ctypes
import itertools
import os
import random
import subprocess
import sys

import pytest

import parley
from parley import _lib

pn = pytest.importorskip("parley.negmas")
from negmas import Scenario as NScenario  # noqa: E402
from negmas.outcomes import make_issue, make_os  # noqa: E402
from negmas.preferences import (LinearAdditiveUtilityFunction,  # noqa: E402
                                pareto_frontier as negmas_frontier)
from negmas.preferences.discounted import ExpDiscountedUFun  # noqa: E402
from negmas.preferences.value_fun import TableFun  # noqa: E402
from negmas.sao import AspirationNegotiator, SAOMechanism  # noqa: E402

#: outcome spaces NegMAS's own pareto_frontier enumerates in reasonable
#: time (the ANAC 2014 spaces, 10^10 outcomes and more, it cannot). Under
#: the ASan build (libasan preloaded) the pure-Python reference is run on
#: the spaces up to 200,000 outcomes only: it takes a minute on the
#: largest (1.9 million), and the plain build runs them all.
NEGMAS_ENUMERABLE = 200_000 if "libasan" in os.environ.get("LD_PRELOAD",
                                                            "") \
    else 2_000_000
#: scenarios parley reads, handed to NegMAS through from_parley, are
#: compared up to this size (an extra check beside NegMAS's own readings)
FROM_PARLEY_MAX = 100_000


def fixture(discount=0.9, reserved=(0.25, 0.0)):
    """Two parties, a categorical and an integer issue, utilities in
    [0, 1], reserved values, one party discounted."""
    issues = [make_issue(values=["a", "b", "c"], name="colour"),
              make_issue(values=(1, 4), name="size")]
    os_ = make_os(issues, name="fixture")
    u1 = LinearAdditiveUtilityFunction(
        values=[TableFun({"a": 1.0, "b": 0.3, "c": 0.0}),
                TableFun({1: 0.0, 2: 0.1, 3: 0.7, 4: 1.0})],
        weights=[0.6, 0.4], outcome_space=os_, reserved_value=reserved[0],
        name="buyer")
    u2 = LinearAdditiveUtilityFunction(
        values=[TableFun({"a": 0.0, "b": 0.55, "c": 1.0}),
                TableFun({1: 1.0, 2: 0.9, 3: 0.2, 4: 0.0})],
        weights=[0.3, 0.7], outcome_space=os_, reserved_value=reserved[1],
        name="seller")
    if discount is not None:
        u2 = ExpDiscountedUFun(ufun=u2, discount=discount, outcome_space=os_,
                               reserved_value=reserved[1], name="seller")
    return NScenario(outcome_space=os_, ufuns=(u1, u2))


def outcomes_of(os_, limit=2000, sample=300):
    """Every outcome of a space, or a seeded sample of a large one."""
    n = int(os_.cardinality)
    issues = [list(i.all) for i in os_.issues]
    if n <= limit:
        return list(itertools.product(*issues))
    rng = random.Random(12)
    return [tuple(rng.choice(v) for v in issues) for _ in range(sample)]


_lookups = {}


def parley_utility(s, outcome, p):
    """parley's utility of a NegMAS outcome (options as NegMAS writes them:
    str(value) for a discrete issue), through pl_scenario_utility."""
    key = id(s)
    if key not in _lookups or _lookups[key][0] is not s:
        idx = [{(str(o) if i.kind == "discrete" else o): k
                for k, o in enumerate(i.options)} for i in s.issues]
        _lookups[key] = (s, idx, [i.kind == "discrete" for i in s.issues])
    _, idx, discrete = _lookups[key]
    opts = [m[str(x) if d else x] for m, d, x in zip(idx, discrete, outcome)]
    arr = (ctypes.c_uint32 * len(opts))(*opts)
    return _lib.pl_scenario_utility(s._ptr, p, arr)


# --------------------------------------------------------------------------
# scenarios both ways
# --------------------------------------------------------------------------

def test_import_parley_does_not_import_negmas(root):
    code = ("import sys, parley; assert 'negmas' not in sys.modules; "
            "assert 'parley.negmas' not in sys.modules")
    env = dict(os.environ, PYTHONPATH=os.path.join(root, "python"))
    subprocess.run([sys.executable, "-c", code], check=True, env=env,
                   timeout=120)


def test_fixture_round_trip_utilities_unchanged():
    sc = fixture()
    s = pn.to_parley(sc)
    assert [p.id for p in s.parties] == ["buyer", "seller"]
    assert [p.reservation for p in s.parties] == [0.25, 0.0]
    assert [p.discount for p in s.parties] == [1.0, 0.9]
    assert s.issues[1].kind == "integer"
    back = pn.from_parley(s)
    for o in outcomes_of(sc.outcome_space):
        for p, u in enumerate(sc.ufuns):
            want = u(o)
            assert abs(parley_utility(s, o, p) - want) <= 1e-12
            assert abs(back.ufuns[p](o) - want) <= 1e-12
    assert back.ufuns[0].reserved_value == 0.25
    assert isinstance(back.ufuns[1], ExpDiscountedUFun)
    assert back.ufuns[1].discount == 0.9
    assert list(back.outcome_space.issues[0].all) == ["a", "b", "c"]
    assert list(back.outcome_space.issues[1].all) == [1, 2, 3, 4]


def test_conversion_refuses_what_parley_cannot_hold():
    sc = fixture()
    big = LinearAdditiveUtilityFunction(
        values=sc.ufuns[0].values, weights=[6.0, 4.0],
        outcome_space=sc.outcome_space, name="big")
    with pytest.raises(parley.UnsupportedError, match="normalize=True"):
        pn.to_parley(NScenario(outcome_space=sc.outcome_space,
                               ufuns=(big, sc.ufuns[0])))
    s = pn.to_parley(NScenario(outcome_space=sc.outcome_space,
                               ufuns=(big, sc.ufuns[0])), normalize=True)
    top = max(big(o) for o in outcomes_of(sc.outcome_space))
    for o in outcomes_of(sc.outcome_space):
        assert abs(parley_utility(s, o, 0) - big(o) / top) <= 1e-12
    cont = make_os([make_issue(values=(0.0, 1.0), name="x")])
    with pytest.raises(parley.UnsupportedError, match="continuous"):
        pn.to_parley(NScenario(outcome_space=cont, ufuns=(
            LinearAdditiveUtilityFunction(values=[lambda x: x],
                                          weights=[1.0],
                                          outcome_space=cont),)))
    with pytest.raises(TypeError):
        pn.to_parley("not a scenario")
    with pytest.raises(TypeError):
        pn.from_parley(sc)


def test_red_lines_need_consent(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    with pytest.raises(parley.UnsupportedError, match="red lines"):
        pn.from_parley(s)
    back = pn.from_parley(s, drop_red_lines=True)
    for o in outcomes_of(back.outcome_space):
        for p, u in enumerate(back.ufuns):
            assert abs(s.utility(list(o), p) - u(o)) <= 1e-12


def shared_folders(shared):
    out = []
    for d, subs, files in sorted(os.walk(shared)):
        if not subs and files:
            out.append(d)
    return out


def test_shared_scenarios_both_ways(shared):
    """NegMAS's reading of each shared scenario as parley (normalised:
    NegMAS keeps GENIUS's raw evaluations, above 1), and parley's reading
    as NegMAS, utilities equal within 1e-12."""
    checked = from_negmas = 0
    for d in shared_folders(shared):
        try:
            s = parley.load(d)
        except parley.Error:
            s = None
        if s is not None and s.outcome_count <= 10**7:
            try:
                back = pn.from_parley(s)
            except parley.UnsupportedError:
                back = None  # hyper-rectangle parties
            if back is not None:
                for o in outcomes_of(back.outcome_space):
                    for p, u in enumerate(back.ufuns):
                        assert abs(parley_utility(s, o, p) - u(o)) <= 1e-12
                again = pn.to_parley(back)
                for o in outcomes_of(back.outcome_space, 500, 100):
                    for p, u in enumerate(back.ufuns):
                        assert abs(parley_utility(again, o, p) - u(o)) \
                            <= 1e-12
                checked += 1
        try:
            nsc = NScenario.load(d)
        except Exception:
            continue  # NegMAS cannot read it
        if nsc is None or not nsc.outcome_space.is_finite():
            continue
        try:
            ps = pn.to_parley(nsc, normalize=True)
        except parley.UnsupportedError:
            continue  # NegMAS's ufun cannot be evaluated or is not additive
        for p, u in enumerate(nsc.ufuns):
            top = max(float(u.minmax()[1]), 1.0)
            for o in outcomes_of(nsc.outcome_space):
                assert abs(parley_utility(ps, o, p) - u(o) / top) <= 1e-12
        from_negmas += 1
    assert checked >= 10 and from_negmas >= 10


# --------------------------------------------------------------------------
# the Pareto frontier, exactly NegMAS's
# --------------------------------------------------------------------------

def same(a, b):
    """Equal results, element types included."""
    if a != b:
        return False
    for (pa, ia), (pb, ib) in zip(zip(*a), zip(*b)):
        if type(ia) is not type(ib) or \
                [type(x) for x in pa] != [type(x) for x in pb]:
            return False
    return True


def test_frontier_fixture_every_option():
    sc = fixture()
    for kw in ({}, {"sort_by_welfare": False}):
        assert same(pn.pareto_frontier(sc.ufuns, **kw),
                    negmas_frontier(sc.ufuns, **kw))
    # equal utility vectors (duplicated options): NegMAS keeps one, by
    # its presort; so does parley.negmas
    issues = [make_issue(values=["x", "y", "z", "w"], name="a"),
              make_issue(values=["p", "q", "r"], name="b")]
    os_ = make_os(issues)
    u1 = LinearAdditiveUtilityFunction(
        values=[TableFun({"x": 1, "y": 1, "z": 0.5, "w": 0.5}),
                TableFun({"p": 0.2, "q": 0.2, "r": 0.9})],
        weights=[0.5, 0.5], outcome_space=os_, reserved_value=0.1)
    u2 = LinearAdditiveUtilityFunction(
        values=[TableFun({"x": 0, "y": 0, "z": 0.5, "w": 0.5}),
                TableFun({"p": 0.8, "q": 0.8, "r": 0.1})],
        weights=[0.5, 0.5], outcome_space=os_)
    assert same(pn.pareto_frontier([u1, u2]), negmas_frontier([u1, u2]))
    # what parley does not answer goes to NegMAS unchanged
    outs = list(os_.enumerate())[:5]
    assert same(pn.pareto_frontier([u1, u2], outcomes=outs),
                negmas_frontier([u1, u2], outcomes=outs))
    # the re-exported point finders take its frontier
    pts, _ = pn.pareto_frontier([u1, u2])
    assert pn.nash_points([u1, u2], pts, outcome_space=os_)


def two_party_scenarios(shared):
    """(name, negmas Scenario): every shared folder NegMAS reads as two
    parties, the two-profile choices DOMAINS.tsv lists for multi-party
    domains, and every two-party scenario parley reads (through
    from_parley)."""
    out, skipped = [], []
    for d in shared_folders(shared):
        name = os.path.relpath(d, shared)
        try:
            nsc = NScenario.load(d)
        except Exception as e:
            skipped.append((name, f"NegMAS cannot read it: {e!r}"[:80]))
            nsc = None
        if nsc is not None and len(nsc.ufuns) == 2:
            out.append(("negmas:" + name, nsc))
        try:
            s = parley.load(d)
        except parley.Error:
            continue
        if len(s.parties) == 2 and s.outcome_count <= FROM_PARLEY_MAX:
            try:
                out.append(("parley:" + name, pn.from_parley(s)))
            except parley.UnsupportedError:
                pass
    tsv = os.path.join(shared, "DOMAINS.tsv")
    if os.path.isfile(tsv):
        with open(tsv, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                profiles = row["profiles_used"].split()
                folder = os.path.dirname(os.path.join(shared,
                                                      row["domain_file"]))
                if len(profiles) != 2 or len(os.listdir(folder)) <= 3:
                    continue  # not multi-party: already in
                if row["domain_file"].startswith("geniusweb"):
                    continue
                base = os.path.join(shared, "genius")
                nsc = NScenario.from_genius_files(
                    os.path.join(shared, row["domain_file"]),
                    [os.path.join(base, p) for p in profiles])
                if nsc is not None:
                    out.append(("negmas:" + row["domain_file"] + " (2 of)",
                                nsc))
    return out, skipped


def test_frontier_every_two_party_shared_scenario(shared):
    """The issue's done-when: parley.negmas.pareto_frontier returns what
    NegMAS's own function returns on every two-party scenario of the
    shared data (those NegMAS can enumerate)."""
    scenarios, _ = two_party_scenarios(shared)
    compared = 0
    for name, nsc in scenarios:
        if nsc.outcome_space.is_finite() and \
                nsc.outcome_space.cardinality > NEGMAS_ENUMERABLE:
            continue  # NegMAS's own would not finish (ANAC 2014: 10^10)
        ours = pn.pareto_frontier(nsc.ufuns)
        theirs = negmas_frontier(nsc.ufuns)
        assert same(ours, theirs), name
        compared += 1
    assert compared >= 25


def test_frontier_multi_party_shared_scenarios(shared):
    """Three to nine parties: the same answer as NegMAS's too."""
    compared = 0
    for d in shared_folders(shared):
        try:
            nsc = NScenario.load(d)
        except Exception:
            continue
        if nsc is None or len(nsc.ufuns) < 3 or \
                nsc.outcome_space.cardinality > 25_000:
            continue
        assert same(pn.pareto_frontier(nsc.ufuns),
                    negmas_frontier(nsc.ufuns)), d
        compared += 1
    assert compared >= 15


# --------------------------------------------------------------------------
# parley's strategies as NegMAS negotiators
# --------------------------------------------------------------------------

def test_negotiator_plays_in_a_negmas_mechanism():
    sc = fixture(discount=None)
    m = SAOMechanism(outcome_space=sc.outcome_space, n_steps=40)
    me = pn.Negotiator("boulware", ufun=sc.ufuns[0], name="parley")
    m.add(me)
    m.add(AspirationNegotiator(ufun=sc.ufuns[1], name="negmas"))
    state = m.run()
    assert state.done
    mine = [t.offer for t in m.full_trace if t.negotiator == me.id]
    u = sc.ufuns[0]
    # its best first, then concedes, never below its reserved value
    vals = [u(o) for o in mine]
    assert vals and vals[0] == max(u(o) for o in
                                   outcomes_of(sc.outcome_space))
    assert all(a >= b - 1e-12 for a, b in zip(vals, vals[1:]))
    assert min(vals) >= u.reserved_value
    if state.agreement is not None:
        assert u(state.agreement) >= u.reserved_value


def test_negotiator_offers_follow_parley_targets():
    sc = fixture(discount=None, reserved=(0.2, 0.0))
    n = pn.Negotiator("conceder", ufun=sc.ufuns[0])
    u = sc.ufuns[0]
    every = sorted(u(o) for o in outcomes_of(sc.outcome_space))
    for t in (0.0, 0.1, 0.5, 0.9, 1.0):
        target = n._target(t)
        o, v = n._offer_at(t)
        assert v == u(o) and v >= target - 1e-9
        # the least good outcome at or above the target
        assert not [x for x in every if target - 1e-9 <= x < v - 1e-12]
    hard = pn.Negotiator("hardliner", ufun=u)
    assert hard._offer_at(0.99)[1] == every[-1]
    with pytest.raises(parley.UnsupportedError, match="micro"):
        pn.Negotiator("micro")
    with pytest.raises(ValueError):
        pn.Negotiator("timedep:e=-1")


# --------------------------------------------------------------------------
# NegMAS negotiators as parley agents
# --------------------------------------------------------------------------

def test_negmas_boulware_plays_a_parley_tournament(example, tmp_path):
    """The issue's done-when: a NegMAS Boulware negotiator plays a parley
    tournament against parley's agents."""
    pytest.importorskip("pandas")
    from negmas.sao import BoulwareTBNegotiator
    nb = pn.agent(BoulwareTBNegotiator, name="negmas-boulware")
    # NegMAS knows no red lines: a scenario without them
    path = str(tmp_path / "fixture.yaml")
    pn.to_parley(fixture()).to_yaml(path)
    cfg = {"name": "negmas", "rounds": 60, "repetitions": 1, "seed": 3,
           "scenarios": [path],
           "agents": [nb, "boulware", "conceder"]}
    summary = parley.tournament(cfg, db=str(tmp_path / "t.db"), jobs=2)
    df = parley.results(str(tmp_path / "t.db"))
    assert len(df) == summary.done == 6  # 3 agents, both roles
    assert (df["ended_by"] != "failure").all(), df["error"].tolist()
    mine = df[df["agents"].str.contains("negmas-boulware")]
    assert len(mine) == 4
    assert "negmas-boulware" in set(summary.agents["agent"])


def test_negmas_negotiator_as_agent_in_run(example):
    from negmas.sao import AspirationNegotiator
    s = parley.load(example("examples", "job-offer.yaml"))
    na = pn.agent(AspirationNegotiator)
    r = parley.run(s, agents=[na, "conceder"], rounds=50, seed=2)
    assert r.end in ("agreement", "deadline") and r.failed_party is None
    offers = [e for e in r.events if e.kind == "offer" and
              e.party == s.party_ids[0]]
    assert offers and offers[0].utilities[0] >= offers[-1].utilities[0]
    # red lines stay the engine's: NegMAS knows none, and an offer across
    # one ends the negotiation with failure naming the party, never a crash
    r = parley.run(s, agents=["conceder", na], rounds=50, seed=2)
    assert r.end == "failure" and r.failed_party == s.party_ids[1]
