"""Scenarios: loading as the CLI does, building in code, writing, bad
input."""
import gc
import itertools
import math
import os

import numpy as np
import pytest

import parley

# examples/job-offer.yaml, written as Python data
JOB_OFFER = dict(
    id="job-offer",
    title="A job offer: salary, remote days and start date",
    issues=[
        {"id": "salary", "name": "Yearly salary (thousands)",
         "type": "integer", "min": 60, "max": 80, "step": 10},
        {"id": "remote", "name": "Remote days a week", "type": "integer",
         "min": 0, "max": 2},
        {"id": "start", "name": "Start date", "options": ["june",
                                                          "september"]},
    ],
    parties=[
        {"id": "candidate", "name": "The candidate", "reservation": 0.4,
         "weights": {"salary": 0.5, "remote": 0.3, "start": 0.2},
         "values": {"salary": "increasing",
                    "remote": [[0, 0], [1, 0.6], [2, 1]],
                    "start": {"june": 0.3, "september": 1}},
         "red_lines": [{"id": "salary_floor",
                        "description": "no less than 70",
                        "rule": {"issue": "salary", "min": 70}}]},
        {"id": "employer", "name": "The employer", "reservation": 0.3,
         "weights": {"salary": 0.6, "remote": 0.1, "start": 0.3},
         "values": {"salary": "decreasing",
                    "remote": [[0, 1], [1, 1], [2, 0]],
                    "start": {"june": 1, "september": 0}},
         "red_lines": [{"id": "office_days",
                        "description": "at most one remote day",
                        "rule": {"issue": "remote", "max": 1}}]},
    ])


def every_outcome(s):
    return itertools.product(*[s.options(i) for i in s.issue_ids])


def test_load_yaml(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    assert s.id == "job-offer"
    assert s.party_ids == ["candidate", "employer"]
    assert [i.id for i in s.issues] == ["salary", "remote", "start"]
    assert [i.kind for i in s.issues] == ["integer", "integer", "discrete"]
    assert s.options("salary") == [60, 70, 80]
    assert s.options("start") == ["june", "september"]
    assert s.outcome_count == 18
    assert s.parties[0].reservation == 0.4
    u = s.utility({"salary": 80, "remote": 2, "start": "september"})
    assert isinstance(u, np.ndarray) and u[0] == pytest.approx(1.0)
    assert s.utility([60, 0, "june"], party="employer") == pytest.approx(1.0)
    assert "job-offer" in repr(s)


def test_load_genius_and_geniusweb(example):
    for fmt, dom, ext in (("genius", "mixed.xml", "xml"),
                          ("geniusweb", "mixed.json", "json")):
        folder = example("tests", "data", fmt, "mixed")
        a = parley.load(folder)
        b = parley.load(os.path.join(folder, dom),
                        os.path.join(folder, "buyer." + ext),
                        os.path.join(folder, "seller." + ext))
        assert a.party_ids == b.party_ids == ["buyer", "seller"]
        for o in every_outcome(a):
            assert np.array_equal(a.utility(list(o)), b.utility(list(o)))


def test_built_equals_loaded(example):
    loaded = parley.load(example("examples", "job-offer.yaml"))
    built = parley.Scenario(**JOB_OFFER)
    assert built.party_ids == loaded.party_ids
    assert built.issues == loaded.issues
    for o in every_outcome(loaded):
        assert np.array_equal(built.utility(list(o)), loaded.utility(list(o)))
    assert built.analyze().to_dict() == loaded.analyze().to_dict()


def test_write_and_read_back(tmp_path, example):
    s = parley.load(example("tests", "data", "genius", "mixed"))
    w = parley.load(example("tests", "data", "geniusweb", "mixed"))
    s.to_yaml(tmp_path / "s.yaml")
    s.to_genius(tmp_path / "g")
    w.to_geniusweb(tmp_path / "w")
    for orig, back in ((s, parley.load(tmp_path / "s.yaml")),
                       (s, parley.load(tmp_path / "g")),
                       (w, parley.load(tmp_path / "w"))):
        assert back.outcome_count == orig.outcome_count
        oo = [orig.options(i) for i in orig.issue_ids]
        bo = [back.options(i) for i in back.issue_ids]
        for idx in itertools.product(*[range(len(x)) for x in oo]):
            assert np.array_equal(
                back.utility([bo[i][k] for i, k in enumerate(idx)]),
                orig.utility([oo[i][k] for i, k in enumerate(idx)]))
    # what GENIUS cannot say (red lines) is refused, nothing written
    job = parley.Scenario(**JOB_OFFER)
    with pytest.raises(parley.UnsupportedError):
        job.to_genius(tmp_path / "nope")
    assert not (tmp_path / "nope" / "domain.xml").exists()


def test_red_line_forms():
    issues = [{"id": "a", "options": ["x", "y", "z"]},
              {"id": "n", "type": "real", "min": 0, "max": 1,
               "resolution": 0.25}]
    party = {"id": "p", "weights": {"a": 1, "n": 1},
             "values": {"a": {"x": 0, "y": 0.5, "z": 1}, "n": "increasing"}}
    rules = [
        ({"issue": "a", "in": ["x", "y"]}, 2 * 5),
        ({"issue": "a", "not_in": ["x"]}, 2 * 5),
        ({"issue": "n", "min": 0.5}, 3 * 3),
        ({"all": [{"issue": "a", "in": ["z"]},
                  {"issue": "n", "max": 0.25}]}, 1 * 2),
        ({"any": [{"issue": "a", "in": ["z"]},
                  {"issue": "n", "in": [1.0]}]}, 5 + 2),
        ({"not": {"issue": "a", "in": ["z"]}}, 2 * 5),
    ]
    for rule, feasible in rules:
        s = parley.Scenario(
            issues=issues,
            parties=[dict(party, red_lines=[{"id": "r", "rule": rule}])])
        assert s.analyze().feasible == feasible, rule
    s = parley.Scenario(issues=issues, status_quo={"a": "x", "n": 0},
                        parties=[dict(party, red_lines=[
                            {"id": "l", "linked": "all"}])])
    assert s.analyze().feasible == 15


@pytest.mark.parametrize("change, exc", [
    (lambda d: d["parties"][0].update(reservation=float("nan")), ValueError),
    (lambda d: d["parties"][0].update(reservation="high"), TypeError),
    (lambda d: d["parties"][0].update(reservation=1.5), parley.Error),
    (lambda d: d["parties"][0].update(id="employer"), parley.ExistsError),
    (lambda d: d["parties"][0]["weights"].update(nope=1),
     parley.InvalidArgumentError),
    (lambda d: d["parties"][0]["values"].update(start={"july": 1}),
     parley.InvalidArgumentError),
    (lambda d: d["parties"][0]["values"].update(start={"june": math.inf}),
     ValueError),
    (lambda d: d["issues"][0].update(max=85), parley.Error),
    (lambda d: d["issues"][2].update(type="complex"), ValueError),
    (lambda d: d.update(parties="candidate"), TypeError),
    (lambda d: d.update(issues=[]), parley.Error),
    (lambda d: d["parties"][0]["red_lines"][0].update(rule={"issue": "x"}),
     ValueError),
    (lambda d: d["parties"][0]["red_lines"][0].update(
        rule={"issue": "start", "in": ["july"]}),
     parley.InvalidArgumentError),
])
def test_build_errors(change, exc):
    import copy
    d = copy.deepcopy(JOB_OFFER)
    change(d)
    with pytest.raises(exc):
        parley.Scenario(**d)


def test_bad_outcomes(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    with pytest.raises(parley.InvalidArgumentError):
        s.utility({"salary": 65, "remote": 0, "start": "june"})
    with pytest.raises(parley.InvalidArgumentError):
        s.utility({"salary": 60, "remote": 0})
    with pytest.raises(parley.InvalidArgumentError):
        s.utility([60, 0])
    with pytest.raises(TypeError):
        s.utility("60,0,june")
    with pytest.raises(ValueError):
        s.utility([float("nan"), 0, "june"])
    with pytest.raises(parley.InvalidArgumentError):
        s.utility([60, 0, "june"], party="nobody")
    with pytest.raises(parley.InvalidArgumentError):
        s.options(7)


def test_load_errors(example, tmp_path):
    with pytest.raises(TypeError):
        parley.load(42)
    with pytest.raises(TypeError):
        parley.load()
    with pytest.raises(parley.Error) as e:
        parley.load(tmp_path / "missing.yaml")
    assert e.value.code < 0 and e.value.name.startswith("PL_E")
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: x\nissues:\n  - id: a\n    options: [p, p]\n")
    with pytest.raises(parley.ParseError) as e:
        parley.load(bad)
    assert e.value.file.endswith("bad.yaml") and e.value.line > 0
    assert str(e.value).startswith(f"{e.value.file}:{e.value.line}:")


def test_bad_input_corpus_matches_cli(example, cli):
    """Every n_ file of tests/data/scenarios raises a parley.Error whose text
    is what the CLI reports, and every y_ file loads."""
    from conftest import run_cli
    folder = example("tests", "data", "scenarios")
    names = sorted(os.listdir(folder))
    assert any(n.startswith("n_") for n in names)
    for name in names:
        path = os.path.join(folder, name)
        if name.startswith("y_") and name.endswith(".yaml"):
            parley.load(path)
        elif name.startswith("n_") and name.endswith(".yaml"):
            with pytest.raises(parley.Error) as e:
                parley.load(path)
            p = run_cli(cli, "analyze", path, check=False)
            assert p.returncode == 3, name
            assert str(e.value) in p.stderr, (name, str(e.value), p.stderr)


def test_closed_scenario(example):
    s = parley.load(example("examples", "job-offer.yaml"))
    a = s.analyze()
    with s:
        pass
    with pytest.raises(parley.StateError):
        s.party_ids
    with pytest.raises(parley.StateError):
        s.analyze()
    with pytest.raises(parley.StateError):
        parley.run(s, ["boulware", "conceder"])
    del s
    gc.collect()
    assert a.outcomes == 18  # the analysis keeps its scenario alive
    assert a.pareto.shape == (2, 2)


def test_huge_outcome_count():
    s = parley.Scenario(
        issues=[{"id": f"i{k}", "options": [str(j) for j in range(10)]}
                for k in range(40)],
        parties=[{"id": "p", "weights": {"i0": 1},
                  "values": {"i0": {"9": 1}}}])
    assert s.outcome_count == 10 ** 40
    a = s.analyze(method="structural")
    assert a.outcomes == 10 ** 40 and isinstance(a.outcomes, int)
    with pytest.raises(parley.TooBigError):
        s.analyze(method="enumerate")
