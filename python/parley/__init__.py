"""parley: negotiation analysis, simulation and tournaments, from Python.

A ctypes binding of libparley's public C API (include/parley/parley.h).
See docs/python.md for the tutorial and the API reference.

>>> import parley
>>> s = parley.load("examples/job-offer.yaml")       # doctest: +SKIP
>>> a = s.analyze()                                  # doctest: +SKIP
>>> a.pareto                 # NumPy array, one row per frontier point
>>> r = parley.run(s, agents=["boulware", "conceder"], seed=1)
"""
from __future__ import annotations

from . import _lib
from .agent import ACCEPT, END, REJECT, Agent, State
from .analysis import Analysis
from .env import Env
from .errors import (ConflictError, Error, ExistsError, InputOutputError,
                     InvalidArgumentError, NotFoundError, OutOfMemoryError,
                     ParseError, RangeError, StateError, TooBigError,
                     UnsupportedError)
from .report import plot, report
from .scenario import Issue, Party, Scenario, load, loads_yaml
from .sequence import SequenceResult, sequence
from .session import Event, Result, run
from .tournament import Summary, results, tournament

__version__ = "0.1.0"


def library_version() -> str:
    """Version of the libparley actually loaded."""
    return _lib.text(_lib.pl_version())


def library_path() -> str:
    """Path of the libparley actually loaded."""
    return _lib.LIBRARY_PATH


def has(feature: str) -> bool:
    """Whether the library was built with an optional feature ("yaml",
    "json", ...)."""
    if not isinstance(feature, str):
        raise TypeError("feature must be a str")
    return bool(_lib.pl_has(feature.encode()))


__all__ = [
    "ACCEPT", "Agent", "END", "REJECT", "State", "Analysis", "ConflictError",
    "Env", "Error", "Event", "ExistsError",
    "InputOutputError", "InvalidArgumentError", "Issue", "NotFoundError",
    "OutOfMemoryError", "ParseError", "Party", "RangeError", "Result",
    "Scenario", "SequenceResult", "StateError", "Summary", "TooBigError",
    "UnsupportedError", "has", "library_path", "library_version", "load",
    "loads_yaml", "plot", "report", "results", "run", "sequence",
    "tournament",
]
