"""The analysis of a scenario (docs/analysis.md, docs/analysis-json.md)."""
from __future__ import annotations

import copy
import ctypes
import json
import signal
import threading
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from . import _lib
from ._handle import Handle, live
from .errors import check
from .scenario import Scenario, integer, number

METHODS = ("auto", "enumerate", "structural", "boxes")
KALAI = ("proper", "genius")

Package = Dict[str, Any]


def _count(v: Any) -> Optional[int]:
    """An outcome count of the JSON (int, or a decimal string above 2^63-1)
    as an exact Python int."""
    return None if v is None else int(v)


class Analysis:
    """What a scenario allows. Made by :meth:`Scenario.analyze`.

    The analysis holds its scenario: closing or dropping the Scenario
    object does not free the C scenario while the analysis lives.

    Attributes (all read-only):

    - ``pareto``: NumPy array (frontier points x parties) of utilities,
      exact doubles, in the order of ``parley analyze``;
    - ``pareto_packages``: the same points as packages
      ``{"outcome": {issue: option}, "utilities": [...]}``;
    - ``nash``, ``kalai``, ``welfare``, ``egalitarian``: packages (with
      ``"rational"``) or None when nothing is feasible;
    - ``issues``: per issue its ``class`` and acceptable options;
    - ``deadlocks``, ``binding``, ``partial_agreements``,
      ``partial_agreements_status``;
    - ``outcomes`` and ``feasible``: exact Python ints (feasible None when
      not computed);
    - ``to_dict()``: exactly the object ``parley analyze --json`` prints.
    """

    def __init__(self) -> None:
        raise TypeError("use Scenario.analyze() to make an Analysis")

    @classmethod
    def _run(cls, scenario: Scenario, method: str, epsilon: float,
             kalai: str, max_outcomes: Optional[int],
             memory_limit: Optional[int],
             partial_max_issues: Optional[int],
             progress: Optional[Callable[[float], Any]] = None
             ) -> "Analysis":
        if not isinstance(scenario, Scenario):
            raise TypeError("analyze() needs a parley.Scenario")
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not "
                             f"{method!r}")
        if kalai not in KALAI:
            raise ValueError(f"kalai must be one of {KALAI}, not {kalai!r}")
        o = _lib.init_options(_lib.pl_analysis_options,
                              _lib.pl_analysis_options_init)
        o.method = METHODS.index(method)
        o.kalai = KALAI.index(kalai)
        o.epsilon = number(epsilon, "epsilon", 0.0, 1.0)
        if max_outcomes is not None:
            o.max_outcomes = integer(max_outcomes, "max_outcomes", 1,
                                     2**64 - 1)
        if memory_limit is not None:
            o.memory_limit = integer(memory_limit, "memory_limit", 1,
                                     2**64 - 1)
        if partial_max_issues is not None:
            o.partial_max_issues = integer(partial_max_issues,
                                           "partial_max_issues", 1, 62)
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable (share done -> stop)")
        stopped: List[BaseException] = []
        interrupted: List[int] = []

        def on_progress(ctx: Any, done: float) -> int:
            if interrupted:
                return 1
            try:
                return 1 if progress is not None and progress(done) else 0
            except BaseException as e:  # noqa: B036 (re-raised below)
                stopped.append(e)
                return 1

        cb = _lib.PROGRESS_FN(on_progress)  # alive during the call
        o.progress = ctypes.cast(cb, ctypes.c_void_p)
        sh = scenario._h
        sp = live(sh, "scenario")
        out = ctypes.c_void_p()
        err = _lib.pl_error()
        # Ctrl-C during a long enumeration: Python runs signal handlers only
        # between bytecodes, so in the main thread a handler that notes the
        # signal replaces the default one for the call, and the callback
        # stops the enumeration when it sees the note
        old = None
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            old = signal.signal(signal.SIGINT,
                                lambda sig, frame: interrupted.append(sig))
        try:
            rc = _lib.pl_analyze(sp, o, ctypes.byref(out), err)
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
        if rc < 0 and interrupted:
            raise KeyboardInterrupt
        if rc < 0 and stopped:
            raise stopped[0]
        if rc >= 0 and interrupted:
            _lib.pl_analysis_free(out.value)
            raise KeyboardInterrupt
        check(rc, err)
        a = cls.__new__(cls)
        a._h = Handle(out.value, _lib.pl_analysis_free, keep=(sh,))
        a._scenario = scenario
        a._d = None
        a._pareto = None
        return a

    @property
    def _ptr(self) -> int:
        return live(self._h, "analysis")

    @property
    def scenario(self) -> Scenario:
        """The scenario analysed (may have been closed by its owner; the
        analysis keeps the C scenario alive regardless)."""
        return self._scenario

    def _dict(self) -> Dict[str, Any]:
        if self._d is None:
            self._d = json.loads(_lib.take_string(
                _lib.pl_analysis_to_json(self._ptr)))
        return self._d

    def to_dict(self) -> Dict[str, Any]:
        """The analysis as ``parley analyze --json`` prints it (a fresh
        copy)."""
        return copy.deepcopy(self._dict())

    def to_json(self) -> str:
        """The analysis as JSON text, as the library writes it."""
        return _lib.take_string(_lib.pl_analysis_to_json(self._ptr))

    def _get(self, key: str) -> Any:
        return copy.deepcopy(self._dict()[key])

    @property
    def method(self) -> str:
        return _lib.text(_lib.pl_analysis_method(self._ptr))

    @property
    def epsilon(self) -> float:
        return _lib.pl_analysis_epsilon(self._ptr)

    @property
    def parties(self) -> List[str]:
        return self._get("parties")

    @property
    def pareto(self) -> np.ndarray:
        """The Pareto frontier as a (points x parties) float64 array."""
        if self._pareto is None:
            a = self._ptr
            n = _lib.pl_analysis_pareto_count(a)
            np_ = len(self._dict()["parties"])
            arr = np.empty((n, np_), dtype=np.float64)
            for i in range(n):
                pt = _lib.pl_analysis_pareto(a, i).contents
                arr[i] = np.ctypeslib.as_array(pt.utilities, shape=(np_,))
            arr.flags.writeable = False
            self._pareto = arr
        return self._pareto

    @property
    def pareto_packages(self) -> List[Package]:
        return self._get("pareto")

    @property
    def nash(self) -> Optional[Package]:
        return self._get("nash")

    @property
    def kalai(self) -> Optional[Package]:
        return self._get("kalai")

    @property
    def welfare(self) -> Optional[Package]:
        return self._get("welfare")

    @property
    def egalitarian(self) -> Optional[Package]:
        return self._get("egalitarian")

    @property
    def issues(self) -> List[Dict[str, Any]]:
        return self._get("issues")

    @property
    def deadlocks(self) -> List[List[Dict[str, Any]]]:
        return self._get("deadlocks")

    @property
    def binding(self) -> List[Dict[str, Any]]:
        return self._get("binding")

    @property
    def partial_agreements(self) -> List[Dict[str, Any]]:
        return self._get("partial_agreements")

    @property
    def partial_agreements_status(self) -> str:
        return self._get("partial_agreements_status")

    @property
    def outcomes(self) -> int:
        """Number of outcomes, an exact int at any size."""
        return _count(self._dict()["outcomes"])  # type: ignore[return-value]

    @property
    def feasible(self) -> Optional[int]:
        """Feasible outcomes, an exact int; None when not computed."""
        return _count(self._dict()["feasible"])

    def __repr__(self) -> str:
        if self._h is None:
            return "<parley.Analysis (closed)>"
        d = self._dict()
        return (f"<parley.Analysis of {d['scenario']!r}: {d['method']}, "
                f"{len(d['pareto'])} Pareto points, feasible "
                f"{d['feasible']}>")

    def close(self) -> None:
        """Drops this object's hold on the C analysis."""
        self._h = None

