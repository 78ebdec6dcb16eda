"""Queue order, next case (skills, capacity, presence), live counts, presence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from inbox.models import Skill, User, utcnow
from inbox.services import unit_of_work
from tests.factories import make_case, make_channel, make_queue


def set_agent(user: Any, *, presence: str = "online", skills: list[str] | None = None,
              capacity: dict[str, int] | None = None) -> None:
    with unit_of_work() as session:
        agent = session.get(User, user.id)
        assert agent is not None
        agent.presence = presence
        if skills is not None:
            agent.skills = [Skill(name=name) for name in skills]
        if capacity is not None:
            agent.capacity = capacity


def test_next_takes_priority_then_sla_due_then_age(api_as: Any, agent_alice: Any) -> None:
    set_agent(agent_alice)
    queue, channel = make_queue(), make_channel("x", "X", external_id="1")
    now = utcnow()
    older_p3 = make_case(queue, channel_id=channel.id, priority=3)
    p2_late = make_case(queue, channel_id=channel.id, priority=2,
                        sla_due_at=now + timedelta(hours=5))
    p2_soon = make_case(queue, channel_id=channel.id, priority=2,
                        sla_due_at=now + timedelta(hours=1))
    p2_no_sla = make_case(queue, channel_id=channel.id, priority=2)
    client = api_as(agent_alice)
    order = [client.post(f"/api/v1/queues/{queue.id}/next").json["id"] for _ in range(4)]
    assert order == [p2_soon.id, p2_late.id, p2_no_sla.id, older_p3.id]
    assert client.post(f"/api/v1/queues/{queue.id}/next").status_code == 204


def test_next_skips_cases_needing_skills_the_agent_lacks(
    api_as: Any, agent_alice: Any
) -> None:
    set_agent(agent_alice, skills=["french"])
    queue, channel = make_queue(), make_channel("x", "X", external_id="1")
    make_case(queue, channel_id=channel.id, priority=1, required_skills=["legal"])
    french = make_case(queue, channel_id=channel.id, priority=2, required_skills=["french"])
    assert api_as(agent_alice).post(f"/api/v1/queues/{queue.id}/next").json["id"] == french.id


def test_next_respects_capacity_per_channel_kind(api_as: Any, agent_alice: Any) -> None:
    set_agent(agent_alice, capacity={"x": 1, "email": 2})
    queue = make_queue()
    x, email = make_channel("x", "X", external_id="1"), make_channel("email", "E",
                                                                     external_id="s@a.io")
    make_case(queue, channel_id=x.id, priority=1)
    make_case(queue, channel_id=x.id, priority=1)
    mail = make_case(queue, channel_id=email.id, priority=3)
    client = api_as(agent_alice)
    assert client.post(f"/api/v1/queues/{queue.id}/next").status_code == 200  # one X case
    assert client.post(f"/api/v1/queues/{queue.id}/next").json["id"] == mail.id


def test_away_and_offline_agents_get_no_next_case(api_as: Any, agent_alice: Any) -> None:
    queue, channel = make_queue(), make_channel("x", "X", external_id="1")
    make_case(queue, channel_id=channel.id)
    for presence in ("away", "offline"):
        set_agent(agent_alice, presence=presence)
        assert api_as(agent_alice).post(f"/api/v1/queues/{queue.id}/next").status_code == 204


def test_an_agent_on_a_call_gets_calls_but_no_social_work(
    api_as: Any, agent_alice: Any
) -> None:
    set_agent(agent_alice, presence="on_call", capacity={"x": 5, "voice": 2})
    queue = make_queue()
    make_case(queue, channel_id=make_channel("x", "X", external_id="1").id, priority=1)
    call = make_case(queue, channel_id=make_channel("voice", "V", external_id="+1").id,
                     priority=3)
    assert api_as(agent_alice).post(f"/api/v1/queues/{queue.id}/next").json["id"] == call.id


def test_next_on_a_queue_the_agent_cannot_see_is_404(api_as: Any, agent_alice: Any) -> None:
    assert api_as(agent_alice).post("/api/v1/queues/4242/next").status_code == 404


def test_queue_counts_are_live(api_as: Any, agent_alice: Any, agent_bob: Any) -> None:
    set_agent(agent_alice)
    set_agent(agent_bob, presence="away")
    queue = make_queue()
    now = utcnow()
    make_case(queue, created_at=now - timedelta(minutes=30))
    make_case(queue, sla_due_at=now + timedelta(minutes=5))
    make_case(queue, status="assigned", assignee_id=agent_alice.id,
              sla_due_at=now - timedelta(minutes=1))
    stats = api_as(agent_alice).get("/api/v1/queues").json
    assert len(stats) == 1
    row = stats[0]
    assert row["waiting"] == 2
    assert row["oldest_wait_seconds"] >= 30 * 60
    assert row["at_risk"] == 1 and row["breached"] == 1
    assert row["agents_online"] == 1


def test_presence_change_is_published_to_supervisors(
    api_as: Any, agent_alice: Any, captured_events: list[Any]
) -> None:
    response = api_as(agent_alice).put("/api/v1/agents/me/presence", json={"presence": "away"})
    assert response.status_code == 200
    event = next(e for e in captured_events if e.name == "agent.presence")
    assert event.payload == {"user_id": agent_alice.id, "presence": "away"}
    assert "supervisors" in event.rooms
    bad = api_as(agent_alice).put("/api/v1/agents/me/presence", json={"presence": "asleep"})
    assert bad.status_code == 422


def test_at_risk_means_past_the_warning_moment_as_the_desk_paints_it(
        api_as: Any, agent_alice: Any) -> None:
    queue = make_queue()
    now = utcnow()
    # amber on the desk: its warning moment has passed, though due in two hours
    make_case(queue, sla_due_at=now + timedelta(hours=2), sla_warn_at=now - timedelta(minutes=1))
    # still green: due in ten minutes, but its policy warns only at five
    make_case(queue, sla_due_at=now + timedelta(minutes=10), sla_warn_at=now + timedelta(minutes=5))
    # paused while pending: not at risk, whatever the clock says
    make_case(queue, status="pending", assignee_id=agent_alice.id,
              sla_due_at=now + timedelta(minutes=3), sla_warn_at=now - timedelta(minutes=2))
    [row] = api_as(agent_alice).get("/api/v1/queues").json
    assert (row["at_risk"], row["breached"], row["waiting"]) == (1, 0, 2)
