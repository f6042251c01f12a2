"""A bridge to NegMAS (https://github.com/yasserfarouk/negmas).

Imported only on demand (``import parley.negmas``); ``import parley`` never
imports NegMAS, and the project does not depend on it. Needs NegMAS 0.12.

- :func:`to_parley` / :func:`from_parley`: a NegMAS ``Scenario`` (finite
  outcome space, linear-additive utility functions, reserved values,
  exponential discounting) as a :class:`parley.Scenario` and back, every
  outcome's utility unchanged (within 1e-12).
- :class:`Negotiator`: parley's time-dependent strategies as NegMAS SAO
  negotiators (``Negotiator("boulware")`` in a ``SAOMechanism``).
- :func:`pareto_frontier`: a drop-in replacement of
  ``negmas.preferences.pareto_frontier`` that returns exactly what NegMAS's
  returns (same tuples, same element types, same order, same indices),
  with the frontier computed by libparley.
- :func:`nash_points`, :func:`kalai_points`, :func:`ks_points`,
  :func:`max_welfare_points`, :func:`max_relative_welfare_points`: NegMAS's
  own functions (they only read a frontier), re-exported so that one import
  serves; give them the frontier of :func:`pareto_frontier`.

See docs/python.md, "NegMAS".
"""
from __future__ import annotations

import ctypes
import json
import math
import re
import sys
import types
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np


def _stringcase_stub() -> None:
    """NegMAS imports ``stringcase`` (not packaged in Debian) for name
    helpers its negotiators and analysis never call: when it is missing, a
    minimal stand-in is registered so that ``negmas.sao`` imports."""
    try:
        import stringcase  # noqa: F401  (present: nothing to do)
        return
    except ImportError:
        pass
    m = types.ModuleType("stringcase")

    def snake(s: Any) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", str(s)).lower()

    def camel(s: Any) -> str:
        p = str(s).split("_")
        return p[0] + "".join(x.title() for x in p[1:])

    def pascal(s: Any) -> str:
        c = camel(s)
        return c[:1].upper() + c[1:]

    for name, fn in (("snakecase", snake), ("camelcase", camel),
                     ("pascalcase", pascal),
                     ("titlecase", lambda s: str(s).title()),
                     ("spinalcase", lambda s: snake(s).replace("_", "-"))):
        setattr(m, name, fn)
    sys.modules["stringcase"] = m


_stringcase_stub()

# ImportError from here on: NegMAS is not installed
from negmas.inout import Scenario as NegmasScenario  # noqa: E402
from negmas.outcomes import (ContiguousIssue, make_issue,  # noqa: E402
                             make_os)
from negmas.preferences import LinearAdditiveUtilityFunction  # noqa: E402
from negmas.preferences import ops as _ops  # noqa: E402
from negmas.preferences.discounted import ExpDiscountedUFun  # noqa: E402
from negmas.preferences.value_fun import TableFun  # noqa: E402
from negmas.sao import ResponseType, SAONegotiator  # noqa: E402

from . import _lib  # noqa: E402
from .errors import UnsupportedError, check  # noqa: E402
from .scenario import Scenario, loads_yaml  # noqa: E402

__all__ = ["CappedUtilityFunction", "ENUMERATION_LIMIT", "Negotiator",
           "agent", "from_parley", "kalai_points", "ks_points",
           "max_relative_welfare_points", "max_welfare_points",
           "nash_points", "pareto_frontier", "to_parley"]

# NegMAS's own frontier readers: they search a given frontier (cheap); the
# work is in finding the frontier, which pareto_frontier below does
nash_points = _ops.nash_points
kalai_points = _ops.kalai_points
ks_points = _ops.ks_points
max_welfare_points = _ops.max_welfare_points
max_relative_welfare_points = _ops.max_relative_welfare_points

#: At most this many outcomes are enumerated (in NumPy, 8 bytes per party
#: each) to reproduce NegMAS's choice among equal utility vectors and its
#: order; larger finite spaces are left to NegMAS (which would enumerate
#: them too).
ENUMERATION_LIMIT = 1 << 23

_P = ctypes.c_void_p
_ENOTFOUND = -7  # PL_ENOTFOUND (core.h)
_is_additive = _lib._fn("pl_scenario_is_additive", ctypes.c_int, _P,
                        ctypes.c_int)
_offer_at_least = _lib._fn(
    "pl_scenario_offer_at_least", ctypes.c_int, _P, ctypes.c_int,
    ctypes.c_double, ctypes.POINTER(ctypes.c_uint32),
    ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_int),
    ctypes.POINTER(_lib.pl_error))


# --------------------------------------------------------------------------
# NegMAS utility functions as tables
# --------------------------------------------------------------------------

class _Tables:
    """A linear-additive NegMAS ufun as per-issue tables of w_i * v_i(x):
    NegMAS computes u = bias + w_0 v_0(x_0) + w_1 v_1(x_1) + ... in that
    order, so sums of these tables in issue order give its bits."""

    def __init__(self, ufun: Any, issues: Sequence[Any],
                 skip: bool = False) -> None:
        self.discount: Optional[float] = None
        base = ufun
        if isinstance(ufun, ExpDiscountedUFun):
            self.discount = ufun.discount
            base = ufun.ufun
        # subclasses may override eval: only the class itself is read
        self.capped = type(base) is CappedUtilityFunction
        if type(base) is not LinearAdditiveUtilityFunction and \
                not self.capped:
            raise UnsupportedError(
                f"{type(base).__name__} utility functions cannot be read as "
                "tables: linear-additive ones (LinearAdditiveUtilityFunction, "
                "optionally in an ExpDiscountedUFun) only")
        for u in (ufun, base):
            if getattr(u, "_constraints", None):
                raise UnsupportedError("utility functions with constraints "
                                       "are not supported")
        if len(base.values) != len(issues):
            raise UnsupportedError(f"the utility function has "
                                   f"{len(base.values)} value functions for "
                                   f"{len(issues)} issues")
        self.ufun = ufun
        self.base = base
        self.bias = base._bias
        self.weights = [w for w in base.weights]
        self.values: List[List[float]] = []
        self.terms: List[np.ndarray] = []
        #: per issue, the option indices NegMAS cannot evaluate (its value
        #: function raises or gives None, or w * v is not finite): with
        #: skip, they are kept as NaN terms; else UnsupportedError
        self.bad: List[List[int]] = []
        for i, (iss, vf, w) in enumerate(zip(issues, base.values,
                                             self.weights)):
            vs, ts, bad = [], [], []
            for j, x in enumerate(iss.all):
                try:
                    v = vf(x)
                    t = float(w * v) if v is not None else math.nan
                except Exception:
                    v, t = None, math.nan
                if not math.isfinite(t):
                    if not skip:
                        raise UnsupportedError(f"issue {iss.name}: no finite "
                                               f"value for {x!r}")
                    bad.append(j)
                vs.append(v)
                ts.append(t)
            self.values.append(vs)
            self.terms.append(np.array(ts, dtype=float))
            self.bad.append(bad)
        self.reserved = ufun.reserved_value

    def keep(self, valid: Sequence[np.ndarray]) -> None:
        """Keeps the given options of each issue only."""
        self.terms = [t[v] for t, v in zip(self.terms, valid)]
        self.values = [[vs[j] for j in v] for vs, v in zip(self.values,
                                                           valid)]

    def max_utility(self) -> float:
        u = self.bias
        for t in self.terms:
            u += float(t.max())
        return float(u)

    def min_utility(self) -> float:
        u = self.bias
        for t in self.terms:
            u += float(t.min())
        return float(u)

    def all_utilities(self) -> np.ndarray:
        """Every outcome's utility, in itertools.product order (last issue
        fastest), with NegMAS's bits."""
        u = self.bias + self.terms[0]
        for t in self.terms[1:]:
            u = (u[:, None] + t[None, :]).reshape(-1)
        return np.asarray(u, dtype=float)


def _finite_issues(issues: Sequence[Any]) -> None:
    for iss in issues:
        if not iss.is_finite():
            raise UnsupportedError(
                f"issue {iss.name} is continuous: parley needs finite issues "
                "(discretize it in NegMAS first)")


def _pow2_scale(top: float) -> float:
    """An exact power of two s with |top| * s <= 1 (scaling by it changes
    no comparison and no bit but the exponent)."""
    s = 1.0
    while abs(top) * s > 1.0:
        s *= 0.5
    return s


def _yaml(doc: Dict[str, Any], name: str) -> Scenario:
    """A scenario from its parley YAML document (written as JSON, which is
    YAML; floats as repr, so they read back bit for bit)."""
    return loads_yaml(json.dumps(doc, ensure_ascii=False, allow_nan=False),
                      name)


def _option_ids(iss: Any) -> List[str]:
    ids = [str(x) for x in iss.all]
    if len(set(ids)) != len(ids):
        raise UnsupportedError(f"issue {iss.name}: two options have the same "
                               "name as text")
    return ids


# --------------------------------------------------------------------------
# (a) scenarios
# --------------------------------------------------------------------------

def _outcome_space(scenario: Any) -> Tuple[Any, Tuple[Any, ...]]:
    os_ = getattr(scenario, "outcome_space", None)
    ufuns = tuple(getattr(scenario, "ufuns", ()) or ())
    if os_ is None or not ufuns:
        raise TypeError("to_parley needs a negmas Scenario (outcome_space "
                        "and ufuns)")
    return os_, ufuns


def to_parley(scenario: Any, *, normalize: bool = False,
              id: Optional[str] = None) -> Scenario:
    """A NegMAS ``Scenario`` as a :class:`parley.Scenario`.

    Issues: ``ContiguousIssue`` becomes an integer issue, every other finite
    issue a discrete one whose option ids are ``str(value)``. Each ufun
    (``LinearAdditiveUtilityFunction``, optionally inside an
    ``ExpDiscountedUFun``) becomes a party with its weights as given
    (``weighting: as_given``) and its value tables, so every outcome's
    utility is NegMAS's to the bit; the discount becomes the party's
    discount; the reserved value its reservation (``None``, NaN or -inf
    become 0, parley's "no reservation").

    parley's utilities are at most 1 and reservations within [0, 1]: a
    ufun that goes above 1 raises :class:`parley.UnsupportedError` unless
    ``normalize=True``, which divides each party's utilities (and
    reservation) by its best outcome's utility. Continuous issues, other
    ufun types, constraints and a non-zero bias raise UnsupportedError.
    """
    os_, ufuns = _outcome_space(scenario)
    issues = tuple(os_.issues)
    _finite_issues(issues)
    doc_issues = []
    for iss in issues:
        if isinstance(iss, ContiguousIssue):
            doc_issues.append({"id": iss.name, "type": "integer",
                               "min": int(iss.min_value),
                               "max": int(iss.max_value)})
        else:
            doc_issues.append({"id": iss.name, "options": _option_ids(iss)})
    names = [getattr(u, "name", None) or f"party{j}"
             for j, u in enumerate(ufuns)]
    if len(set(names)) != len(names):
        names = [f"party{j}" for j in range(len(ufuns))]
    parties = []
    for j, u in enumerate(ufuns):
        tb = _Tables(u, issues)
        if tb.bias != 0:
            raise UnsupportedError(f"party {names[j]}: a bias "
                                   f"({tb.bias}) has no place in parley's "
                                   "utility")
        top = 1.0 if tb.capped else tb.max_utility()
        scale = 1.0
        # parley caps a utility above 1 at 1: rounding above it is harmless
        if top > 1.0 + 1e-12:
            if not normalize:
                raise UnsupportedError(
                    f"party {names[j]}: utilities up to {top} but parley's "
                    "are at most 1; pass normalize=True to divide them by "
                    "the best outcome's utility")
            scale = 1.0 / top
        rv = tb.reserved
        rv = 0.0 if rv is None or not math.isfinite(rv) else float(rv) * scale
        if not 0.0 <= rv <= 1.0:
            raise UnsupportedError(f"party {names[j]}: reserved value {rv} "
                                   "is outside parley's [0, 1]")
        p: Dict[str, Any] = {
            "id": names[j], "reservation": rv, "weighting": "as_given",
            "weights": {iss.name: float(w) * scale
                        for iss, w in zip(issues, tb.weights)},
            "values": {}}
        for k, (iss, vs, d) in enumerate(zip(issues, tb.values,
                                             doc_issues)):
            if d.get("type") == "integer" and \
                    not all(0.0 <= v <= 1.0 for v in vs):
                # a value function's points are within [0, 1]: outside,
                # the issue's options are listed as a discrete issue's
                d = doc_issues[k] = {"id": iss.name,
                                     "options": _option_ids(iss)}
                for q in parties:
                    q["values"][iss.name] = {
                        o: v for o, (x, v) in zip(d["options"],
                                                  q["values"][iss.name])}
            if d.get("type") == "integer":  # a value at every grid point
                p["values"][iss.name] = [[int(x), float(v)] for x, v in
                                         zip(iss.all, vs)]
            else:
                p["values"][iss.name] = {o: float(v) for o, v in
                                         zip(d["options"], vs)}
        if tb.discount is not None and tb.discount != 1.0:
            if not 0.0 < tb.discount <= 1.0:
                raise UnsupportedError(f"party {names[j]}: discount "
                                       f"{tb.discount} is outside (0, 1]")
            p["discount"] = float(tb.discount)
        parties.append(p)
    sid = id if id is not None else (getattr(os_, "name", None) or
                                     "negmas")
    return _yaml({"scenario": str(sid), "issues": doc_issues,
                  "parties": parties}, "<negmas>")


class CappedUtilityFunction(LinearAdditiveUtilityFunction):
    """A linear-additive utility with parley's (and GENIUS's) rule: a
    utility above 1 is 1. :func:`from_parley` makes one for a party whose
    weights, as given, can add up to more than 1."""

    def eval(self, offer: Any) -> float:
        u = super().eval(offer)
        return 1.0 if offer is not None and u > 1.0 else u


def from_parley(scenario: Scenario, *, drop_red_lines: bool = False) -> Any:
    """A :class:`parley.Scenario` as a NegMAS ``Scenario``: discrete issues
    become categorical issues of their option ids, integer issues (step 1)
    contiguous ones, other numeric issues categorical ones of their grid
    values; each party a ``LinearAdditiveUtilityFunction`` with the weights
    parley uses and its value tables (same utilities, to the bit, below
    parley's cap of 1, which :class:`CappedUtilityFunction` applies where
    it matters), its reservation as reserved value, and a discount
    below 1 as an ``ExpDiscountedUFun`` over the mechanism's relative time.
    Red lines have no NegMAS counterpart: UnsupportedError unless
    ``drop_red_lines``; hyper-rectangle parties raise UnsupportedError."""
    if not isinstance(scenario, Scenario):
        raise TypeError("from_parley needs a parley.Scenario")
    s = scenario._ptr
    if _lib.pl_scenario_red_line_count(s) and not drop_red_lines:
        raise UnsupportedError("NegMAS has no red lines: pass "
                               "drop_red_lines=True to leave them out")
    issues = []
    for k, iss in enumerate(scenario.issues):
        opts = list(iss.options)
        if iss.kind == "integer" and _lib.pl_scenario_issue_step(s, k) == 1:
            issues.append(make_issue(values=(int(opts[0]), int(opts[-1])),
                                     name=iss.id))
        else:
            issues.append(make_issue(values=opts, name=iss.id))
    os_ = make_os(issues, name=scenario.id)
    ufuns = []
    for p, party in enumerate(scenario.parties):
        if not _is_additive(s, p):
            raise UnsupportedError(f"party {party.id}: hyper-rectangle "
                                   "utilities are not supported")
        values, weights = [], []
        for k, iss in enumerate(scenario.issues):
            weights.append(_lib.pl_scenario_weight(s, p, k))
            values.append(TableFun({o: _lib.pl_scenario_value(s, p, k, j)
                                    for j, o in enumerate(iss.options)}))
        top = sum(max(w * v for v in vf.mapping.values())
                  for w, vf in zip(weights, values))
        kind = CappedUtilityFunction if top > 1.0 else \
            LinearAdditiveUtilityFunction
        u: Any = kind(values=values, weights=weights, outcome_space=os_,
                      reserved_value=party.reservation, name=party.id)
        if party.discount < 1.0:
            u = ExpDiscountedUFun(ufun=u, discount=party.discount,
                                  factor="relative_time", outcome_space=os_,
                                  reserved_value=party.reservation,
                                  name=party.id)
        ufuns.append(u)
    return NegmasScenario(outcome_space=os_, ufuns=tuple(ufuns))


# --------------------------------------------------------------------------
# (d) the Pareto frontier, NegMAS's answer from parley's
# --------------------------------------------------------------------------

def _parley_copy(tables: Sequence[_Tables], issues: Sequence[Any]
                 ) -> Tuple[Scenario, List[float]]:
    """A parley scenario whose utilities are NegMAS's times an exact power
    of two per party (so every comparison is NegMAS's), reservation 0;
    and those powers of two."""
    doc_issues = [{"id": f"i{k}", "options": [str(j) for j in
                                              range(len(t))]}
                  for k, t in enumerate(tables[0].terms)]
    parties, scales = [], []
    for j, tb in enumerate(tables):
        terms = [t.copy() for t in tb.terms]
        terms[0] = tb.bias + terms[0]  # NegMAS adds the bias first
        s = _pow2_scale(max(abs(tb.max_utility()), abs(tb.min_utility()),
                            max(float(np.abs(t).max()) for t in terms)))
        scales.append(s)
        parties.append({
            "id": f"p{j}", "weighting": "as_given",
            "weights": {f"i{k}": s for k in range(len(terms))},
            "values": {f"i{k}": {str(o): float(v) for o, v in enumerate(t)}
                       for k, t in enumerate(terms)}})
    return _yaml({"scenario": "negmas-frontier", "issues": doc_issues,
                  "parties": parties}, "<negmas frontier>"), scales


def _dominated_by(points: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Mask of the rows of points that a row of `by` dominates (>= in
    every column, > in one), exactly."""
    m = points.shape[1]
    if m == 2:
        # by sorted by the first column; for each point, the best second
        # column among rows with first >= x0 (and > x0)
        order = np.argsort(by[:, 0], kind="stable")
        b0 = by[order, 0]
        b1 = by[order, 1]
        suffix = np.maximum.accumulate(b1[::-1])[::-1]
        suffix = np.append(suffix, -np.inf)
        ge = np.searchsorted(b0, points[:, 0], side="left")
        gt = np.searchsorted(b0, points[:, 0], side="right")
        return (suffix[gt] >= points[:, 1]) | (suffix[ge] > points[:, 1])
    out = np.zeros(len(points), dtype=bool)
    for f in by:
        out |= np.all(points <= f, axis=1) & np.any(points < f, axis=1)
    return out


def _frontier_rows(points: np.ndarray, hint: np.ndarray) -> np.ndarray:
    """Indices of the rows of `points` that no row dominates (duplicates
    all kept), exactly; `hint` (rows of points, from parley) prunes."""
    cand = np.nonzero(~_dominated_by(points, hint))[0] if len(hint) else \
        np.arange(len(points))
    if points.shape[1] > 2 and len(cand) > 50_000:
        raise _Unanswerable  # parley pruned little: pairwise is too slow
    c = points[cand]
    keep = ~_dominated_by(c, np.unique(c, axis=0))
    return cand[keep]


class _Unanswerable(Exception):
    """This call is NegMAS's to answer."""


def _frontier_of(ufuns: Tuple[Any, ...], sort_by_welfare: bool):
    try:
        issues = tuple(ufuns[0].outcome_space.issues)
    except Exception:
        raise _Unanswerable from None
    if not issues or not all(i.is_finite() for i in issues):
        raise _Unanswerable
    for u in ufuns:
        if u is None or getattr(u, "outcome_space", None) is None:
            raise _Unanswerable
        # a state-dependent ufun evaluates through its owner's mechanism
        owner = getattr(u, "owner", None)
        if isinstance(u, ExpDiscountedUFun) and owner is not None and \
                getattr(owner, "nmi", None) is not None:
            raise _Unanswerable
        if getattr(u, "_invalid_value", None) is not None and \
                tuple(u.outcome_space.issues) != issues:
            raise _Unanswerable
    n = 1
    for i in issues:
        n *= int(i.cardinality)
    if n == 0 or n > ENUMERATION_LIMIT:
        raise _Unanswerable
    try:
        tables = [_Tables(u, issues, skip=True) for u in ufuns]
    except UnsupportedError:
        raise _Unanswerable from None
    if any(tb.capped for tb in tables):
        raise _Unanswerable
    # NegMAS skips the outcomes some ufun cannot evaluate, and numbers the
    # others in order: the product of the options every ufun evaluates
    valid = []
    for k in range(len(issues)):
        bad = set().union(*(tb.bad[k] for tb in tables))
        valid.append(np.array([j for j in range(len(tables[0].terms[k]))
                               if j not in bad], dtype=np.int64))
        if not len(valid[-1]):
            return (), ()
    for tb in tables:
        tb.keep(valid)
    sizes = [len(v) for v in valid]
    points = np.column_stack([tb.all_utilities() for tb in tables])
    if not np.all(np.isfinite(points)):
        raise _Unanswerable  # NegMAS drops those outcomes: its to answer
    # parley's frontier (within its tolerance) prunes the exact search
    analysis = _parley_copy(tables, issues)[0].analyze()
    radix = np.cumprod([1] + sizes[:0:-1])[::-1]
    hint_idx = np.array(
        [sum(int(pkg["outcome"][f"i{k}"]) * int(radix[k])
             for k in range(len(issues)))
         for pkg in analysis.pareto_packages], dtype=np.int64)
    # NegMAS's steps from here: rational outcomes, a presort by total
    # utility, one outcome per utility vector (the first in that order),
    # then an order by welfare
    reservs = np.asarray([u.reserved_value if u is not None
                          else float("-inf") for u in ufuns], dtype=float)
    rational_indices = np.nonzero(np.all(points >= reservs, axis=1))[0]
    points_r = points[rational_indices]
    if len(points_r) == 0:
        return (), ()
    rows = _frontier_rows(points, points[hint_idx] if len(hint_idx)
                          else points[:0])
    pos_r = np.full(len(points), -1, dtype=np.int64)
    pos_r[rational_indices] = np.arange(len(rational_indices))
    rows = pos_r[rows]
    rows = rows[rows >= 0]
    sorted_indices = points_r.sum(1).argsort()[::-1]
    rank = np.empty(len(points_r), dtype=np.int64)
    rank[sorted_indices] = np.arange(len(points_r))
    # the first (in presort order) of each utility vector
    by_rank = rows[np.argsort(rank[rows], kind="stable")]
    _, first = np.unique(points_r[by_rank], axis=0, return_index=True)
    indices = np.sort(rank[by_rank[first]])
    if sort_by_welfare:
        frontier = points_r[sorted_indices][indices]
        welfare = np.sum(frontier, axis=1)
        indices = indices[welfare.argsort()[::-1]]
    idx = sorted_indices[indices]
    return tuple(map(tuple, points_r[idx])), tuple(rational_indices[idx])


def pareto_frontier(ufuns: Sequence[Any], outcomes: Any = None,
                    issues: Any = None, n_discretization: Any = None,
                    max_cardinality: Any = float("inf"),
                    sort_by_welfare: bool = True, eps: float = 1e-12):
    """Drop-in for ``negmas.preferences.pareto_frontier``: the same
    arguments and exactly the same result — the frontier's utility tuples
    (NumPy float64 elements) and their indices (NumPy int64) in NegMAS's
    enumeration of the outcome space, ordered as NegMAS orders them (by
    welfare, descending, with NumPy's tie order).

    parley answers when the ufuns are linear-additive (optionally
    exponentially discounted, not bound to a running mechanism) over a
    finite outcome space of at most :data:`ENUMERATION_LIMIT` outcomes and
    neither ``outcomes`` nor ``issues`` is given: libparley finds the
    frontier, and the outcomes are enumerated in NumPy only to reproduce
    NegMAS's choice among outcomes with equal utilities. Every other call
    goes to NegMAS's own function, unchanged."""
    ufuns = tuple(ufuns)
    answerable = (outcomes is None and issues is None and len(ufuns) > 0 and
                  (max_cardinality is None or
                   max_cardinality == float("inf")))
    if answerable:
        try:
            return _frontier_of(ufuns, sort_by_welfare)
        except _Unanswerable:
            pass
    return _ops.pareto_frontier(ufuns, outcomes=outcomes, issues=issues,
                                n_discretization=n_discretization,
                                max_cardinality=max_cardinality,
                                sort_by_welfare=sort_by_welfare, eps=eps)


# --------------------------------------------------------------------------
# (c) parley's strategies as NegMAS negotiators
# --------------------------------------------------------------------------

_CURVES = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}


def _strategy(spec: str) -> Tuple[str, float, float]:
    """(curve, e, k) of a parley agent specification."""
    if not isinstance(spec, str):
        raise TypeError("strategy must be a str such as 'boulware'")
    name, _, params = spec.partition(":")
    kv: Dict[str, float] = {}
    for item in filter(None, params.split(",")):
        key, eq, val = item.partition("=")
        if not eq or key not in ("e", "k"):
            raise UnsupportedError(f"{spec}: only the parameters e and k are "
                                   "supported here")
        try:
            kv[key] = float(val)
        except ValueError:
            raise ValueError(f"{spec}: {key}={val} is not a number") from None
    if name in _CURVES or name == "timedep":
        e = kv.get("e", _CURVES.get(name, 1.0))
        k = kv.get("k", 0.0)
        if not (e > 0 and 0 <= k < 1 and math.isfinite(e)):
            raise ValueError(f"{spec}: e > 0 and 0 <= k < 1")
        return "timedep", e, k
    if name == "aspiration":
        e = kv.get("e", 4.0)
        if not (e > 0 and math.isfinite(e)):
            raise ValueError(f"{spec}: e > 0")
        return "aspiration", e, 0.0
    if name == "hardliner" and not kv:
        return "hardliner", 1.0, 0.0
    raise UnsupportedError(
        f"{spec}: parley strategies as NegMAS negotiators are boulware, "
        "linear, conceder, timedep:e=E,k=K, aspiration:e=E and hardliner "
        "(their offers depend on time only)")


class Negotiator(SAONegotiator):
    """A parley time-dependent strategy as a NegMAS SAO negotiator::

        m = SAOMechanism(outcome_space=os_, n_steps=100)
        m.add(parley.negmas.Negotiator("boulware", ufun=u1))
        m.add(AspirationNegotiator(ufun=u2))

    At each call it asks parley, at the mechanism's relative time t, for
    the strategy's target Pmin + (Pmax - Pmin)(1 - f(t)) (docs/negotiation.md;
    Pmax the best utility, Pmin the reserved value or, without one, the
    worst utility) and offers the least good outcome at or above it
    (``pl_scenario_offer_at_least``, parley's search); it accepts an offer
    worth at least its next offer (parley's ``ac=next``) and not below its
    reserved value.

    Shared state: the negotiator holds a one-party parley scenario made
    from its own ufun (built when the ufun is set, rebuilt when NegMAS
    says it changed), nothing else; no history is kept between calls, as
    the offers of these strategies depend on time only. Strategies that
    learn from the opponent (tit-for-tat, micro, the ANAC agents) raise
    UnsupportedError.
    """

    def __init__(self, strategy: str = "boulware", *args: Any,
                 **kwargs: Any) -> None:
        self._curve, self._e, self._k = _strategy(strategy)
        self.strategy = strategy
        self._model: Optional[Tuple[Scenario, List[Any], float, float,
                                    float, _Tables]] = None
        super().__init__(*args, **kwargs)

    def on_preferences_changed(self, changes: Any) -> None:
        self._model = None
        super().on_preferences_changed(changes)

    def _ready(self):
        if self._model is None:
            u = self.ufun
            if u is None:
                raise UnsupportedError("the negotiator has no ufun")
            issues = tuple(u.outcome_space.issues)
            _finite_issues(issues)
            tb = _Tables(u, issues)
            scn, (s,) = _parley_copy([tb], issues)
            hi = tb.max_utility()
            rv = tb.reserved
            lo = float(rv) if rv is not None and math.isfinite(rv) \
                else tb.min_utility()
            self._model = (scn, [list(i.all) for i in issues], s, hi,
                           min(lo, hi), tb)
        return self._model

    def _target(self, t: float) -> float:
        scn, values, s, hi, lo, tb = self._ready()
        t = min(max(float(t), 0.0), 1.0)
        if self._curve == "hardliner":
            f = 0.0
        elif self._curve == "aspiration":
            f = t ** self._e
        else:
            f = self._k + (1 - self._k) * t ** (1 / self._e)
        return lo + (hi - lo) * (1 - f)

    def _offer_at(self, t: float) -> Tuple[Tuple[Any, ...], float]:
        """The strategy's offer at time t and its utility (NegMAS's)."""
        scn, values, s, hi, lo, tb = self._ready()
        target = self._target(t)
        n = len(values)
        opts = (ctypes.c_uint32 * n)()
        util = ctypes.c_double()
        exact = ctypes.c_int()
        err = _lib.pl_error()
        rc = _offer_at_least(scn._ptr, 0, target * s, opts,
                             ctypes.byref(util), ctypes.byref(exact),
                             ctypes.byref(err))
        if rc == _ENOTFOUND:  # the target rounded above the best outcome
            rc = _offer_at_least(scn._ptr, 0, hi * s, opts,
                                 ctypes.byref(util), ctypes.byref(exact),
                                 ctypes.byref(err))
        check(rc, err)
        outcome = tuple(values[i][opts[i]] for i in range(n))
        return outcome, util.value / s

    def propose(self, state: Any, dest: Optional[str] = None) -> Any:
        return self._offer_at(state.relative_time)[0]

    def respond(self, state: Any, source: Optional[str] = None) -> Any:
        offer = state.current_offer
        if offer is None:
            return ResponseType.REJECT_OFFER
        scn, values, s, hi, lo, tb = self._ready()
        try:
            idx = [values[i].index(x) for i, x in enumerate(offer)]
        except ValueError:
            return ResponseType.REJECT_OFFER
        u = tb.bias
        for t, k in zip(tb.terms, idx):
            u += float(t[k])
        rv = tb.reserved
        if rv is not None and math.isfinite(rv) and u < rv:
            return ResponseType.REJECT_OFFER
        mine = self._offer_at(state.relative_time)[1]
        return ResponseType.ACCEPT_OFFER if u >= mine else \
            ResponseType.REJECT_OFFER


# --------------------------------------------------------------------------
# (b) NegMAS negotiators as parley agents
# --------------------------------------------------------------------------

def agent(negotiator: Any, name: Optional[str] = None) -> type:
    """A :class:`parley.Agent` class that plays a NegMAS SAO negotiator:
    ``negotiator`` is its class (or any callable making a fresh one, e.g.
    ``lambda: BoulwareTBNegotiator()``). Use the class wherever parley
    names an agent (``parley.run``, ``parley.tournament``); ``name`` is how
    results list it (default the negotiator class's name).

    For each negotiation the agent reads its party's utility function
    through :func:`from_parley` (red lines left out: the engine still
    enforces them), joins a fresh negotiator to a NegMAS ``SAOMechanism``
    over that outcome space (``n_steps`` = parley's rounds), which is never
    stepped: it only gives the negotiator its interface. Each of parley's
    questions becomes a NegMAS call with an ``SAOState`` at parley's time
    and round: ``propose`` for an offer (None: parley's walk-out),
    ``respond`` with the offer as ``current_offer``. The negotiator keeps
    its own state between calls, as in a NegMAS mechanism."""
    from .agent import END, Agent as _Agent  # parley's Python agents
    from negmas.sao import SAOState

    make = negotiator
    label = name or getattr(negotiator, "__name__", None) or "negmas"

    class NegmasAgent(_Agent):
        def start(self) -> None:
            from negmas.sao import SAOMechanism
            nsc = from_parley(self.scenario, drop_red_lines=True)
            self._ids = self.scenario.issue_ids
            self._neg = make()
            self._mech = SAOMechanism(outcome_space=nsc.outcome_space,
                                      n_steps=self.rounds or None)
            self._mech.add(self._neg, ufun=nsc.ufuns[self.index])
            self._started = False

        def _state(self, state: Any, offer: Any = None) -> Any:
            st = SAOState(running=True, started=True, step=state.round - 1,
                          time=state.time, relative_time=state.time,
                          n_negotiators=len(self.scenario.parties),
                          current_offer=offer)
            if not self._started:
                self._started = True
                self._neg._on_negotiation_start(st)
            return st

        def propose(self, state: Any) -> Any:
            got = self._neg.propose_(self._state(state))
            got = getattr(got, "outcome", got)
            if got is None:
                return END
            return dict(zip(self._ids, got))

        def respond(self, state: Any, offer: Any) -> Any:
            o = tuple(offer[k] for k in self._ids)
            r = self._neg.respond_(self._state(state, o))
            r = getattr(r, "response", r)
            if r == ResponseType.ACCEPT_OFFER:
                return True
            if r in (ResponseType.END_NEGOTIATION, ResponseType.NO_RESPONSE):
                return END
            return False

    NegmasAgent.name = label
    NegmasAgent.__name__ = NegmasAgent.__qualname__ = f"NegmasAgent_{label}"
    return NegmasAgent
