"""Negotiations from Python: the CLI's results, events and transcripts;
plug-ins; bad arguments."""
import gc
import json
import os

import pytest

import parley
from conftest import run_cli


def test_run_matches_golden(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    r = parley.run(s, agents=["boulware", "conceder"], rounds=10)
    with open(example("tests", "cli", "golden", "job-offer.run.json")) as f:
        assert r.to_dict() == json.load(f)


@pytest.mark.parametrize("args, kw", [
    (["--protocol", "text", "--rounds", "20"],
     {"protocol": "text", "rounds": 20}),
    (["--protocol", "mediated", "--seed", "3"],
     {"protocol": "mediated", "seed": 3}),
    (["--partial", "--rounds", "30"], {"partial": True, "rounds": 30}),
])
def test_run_matches_cli(example, cli, tmp_path, args, kw):
    path = example("examples", "security-talks.yaml")
    agents = ["conceder", "random", "linear"]
    s = parley.load(path)
    r = parley.run(s, agents=agents, **kw)
    p = run_cli(cli, "run", path, "--agents", ",".join(agents), "--json",
                "--transcript", str(tmp_path / "t.jsonl"), *args)
    assert r.to_dict() == json.loads(p.stdout)
    assert r.transcript() == (tmp_path / "t.jsonl").read_text()
    assert len(r.events) == len(r.transcript().splitlines())


def test_result_fields(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    r = parley.run(s, ["boulware", "conceder"], rounds=50, seed=2)
    assert r.end == "agreement"
    assert set(r.agreement) == {"salary", "remote", "start"}
    assert list(r.utilities) == pytest.approx(
        list(s.utility(r.agreement)))
    assert r.payoffs == pytest.approx(r.utilities)
    ev = r.events
    assert ev[0].kind == "offer" and ev[0].party == "candidate"
    assert ev[-1].kind in ("accept", "end")
    assert r.failed_party is None
    # the result holds its scenario, even before reading the events
    fresh = parley.run(s, ["boulware", "conceder"], rounds=50, seed=2)
    s.close()
    assert fresh.events == ev and fresh.agreement == r.agreement
    assert parley.run(s._view(fresh._h.keep[0]),
                      ["boulware", "conceder"], rounds=50,
                      seed=2).agreement == r.agreement
    del s
    gc.collect()
    assert r.to_dict()["ended_by"] == "agreement"
    assert len(r.events) == len(ev)


def test_deadline_by_time(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    r = parley.run(s, ["hardliner", "hardliner"], time=0.05)
    assert r.end in ("timeout", "deadline")
    assert r.agreement is None and r.utilities is None
    assert r.payoffs == [0.4, 0.3]


def test_plugins(example, root):
    s = parley.load(example("examples", "job-offer.yaml"))
    patient = os.path.join(root, "build", "patient.so")
    broken = os.path.join(root, "build", "broken.so")
    if not (os.path.exists(patient) and os.path.exists(broken)):
        pytest.skip("plug-ins not built")
    r = parley.run(s, [patient, "conceder"])
    assert r.end in ("agreement", "deadline")
    r = parley.run(s, [broken, "conceder"])
    assert r.end == "failure" and r.failed_party == "candidate"


def test_bad_arguments(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    cases = [
        (dict(agents=["boulware", "nonsense"]), parley.Error),
        (dict(agents=["boulware:e=x", "conceder"]), parley.Error),
        (dict(agents=["boulware"]), parley.InvalidArgumentError),
        (dict(agents="boulware,conceder"), TypeError),
        (dict(agents=["boulware", 3]), TypeError),
        (dict(agents=["boulware", "a\0b"]), ValueError),
        (dict(agents=["./no-such-plugin.so", "conceder"]), parley.Error),
        (dict(agents=["boulware", "conceder"], rounds=-1), ValueError),
        (dict(agents=["boulware", "conceder"], rounds=0), ValueError),
        (dict(agents=["boulware", "conceder"], rounds=2.5), TypeError),
        (dict(agents=["boulware", "conceder"], time=float("nan")),
         ValueError),
        (dict(agents=["boulware", "conceder"], time=0), ValueError),
        (dict(agents=["boulware", "conceder"], seed=-1), ValueError),
        (dict(agents=["boulware", "conceder"], protocol="auction"),
         ValueError),
        (dict(agents=["boulware", "conceder"], partial="yes"), TypeError),
        (dict(agents=["boulware", "conceder"], drafter="nobody"),
         parley.InvalidArgumentError),
    ]
    for kw, exc in cases:
        with pytest.raises(exc):
            parley.run(s, **kw)
    with pytest.raises(TypeError):
        parley.run(42, ["boulware", "conceder"])
    with pytest.raises(TypeError):
        parley.Result()


def test_run_from_path(example):
    r = parley.run(example("examples", "job-offer.yaml"),
                   ["boulware", "conceder"])
    assert r.end == "agreement"


def test_threads_share_a_scenario(example):
    """Negotiations on one scenario from several Python threads (the engine
    runs without the GIL) give the serial results, and closing the
    Scenario object meanwhile frees nothing under them."""
    import threading
    s = parley.load(example("examples", "job-offer.yaml"))
    agents = ["random", "conceder"]
    want = [parley.run(s, agents, seed=k).to_dict() for k in range(40)]
    got = {}

    def work(t):
        for k in range(t, 40, 4):
            got[k] = parley.run(s, agents, seed=k).to_dict()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [got[k] for k in range(40)] == want
    a = s.analyze()
    r = parley.run(s, agents)
    s.close()
    gc.collect()
    assert r.to_dict(analysis=a)["ended_by"] == r.end
