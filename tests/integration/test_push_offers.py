"""Push mode: offers to the eligible agent with most free capacity, expiry, decline, away."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from inbox.models import CaseOffer, Queue, User, utcnow
from inbox.services import unit_of_work
from inbox.services.cases.offers import dispatch
from tests.factories import make_case, make_channel, make_queue


def online(user: Any, capacity: dict[str, int] | None = None) -> None:
    with unit_of_work() as session:
        agent = session.get(User, user.id)
        assert agent is not None
        agent.presence = "online"
        agent.capacity = capacity or {"x": 3}


def push_queue(timeout: int = 30) -> Queue:
    return make_queue("Push desk", mode="push", offer_timeout_seconds=timeout)


def push_cases(count: int = 1) -> tuple[Queue, list[Any]]:
    """`count` X cases waiting in a push queue."""
    queue, channel = push_queue(), make_channel("x", "X", external_id="1")
    return queue, [make_case(queue, channel_id=channel.id) for _ in range(count)]


def offers() -> list[CaseOffer]:
    with unit_of_work() as session:
        return list(session.scalars(select(CaseOffer).order_by(CaseOffer.id)))


def test_case_is_offered_to_the_agent_with_most_free_capacity(
    agent_alice: Any, agent_bob: Any, captured_events: list[Any]
) -> None:
    online(agent_alice, {"x": 1})
    online(agent_bob, {"x": 4})
    queue, [case] = push_cases()
    assert dispatch() == 1
    [offer] = offers()
    assert (offer.case_id, offer.agent_id, offer.state) == (case.id, agent_bob.id, "open")
    event = next(e for e in captured_events if e.name == "case.offered")
    assert event.rooms == (f"agent:{agent_bob.id}",)
    assert dispatch() == 0  # one open offer per case


def test_ties_go_round_robin(agent_alice: Any, agent_bob: Any) -> None:
    online(agent_alice)
    online(agent_bob)
    queue, _ = push_cases(2)
    dispatch()
    assert sorted(o.agent_id for o in offers()) == sorted([agent_alice.id, agent_bob.id])


def test_expired_offer_moves_to_the_next_agent(agent_alice: Any, agent_bob: Any) -> None:
    online(agent_alice, {"x": 5})
    online(agent_bob, {"x": 1})
    queue, channel = push_queue(timeout=1), make_channel("x", "X", external_id="1")
    make_case(queue, channel_id=channel.id)
    dispatch()
    with unit_of_work() as session:
        session.execute(update(CaseOffer).values(expires_at=utcnow() - timedelta(seconds=1)))
    dispatch()
    states = [(o.agent_id, o.state) for o in offers()]
    assert states == [(agent_alice.id, "expired"), (agent_bob.id, "open")]


def test_accepting_an_offer_claims_the_case(api_as: Any, agent_alice: Any) -> None:
    online(agent_alice)
    queue, [case] = push_cases()
    dispatch()
    client = api_as(agent_alice)
    [offer] = client.get("/api/v1/offers").json
    accepted = client.post(f"/api/v1/offers/{offer['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.json["id"] == case.id and accepted.json["assignee_id"] == agent_alice.id
    again = client.post(f"/api/v1/offers/{offer['id']}/accept")
    assert again.status_code == 409


def test_someone_elses_offer_is_404(api_as: Any, agent_alice: Any, agent_bob: Any) -> None:
    online(agent_alice)
    queue, _ = push_cases()
    dispatch()
    [offer] = offers()
    assert api_as(agent_bob).post(f"/api/v1/offers/{offer.id}/accept").status_code == 404


def test_declined_case_goes_to_someone_else(
    api_as: Any, agent_alice: Any, agent_bob: Any
) -> None:
    online(agent_alice, {"x": 5})
    online(agent_bob, {"x": 1})
    queue, _ = push_cases()
    dispatch()
    [offer] = offers()
    assert api_as(agent_alice).post(f"/api/v1/offers/{offer.id}/decline").status_code == 204
    dispatch()
    assert [(o.agent_id, o.state) for o in offers()] == [
        (agent_alice.id, "declined"), (agent_bob.id, "open")]


def test_never_offered_to_away_agents_and_going_away_returns_offers(
    api_as: Any, agent_alice: Any, agent_bob: Any
) -> None:
    online(agent_alice)
    queue, _ = push_cases()
    dispatch()
    api_as(agent_alice).put("/api/v1/agents/me/presence", json={"presence": "away"})
    assert [o.state for o in offers()] == ["withdrawn"]
    assert dispatch() == 0  # nobody online
    online(agent_bob)
    dispatch()
    assert offers()[-1].agent_id == agent_bob.id


def test_capacity_limits_how_many_offers_an_agent_holds(agent_alice: Any) -> None:
    online(agent_alice, {"x": 2})
    queue, _ = push_cases(5)
    assert dispatch() == 2


def test_offered_case_is_not_handed_to_another_agent_by_next(
    api_as: Any, agent_alice: Any, agent_bob: Any
) -> None:
    online(agent_alice)
    queue, _ = push_cases()
    dispatch()
    online(agent_bob)
    assert api_as(agent_bob).post(f"/api/v1/queues/{queue.id}/next").status_code == 204


def test_agent_disconnect_returns_offers(runtime: Any, live_server: Any, agent_alice: Any) -> None:
    import time

    import socketio

    from tests.conftest import WAIT, token_for

    online(agent_alice)
    queue, _ = push_cases()
    client = socketio.Client(reconnection=False)
    client.connect(live_server.url, auth={"token": token_for(agent_alice)},
                   transports=["websocket"], wait_timeout=WAIT)
    dispatch()
    assert [o.state for o in offers()] == ["open"]
    client.disconnect()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and offers()[0].state == "open":
        time.sleep(0.1)
    assert offers()[0].state == "withdrawn"
