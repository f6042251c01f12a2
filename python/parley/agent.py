"""Agents written in Python (docs/python.md, "Agents in Python").

Subclass :class:`Agent` and pass the class (or an instance) wherever an
agent is named: :func:`parley.run`, :func:`parley.tournament`, next to C
strategies ("boulware"), plug-ins and external agents.

How it works: one version-2 agent table (include/parley/agents.h) whose
entries are ctypes callbacks into this module is registered under a name
in a ``pl_agent_registry`` handed to the engine. The engine checks a
Python agent's answers exactly as it checks a plug-in's: an offer out of
range, across its red lines or below its reservation ends the negotiation
with ``failure`` naming the party. An exception inside a method ends it the
same way; the one-line reason is the result's ``failure`` and the whole
traceback is kept in ``Result.agent_errors``.

The GIL: ctypes releases it while the engine runs and takes it again for
each callback, so the engine's threads (a threaded tournament) call Python
agents one at a time; C agents run in parallel meanwhile. A negotiation
with a Python agent always runs in this process, never in a forked worker.
"""
from __future__ import annotations

import copy
import ctypes
import itertools
import traceback
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int,
                    c_size_t, c_uint32, c_uint64, c_void_p)
from typing import (Any, Dict, Iterator, List, Mapping, Optional, Sequence,
                    Tuple, Union)

from . import _lib
from ._handle import Handle
from .errors import InvalidArgumentError, check
from .scenario import NOT_AGREED, OptionValue, Outcome, Scenario

#: What :meth:`Agent.propose` or :meth:`Agent.respond` returns to walk out.
END = "end"
#: What :meth:`Agent.respond` returns to accept / reject (True / False too).
ACCEPT = True
REJECT = False

_REJECT, _ACCEPT, _END = 0, 1, 2
_PROTOCOLS = ("saop", "text", "mediated")


# --------------------------------------------------------------------------
# the C side: structs and callback types of agents.h
# --------------------------------------------------------------------------

class _Setup(Structure):
    _fields_ = [("struct_size", c_size_t), ("scenario", c_void_p),
                ("party", c_int), ("params", c_char_p), ("seed", c_uint64),
                ("protocol", c_int), ("drafter", c_int), ("rounds", c_int),
                ("time_limit", c_double), ("move_limit", c_double),
                ("agent_limit", c_double), ("max_message", c_size_t),
                ("ctx", c_void_p), ("session", c_void_p),
                ("log", c_void_p), ("log_ctx", c_void_p),
                ("error", c_void_p), ("error_size", c_size_t)]


class _Turn(Structure):
    _fields_ = [("time", c_double), ("round", c_int), ("session", c_void_p)]


_U32P = POINTER(c_uint32)
_CREATE2 = CFUNCTYPE(c_void_p, POINTER(_Setup))
_PROPOSE2 = CFUNCTYPE(c_int, c_void_p, POINTER(_Turn), _U32P)
_RESPOND2 = CFUNCTYPE(c_int, c_void_p, POINTER(_Turn), _U32P)
_COMMENT = CFUNCTYPE(c_int, c_void_p, POINTER(_Turn), _U32P, _U32P)
_VOTE = CFUNCTYPE(c_int, c_void_p, POINTER(_Turn), _U32P, _U32P)
_EVENT = CFUNCTYPE(None, c_void_p, c_void_p, POINTER(_lib.pl_event))
_ERROR = CFUNCTYPE(c_void_p, c_void_p)
_DESTROY = CFUNCTYPE(None, c_void_p)


class _Api(Structure):
    _fields_ = [("abi_version", c_uint32), ("struct_size", c_uint32),
                ("create", c_void_p), ("propose", c_void_p),
                ("respond", c_void_p), ("observe", c_void_p),
                ("destroy", _DESTROY), ("create2", _CREATE2),
                ("propose2", _PROPOSE2), ("respond2", _RESPOND2),
                ("comment", _COMMENT), ("vote", _VOTE), ("event", _EVENT),
                ("error", _ERROR)]


# --------------------------------------------------------------------------
# what an agent sees
# --------------------------------------------------------------------------

class Offer(dict):
    """An outcome the engine handed to an agent: a dict {issue: option}
    that remembers its option indices, so that :meth:`Agent.utility` of it
    costs one C call."""
    __slots__ = ("_idx",)


class _Codec:
    """Outcomes between option indices and {issue: option}, for one
    scenario, with the small issues' values cached."""

    def __init__(self, view: Scenario) -> None:
        self.view = view
        self.ids = view.issue_ids
        s = view._ptr
        self.n = len(self.ids)
        self.array = c_uint32 * max(self.n, 1)
        self.values: List[Optional[List[OptionValue]]] = []
        self.index: List[Optional[Dict[Any, int]]] = []
        for i in range(self.n):
            k = _lib.pl_scenario_option_count(s, i)
            if k <= 4096:
                vals = [view._option_value(i, o) for o in range(k)]
                self.values.append(vals)
                self.index.append({v: o for o, v in enumerate(vals)})
            else:
                self.values.append(None)
                self.index.append(None)

    def decode(self, options: Any) -> Dict[str, OptionValue]:
        out = Offer()
        idx = options[:self.n]
        for i, iid in enumerate(self.ids):
            o = idx[i]
            vals = self.values[i]
            out[iid] = (None if o == NOT_AGREED else vals[o]
                        if vals is not None else self.view._option_value(i, o))
        out._idx = idx
        return out

    def encode(self, outcome: Outcome) -> List[int]:
        if type(outcome) is Offer:
            return outcome._idx
        if type(outcome) is dict and len(outcome) == self.n:
            out = []
            for i, k in enumerate(self.ids):
                ix = self.index[i]
                o = ix.get(outcome.get(k, self)) if ix is not None else None
                if o is None:
                    return self._slow(outcome)
                out.append(o)
            return out
        return self._slow(outcome)

    def _slow(self, outcome: Outcome) -> List[int]:
        if isinstance(outcome, Mapping):
            if len(outcome) != self.n or any(k not in outcome
                                             for k in self.ids):
                return self.view.outcome_indices(outcome)  # says what's wrong
            vals = [outcome[k] for k in self.ids]
        elif (isinstance(outcome, (list, tuple)) and len(outcome) == self.n):
            vals = list(outcome)
        else:
            return self.view.outcome_indices(outcome)  # raises
        out = []
        for i, v in enumerate(vals):
            ix = self.index[i]
            o = ix.get(v) if ix is not None else None
            if o is None:
                return self.view.outcome_indices(vals)  # grids, or the error
            out.append(o)
        return out


class State:
    """The moment of an answer: ``time`` (normalised, 0 to 1), ``round``
    (1-based), ``history`` (every event so far, :class:`parley.Event`),
    ``last_offer`` (the latest offer of another party as {issue: option},
    or None). Valid during the call it is given to."""

    __slots__ = ("time", "round", "_agent", "_x", "_history")

    def __init__(self, agent: "Agent", time: float, round_: int,
                 x: Optional[int]) -> None:
        self.time = time
        self.round = round_
        self._agent = agent
        self._x = x
        self._history: Optional[list] = None

    @property
    def history(self) -> list:
        if self._history is None:
            from .session import _events  # noqa: PLC0415 (cycle)
            self._history = (_events(self._x, self._agent._codec,
                                     self._agent.scenario.party_ids)
                             if self._x else [])
        return self._history

    @property
    def last_offer(self) -> Optional[Dict[str, OptionValue]]:
        x = self._x
        if not x:
            return None
        me = self._agent.index
        for i in range(_lib.pl_session_event_count(x) - 1, -1, -1):
            e = _lib.pl_session_event(x, i).contents
            if e.kind == 0 and e.party != me and e.options:  # an offer
                return self._agent._codec.decode(e.options)
        return None

    def __repr__(self) -> str:
        return f"<parley.State round {self.round}, time {self.time:.4f}>"


class Agent:
    """A negotiating agent written in Python. Override :meth:`propose` and
    :meth:`respond`; optionally :meth:`observe`, :meth:`comment` (single
    text), :meth:`vote` (mediated text), :meth:`start` and :meth:`end`.

    While it negotiates an agent has ``scenario`` (a read-only
    :class:`parley.Scenario`), ``party`` (its party's id), ``index`` (its
    party index), ``params`` (the text after ``name:`` in an agents list),
    ``seed``, ``protocol``, ``rounds``, ``time_limit``, ``reservation`` and
    ``discount``, and :meth:`utility` (its own utility of an outcome).

    Outcomes are dicts {issue: option} as :func:`parley.load`'s scenarios
    write them; an agent may also return a list of options in issue
    order. ``name`` (a class attribute; default the class name) is how the
    agent is listed in results."""

    name: Optional[str] = None

    # ---- to override ----------------------------------------------------
    def start(self) -> None:
        """Called once the attributes above are set, before any answer."""

    def propose(self, state: State) -> Union[Outcome, str]:
        """Its offer now (or :data:`parley.END` to walk out)."""
        raise NotImplementedError("an Agent must implement propose()")

    def respond(self, state: State, offer: Dict[str, OptionValue]
                ) -> Union[bool, str]:
        """True to accept the offer, False to reject it (in SAOP it then
        proposes), or :data:`parley.END`."""
        raise NotImplementedError("an Agent must implement respond()")

    def observe(self, event: Any) -> None:
        """Every event of the negotiation (:class:`parley.Event`), its own
        too, the end last. Called only when overridden."""

    def comment(self, state: State, draft: Dict[str, OptionValue]
                ) -> Union[Outcome, str]:
        """Single text, after rejecting the draft: the draft with the
        articles it wants changed. Used only when overridden (else its
        comment is its whole :meth:`propose`)."""
        raise NotImplementedError

    def vote(self, state: State, current: Dict[str, OptionValue],
             proposal: Dict[str, OptionValue]) -> Union[bool, str]:
        """Mediated text: for (True) or against (False) the proposal. Used
        only when overridden (else the built-in rule)."""
        raise NotImplementedError

    def end(self) -> None:
        """Called when the negotiation is over and the agent is let go."""

    # ---- helpers ----------------------------------------------------------
    def utility(self, outcome: Outcome) -> float:
        """Its own utility of an outcome (without discounting)."""
        c = self._codec
        return _lib.pl_scenario_utility(self.scenario._ptr, self.index,
                                        c.array(*c.encode(outcome)))

    def acceptable(self, outcome: Outcome) -> bool:
        """Whether the engine lets it offer or accept the outcome: its own
        red lines hold and its utility reaches its reservation value."""
        c = self._codec
        arr = c.array(*c.encode(outcome))
        s = self.scenario._ptr
        for r in self._red_lines:
            if not _lib.pl_scenario_red_line_holds(s, r, arr):
                return False
        return (_lib.pl_scenario_utility(s, self.index, arr) >=
                self.reservation - 1e-9)

    def outcomes(self) -> Iterator[Dict[str, OptionValue]]:
        """Every outcome, as dicts (for scenarios small enough to list)."""
        c = self._codec
        lists = [c.values[i] if c.values[i] is not None
                 else self.scenario.options(i) for i in range(c.n)]
        for combo in itertools.product(*lists):
            yield dict(zip(c.ids, combo))

    @classmethod
    def _display_name(cls) -> str:
        return cls.name or cls.__name__


def _overrides(agent: Agent, method: str) -> bool:
    return getattr(type(agent), method) is not getattr(Agent, method)


# --------------------------------------------------------------------------
# the callbacks
# --------------------------------------------------------------------------

class _Live:
    """One Python agent in one negotiation."""
    __slots__ = ("agent", "handle", "why", "error_text", "events", "reg")

    def __init__(self, agent: Agent, handle: Handle, reg: "Registry",
                 events: bool) -> None:
        self.agent = agent
        self.handle = handle
        self.reg = reg
        self.why = ctypes.create_string_buffer(1)
        self.error_text: Optional[str] = None
        self.events = events


_factories: Dict[int, Tuple[Any, bool, "Registry"]] = {}
_live: Dict[int, _Live] = {}
_keys = itertools.count(1)


def _fail(lv: _Live, e: BaseException, where: str) -> int:
    if not isinstance(e, Exception):  # Ctrl-C, SystemExit: after the run
        lv.reg._interrupt = e
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    lv.error_text = tb
    lv.reg._errors.append((lv.agent.index, tb))
    frames = traceback.extract_tb(e.__traceback__)
    at = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} " \
         f"in {frames[-1].name})" if frames else ""
    msg = f"{where} raised {type(e).__name__}: {e}{at}"
    lv.why = ctypes.create_string_buffer(msg.encode("utf-8", "replace")[:250])
    return -1


def _outcome_into(lv: _Live, got: Any, out: Any, where: str) -> int:
    if isinstance(got, str) and got == END:
        return _END
    try:
        idx = lv.agent._codec.encode(got)
    except BaseException as e:  # noqa: BLE001 (reported as the agent's failure)
        return _fail(lv, e, where)
    for i, o in enumerate(idx):
        out[i] = o
    return 0


def _answer(got: Any) -> int:
    if isinstance(got, str) and got == END:
        return _END
    if got is True or got is False:
        return _ACCEPT if got else _REJECT
    raise TypeError(f"expected True, False or parley.END, got {got!r}")


def _create2(setup_p: Any) -> Optional[int]:
    su = setup_p.contents
    key = su.ctx or 0
    try:
        obj, copy_each, reg = _factories[key]
    except KeyError:
        return None
    try:
        if isinstance(obj, type):
            agent = obj()
        else:
            agent = copy.deepcopy(obj) if copy_each else obj
        if not isinstance(agent, Agent):
            raise TypeError(f"{obj!r} is not a parley.Agent")
        h = Handle(su.scenario, lambda p: None)
        view = Scenario._view(h)
        agent.scenario = view
        agent.index = su.party
        agent.party = _lib.text(_lib.pl_scenario_party_id(su.scenario,
                                                          su.party))
        agent.params = _lib.text(su.params)
        agent.seed = su.seed
        agent.protocol = _PROTOCOLS[su.protocol]
        agent.rounds = su.rounds
        agent.time_limit = su.time_limit
        agent.reservation = _lib.pl_scenario_reservation(su.scenario,
                                                         su.party)
        agent.discount = _lib.pl_scenario_discount(su.scenario, su.party)
        agent._codec = _Codec(view)
        agent._red_lines = [
            r for r in range(_lib.pl_scenario_red_line_count(su.scenario))
            if _lib.pl_scenario_red_line_party(su.scenario, r) == su.party]
        agent._session = su.session
        lv = _Live(agent, h, reg, _overrides(agent, "observe"))
        agent.start()
    except BaseException as e:  # noqa: BLE001
        if not isinstance(e, Exception):
            reg._interrupt = e
        tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        reg._errors.append((su.party, tb))
        msg = f"creating the agent raised {type(e).__name__}: {e}"
        if su.error and su.error_size:
            b = msg.encode("utf-8", "replace")[:su.error_size - 1]
            ctypes.memmove(su.error, b + b"\0", len(b) + 1)
        return None
    k = next(_keys)
    _live[k] = lv
    return k


def _state(lv: _Live, turn: Any) -> State:
    t = turn.contents
    return State(lv.agent, t.time, t.round, t.session)


def _propose2(key: int, turn: Any, out: Any) -> int:
    lv = _live[key]
    try:
        got = lv.agent.propose(_state(lv, turn))
    except BaseException as e:  # noqa: BLE001
        return _fail(lv, e, "propose()")
    return _outcome_into(lv, got, out, "propose()")


def _respond2(key: int, turn: Any, offer: Any) -> int:
    lv = _live[key]
    try:
        return _answer(lv.agent.respond(_state(lv, turn),
                                        lv.agent._codec.decode(offer)))
    except BaseException as e:  # noqa: BLE001
        return _fail(lv, e, "respond()")


def _comment(key: int, turn: Any, draft: Any, want: Any) -> int:
    lv = _live[key]
    a = lv.agent
    try:
        got = (a.comment(_state(lv, turn), a._codec.decode(draft))
               if _overrides(a, "comment") else a.propose(_state(lv, turn)))
    except BaseException as e:  # noqa: BLE001
        return _fail(lv, e, "comment()")
    return _outcome_into(lv, got, want, "comment()")


def _vote(key: int, turn: Any, cur: Any, prop: Any) -> int:
    lv = _live[key]
    a = lv.agent
    try:
        return _answer(a.vote(_state(lv, turn), a._codec.decode(cur),
                              a._codec.decode(prop)))
    except BaseException as e:  # noqa: BLE001
        return _fail(lv, e, "vote()")


def _event(key: int, x: int, e: Any) -> None:
    lv = _live.get(key)
    if lv is None or not lv.events:
        return
    from .session import _event_of  # noqa: PLC0415 (cycle)
    try:
        lv.agent.observe(_event_of(e.contents, lv.agent._codec,
                                   lv.agent.scenario.party_ids))
    except Exception as ex:  # noqa: BLE001 (observe cannot fail the run)
        tb = "".join(traceback.format_exception(type(ex), ex,
                                                ex.__traceback__))
        lv.reg._errors.append((lv.agent.index, tb))


def _error(key: int) -> Optional[int]:
    lv = _live.get(key)
    return ctypes.addressof(lv.why) if lv is not None else None


def _destroy(key: int) -> None:
    lv = _live.pop(key, None)
    if lv is None:
        return
    try:
        lv.agent.end()
    except BaseException as e:  # noqa: BLE001
        lv.reg._errors.append((lv.agent.index, "".join(
            traceback.format_exception(type(e), e, e.__traceback__))))
    lv.handle.ptr = None  # the scenario view is closed with the negotiation


# two tables for every Python agent, with and without vote (without it the
# engine applies its built-in rule); the callbacks live as long as the
# module
_CALLBACKS = (_DESTROY(_destroy), _CREATE2(_create2), _PROPOSE2(_propose2),
              _RESPOND2(_respond2), _COMMENT(_comment), _VOTE(_vote),
              _EVENT(_event), _ERROR(_error))
_APIS = {has_vote: _Api(2, ctypes.sizeof(_Api), None, None, None, None,
                        *(_CALLBACKS[:5] +
                          (_CALLBACKS[5] if has_vote else _VOTE(),) +
                          _CALLBACKS[6:]))
         for has_vote in (False, True)}

_lib.lib.pl_agent_registry_new.restype = c_int
_lib.lib.pl_agent_registry_new.argtypes = [POINTER(c_void_p),
                                       POINTER(_lib.pl_error)]
_lib.lib.pl_agent_registry_free.restype = None
_lib.lib.pl_agent_registry_free.argtypes = [c_void_p]
_lib.lib.pl_agent_registry_add.restype = c_int
_lib.lib.pl_agent_registry_add.argtypes = [c_void_p, c_char_p, POINTER(_Api),
                                       c_void_p, POINTER(_lib.pl_error)]


class Registry:
    """Python agents registered by name for one run or tournament (a
    ``pl_agent_registry``); kept alive by what uses it."""

    def __init__(self) -> None:
        out = c_void_p()
        err = _lib.pl_error()
        check(_lib.lib.pl_agent_registry_new(ctypes.byref(out), err), err)
        self._keys: List[int] = []
        self._errors: List[Tuple[int, str]] = []
        # a KeyboardInterrupt (or SystemExit) inside an agent: the
        # negotiation fails at once, and the caller raises it afterwards
        self._interrupt: Optional[BaseException] = None
        self._names: Dict[str, Any] = {}
        keys = self._keys

        def free(ptr: int) -> None:
            _lib.lib.pl_agent_registry_free(ptr)
            for k in keys:
                _factories.pop(k, None)

        self.handle = Handle(out.value, free)

    @property
    def ptr(self) -> int:
        return self.handle.ptr

    def add(self, obj: Any, copy_each: bool,
            name: Optional[str] = None) -> str:
        """Registers a class or an instance; returns its name (unique in
        this registry)."""
        cls = obj if isinstance(obj, type) else type(obj)
        base = name or getattr(obj, "name", None) or cls.__name__
        base = "".join(ch if ch.isalnum() or ch in "-_+." else "_"
                       for ch in str(base))[:56] or "agent"
        nm, n = base, 1
        while nm in self._names and self._names[nm] is not obj:
            n += 1
            nm = f"{base}.{n}"
        if nm in self._names:
            return nm
        key = next(_keys)
        _factories[key] = (obj, copy_each, self)
        self._keys.append(key)
        err = _lib.pl_error()
        votes = getattr(cls, "vote") is not getattr(Agent, "vote")
        check(_lib.lib.pl_agent_registry_add(self.ptr, nm.encode(),
                                             ctypes.byref(_APIS[votes]), key,
                                             err), err)
        self._names[nm] = obj
        return nm


def is_agent(obj: Any) -> bool:
    """Whether obj is a parley.Agent subclass or instance."""
    return isinstance(obj, Agent) or (isinstance(obj, type) and
                                      issubclass(obj, Agent))


def check_agent(obj: Any, what: str) -> None:
    if isinstance(obj, type) and not issubclass(obj, Agent):
        raise TypeError(f"{what}: {obj.__name__} is not a parley.Agent "
                        "subclass")
    if not is_agent(obj) and not isinstance(obj, (str, bytes)):
        raise TypeError(
            f"{what}: expected an agent name, a parley.Agent subclass or "
            f"instance, got {type(obj).__name__}")
