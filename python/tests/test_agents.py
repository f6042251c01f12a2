"""Agents written in Python: against C strategies, checked by the engine
like plug-ins, in every protocol and in threaded tournaments."""
import gc
import os

import pytest

import parley


@pytest.fixture(scope="module")
def job(root):
    return parley.load(os.path.join(root, "examples", "job-offer.yaml"))


class Sorted(parley.Agent):
    """Concedes linearly through its acceptable outcomes, best first;
    accepts what is at least as good as its next offer."""
    calls = 0

    def start(self):
        self.ranked = sorted((o for o in self.outcomes()
                              if self.acceptable(o)),
                             key=self.utility, reverse=True)

    def propose(self, state):
        type(self).calls += 1
        return self.ranked[int(state.time * (len(self.ranked) - 1))]

    def respond(self, state, offer):
        return (self.acceptable(offer) and
                self.utility(offer) >= self.utility(self.propose(state)))


def test_python_agent_reaches_agreement(job):
    r = parley.run(job, [Sorted, "conceder"], seed=1)
    assert r.end == "agreement"
    assert r.failure is None and r.agent_errors == {}
    assert r.agents == ["Sorted", "conceder"]
    # the same seed, the same negotiation
    r2 = parley.run(job, [Sorted, "conceder"], seed=1)
    assert r2.to_dict() == r.to_dict()
    assert [e.outcome for e in r.events] == [e.outcome for e in r2.events]


def test_instance_plays_itself_and_keeps_its_state(job):
    a = Sorted()
    r = parley.run(job, ["boulware", a], seed=2)
    assert a.party == "employer" and a.index == 1
    assert a.reservation == pytest.approx(0.3)
    assert len(a.ranked) >= 1
    assert r.end in ("agreement", "deadline")
    # the scenario it saw is closed with the negotiation... once freed
    del r
    gc.collect()
    with pytest.raises(parley.StateError):
        a.scenario.party_ids


@pytest.mark.parametrize("protocol", ["saop", "text", "mediated"])
def test_every_protocol(job, protocol):
    r = parley.run(job, [Sorted, Sorted], protocol=protocol, rounds=40,
                   seed=3)
    assert r.end != "failure", r.failure
    assert r.agent_errors == {}


class Raises(parley.Agent):
    where = "propose"

    def start(self):
        if self.where == "start":
            raise RuntimeError("cannot start")

    def propose(self, state):
        if self.where == "propose":
            raise ValueError("no idea")
        return next(o for o in self.outcomes() if self.acceptable(o))

    def respond(self, state, offer):
        if self.where == "respond":
            raise KeyError("respond")
        return False


@pytest.mark.parametrize("where", ["start", "propose", "respond"])
def test_exception_is_a_failure_with_traceback(job, where):
    a = Raises()
    a.where = where
    r = parley.run(job, [a, "boulware"] if where != "respond"
                   else ["boulware", a], seed=1)
    assert r.end == "failure"
    party = "candidate" if where != "respond" else "employer"
    assert r.failed_party == party
    assert party in r.failure
    tb = r.agent_errors[party]
    assert "Traceback" in tb and "test_agents.py" in tb


class Garbage(parley.Agent):
    answer = None
    reply = False

    def propose(self, state):
        return self.answer

    def respond(self, state, offer):
        return self.reply


@pytest.mark.parametrize("answer, words", [
    (42, "propose() raised TypeError"),
    ({"salary": 70}, "no option for issue"),
    ({"salary": 75, "remote": 0, "start": "june"}, "outcome.salary"),
    ({"salary": 70, "remote": 0, "start": "june", "bonus": 1}, "no issue"),
    ({"salary": 60, "remote": 0, "start": "june"}, "red line"),
    ({"salary": 70, "remote": 0, "start": "june"}, "reservation"),
])
def test_bad_offers_fail_naming_the_party(job, answer, words):
    g = Garbage()
    g.answer = answer
    r = parley.run(job, [g, "boulware"])
    assert r.end == "failure" and r.failed_party == "candidate"
    assert words in r.failure, r.failure


def test_bad_answer_and_acceptance(job):
    g = Garbage()
    g.reply = "maybe"
    r = parley.run(job, ["boulware", g])
    assert r.end == "failure" and "respond() raised TypeError" in r.failure
    g = Garbage()
    g.reply = True  # accepts whatever comes, its red line notwithstanding
    r = parley.run(job, ["random", g], seed=5, rounds=50)
    assert r.end in ("agreement", "failure")


def test_walk_out(job):
    class Leaves(Garbage):
        def propose(self, state):
            return parley.END

        def respond(self, state, offer):
            return parley.END

    r = parley.run(job, [Leaves, "boulware"])
    assert r.end == "walkout"


def test_observe_history_and_last_offer(job):
    seen = []
    lasts = []

    class Watch(Sorted):
        def observe(self, event):
            seen.append(event)

        def respond(self, state, offer):
            lasts.append((state.last_offer, offer, len(state.history)))
            return super().respond(state, offer)

    r = parley.run(job, ["boulware", Watch], seed=4, rounds=30)
    assert [e.kind for e in seen] == [e.kind for e in r.events]
    assert seen[-1].kind == "end"
    assert all(last == offer for last, offer, _ in lasts)
    assert [n for _, _, n in lasts] == sorted(n for _, _, n in lasts)


def test_observe_raising_does_not_fail(job):
    class Noisy(Sorted):
        def observe(self, event):
            raise RuntimeError("ignored")

    r = parley.run(job, [Noisy, "conceder"], seed=1)
    assert r.end != "failure"
    assert "RuntimeError" in r.agent_errors["candidate"]


def test_not_an_agent(job):
    with pytest.raises(TypeError):
        parley.run(job, [int, "boulware"])
    with pytest.raises(TypeError):
        parley.run(job, [3.5, "boulware"])


def test_threaded_tournament(job, root, tmp_path):
    cfg = {"name": "py", "rounds": 40, "repetitions": 2,
           "scenarios": [os.path.join(root, "examples", "job-offer.yaml")],
           "agents": [Sorted, "boulware", "conceder"]}
    Sorted.calls = 0
    parley.tournament(cfg, db=str(tmp_path / "a.db"), jobs=2)
    assert Sorted.calls > 0
    one = parley.results(str(tmp_path / "a.db"))
    parley.tournament(cfg, db=str(tmp_path / "b.db"), jobs=1)
    two = parley.results(str(tmp_path / "b.db"))
    cols = ["job", "agents", "ended_by", "utilities"]
    assert one[cols].sort_values("job").values.tolist() == \
        two[cols].sort_values("job").values.tolist()
    assert (one["ended_by"] != "failure").all(), one["error"].tolist()
    assert len(one) == 12


def test_tournament_file_names_python_agents(root, tmp_path):
    cfg = tmp_path / "t.yaml"
    cfg.write_text(
        "name: named\nrounds: 30\nscenarios: [%s]\n"
        "agents: [mine, boulware]\n"
        % os.path.join(root, "examples", "job-offer.yaml"))
    s = parley.tournament(str(cfg), db=str(tmp_path / "t.db"), jobs=2,
                          agents={"mine": Sorted()})
    names = set(s.agents["agent"]) if hasattr(s.agents, "columns") else \
        {row["agent"] for row in s.agents}
    assert names == {"mine", "boulware"}
    with pytest.raises(parley.ParseError):  # unknown without the mapping
        parley.tournament(str(cfg), db=str(tmp_path / "u.db"))


def test_ctrl_c_inside_an_agent_reaches_the_caller(job):
    class Interrupted(Garbage):
        def propose(self, state):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        parley.run(job, [Interrupted, "boulware"])
