"""Analyses: the same object as `parley analyze --json`, the frontier as a
NumPy array, exact counts, lifetimes, bad options."""
import gc
import json
import os

import numpy as np
import pytest

import parley
from conftest import run_cli


@pytest.mark.parametrize("name", ["job-offer", "security-talks"])
def test_to_dict_is_the_golden_json(example, name):
    s = parley.load(example("examples", name + ".yaml"))
    with open(example("tests", "cli", "golden", name + ".json")) as f:
        golden = json.load(f)
    a = s.analyze()
    assert a.to_dict() == golden
    assert a.nash == golden["nash"]
    assert a.kalai == golden["kalai"]
    assert a.welfare == golden["welfare"]
    assert a.egalitarian == golden["egalitarian"]
    assert a.issues == golden["issues"]
    assert a.deadlocks == golden["deadlocks"]
    assert a.partial_agreements == golden["partial_agreements"]
    assert a.pareto_packages == golden["pareto"]
    assert a.pareto.shape == (len(golden["pareto"]), len(golden["parties"]))
    assert a.pareto.dtype == np.float64
    for row, pkg in zip(a.pareto, golden["pareto"]):
        assert np.allclose(row, pkg["utilities"], atol=1e-9)


def test_options_match_cli(example, cli):
    path = example("tests", "data", "genius", "mixed")
    s = parley.load(path)
    for kw, args in (({"method": "structural"}, ["--method", "structural"]),
                     ({"kalai": "genius"}, ["--kalai", "genius"]),
                     ({"method": "structural", "epsilon": 0.05},
                      ["--method", "structural", "--epsilon", "0.05"])):
        got = s.analyze(**kw).to_dict()
        want = json.loads(run_cli(cli, "analyze", path, "--json",
                                  *args).stdout)
        assert got == want, kw


def test_anac_scenarios_match_cli(shared, cli):
    """A sample of ANAC scenarios: the Python analysis is the CLI's."""
    base = os.path.join(shared, "genius", "anac", "y2010")
    if not os.path.isdir(base):
        pytest.skip("no ANAC 2010 scenarios")
    for name in sorted(os.listdir(base))[:3]:
        path = os.path.join(base, name)
        got = parley.load(path).analyze().to_dict()
        want = json.loads(run_cli(cli, "analyze", path, "--json").stdout)
        assert got == want, name


def test_deadlock_and_partials(example):
    s = parley.load(example("examples", "security-talks.yaml"))
    a = s.analyze()
    assert a.feasible == 0
    assert a.nash is None
    assert a.deadlocks and all(isinstance(d, list) for d in a.deadlocks)
    assert a.partial_agreements_status == "done"
    assert a.partial_agreements
    assert a.pareto.shape == (0, 3)


def test_analysis_outlives_its_scenario(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    a = s.analyze()
    want = a.to_dict()
    s.close()
    del s
    gc.collect()
    a._d = None  # read everything again from the C analysis
    assert a.to_dict() == want
    assert a.scenario is not None
    r = a.pareto
    assert not r.flags.writeable


def test_bad_options(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    for kw, exc in (({"method": "fast"}, ValueError),
                    ({"epsilon": float("nan")}, ValueError),
                    ({"epsilon": -1}, ValueError),
                    ({"epsilon": "0.1"}, TypeError),
                    ({"kalai": "nash"}, ValueError),
                    ({"max_outcomes": 0}, ValueError),
                    ({"max_outcomes": 1.5}, TypeError),
                    ({"partial_max_issues": 99}, ValueError)):
        with pytest.raises(exc):
            s.analyze(**kw)
    with pytest.raises(parley.TooBigError) as e:
        s.analyze(method="enumerate", max_outcomes=5)
    assert e.value.code == -6 and e.value.name == "PL_ETOOBIG"
    with pytest.raises(TypeError):
        parley.Analysis()


def test_every_status_code_has_a_class():
    from parley.errors import error_class, library_codes
    codes = library_codes()
    assert len(codes) >= 11
    for code, name in codes.items():
        cls = error_class(code)
        assert cls is not parley.Error, name
        e = cls("m", code)
        assert e.code == code and e.name == name
        assert isinstance(e, parley.Error)


def test_progress_stops_a_long_enumeration():
    """10^8 outcomes: the progress callback (called every 2^24 outcomes)
    stops the enumeration at its first call; an exception raised inside it
    (as Ctrl-C is) comes out of analyze()."""
    s = parley.Scenario(
        issues=[{"id": f"i{k}", "options": [str(j) for j in range(10)]}
                for k in range(8)],
        parties=[{"id": "a", "weights": {"i0": 1, "i1": 2},
                  "values": {"i0": {"1": 1}, "i1": {"2": 1}}},
                 {"id": "b", "weights": {"i0": 1, "i2": 1},
                  "values": {"i0": {"3": 1}, "i2": {"4": 0.5}}}])
    calls = []
    with pytest.raises(parley.StateError):
        s.analyze(method="enumerate", progress=lambda d: calls.append(d)
                  or True)
    assert len(calls) == 1 and 0 < calls[0] < 1

    def boom(done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        s.analyze(method="enumerate", progress=boom)
    with pytest.raises(TypeError):
        s.analyze(progress=3)
