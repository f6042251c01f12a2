"""Implementation sequencing (docs/sequencing.md): parley.sequence."""
from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, Optional, Sequence

from . import _lib
from ._handle import Handle, live
from .errors import InvalidArgumentError, check
from .scenario import PathLike, cstr, fspath, integer


class SequenceResult:
    """The analysis of an implementation plan: ``feasible``, ``exact``,
    ``to_dict()`` (what ``parley sequence PLAN --json`` prints). It holds
    its plan."""

    def __init__(self) -> None:
        raise TypeError("use parley.sequence() to make a SequenceResult")

    @property
    def _ptr(self) -> int:
        return live(self._h, "sequence result")

    @property
    def feasible(self) -> bool:
        return bool(_lib.pl_sequence_feasible(self._ptr))

    @property
    def exact(self) -> bool:
        return bool(_lib.pl_sequence_exact(self._ptr))

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(_lib.take_string(
            _lib.pl_sequence_to_json(self._ptr)))

    def __repr__(self) -> str:
        return (f"<parley.SequenceResult feasible={self.feasible} "
                f"exact={self.exact}>")


def sequence(plan: PathLike, *, order: Optional[Sequence[str]] = None,
             max_states: Optional[int] = None,
             memory_limit: Optional[int] = None,
             levers: bool = True) -> SequenceResult:
    """Analyses an implementation plan (YAML, docs/sequence-format.md) as
    ``parley sequence PLAN`` does; with ``order`` (step ids), evaluates that
    order instead of searching."""
    out = ctypes.c_void_p()
    err = _lib.pl_error()
    check(_lib.pl_plan_load(fspath(plan, "plan"), ctypes.byref(out), err),
          err)
    ph = Handle(out.value, _lib.pl_plan_free)
    res = ctypes.c_void_p()
    if order is not None:
        if isinstance(order, str):
            raise TypeError("order must be a list of step ids")
        steps = []
        for k, sid in enumerate(order):
            i = _lib.pl_plan_find_step(ph.ptr, cstr(sid, f"order[{k}]"))
            if i < 0:
                raise InvalidArgumentError(f"order: no step {sid!r}")
            steps.append(i)
        arr = (ctypes.c_int * max(1, len(steps)))(*steps)
        check(_lib.pl_sequence_evaluate(ph.ptr, arr, len(steps),
                                        ctypes.byref(res), err), err)
    else:
        o = _lib.init_options(_lib.pl_sequence_options,
                              _lib.pl_sequence_options_init)
        if max_states is not None:
            o.max_states = integer(max_states, "max_states", 1, 2**64 - 1)
        if memory_limit is not None:
            o.memory_limit = integer(memory_limit, "memory_limit", 1,
                                     2**64 - 1)
        if not isinstance(levers, bool):
            raise TypeError("levers must be a bool")
        o.levers = int(levers)
        check(_lib.pl_sequence_analyze(ph.ptr, o, ctypes.byref(res), err),
              err)
    r = SequenceResult.__new__(SequenceResult)
    r._h = Handle(res.value, _lib.pl_sequence_free, keep=(ph,))
    return r
