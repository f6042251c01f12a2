"""docs/python.md's tutorial runs: its python code blocks, in order, in one
namespace, in a scratch folder."""
import os
import re

import pytest


def test_tutorial_runs(root, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    with open(os.path.join(root, "docs", "python.md"),
              encoding="utf-8") as f:
        text = f.read()
    found = re.findall(r"^```python( negmas)?\n(.*?)^```", text,
                       re.S | re.M)
    try:  # the NegMAS cells run only when NegMAS imports
        import parley.negmas  # noqa: F401
        blocks = [code for _, code in found]
    except ImportError:
        blocks = [code for tag, code in found if not tag]
    assert len(blocks) >= 5
    monkeypatch.setenv("PARLEY_REPO", root)
    monkeypatch.chdir(tmp_path)
    ns = {"__name__": "__tutorial__"}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/python.md block {k + 1}", "exec"), ns)
    out = capsys.readouterr().out
    assert (tmp_path / "frontier.png").stat().st_size > 0
    assert (tmp_path / "tutorial.db").exists()
    assert ns["result"].end in ("agreement", "deadline")
    assert len(ns["df"]) == ns["summary"].done > 0
    assert "Nash:" in out


def test_architecture_lists_python(root):
    with open(os.path.join(root, "docs", "architecture.md"),
              encoding="utf-8") as f:
        assert "| `python/" in f.read()
