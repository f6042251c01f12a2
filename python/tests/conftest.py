"""Shared fixtures of the Python binding's tests.

The tests import the package from this checkout (python/), whatever is
installed, and libparley from PARLEY_LIBRARY (ctest sets it to the built
library) or the checkout's build/. PARLEY_CLI names the CLI to compare
with (default build/parley). ANAC data comes from ../shared/data (or
PARLEY_SHARED_DATA); tests needing it skip when it is absent.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))


def _shared() -> str:
    return os.environ.get("PARLEY_SHARED_DATA",
                          os.path.join(os.path.dirname(ROOT), "shared",
                                       "data"))


@pytest.fixture(scope="session")
def root() -> str:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> str:
    d = _shared()
    if not os.path.isdir(d):
        pytest.skip(f"no shared data at {d}")
    return d


@pytest.fixture(scope="session")
def itex(shared) -> str:
    d = os.path.join(shared, "genius", "anac", "y2010", "ItexvsCypress")
    if not os.path.isdir(d):
        pytest.skip("ItexvsCypress is not in the shared data")
    return d


@pytest.fixture(scope="session")
def cli() -> str:
    exe = os.environ.get("PARLEY_CLI", os.path.join(ROOT, "build", "parley"))
    if not os.access(exe, os.X_OK):
        pytest.skip(f"no parley CLI at {exe}")
    return exe


def run_cli(cli: str, *args: str, check: bool = True):
    p = subprocess.run([cli, *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"parley {' '.join(args)}: exit "
                             f"{p.returncode}: {p.stderr}")
    return p


@pytest.fixture(scope="session")
def example(root):
    return lambda *rel: os.path.join(root, *rel)
