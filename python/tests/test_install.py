"""`pip install` of python/ works offline in a venv that sees Debian's
packages (docs/python.md), and the installed package finds the library
through PARLEY_LIBRARY when run outside the checkout."""
import os
import shutil
import subprocess
import sys

import pytest

import parley


def test_pip_install_in_a_venv(root, tmp_path):
    if os.environ.get("PARLEY_SKIP_INSTALL_TEST"):
        pytest.skip("PARLEY_SKIP_INSTALL_TEST is set")
    # a copy, so that setuptools' in-tree build files stay out of the
    # checkout
    src = tmp_path / "src"
    shutil.copytree(os.path.join(root, "python"), src,
                    ignore=shutil.ignore_patterns("tests", "build",
                                                  "*.egg-info",
                                                  "__pycache__"))
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv",
                        "--system-site-packages", str(venv)],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"no venv module: {r.stderr.strip()[-200:]}")
    py = str(venv / "bin" / "python")
    r = subprocess.run([py, "-m", "pip", "install", "--no-index",
                        "--disable-pip-version-check",
                        "--no-build-isolation", str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    env = dict(os.environ, PARLEY_LIBRARY=parley.library_path())
    env.pop("PYTHONPATH", None)
    code = ("import parley, sys; s = parley.load(sys.argv[1]); "
            "print(parley.__file__); "
            "print(parley.run(s, ['boulware', 'conceder']).end)")
    r = subprocess.run([py, "-c", code, os.path.join(
        root, "examples", "job-offer.yaml")], capture_output=True,
        text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    where, end = r.stdout.split()
    assert where.startswith(str(venv)) and end == "agreement"
    # without a library to find, importing says what to do
    env["PARLEY_LIBRARY"] = str(tmp_path / "nope.so")
    r = subprocess.run([py, "-c", "import parley"], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode != 0 and "PARLEY_LIBRARY" in r.stderr
