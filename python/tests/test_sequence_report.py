"""Sequencing, pictures and the HTML report: the same outputs as the CLI."""
import json

import pytest

import parley
from conftest import run_cli


def test_sequence_is_the_golden_json(example):
    r = parley.sequence(example("examples", "plans", "exchange.yaml"))
    with open(example("tests", "cli", "golden", "plan-exchange.json")) as f:
        assert r.to_dict() == json.load(f)
    order = ["enrichment_cap", "banking", "arak_core", "frozen_assets",
             "iaea_access", "oil", "stockpile_out", "un_resolution"]
    r = parley.sequence(example("examples", "plans", "exchange.yaml"),
                        order=order)
    with open(example("tests", "cli", "golden",
                      "plan-exchange.order.json")) as f:
        assert r.to_dict() == json.load(f)


def test_sequence_errors(example, tmp_path):
    plan = example("examples", "plans", "exchange.yaml")
    with pytest.raises(parley.InvalidArgumentError):
        parley.sequence(plan, order=["nope"])
    with pytest.raises(parley.Error):
        parley.sequence(plan, order=["banking"])  # steps missing
    with pytest.raises(TypeError):
        parley.sequence(plan, order="banking")
    with pytest.raises(parley.ParseError):
        parley.sequence(example("examples", "job-offer.yaml"))


def test_plots_are_the_clis(example, cli, tmp_path):
    path = example("examples", "job-offer.yaml")
    s = parley.load(path)
    parley.plot(s.analyze(), tmp_path / "a.svg")
    run_cli(cli, "analyze", path, "--plot", str(tmp_path / "c.svg"))
    assert (tmp_path / "a.svg").read_bytes() == \
        (tmp_path / "c.svg").read_bytes()
    r = parley.run(s, ["boulware", "conceder"], rounds=10)
    parley.plot(r, tmp_path / "r.svg")
    run_cli(cli, "run", path, "--agents", "boulware,conceder", "--rounds",
            "10", "--plot", str(tmp_path / "cr.svg"))
    assert (tmp_path / "r.svg").read_bytes() == \
        (tmp_path / "cr.svg").read_bytes()
    plan = example("examples", "plans", "minsk.yaml")
    parley.plot(parley.sequence(plan), tmp_path / "q.svg")
    run_cli(cli, "sequence", plan, "--plot", str(tmp_path / "cq.svg"))
    assert (tmp_path / "q.svg").read_bytes() == \
        (tmp_path / "cq.svg").read_bytes()
    parley.plot(s, tmp_path / "a.png")
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"


def test_report_is_the_clis(example, cli, tmp_path):
    path = example("examples", "job-offer.yaml")
    plan = example("examples", "plans", "exchange.yaml")
    s = parley.load(path)
    r = parley.run(s, ["boulware", "conceder"], rounds=10)
    parley.report(s.analyze(), tmp_path / "p.html", run=r,
                  sequence=parley.sequence(plan))
    run_cli(cli, "report", path, "-o", str(tmp_path / "c.html"), "--run",
            "boulware,conceder", "--rounds", "10", "--sequence", plan)
    assert (tmp_path / "p.html").read_text() == \
        (tmp_path / "c.html").read_text()


def test_plot_errors(example, tmp_path):
    s = parley.load(example("examples", "job-offer.yaml"))
    with pytest.raises(parley.UnsupportedError):
        parley.plot(s, tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()
    with pytest.raises(parley.InputOutputError):
        parley.plot(s, tmp_path / "no" / "dir" / "x.svg")
    with pytest.raises(TypeError):
        parley.plot("job-offer", tmp_path / "x.svg")
    with pytest.raises(ValueError):
        parley.plot(s, tmp_path / "x.png", scale=float("nan"))
    other = parley.load(example("examples", "security-talks.yaml"))
    r = parley.run(other, ["boulware"] * 3, rounds=3)
    with pytest.raises(ValueError):
        parley.report(s, tmp_path / "r.html", run=r)
    with pytest.raises(TypeError):
        parley.report(r, tmp_path / "r.html")
