"""A negotiation stepped by a learner: the gym-like interface (env.h).

>>> env = parley.Env(scenario, opponent="boulware", party=0, rounds=100)
>>> obs = env.reset(seed=1)
>>> while not obs["done"]:
...     action = "accept" if obs["offer_utility"] >= 0.8 else best
...     obs, reward, done, info = env.step(action)

The learner holds one seat of a Stacked Alternating Offers negotiation;
every other seat is played by ``opponent`` (any agent name ``parley.run``
takes). ``reset`` starts a negotiation and runs it until the learner's
turn; ``step`` applies the learner's action and runs the others until the
learner's turn again or the end. It is the C engine itself (pl_env_*):
one foreign call per step.

The reward is the learner's payoff (its utility of the agreement, else its
reservation value, discounted) on the step that ends the negotiation, and
0 on every other step. An offer the engine refuses (an option index out of
range, an offer or acceptance that breaks the learner's red lines or
reservation value, "accept" with no offer standing) ends the negotiation
with ``info["end"] == "failure"`` naming the learner, as for any agent; the
reward is then its reservation value. Malformed actions (wrong type,
wrong length, unknown issue or option value, negative index) raise
instead, without changing anything.
"""
from __future__ import annotations

import ctypes
from numbers import Integral
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from . import _lib
from ._handle import Handle, live
from .agent import Registry, check_agent, is_agent
from .errors import InvalidArgumentError, StateError, check
from .scenario import (NOT_AGREED, OptionValue, PathLike, Scenario, cstr,
                       integer, load, number)

#: An action: "accept", "end", a tuple (or list) of option indices in issue
#: order, or a dict {issue id: option value}.
Action = Union[str, Sequence[int], Mapping[str, OptionValue]]
#: An observation (see :attr:`Env.observation_space`).
Observation = Dict[str, Any]

_ACCEPT, _END = "accept", "end"
_KIND = {"offer": 0, _ACCEPT: 1, _END: 2}


class Env:
    """A negotiation stepped one learner action at a time.

    scenario: a :class:`parley.Scenario` or a path. opponent: the agent of
    every other seat ("boulware", "hardheaded", "timedep:e=0.5", a
    plug-in's path, ...), or a :class:`parley.Agent` subclass or instance
    (as :func:`parley.run` takes them). party: the learner's seat (index or id). rounds:
    the deadline (default 100); time: a wall-time deadline in seconds.
    seed: the seed of the first :meth:`reset` without one (later ones
    count up from it).
    """

    def __init__(self, scenario: Union[Scenario, PathLike],
                 opponent: Any = "boulware", *,
                 party: Union[int, str] = 0, rounds: Optional[int] = 100,
                 seed: int = 0, time: Optional[float] = None) -> None:
        self._h: Optional[Handle] = None
        if not isinstance(scenario, Scenario):
            scenario = load(scenario)
        sh = scenario._h
        s = live(sh, "scenario")
        self._view = Scenario._view(sh)
        self.party: int = scenario._party_index(party)
        self.opponent: Any = opponent
        o = _lib.init_options(_lib.pl_session_options,
                              _lib.pl_session_options_init)
        if time is not None:
            o.time_limit = number(time, "time", 0.0, 1e7)
            if not o.time_limit > 0:
                raise ValueError("time must be more than 0 seconds")
        o.rounds = 0 if rounds is None else integer(rounds, "rounds", 0,
                                                     100000000)
        if o.rounds == 0 and not o.time_limit > 0:
            raise ValueError("rounds=0 needs time: a negotiation needs a "
                             "deadline")
        self._seed = integer(seed, "seed", 0, 2**64 - 1)
        check_agent(opponent, "opponent")
        keep: Tuple[Any, ...] = (sh,)
        if is_agent(opponent):  # registered for the engine, like run's
            reg = Registry()
            seats = _lib.pl_scenario_party_count(s) - 1
            name = reg.add(opponent,
                           not isinstance(opponent, type) and seats > 1)
            o.registry = reg.ptr
            keep = (sh, reg.handle)
        else:
            name = opponent
        out = ctypes.c_void_p()
        err = _lib.pl_error()
        check(_lib.pl_env_new(s, o, self.party, cstr(name, "opponent"),
                              ctypes.byref(out), err), err)
        self._h = Handle(out.value, _lib.pl_env_free, keep=keep)
        self._ni = _lib.pl_scenario_issue_count(s)
        self._counts = tuple(_lib.pl_scenario_option_count(s, i)
                             for i in range(self._ni))
        self._issue_ids = self._view.issue_ids
        self._party_ids = self._view.party_ids
        # what every step hands to C, made once
        self._opts = (ctypes.c_uint32 * max(self._ni, 1))()
        self._act = _lib.pl_action(0, ctypes.cast(
            self._opts, ctypes.POINTER(ctypes.c_uint32)))
        self._act_ref = ctypes.byref(self._act)
        self._obs = ctypes.POINTER(_lib.pl_observation)()
        self._obs_ref = ctypes.byref(self._obs)
        self._reward = ctypes.c_double()
        self._reward_ref = ctypes.byref(self._reward)
        self._err = _lib.pl_error()
        self._last: Optional[Observation] = None
        self._held: Any = None  # the action whose indices _opts holds
        self._view_obs: Optional[_lib.pl_observation] = None

    # ---- the interface ----------------------------------------------

    def reset(self, seed: Optional[int] = None) -> Observation:
        """Starts a new negotiation (dropping any under way) and runs it
        until the learner's turn; returns the first observation (``done``
        already when it ended at once). seed: for randomised opponents;
        None takes the next of the environment's seeds."""
        x = self._ptr
        if seed is None:
            seed = self._seed
            self._seed = (self._seed + 1) % 2**64
        seed = integer(seed, "seed", 0, 2**64 - 1)
        check(_lib.pl_env_reset(x, seed, self._obs_ref, self._err),
              self._err)
        self._last = obs = self._observation()
        return obs

    def step(self, action: Action
             ) -> Tuple[Observation, float, bool, Dict[str, Any]]:
        """Applies the learner's action and runs the other seats until the
        learner's turn or the end: ``(observation, reward, done, info)``.
        action: "accept" (the standing offer), "end" (walk out), a tuple of
        option indices in issue order, or a dict {issue: option value}.
        info: {"end": how it ended ("running" before)}, and at the end also
        "rounds", "agreement" ({issue: option} or None), "failed_party"
        and "failure" (why, naming the party). StateError before
        :meth:`reset` and after the end."""
        x = self._ptr
        act = self._act
        if isinstance(action, str):
            kind = _KIND.get(action)
            if kind is None or kind == 0:
                raise InvalidArgumentError(
                    f"action {action!r}: expected 'accept', 'end', a tuple "
                    "of option indices or a dict {issue: option}")
            act.kind = kind
        else:
            # a tuple (immutable) offered again is in the buffer already
            if action is not self._held or not isinstance(action, tuple):
                self._held = None
                self._opts[:self._ni] = self._indices(action)
                self._held = action
            act.kind = 0
        check(_lib.pl_env_step(x, self._act_ref, self._obs_ref,
                               self._reward_ref, self._err), self._err)
        self._last = obs = self._observation()
        done = obs["done"]
        return obs, self._reward.value, done, self._info(done)

    def close(self) -> None:
        """Frees the negotiation now (also done when the Env is
        collected)."""
        h, self._h = self._h, None
        if h is not None:
            h.__del__()

    def __enter__(self) -> "Env":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- descriptions -------------------------------------------------

    @property
    def action_space(self) -> Dict[str, Any]:
        """What step takes, as plain Python: ``kinds`` ("offer", "accept",
        "end"), ``issues`` (ids in order), ``options`` (per issue, the
        option values a dict action names), ``nvec`` (per issue, the
        number of options: an offer's indices are within
        ``range(nvec[i])``)."""
        v = self._view
        return {"kinds": ("offer", _ACCEPT, _END),
                "issues": tuple(self._issue_ids),
                "options": tuple(tuple(v.options(i)) for i in
                                 range(self._ni)),
                "nvec": self._counts}

    @property
    def observation_space(self) -> Dict[str, str]:
        """The observation's fields and what they mean."""
        return {
            "round": "int: the round of the learner's turn (1-based); at "
                     "the end, the rounds begun",
            "time": "float in [0, 1]: normalised time of the learner's "
                    "turn; at the end, of the last event",
            "offer": "tuple of option indices: the latest offer of another "
                     "party, or None before any",
            "offer_utility": "float: that offer's utility for the learner "
                             "(0.0 without one)",
            "done": "bool: the negotiation has ended",
            "payoff": "float: the learner's payoff once done, else 0.0",
        }

    @property
    def observation(self) -> Optional[Observation]:
        """The latest observation (None before the first reset)."""
        return self._last

    # ---- helpers -----------------------------------------------------

    def outcome(self, indices: Sequence[int]) -> Dict[str, OptionValue]:
        """Option indices (an observation's ``offer``) as {issue:
        option}."""
        v = self._view
        return {iid: v._option_value(i, indices[i])
                for i, iid in enumerate(self._issue_ids)}

    def transcript(self) -> str:
        """The current (or just ended) negotiation's transcript as JSON
        Lines (docs/negotiation.md); StateError before the first reset."""
        x = _lib.pl_env_session(self._ptr)
        if not x:
            raise StateError("no negotiation: reset the environment first")
        return _lib.take_string(_lib.pl_session_transcript(x))

    @property
    def _ptr(self) -> int:
        return live(self._h, "environment")

    def _indices(self, action: Any) -> Sequence[int]:
        if isinstance(action, Mapping):
            idx = self._view.outcome_indices(action)
            if NOT_AGREED in idx:
                raise InvalidArgumentError(
                    "an offer needs an option on every issue")
            return idx
        try:
            idx = list(action)
        except TypeError:
            raise TypeError(
                "an action is 'accept', 'end', a tuple of option indices "
                f"or a dict {{issue: option}}, not {type(action).__name__}"
            ) from None
        if len(idx) != self._ni:
            raise InvalidArgumentError(
                f"an offer has {len(idx)} option indices for "
                f"{self._ni} issues")
        for i, k in enumerate(idx):
            if isinstance(k, bool) or not isinstance(k, Integral):
                raise TypeError(f"option index {i} must be an int, not "
                                f"{type(k).__name__}")
            if not 0 <= k < 2**32:
                raise InvalidArgumentError(
                    f"option index {i} is {k}: indices count from 0")
        return [int(k) for k in idx]

    def _observation(self) -> Observation:
        # the observation lives in the environment (pl_env_observation):
        # one view of it serves every step
        ob = self._view_obs
        if ob is None:
            ob = self._view_obs = self._obs.contents
        offer = ob.offer
        return {"round": ob.round, "time": ob.time,
                "offer": tuple(offer[:self._ni]) if offer else None,
                "offer_utility": ob.offer_utility, "done": bool(ob.done),
                "payoff": ob.payoff}

    def _info(self, done: bool) -> Dict[str, Any]:
        if not done:
            return {"end": "running"}
        ob = self._view_obs
        info: Dict[str, Any] = {"end": _lib.text(_lib.pl_end_name(ob.end))}
        if done:
            x = _lib.pl_env_session(self._ptr)
            info["rounds"] = _lib.pl_session_rounds(x)
            agr = _lib.pl_session_agreement(x)
            info["agreement"] = (self.outcome(agr.contents.options)
                                 if agr else None)
            fp = _lib.pl_session_failed_party(x)
            info["failed_party"] = self._party_ids[fp] if fp >= 0 else None
            info["failure"] = _lib.text(_lib.pl_session_failure(x))
        return info

    def __repr__(self) -> str:
        return (f"<parley.Env {self._party_ids[self.party]} against "
                f"{self.opponent!r}>")
