#!/usr/bin/python3
"""Records the reference behaviour of the ANAC components from NegMAS.

Runs NegMAS's transcriptions of the ANAC 2010-2012 BOA components
(negmas.gb.components.genius) in real NegMAS negotiations (SAOMechanism,
against NegMAS's AspirationNegotiator, both roles) on GENIUS domains, and
logs, for the ANAC agent, every call NegMAS makes to it: each offer it
proposes (time, step, outcome) and each response (time, step, the offer,
its decision, for the probabilistic conditions the probability), and after
each offer received the estimates of HardHeaded's frequency model for that
offer and for a few fixed outcomes. tests/agents/test_anac.c replays these
logs through parley's components (docs: tests/data/agents/README.md).

usage: anac_reference.py OUTDIR DOMAINDIR...   (needs NegMAS importable)
PL_ANAC_ONLY=name,name... records those agents only.
"""
import os
import re
import sys
import types


def _stub_stringcase():
    # negmas imports stringcase (not packaged in Debian) for name helpers
    # that these components never use
    try:
        import stringcase  # noqa: F401
        return
    except ImportError:
        pass
    m = types.ModuleType("stringcase")

    def snake(s):
        return re.sub(r"(?<!^)(?=[A-Z])", "_", str(s)).lower()

    def camel(s):
        p = str(s).split("_")
        return p[0] + "".join(x.title() for x in p[1:])

    m.snakecase = snake
    m.camelcase = camel
    m.pascalcase = lambda s: camel(s)[:1].upper() + camel(s)[1:]
    m.titlecase = lambda s: str(s).title()
    m.spinalcase = lambda s: snake(s).replace("_", "-")
    sys.modules["stringcase"] = m


_stub_stringcase()

from negmas import Scenario  # noqa: E402
from negmas.gb.negotiators.modular.boa import BOANegotiator  # noqa: E402
from negmas.sao import AspirationNegotiator, SAOMechanism  # noqa: E402
from negmas.gb.components.genius.offering import anac2010 as off10  # noqa: E402
from negmas.gb.components.genius.offering import anac2011 as off11  # noqa: E402
from negmas.gb.components.genius.acceptance import anac2010 as ac10  # noqa: E402
from negmas.gb.components.genius.acceptance import anac2011 as ac11  # noqa: E402
from negmas.gb.components.genius.offering import anac2012 as off12  # noqa: E402
from negmas.gb.components.genius.acceptance import anac2012 as ac12  # noqa: E402
from negmas.gb.components.genius.models.frequency import (  # noqa: E402
    GHardHeadedFrequencyModel,
)

STEPS = 100


def agents():
    """name -> (offering factory, acceptance factory(offering), model?)"""
    return {
        "hardheaded": (off11.GHardHeadedOffering,
                       lambda o: ac11.GACHardHeaded(offering_policy=o), True),
        "agentk": (off10.GAgentKOffering, lambda o: ac10.GACAgentK(), False),
        "agentk2": (off11.GAgentK2Offering, lambda o: ac11.GACAgentK2(), False),
        "bramagent": (off11.GBRAMAgentOffering,
                      lambda o: ac11.GACBRAMAgent(offering_policy=o), False),
        "gahboninho": (off11.GGahboninhoOffering,
                       lambda o: ac11.GACGahboninho(), False),
        "nicetitfortat": (off11.GNiceTitForTatOffering,
                          lambda o: ac11.GACNiceTitForTat(offering_policy=o),
                          False),
        "thenegotiator": (off11.GTheNegotiatorOffering,
                          lambda o: ac11.GACTheNegotiator(), False),
        "iamhaggler2011": (off11.GIAMhaggler2011Offering,
                           lambda o: ac11.GACIAMHaggler2011(offering_policy=o),
                           False),
        # ANAC 2010
        "iamhaggler2010": (off10.GIAMhaggler2010Offering,
                           lambda o: ac10.GACIAMHaggler2010(offering_policy=o),
                           False),
        "nozomi": (off10.GNozomiOffering, lambda o: ac10.GACNozomi(), False),
        "yushu": (off10.GYushuOffering, lambda o: ac10.GACYushu(), False),
        "agentfsega": (off10.GAgentFSEGAOffering,
                       lambda o: ac10.GACAgentFSEGA(offering_policy=o), False),
        "iamcrazyhaggler": (off10.GIAMCrazyHagglerOffering,
                            lambda o: ac10.GACIAMCrazyHaggler(offering_policy=o),
                            False),
        "agentsmith": (off10.GAgentSmithOffering,
                       lambda o: ac10.GACAgentSmith(), False),
        # ANAC 2012
        "cuhkagent": (off12.GCUHKAgentOffering,
                      lambda o: ac12.GACCUHKAgent(offering_policy=o), False),
        "agentlg": (off12.GAgentLGOffering, lambda o: ac12.GACAgentLG(), False),
        "thenegotiatorreloaded": (
            off12.GTheNegotiatorReloadedOffering,
            lambda o: ac12.GACTheNegotiatorReloaded(offering_policy=o), False),
        "bramagent2": (off12.GBRAMAgent2Offering,
                       lambda o: ac12.GACBRAMAgent2(offering_policy=o), False),
        "iamhaggler2012": (off12.GIAMHaggler2012Offering,
                           lambda o: ac12.GACIAMHaggler2012(offering_policy=o),
                           False),
        "agentmr": (off12.GAgentMROffering, lambda o: ac12.GACAgentMR(), False),
        "omacagent": (off12.GOMACagentOffering,
                      lambda o: ac12.GACOMACagent(offering_policy=o), False),
        # composed: AgentK's and AgentK2's offerings with HardHeaded's
        # acceptance, which lets the negotiations run long enough to check
        # the offering curves (the agents' own conditions accept early)
        "agentk+ac=hardheaded": (off10.GAgentKOffering,
                                 lambda o: ac11.GACHardHeaded(offering_policy=o),
                                 False),
        "agentk2+ac=hardheaded": (off11.GAgentK2Offering,
                                  lambda o: ac11.GACHardHeaded(offering_policy=o),
                                  False),
        # OMACagent's acceptance with an offering that concedes enough
        # for it to accept (its own offers stay high: it never does)
        "agentk+ac=omacagent": (off10.GAgentKOffering,
                                lambda o: ac12.GACOMACagent(offering_policy=o),
                                False),
    }


def main(out, domains, only=None):
    os.makedirs(out, exist_ok=True)
    for ddir in domains:
        sc = Scenario.from_genius_folder(ddir, ignore_discount=True,
                                         ignore_reserved=False)
        sc.ufuns = tuple(_genius_scaled(u, sc.outcome_space) for u in sc.ufuns)
        dname = os.path.basename(os.path.normpath(ddir))
        issues = sc.outcome_space.issues
        discounts = []
        for u in sc.ufuns:
            discounts.append(_discount_of(ddir, u))

        def index(o):
            return [list(issues[i].values).index(v) for i, v in enumerate(o)]

        probes = []
        for k in range(3):  # fixed outcomes: first, middle, last option
            probes.append(tuple(list(iss.values)[(len(iss.values) - 1) * k // 2]
                                for iss in issues))
        for name, (offf, acf, with_model) in agents().items():
            if only and name not in only:
                continue
            for party in range(len(sc.ufuns)):
                for first in (True, False):
                    lines = []
                    log = _run(sc, party, first, offf, acf, with_model,
                               discounts[party], index, probes, lines)
                    path = os.path.join(
                        out, f"{name}-{dname}-p{party}-{'first' if first else 'second'}.txt")
                    with open(path, "w") as f:
                        f.write(f"# {name} on {dname}, party {party} "
                                f"({sc.ufuns[party].name}), "
                                f"{'opens' if first else 'answers'}; "
                                f"{STEPS} steps; recorded from NegMAS by "
                                "tests/agents/anac_reference.py\n")
                        f.write(f"domain {dname} party {party} discount "
                                f"{discounts[party]!r}\n")
                        f.write("files " + " ".join(_files(ddir, sc)) + "\n")
                        for p in probes:
                            f.write("probe " + " ".join(map(str, index(p))) + "\n")
                        f.write("\n".join(log) + "\n")


def _genius_scaled(u, os_):
    """GENIUS's semantics: each discrete evaluation divided by the issue's
    largest (NegMAS keeps the raw evaluations)."""
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun
    values = []
    for v in u.values:
        top = max(v.mapping.values())
        values.append(TableFun({k: x / top for k, x in v.mapping.items()}))
    return LinearAdditiveUtilityFunction(
        values=values, weights=list(u.weights), outcome_space=os_,
        reserved_value=u.reserved_value, name=u.name)


def _files(ddir, sc):
    """The domain file, then the profiles in the scenario's party order."""
    profiles = [(u.name or "") + ".xml" for u in sc.ufuns]
    domain = [f for f in sorted(os.listdir(ddir))
              if f.endswith(".xml") and f not in profiles]
    return domain[:1] + profiles


def _discount_of(ddir, ufun):
    """The profile's discount factor, read from its XML as GENIUS does."""
    path = os.path.join(ddir, (ufun.name or "") + ".xml")
    if not os.path.exists(path):
        return 1.0
    m = re.search(r'discount_factor\s+value="([^"]+)"', open(path).read())
    return float(m.group(1)) if m else 1.0


class Logged(BOANegotiator):
    def __init__(self, *args, log=None, index=None, probes=None,
                 prob=None, model_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._log, self._index, self._probes = log, index, probes
        self._prob, self._model_obj = prob, model_obj

    def propose(self, state, dest=None):
        o = super().propose(state, dest)
        if o is not None:
            self._log.append("P %r %d %r %s" % (
                state.relative_time, state.step, float(self.ufun(o)),
                " ".join(map(str, self._index(o)))))
        return o

    def respond(self, state, source=None):
        offer = state.current_offer
        r = super().respond(state, source)
        p = -1.0
        if self._prob is not None:
            p = self._prob(state, float(self.ufun(offer)))
        self._log.append("R %r %d %d %r %r %s" % (
            state.relative_time, state.step,
            1 if r.name == "ACCEPT_OFFER" else 0, p,
            float(self.ufun(offer)), " ".join(map(str, self._index(offer)))))
        if self._model_obj is not None:
            est = [self._model_obj.eval(offer)] + \
                [self._model_obj.eval(q) for q in self._probes]
            self._log.append("M " + " ".join(repr(float(e)) for e in est))
        return r


def _run(sc, party, first, offf, acf, with_model, discount, index, probes,
         lines):
    import random
    random.seed(18)  # the probabilistic conditions: the same recordings
    log = []
    off = offf()
    if hasattr(off, "_discount"):
        # GENIUS's HardHeaded reads the discount factor; NegMAS's
        # transcription leaves its step point at 1: set it as GENIUS does
        off._discount = discount
    acc = acf(off)
    model = GHardHeadedFrequencyModel() if with_model else None
    prob = None
    if hasattr(acc, "_calculate_accept_probability"):
        if isinstance(acc, ac11.GACAgentK2):
            # its list already holds the current offer when it is called
            def prob(state, u, acc=acc):
                saved = list(acc._opponent_utils)
                acc._opponent_utils[:] = saved[:-1] if saved else []
                acc._opponent_utils.append(u)
                p = acc._calculate_accept_probability(state, u)
                acc._opponent_utils[:] = saved
                return p
        else:
            def prob(state, u, acc=acc):
                return acc._calculate_accept_probability(state, u)
    me = Logged(acceptance=acc, offering=off, model=model, log=log,
                index=index, probes=probes, prob=prob, model_obj=model,
                name="anac")
    other = AspirationNegotiator(name="opponent")
    m = SAOMechanism(outcome_space=sc.outcome_space, n_steps=STEPS)
    order = [(me, party), (other, 1 - party)]
    if not first:
        order.reverse()
    for n, p in order:
        m.add(n, ufun=sc.ufuns[p])
    m.run()
    return log


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    only = os.environ.get("PL_ANAC_ONLY")
    main(sys.argv[1], sys.argv[2:], only.split(",") if only else None)
