"""Scenarios: loading, building in code, querying, writing."""
from __future__ import annotations

import ctypes
import math
import os
from dataclasses import dataclass
from numbers import Integral, Real
from typing import (TYPE_CHECKING, Any, Dict, List, Mapping, Optional,
                    Sequence, Tuple, Union)

import numpy as np

from . import _lib
from ._handle import Handle, live
from .errors import InvalidArgumentError, check

PathLike = Union[str, "os.PathLike[str]"]
#: An option as written in outcomes: the option id (discrete issues), an
#: int (integer issues) or a float (real issues); None: not agreed.
OptionValue = Union[str, int, float, None]
Outcome = Union[Mapping[str, OptionValue], Sequence[OptionValue]]

if TYPE_CHECKING:
    from .analysis import Analysis

KINDS = ("discrete", "integer", "real")
NOT_AGREED = 0xFFFFFFFF


def fspath(p: Any, what: str = "path") -> bytes:
    """A path argument as bytes for C; TypeError for anything else."""
    if not isinstance(p, (str, bytes, os.PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike), not "
                        f"{type(p).__name__}")
    return os.fsencode(p)


def cstr(s: Any, what: str) -> bytes:
    if not isinstance(s, str):
        raise TypeError(f"{what} must be a str, not {type(s).__name__}")
    if "\0" in s:
        raise ValueError(f"{what} must not contain NUL characters")
    return s.encode("utf-8")


def number(x: Any, what: str, lo: Optional[float] = None,
           hi: Optional[float] = None) -> float:
    """A finite real number (bool excluded) within [lo, hi]."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what} must be a number, not {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{what} must be a finite number, not {v}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{what} must be between {lo} and {hi}, not {v}")
    return v


def integer(x: Any, what: str, lo: Optional[int] = None,
            hi: Optional[int] = None) -> int:
    if isinstance(x, bool) or not isinstance(x, Integral):
        raise TypeError(f"{what} must be an int, not {type(x).__name__}")
    v = int(x)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{what} must be between {lo} and {hi}, not {v}")
    return v


@dataclass(frozen=True)
class Party:
    """A party of a scenario."""
    id: str
    name: str
    reservation: float
    discount: float


@dataclass(frozen=True)
class Issue:
    """An issue of a scenario: ``kind`` is "discrete", "integer" or "real";
    ``options`` the option values as outcomes write them."""
    id: str
    name: str
    kind: str
    options: Tuple[OptionValue, ...]


class _Grid:
    """Option lookup of one issue: option value -> index."""

    def __init__(self, kind: str, ids: Sequence[str] = (), lo: float = 0,
                 step: float = 1, count: int = 0) -> None:
        self.kind, self.lo, self.step, self.count = kind, lo, step, count
        self.ids = {k: i for i, k in enumerate(ids)}
        if kind == "discrete":
            self.count = len(ids)

    def index(self, v: Any, where: str) -> int:
        if self.kind == "discrete":
            key = v if isinstance(v, str) else (
                str(v) if isinstance(v, Integral) and
                not isinstance(v, bool) else None)
            if key is None:
                raise TypeError(f"{where}: an option id (str), not "
                                f"{type(v).__name__}")
            if key not in self.ids:
                raise InvalidArgumentError(f"{where}: no option {key!r}")
            return self.ids[key]
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                raise InvalidArgumentError(
                    f"{where}: {v!r} is not a number") from None
        x = number(v, where)
        k = (x - self.lo) / self.step
        i = int(round(k))
        if abs(k - i) > 1e-6 or not 0 <= i < self.count:
            raise InvalidArgumentError(
                f"{where}: {v} is not on the issue's grid")
        return i


def _expr(rule: Any, issues: Dict[str, int], grids: List[_Grid],
          where: str) -> int:
    """A red-line rule (as in docs/scenario-format.md) as a pl_expr."""
    if not isinstance(rule, Mapping):
        raise TypeError(f"{where}: a rule is a dict, not "
                        f"{type(rule).__name__}")
    keys = set(rule)
    if keys in ({"all"}, {"any"}):
        kids = rule.get("all", rule.get("any"))
        if not isinstance(kids, Sequence) or isinstance(kids, str) or \
                not kids:
            raise ValueError(f"{where}: all/any take a non-empty list")
        made: List[int] = []
        try:
            for k, sub in enumerate(kids):
                made.append(_expr(sub, issues, grids, f"{where}[{k}]"))
        except BaseException:
            for e in made:
                _lib.pl_expr_free(e)
            raise
        arr = (ctypes.c_void_p * len(made))(*made)
        fn = _lib.pl_expr_all if "all" in rule else _lib.pl_expr_any
        e = fn(len(made), arr)
    elif keys == {"not"}:
        e = _lib.pl_expr_not(_expr(rule["not"], issues, grids, where))
    elif "issue" in keys and keys <= {"issue", "in", "not_in", "min",
                                      "max"} and len(keys) > 1:
        iid = rule["issue"]
        if iid not in issues:
            raise InvalidArgumentError(f"{where}: no issue {iid!r}")
        i = issues[iid]
        g = grids[i]
        if "in" in rule or "not_in" in rule:
            if keys & {"min", "max"} or ("in" in rule and "not_in" in rule):
                raise ValueError(f"{where}: in, not_in and min/max exclude "
                                 "each other")
            vals = rule.get("in", rule.get("not_in"))
            if isinstance(vals, (str, bytes)) or not isinstance(vals,
                                                                Sequence):
                raise TypeError(f"{where}: in/not_in take a list of options")
            idx = [g.index(v, where) for v in vals]
        else:
            if g.kind == "discrete":
                raise ValueError(f"{where}: min/max need a numeric issue")
            lo = number(rule.get("min", -math.inf) if "min" in rule else
                        g.lo, where + " min")
            hi = number(rule["max"], where + " max") if "max" in rule \
                else g.lo + g.step * (g.count - 1)
            idx = [k for k in range(g.count)
                   if lo - 1e-9 <= g.lo + k * g.step <= hi + 1e-9]
        arr = (ctypes.c_uint32 * max(1, len(idx)))(*idx)
        e = _lib.pl_expr_in(i, len(idx), arr)
        if e and "not_in" in rule:
            e = _lib.pl_expr_not(e)
    else:
        raise ValueError(f"{where}: unknown rule {dict(rule)!r} (see "
                         "docs/scenario-format.md)")
    if not e:
        raise MemoryError("out of memory")
    return e


class Scenario:
    """A negotiation scenario: parties, issues, preferences, red lines.

    Load one with :func:`parley.load`, or build one in code with the same
    keys as the YAML format (docs/scenario-format.md)::

        s = parley.Scenario(
            id="job",
            issues=[{"id": "salary", "type": "integer", "min": 60,
                     "max": 80, "step": 10},
                    {"id": "start", "options": ["june", "september"]}],
            parties=[{"id": "candidate", "reservation": 0.2,
                      "weights": {"salary": 2, "start": 1},
                      "values": {"salary": "increasing",
                                 "start": {"june": 1, "september": 0}}},
                     {"id": "employer",
                      "weights": {"salary": 1, "start": 1},
                      "values": {"salary": "decreasing",
                                 "start": {"june": 0, "september": 1}}}])

    Party keys: ``id``, ``name``, ``reservation``, ``discount``, ``weights``
    ({issue: weight}), ``values`` ({issue: {option: value}} for any issue;
    numeric issues also "increasing", "decreasing" or [[x, value], ...]),
    ``status_quo`` (the party's own view), ``red_lines`` ([{id,
    description, rule}] or [{id, description, linked: "all" | [issues]}]).
    Issue keys: ``id``, ``name``, ``type`` ("discrete", "integer", "real"),
    ``options`` (ids or {id, name}), ``min``, ``max``, ``step``,
    ``resolution``. Errors raise :class:`parley.Error` subclasses (the
    library's checks) or TypeError/ValueError (Python-side checks).
    """

    def __init__(self, parties: Sequence[Mapping[str, Any]],
                 issues: Sequence[Mapping[str, Any]], *,
                 id: str = "scenario", title: str = "",
                 description: str = "",
                 status_quo: Optional[Mapping[str, OptionValue]] = None
                 ) -> None:
        ptr = _lib.pl_scenario_new(cstr(id, "id"))
        if not ptr:
            raise MemoryError("out of memory")
        self._h: Optional[Handle] = Handle(ptr, _lib.pl_scenario_free)
        self._build(ptr, parties, issues, title, description, status_quo)

    @classmethod
    def _adopt(cls, ptr: int) -> "Scenario":
        return cls._view(Handle(ptr, _lib.pl_scenario_free))

    @classmethod
    def _view(cls, h: Handle) -> "Scenario":
        """Another Scenario object over the same C scenario (results read
        through one, whatever the user does with theirs)."""
        s = cls.__new__(cls)
        s._h = h
        return s

    # ------------------------------------------------------------ building
    @staticmethod
    def _build(ptr: int, parties: Any, issues: Any, title: Any,
               description: Any, status_quo: Any) -> None:
        err = _lib.pl_error()
        for what, v in (("parties", parties), ("issues", issues)):
            if isinstance(v, (str, bytes, Mapping)) or not isinstance(
                    v, Sequence):
                raise TypeError(f"{what} must be a list of dicts")
        check(_lib.pl_scenario_set_text(ptr, cstr(title, "title"),
                                        cstr(description, "description"),
                                        err), err)
        ids: Dict[str, int] = {}
        grids: List[_Grid] = []
        for k, iss in enumerate(issues):
            where = f"issues[{k}]"
            if not isinstance(iss, Mapping):
                raise TypeError(f"{where} must be a dict")
            iid = cstr(iss.get("id"), where + ".id")
            name = iss.get("name")
            bname = None if name is None else cstr(name, where + ".name")
            kind = iss.get("type", "discrete")
            if kind == "discrete":
                opts = iss.get("options")
                if isinstance(opts, (str, bytes)) or not isinstance(
                        opts, Sequence):
                    raise TypeError(f"{where}.options must be a list")
                oids, onames = [], []
                for j, o in enumerate(opts):
                    if isinstance(o, Mapping):
                        oids.append(cstr(o.get("id"),
                                         f"{where}.options[{j}].id"))
                        n = o.get("name")
                        onames.append(cstr(n, f"{where}.options[{j}].name")
                                      if n is not None else oids[-1])
                    else:
                        oids.append(cstr(str(o) if isinstance(o, Integral)
                                         else o, f"{where}.options[{j}]"))
                        onames.append(oids[-1])
                n = len(oids)
                rc = _lib.pl_scenario_add_discrete_issue(
                    ptr, iid, bname, n, (ctypes.c_char_p * max(n, 1))(*oids),
                    (ctypes.c_char_p * max(n, 1))(*onames), err)
                check(rc, err)
                grids.append(_Grid("discrete", [o.decode() for o in oids]))
            elif kind == "integer":
                lo = integer(iss.get("min"), where + ".min")
                hi = integer(iss.get("max"), where + ".max")
                step = integer(iss.get("step", 1), where + ".step")
                check(_lib.pl_scenario_add_integer_issue(
                    ptr, iid, bname, lo, hi, step, err), err)
                grids.append(_Grid("integer", lo=lo, step=step,
                                   count=(hi - lo) // step + 1))
            elif kind == "real":
                lo = number(iss.get("min"), where + ".min")
                hi = number(iss.get("max"), where + ".max")
                res = number(iss.get("resolution"), where + ".resolution")
                check(_lib.pl_scenario_add_real_issue(
                    ptr, iid, bname, lo, hi, res, err), err)
                grids.append(_Grid("real", lo=lo, step=res,
                                   count=int(round((hi - lo) / res)) + 1))
            else:
                raise ValueError(f"{where}.type must be discrete, integer "
                                 f"or real, not {kind!r}")
            ids[iid.decode()] = k

        def options_of(sq: Any, where: str) -> Any:
            if not isinstance(sq, Mapping):
                raise TypeError(f"{where} must be a dict {{issue: option}}")
            missing = [i for i in ids if i not in sq]
            extra = [i for i in sq if i not in ids]
            if missing or extra:
                raise InvalidArgumentError(
                    f"{where}: " + (f"no option for {missing}" if missing
                                    else f"no issue {extra[0]!r}"))
            vals = [grids[ids[i]].index(sq[i], f"{where}.{i}") for i in ids]
            return (ctypes.c_uint32 * len(vals))(*vals)

        if status_quo is not None:
            check(_lib.pl_scenario_set_status_quo(
                ptr, -1, options_of(status_quo, "status_quo"), err), err)
        for p, party in enumerate(parties):
            where = f"parties[{p}]"
            if not isinstance(party, Mapping):
                raise TypeError(f"{where} must be a dict")
            pid = cstr(party.get("id"), where + ".id")
            name = party.get("name")
            res = number(party.get("reservation", 0.0),
                         where + ".reservation")
            check(_lib.pl_scenario_add_party(
                ptr, pid, pid if name is None else cstr(name, where +
                                                        ".name"), res, err),
                err)
            if "discount" in party:
                check(_lib.pl_scenario_set_discount(
                    ptr, p, number(party["discount"], where + ".discount"),
                    err), err)
            weights = party.get("weights", {})
            if not isinstance(weights, Mapping):
                raise TypeError(f"{where}.weights must be a dict")
            for iid, w in weights.items():
                if iid not in ids:
                    raise InvalidArgumentError(
                        f"{where}.weights: no issue {iid!r}")
                check(_lib.pl_scenario_set_weight(
                    ptr, p, ids[iid], number(w, f"{where}.weights.{iid}"),
                    err), err)
            values = party.get("values", {})
            if not isinstance(values, Mapping):
                raise TypeError(f"{where}.values must be a dict")
            for iid, v in values.items():
                w = f"{where}.values.{iid}"
                if iid not in ids:
                    raise InvalidArgumentError(f"{w}: no issue {iid!r}")
                i, g = ids[iid], grids[ids[iid]]
                if isinstance(v, Mapping):
                    for o, val in v.items():
                        check(_lib.pl_scenario_set_value(
                            ptr, p, i, g.index(o, w),
                            number(val, f"{w}.{o}"), err), err)
                    continue
                if g.kind == "discrete":
                    raise TypeError(f"{w}: a discrete issue's values are a "
                                    "dict {option: value}")
                if v in ("increasing", "decreasing"):
                    top = g.lo + g.step * (g.count - 1)
                    pts = [(g.lo, 0.0), (top, 1.0)] if v == "increasing" \
                        else [(g.lo, 1.0), (top, 0.0)]
                    if g.count == 1:
                        pts = pts[:1]
                elif isinstance(v, Sequence) and not isinstance(v, str):
                    pts = []
                    for j, pt in enumerate(v):
                        if not isinstance(pt, Sequence) or len(pt) != 2:
                            raise TypeError(f"{w}[{j}] must be [x, value]")
                        pts.append((number(pt[0], f"{w}[{j}]"),
                                    number(pt[1], f"{w}[{j}]")))
                else:
                    raise TypeError(f"{w}: 'increasing', 'decreasing', "
                                    "[[x, value], ...] or {option: value}")
                n = len(pts)
                xs = (ctypes.c_double * max(n, 1))(*[x for x, _ in pts])
                vs = (ctypes.c_double * max(n, 1))(*[y for _, y in pts])
                check(_lib.pl_scenario_set_value_function(ptr, p, i, n, xs,
                                                          vs, err), err)
            if party.get("status_quo") is not None:
                check(_lib.pl_scenario_set_status_quo(
                    ptr, p, options_of(party["status_quo"],
                                       where + ".status_quo"), err), err)
            for r, rl in enumerate(party.get("red_lines", ()) or ()):
                w = f"{where}.red_lines[{r}]"
                if not isinstance(rl, Mapping):
                    raise TypeError(f"{w} must be a dict")
                rid = cstr(rl.get("id"), w + ".id")
                desc = cstr(rl.get("description", ""), w + ".description")
                if "linked" in rl:
                    linked = rl["linked"]
                    if linked == "all":
                        idx: List[int] = []
                    elif isinstance(linked, Sequence) and not isinstance(
                            linked, str):
                        idx = []
                        for iid in linked:
                            if iid not in ids:
                                raise InvalidArgumentError(
                                    f"{w}.linked: no issue {iid!r}")
                            idx.append(ids[iid])
                    else:
                        raise TypeError(f"{w}.linked: 'all' or a list")
                    check(_lib.pl_scenario_add_linkage(
                        ptr, p, rid, desc, len(idx),
                        (ctypes.c_int * max(1, len(idx)))(*idx), err), err)
                else:
                    e = _expr(rl.get("rule"), ids, grids, w + ".rule")
                    check(_lib.pl_scenario_add_red_line(ptr, p, rid, desc, e,
                                                        err), err)
        check(_lib.pl_scenario_finish(ptr, err), err)

    # ------------------------------------------------------------ lifetime
    @property
    def _ptr(self) -> int:
        return live(self._h, "scenario")

    def close(self) -> None:
        """Drops this object's hold on the C scenario. Analyses and results
        made from it keep it alive as long as they need it; this object
        raises :class:`parley.StateError` from now on."""
        self._h = None

    def __enter__(self) -> "Scenario":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._h is None:
            return "<parley.Scenario (closed)>"
        return (f"<parley.Scenario {self.id!r}: {len(self.parties)} parties, "
                f"{len(self.issues)} issues, {self.outcome_count} outcomes>")

    # ------------------------------------------------------------ queries
    @property
    def id(self) -> str:
        return _lib.text(_lib.pl_scenario_id(self._ptr))

    @property
    def title(self) -> str:
        return _lib.text(_lib.pl_scenario_title(self._ptr))

    @property
    def description(self) -> str:
        return _lib.text(_lib.pl_scenario_description(self._ptr))

    @property
    def parties(self) -> List[Party]:
        s = self._ptr
        return [Party(_lib.text(_lib.pl_scenario_party_id(s, p)),
                      _lib.text(_lib.pl_scenario_party_name(s, p)),
                      _lib.pl_scenario_reservation(s, p),
                      _lib.pl_scenario_discount(s, p))
                for p in range(_lib.pl_scenario_party_count(s))]

    @property
    def party_ids(self) -> List[str]:
        s = self._ptr
        return [_lib.text(_lib.pl_scenario_party_id(s, p))
                for p in range(_lib.pl_scenario_party_count(s))]

    @property
    def issue_ids(self) -> List[str]:
        s = self._ptr
        return [_lib.text(_lib.pl_scenario_issue_id(s, i))
                for i in range(_lib.pl_scenario_issue_count(s))]

    @property
    def issues(self) -> List[Issue]:
        s = self._ptr
        return [Issue(_lib.text(_lib.pl_scenario_issue_id(s, i)),
                      _lib.text(_lib.pl_scenario_issue_name(s, i)),
                      KINDS[_lib.pl_scenario_issue_kind(s, i)],
                      tuple(self.options(i)))
                for i in range(_lib.pl_scenario_issue_count(s))]

    def _index(self, what: str, key: Union[int, str], find: Any,
               count: Any) -> int:
        """An issue or party given by id or index, as an index."""
        s = self._ptr
        if isinstance(key, str):
            k = find(s, cstr(key, what))
            if k < 0:
                raise InvalidArgumentError(f"no {what} {key!r}")
            return k
        k = integer(key, what)
        if not 0 <= k < count(s):
            raise InvalidArgumentError(f"no {what} {k}")
        return k

    def _issue_index(self, issue: Union[int, str]) -> int:
        return self._index("issue", issue, _lib.pl_scenario_find_issue,
                           _lib.pl_scenario_issue_count)

    def _party_index(self, party: Union[int, str]) -> int:
        return self._index("party", party, _lib.pl_scenario_find_party,
                           _lib.pl_scenario_party_count)

    def _option_value(self, issue: int, option: int) -> OptionValue:
        """An option index as outcomes write it."""
        s = self._ptr
        if option == NOT_AGREED:
            return None
        kind = _lib.pl_scenario_issue_kind(s, issue)
        if kind == 0:
            return _lib.text(_lib.pl_scenario_option_id(s, issue, option))
        x = _lib.pl_scenario_option_number(s, issue, option)
        return int(x) if kind == 1 else x

    def options(self, issue: Union[int, str]) -> List[OptionValue]:
        """The options of an issue (by id or index), as outcomes write
        them."""
        i = self._issue_index(issue)
        n = _lib.pl_scenario_option_count(self._ptr, i)
        return [self._option_value(i, k) for k in range(n)]

    def _grid(self, i: int) -> _Grid:
        s = self._ptr
        kind = KINDS[_lib.pl_scenario_issue_kind(s, i)]
        n = _lib.pl_scenario_option_count(s, i)
        if kind == "discrete":
            return _Grid(kind, [_lib.text(_lib.pl_scenario_option_id(s, i, k))
                                for k in range(n)])
        return _Grid(kind, lo=_lib.pl_scenario_issue_min(s, i),
                     step=_lib.pl_scenario_issue_step(s, i) or 1, count=n)

    def outcome_indices(self, outcome: Outcome) -> List[int]:
        """Option indices of an outcome given as {issue: option} (every
        issue) or as a list of options in issue order; None (not agreed)
        becomes PL_NOT_AGREED."""
        ids = self.issue_ids
        if isinstance(outcome, Mapping):
            extra = [k for k in outcome if k not in ids]
            if extra:
                raise InvalidArgumentError(f"outcome: no issue {extra[0]!r}")
            missing = [k for k in ids if k not in outcome]
            if missing:
                raise InvalidArgumentError(
                    f"outcome: no option for issue {missing[0]!r}")
            vals = [outcome[k] for k in ids]
        elif isinstance(outcome, Sequence) and not isinstance(outcome, str):
            if len(outcome) != len(ids):
                raise InvalidArgumentError(
                    f"outcome: {len(outcome)} options for {len(ids)} issues")
            vals = list(outcome)
        else:
            raise TypeError("an outcome is a dict {issue: option} or a list "
                            "of options in issue order")
        return [NOT_AGREED if v is None else
                self._grid(i).index(v, f"outcome.{ids[i]}")
                for i, v in enumerate(vals)]

    def utility(self, outcome: Outcome,
                party: Union[int, str, None] = None
                ) -> Union[float, np.ndarray]:
        """Utility of an outcome: for one party (id or index) a float, else
        a NumPy array with every party's, in party order."""
        idx = self.outcome_indices(outcome)
        arr = (ctypes.c_uint32 * len(idx))(*idx)
        s = self._ptr
        if party is not None:
            return _lib.pl_scenario_utility(s, self._party_index(party), arr)
        return np.array([_lib.pl_scenario_utility(s, p, arr)
                         for p in range(_lib.pl_scenario_party_count(s))])

    @property
    def outcome_count(self) -> int:
        """The exact number of outcomes, whatever its size."""
        buf = ctypes.create_string_buffer(4096)
        check(_lib.pl_scenario_outcome_count_text(self._ptr, buf, 4096))
        return int(buf.value)

    # ------------------------------------------------------------ writing
    def _write(self, fmt: int, path: PathLike) -> None:
        err = _lib.pl_error()
        h = self._h  # alive during the call, whatever another thread closes
        check(_lib.pl_scenario_write(live(h, "scenario"), fmt, fspath(path),
                                     err), err)

    def to_yaml(self, path: PathLike) -> None:
        """Writes the scenario as one parley YAML file."""
        self._write(0, path)

    def to_genius(self, path: PathLike) -> None:
        """Writes a GENIUS folder (domain.xml, one profile per party);
        UnsupportedError for what GENIUS cannot express."""
        self._write(1, path)

    def to_geniusweb(self, path: PathLike) -> None:
        """Writes a GeniusWeb folder (domain.json, one profile per party);
        UnsupportedError for what GeniusWeb cannot express."""
        self._write(2, path)

    # ------------------------------------------------------------ analysis
    def analyze(self, method: str = "auto", epsilon: float = 0.0, *,
                kalai: str = "proper", max_outcomes: Optional[int] = None,
                memory_limit: Optional[int] = None,
                partial_max_issues: Optional[int] = None,
                progress: Any = None) -> "Analysis":
        """Analyses the scenario (docs/analysis.md): see
        :class:`parley.Analysis`. method: "auto", "enumerate",
        "structural" or "boxes"; epsilon > 0: an approximate frontier; kalai: "proper"
        or "genius". progress: called now and then during a long
        enumeration with the share done (0 to 1); a true return stops the
        analysis (:class:`parley.StateError`). Ctrl-C stops a long
        enumeration too (KeyboardInterrupt)."""
        from .analysis import Analysis
        return Analysis._run(self, method, epsilon, kalai, max_outcomes,
                             memory_limit, partial_max_issues, progress)


def load(*paths: PathLike, real_intervals: Optional[int] = None
         ) -> Scenario:
    """Reads a scenario as ``parley analyze INPUT...`` does: one parley YAML
    file; a GENIUS or GeniusWeb domain followed by one profile per party;
    or one folder holding such a set. real_intervals: the grid of GENIUS
    real issues (default 10)."""
    if not paths:
        raise TypeError("load() needs at least one path")
    bpaths = [fspath(p) for p in paths]
    o = _lib.init_options(_lib.pl_load_options, _lib.pl_load_options_init)
    if real_intervals is not None:
        o.real_intervals = integer(real_intervals, "real_intervals", 1,
                                   1000000)
    arr = (ctypes.c_char_p * len(bpaths))(*bpaths)
    out = ctypes.c_void_p()
    err = _lib.pl_error()
    check(_lib.pl_scenario_load_inputs(arr, len(bpaths), o, ctypes.byref(out),
                                       err), err)
    return Scenario._adopt(out.value)


def loads_yaml(text: str, name: str = "<string>") -> Scenario:
    """A scenario from parley YAML text."""
    b = cstr(text, "text")
    out = ctypes.c_void_p()
    err = _lib.pl_error()
    check(_lib.pl_scenario_load_yaml(b, len(b), cstr(name, "name"),
                                     ctypes.byref(out), err), err)
    return Scenario._adopt(out.value)

