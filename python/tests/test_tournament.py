"""Tournaments and their results from Python: the CLI's summary, a
DataFrame (or lists without pandas), resuming, conflicts."""
import builtins
import json
import os
import shutil

import pytest

import parley
from conftest import run_cli

CONFIG = {
    "name": "py",
    "seed": 5,
    "scenarios": ["examples/job-offer.yaml"],
    "agents": ["boulware", "conceder", "linear"],
    "rounds": 50,
    "repetitions": 2,
}


def test_tournament_from_dict(root, tmp_path):
    db = tmp_path / "py.db"
    summary = parley.tournament(CONFIG, db=db, jobs=2, base_dir=root)
    d = summary.to_dict()
    assert summary.done == summary.total == 12
    assert summary.finished
    assert {row["agent"] for row in d["agents"]} == set(CONFIG["agents"])
    df = parley.results(db)
    assert len(df) == 12
    import pandas as pd
    assert isinstance(df, pd.DataFrame)
    assert isinstance(summary.agents, pd.DataFrame)
    assert len(summary.agents) == 3
    # resuming: nothing left to run, same summary
    again = parley.tournament(CONFIG, db=db, jobs=1, base_dir=root)
    assert again.to_dict() == d
    # another config on the same store is refused
    other = dict(CONFIG, seed=6)
    with pytest.raises(parley.ConflictError):
        parley.tournament(other, db=db, base_dir=root)


def test_tournament_file_matches_cli(root, tmp_path, cli):
    cfg = tmp_path / "t.json"
    conf = dict(CONFIG, scenarios=[os.path.join(root, "examples",
                                                "job-offer.yaml")])
    cfg.write_text(json.dumps(conf))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        s = parley.tournament(str(cfg), jobs=1)  # default store: t.db here
    finally:
        os.chdir(cwd)
    assert os.path.exists(tmp_path / "t.db")
    run_cli(cli, "tournament", str(cfg), "--db", str(tmp_path / "c.db"),
            "--quiet", "--jobs", "2")
    want = json.loads(run_cli(cli, "results", str(tmp_path / "c.db"),
                              "--json").stdout)
    got = s.to_dict()
    for k in ("agents", "scenarios"):
        assert got[k] == want[k]
    run_cli(cli, "results", str(tmp_path / "c.db"), "--csv",
            str(tmp_path / "c.csv"))
    import pandas as pd
    assert parley.results(tmp_path / "t.db").equals(
        pd.read_csv(tmp_path / "c.csv")) or \
        parley.results(tmp_path / "t.db").drop(
            columns=["wall_time"], errors="ignore").equals(
            pd.read_csv(tmp_path / "c.csv").drop(
                columns=["wall_time"], errors="ignore"))


def test_results_without_pandas(root, tmp_path, monkeypatch):
    db = tmp_path / "py.db"
    parley.tournament(dict(CONFIG, repetitions=1), db=db, jobs=1,
                      base_dir=root)
    real = builtins.__import__

    def no_pandas(name, *a, **k):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("no pandas here")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    rows = parley.results(db)
    assert isinstance(rows, list) and len(rows) == 6
    assert all(isinstance(r, dict) for r in rows)
    s = parley.Summary(db)
    assert isinstance(s.agents, list) and len(s.agents) == 3


def test_tournament_errors(root, tmp_path):
    with pytest.raises(parley.Error):
        parley.tournament(dict(CONFIG, agents=["boulware", "nonsense"]),
                          db=tmp_path / "x.db", base_dir=root)
    with pytest.raises(parley.Error):
        parley.tournament(dict(CONFIG, rounds=-3), db=tmp_path / "x.db",
                          base_dir=root)
    with pytest.raises(parley.Error):
        parley.tournament(str(tmp_path / "missing.yaml"),
                          db=tmp_path / "x.db")
    with pytest.raises(ValueError):
        parley.tournament(CONFIG, db=tmp_path / "x.db", jobs=0,
                          base_dir=root)
    with pytest.raises(TypeError):
        parley.tournament(42)
    with pytest.raises(FileNotFoundError):
        parley.results(tmp_path / "none.db")
    notdb = tmp_path / "not.db"
    notdb.write_text("hello")
    with pytest.raises(parley.Error):
        parley.results(notdb)
    shutil.rmtree(tmp_path, ignore_errors=True)
