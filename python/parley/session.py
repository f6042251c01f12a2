"""Negotiations (docs/negotiation.md): parley.run and its result."""
from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import (Any, Dict, List, Optional, Sequence, Tuple, Union)

from . import _lib
from ._handle import Handle, live
from .agent import Registry, check_agent, is_agent
from .analysis import Analysis
from .errors import InvalidArgumentError, check, from_code
from .scenario import (PathLike, Scenario, cstr, integer, load, number,
                       OptionValue)

PROTOCOLS = ("saop", "text", "mediated")


@dataclass(frozen=True)
class Event:
    """One event of a negotiation's transcript. kind: "offer", "accept",
    "end", "comment" or "reject"; party: the party id (None for the end and
    for the mediator); outcome: {issue: option} or None; rejects: for
    comments, the ids of the articles the party rejects."""
    kind: str
    round: int
    party: Optional[str]
    time: float
    outcome: Optional[Dict[str, OptionValue]]
    utilities: Optional[Tuple[float, ...]]
    rejects: Optional[Tuple[str, ...]]


class Result:
    """The result of :func:`parley.run`.

    ``end`` ("agreement", "deadline", "no_offer", "failure", "timeout",
    "walkout", "partial", "event_limit"), ``agreement`` ({issue: option},
    None for issues left at the status quo of a partial agreement; None
    without agreement), ``utilities`` (of the agreement, or None),
    ``payoffs`` (per party: agreement utility or reservation, discounted),
    ``rounds``, ``time`` (normalised), ``failed_party``, ``events``,
    ``transcript()`` (JSON Lines as ``parley run --transcript`` writes),
    ``to_dict()`` (as ``parley run --json`` prints), ``agents`` and
    ``setup`` (protocol, rounds, seed, time, partial) as run,
    ``failure`` (why a ``failure`` ended it, naming the party) and
    ``agent_errors`` ({party: traceback} of exceptions raised inside
    Python agents).
    """

    def __init__(self) -> None:
        raise TypeError("use parley.run() to make a Result")

    @classmethod
    def _make(cls, scenario: Scenario, sh: Handle, ptr: int,
              agents: Sequence[str], setup: Dict[str, Any],
              reg: Optional[Registry] = None) -> "Result":
        r = cls.__new__(cls)
        r._scenario = scenario
        r._view = view = Scenario._view(sh)
        # the session's Python agents are let go when it is freed: the
        # registry (their callbacks' context) outlives it
        r._h = Handle(ptr, _lib.pl_session_free,
                      keep=(sh,) if reg is None else (sh, reg.handle))
        parties = view.party_ids
        r.agent_errors = {parties[p]: tb for p, tb in
                          (reg._errors if reg is not None else [])}
        r.agents = list(agents)
        r.protocol = setup["protocol"]
        r.setup = setup
        x = ptr
        r.end = _lib.text(_lib.pl_end_name(_lib.pl_session_end(x)))
        r.rounds = _lib.pl_session_rounds(x)
        r.time = _lib.pl_session_time(x)
        np_ = len(agents)
        r.payoffs = [_lib.pl_session_payoff(x, p) for p in range(np_)]
        r.failure = _lib.text(_lib.pl_session_failure(x)) or None
        fp = _lib.pl_session_failed_party(x)
        r.failed_party = view.party_ids[fp] if fp >= 0 else None
        agr = _lib.pl_session_agreement(x)
        if agr:
            pt = agr.contents
            r.agreement = r._outcome(pt.options)
            r.utilities = [pt.utilities[p] for p in range(np_)]
        else:
            r.agreement = None
            r.utilities = None
        r._events = None
        return r

    def _outcome(self, options: Any) -> Dict[str, OptionValue]:
        s = self._view
        return {iid: s._option_value(i, options[i])
                for i, iid in enumerate(s.issue_ids)}

    @property
    def _ptr(self) -> int:
        return live(self._h, "result")

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def events(self) -> List[Event]:
        """Every event of the negotiation, in order."""
        if self._events is None:
            self._events = _events(self._ptr, _Decoder(self),
                                   self._view.party_ids)
        return list(self._events)

    def transcript(self) -> str:
        """The transcript as JSON Lines (docs/negotiation.md)."""
        return _lib.take_string(_lib.pl_session_transcript(self._ptr))

    def to_dict(self, analysis: Optional[Analysis] = None) -> Dict[str, Any]:
        """The result as ``parley run --json`` prints it. The distances to
        the frontier and to Nash need an analysis of the scenario: the one
        given, else (as the CLI does) one made here when there is an
        agreement."""
        if analysis is not None and not isinstance(analysis, Analysis):
            raise TypeError("analysis must be a parley.Analysis")
        x = self._ptr
        a = None
        if analysis is not None:
            if analysis._h.keep[0] is not self._h.keep[0]:
                raise InvalidArgumentError(
                    "the analysis is of another scenario")
            a = analysis
        elif self.agreement is not None:
            try:
                a = self._scenario_analysis()
            except Exception:  # the CLI goes on without distances too
                a = None
        return json.loads(_lib.take_string(
            _lib.pl_session_to_json(x, a._ptr if a else None)))

    def _scenario_analysis(self) -> Analysis:
        """An analysis of the C scenario this result holds (made once), even
        when the user's Scenario object was closed meanwhile."""
        cached = getattr(self, "_analysis", None)
        if cached is None:
            cached = self._analysis = self._view.analyze()
        return cached

    def __repr__(self) -> str:
        return (f"<parley.Result {self.end} after {self.rounds} rounds, "
                f"payoffs {[round(p, 4) for p in self.payoffs]}>")


class _Decoder:
    """decode(options) -> {issue: option}, for a Result."""

    def __init__(self, r: "Result") -> None:
        self.decode = r._outcome
        self.ids = r._view.issue_ids


def _event_of(e: Any, codec: Any, parties: Sequence[str]) -> Event:
    """A pl_event as an Event (codec: .decode(options) and .ids)."""
    np_ = len(parties)
    return Event(
        _lib.text(_lib.pl_event_name(e.kind)), e.round,
        parties[e.party] if e.party >= 0 else None, e.time,
        codec.decode(e.options) if e.options else None,
        tuple(e.utilities[p] for p in range(np_)) if e.utilities else None,
        tuple(iid for k, iid in enumerate(codec.ids) if e.rejects[k])
        if e.rejects else None)


def _events(x: int, codec: Any, parties: Sequence[str]) -> List[Event]:
    """Every event of session x so far."""
    return [_event_of(_lib.pl_session_event(x, i).contents, codec, parties)
            for i in range(_lib.pl_session_event_count(x))]


def _agent_list(agents: Any, n: int) -> Tuple[List[bytes], Optional[Registry]]:
    """The agents' names, with Python agents registered under theirs (an
    instance listed twice plays the second seat as a copy)."""
    if isinstance(agents, str):
        raise TypeError("agents must be a list of agent names, one per party "
                        "(e.g. ['boulware', 'conceder'])")
    try:
        items = list(agents)
    except TypeError:
        raise TypeError("agents must be a list of agent names") from None
    if len(items) != n:
        raise InvalidArgumentError(
            f"{len(items)} agent{'s' if len(items) != 1 else ''} for a "
            f"scenario of {n} parties")
    reg = None
    names = []
    for k, a in enumerate(items):
        check_agent(a, f"agents[{k}]")
        if is_agent(a):
            if reg is None:
                reg = Registry()
            twice = not isinstance(a, type) and \
                sum(b is a for b in items) > 1
            names.append(reg.add(a, twice).encode())
        else:
            names.append(cstr(a, f"agents[{k}]"))
    return names, reg


def run(scenario: Union[Scenario, PathLike], agents: Sequence[Any], *,
        protocol: str = "saop", rounds: Optional[int] = None, seed: int = 0,
        time: Optional[float] = None, partial: bool = False,
        drafter: Union[int, str, None] = None,
        max_events: Optional[int] = None) -> Result:
    """Runs one negotiation, as ``parley run`` does.

    agents: one agent specification per party, in party order, as
    ``--agents`` takes them ("boulware", "timedep:e=0.5", "./agent.so",
    ...), or a :class:`parley.Agent` subclass (a new instance plays) or
    instance (it plays itself). protocol: "saop", "text" or "mediated". rounds: the deadline
    (default 100; with ``time`` alone, no round limit). time: a wall-time
    deadline in seconds. partial: partial agreements at the deadline.
    Unknown agents raise :class:`parley.InvalidArgumentError`.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    sh = scenario._h  # held here: a close() elsewhere cannot free it now
    s = live(sh, "scenario")
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, not "
                         f"{protocol!r}")
    n = _lib.pl_scenario_party_count(s)
    names, reg = _agent_list(agents, n)
    o = _lib.init_options(_lib.pl_session_options,
                          _lib.pl_session_options_init)
    o.protocol = PROTOCOLS.index(protocol)
    if time is not None:
        o.time_limit = number(time, "time", 0.0, 1e7)
        if not o.time_limit > 0:
            raise ValueError("time must be more than 0 seconds")
        if rounds is None:
            o.rounds = 0
    if rounds is not None:
        o.rounds = integer(rounds, "rounds", 0, 100000000)
    if o.rounds == 0 and not o.time_limit > 0:
        raise ValueError("rounds=0 needs time: a negotiation needs a "
                         "deadline")
    o.seed = integer(seed, "seed", 0, 2**64 - 1)
    if not isinstance(partial, bool):
        raise TypeError("partial must be a bool")
    o.partial = int(partial)
    if max_events is not None:
        o.max_events = integer(max_events, "max_events", 0, 2**63)
    if drafter is not None:
        o.drafter = scenario._party_index(drafter)
    if reg is not None:
        o.registry = reg.ptr
    arr = (ctypes.c_char_p * n)(*names)
    out = ctypes.c_void_p()
    err = _lib.pl_error()
    check(_lib.pl_session_new(s, o, arr, ctypes.byref(out), err), err)
    x = out.value
    rc = _lib.pl_session_run(x)  # one call for the whole negotiation
    if rc < 0:
        _lib.pl_session_free(x)
        raise from_code(rc)
    if reg is not None and reg._interrupt is not None:
        _lib.pl_session_free(x)
        raise reg._interrupt
    r = Result._make(scenario, sh, x, [a.decode() for a in names],
                     {"protocol": protocol, "rounds": o.rounds,
                      "seed": o.seed, "time": o.time_limit,
                      "partial": partial}, reg)
    return r
