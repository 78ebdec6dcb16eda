"""The wallboard: its figures from a hand-built day, the API's guard, and the push —
computed once per change whatever the number of supervisors watching."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import socketio

from inbox.models import Case, CaseEvent, User
from inbox.services import unit_of_work
from inbox.services.cases import states
from inbox.services.supervision.wallboard import wallboard_snapshot
from tests.conftest import WAIT, make_user, token_for, wait_until
from tests.factories import make_case, make_channel, make_queue

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def _ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def _arrange(alice: Any, bob: Any) -> dict[str, Any]:
    """Queue "Social" on an X channel, queue "Mail" on email. Alice: X capacity 3,
    email 2, online since 40 min; Bob on a call since 5 min, holds nothing."""
    social, mail = make_queue("Social"), make_queue("Mail")
    x, email = make_channel("x", "X", external_id="x1"), make_channel("email", "Mail box")
    with unit_of_work() as session:
        a, b = session.get(User, alice.id), session.get(User, bob.id)
        assert a is not None and b is not None
        a.presence, a.presence_changed_at = "online", _ago(40)
        a.capacity = {"x": 3, "email": 2}
        b.presence, b.presence_changed_at = "on_call", _ago(5)
        b.capacity = {"voice": 1}
    on_x = {"queue": social, "channel_id": x.id}
    # Waiting in Social: 3, oldest 30 min; one at risk (warned), one breached (past due).
    make_case(**on_x, created_at=_ago(30), sla_due_at=_ago(1))  # breached
    make_case(**on_x, created_at=_ago(20), sla_due_at=NOW + timedelta(minutes=10),
              sla_warn_at=_ago(2))  # at risk
    make_case(**on_x, created_at=_ago(10), sla_due_at=NOW + timedelta(hours=3),
              sla_warn_at=NOW + timedelta(hours=2))  # fine
    # Alice holds two on X and one email case (assigned/pending count; resolved not).
    make_case(**on_x, status="assigned", assignee_id=alice.id, created_at=_ago(90))
    make_case(**on_x, status="pending", assignee_id=alice.id, created_at=_ago(90))
    make_case(mail, channel_id=email.id, status="assigned", assignee_id=alice.id,
              created_at=_ago(60))
    # Handled today in Social: 3 resolved today (one a merged duplicate: not handled),
    # and one resolved yesterday. First responses today: 60 s, 120 s, 600 s -> median 120.
    # SLA targets stopped today: FR met, met, missed; resolution met, missed -> 3/5.
    day = NOW.replace(hour=0, minute=0)
    make_case(**on_x, status="resolved", created_at=day + timedelta(hours=8),
              first_responded_at=day + timedelta(hours=8, minutes=1), first_response_seconds=60,
              first_response_met=True, resolved_at=day + timedelta(hours=9),
              resolution_met=True, assignee_id=alice.id)
    make_case(**on_x, status="resolved", created_at=day + timedelta(hours=8),
              first_responded_at=day + timedelta(hours=8, minutes=2),
              first_response_seconds=120, first_response_met=True,
              resolved_at=day + timedelta(hours=10), resolution_met=False)
    make_case(**on_x, status="resolved", created_at=day + timedelta(hours=9),
              first_responded_at=day + timedelta(hours=9, minutes=10),
              first_response_seconds=600, first_response_met=False,
              resolved_at=day + timedelta(hours=11), disposition="merged")
    make_case(**on_x, status="resolved", created_at=day - timedelta(hours=20),
              resolved_at=day - timedelta(hours=10))
    last = make_case(mail, channel_id=email.id, status="resolved", created_at=_ago(200),
                     resolved_at=day - timedelta(hours=1))
    with unit_of_work() as session:
        session.add(CaseEvent(case_id=last.id, kind="resolve", actor_id=alice.id,
                              created_at=_ago(7)))
    return {"social": social.id, "mail": mail.id}


def test_figures_of_a_hand_built_day(agent_alice: Any, agent_bob: Any) -> None:
    ids = _arrange(agent_alice, agent_bob)
    with unit_of_work(read_only=True) as session:
        board = wallboard_snapshot(session, now=NOW)
    queues = {q["id"]: q for q in board["queues"]}
    social, mail = queues[ids["social"]], queues[ids["mail"]]
    assert (social["waiting"], social["oldest_wait_seconds"]) == (3, 30 * 60)
    assert (social["at_risk"], social["breached"]) == (1, 1)
    assert social["handled_today"] == 2
    assert social["sla_attainment_today"] == pytest.approx(3 / 5)
    assert social["first_response_median_today_seconds"] == pytest.approx(120)
    assert (mail["waiting"], mail["handled_today"], mail["sla_attainment_today"]) == (0, 0, None)
    agents = {a["name"]: a for a in board["agents"]}
    alice, bob = agents["Alice Agent"], agents["Bob Agent"]
    assert alice["open_by_channel"] == {"x": {"open": 2, "capacity": 3},
                                        "email": {"open": 1, "capacity": 2}}
    assert (alice["open_total"], alice["presence"], alice["on_call"]) == (3, "online", False)
    assert alice["in_state_seconds"] == 40 * 60
    assert alice["last_activity_at"] == _ago(7).isoformat()
    assert bob["on_call"] is True and bob["in_state_seconds"] == 5 * 60
    assert bob["open_by_channel"] == {"voice": {"open": 0, "capacity": 1}}
    assert bob["last_activity_at"] is None
    assert [c["sla_due_at"] for c in board["at_risk"]] == [
        (NOW + timedelta(minutes=10)).isoformat()]
    assert [c["sla_due_at"] for c in board["breached"]] == [_ago(1).isoformat()]


def test_the_api_serves_supervisors_only(api_as: Any, agent_alice: Any,
                                         supervisor_sam: Any) -> None:
    make_queue("Social")
    assert api_as(agent_alice).get("/api/v1/wallboard").status_code == 403
    answer = api_as(supervisor_sam).get("/api/v1/wallboard")
    assert answer.status_code == 200
    assert [q["name"] for q in answer.json["queues"]] == ["Social"]
    assert set(answer.json) >= {"queues", "agents", "at_risk", "breached", "computed_at"}


def test_a_supervisor_changes_priority_and_agents_may_not(
        api_as: Any, agent_alice: Any, supervisor_sam: Any) -> None:
    case = make_case(make_queue("Social"), priority=3)
    assert api_as(agent_alice).post(f"/api/v1/cases/{case.id}/priority",
                                    json={"priority": 1}).status_code == 403
    bad = api_as(supervisor_sam).post(f"/api/v1/cases/{case.id}/priority", json={"priority": 9})
    assert bad.status_code == 422 and "priority" in str(bad.json)
    done = api_as(supervisor_sam).post(f"/api/v1/cases/{case.id}/priority", json={"priority": 1})
    assert done.status_code == 200 and done.json["priority"] == 1
    assert api_as(supervisor_sam).post("/api/v1/cases/999999/priority",
                                       json={"priority": 1}).status_code == 404


class Watcher:
    """A supervisor's Socket.IO client keeping the wallboards it is sent."""

    def __init__(self, url: str, token: str) -> None:
        self.boards: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("wallboard.updated", self._got)
        self.client.connect(url, auth={"token": token}, transports=["websocket"],
                            wait_timeout=WAIT)

    def _got(self, board: dict[str, Any]) -> None:
        with self.lock:
            self.boards.append(board)

    def board_where(self, queue_id: int, waiting: int) -> dict[str, Any] | None:
        with self.lock:
            for board in self.boards:
                for queue in board["queues"]:
                    if queue["id"] == queue_id and queue["waiting"] == waiting:
                        return board
        return None


def test_one_computation_reaches_every_watching_supervisor(
        live_server: Any, runtime: Any) -> None:
    queue = make_queue("Social")
    supervisors = [make_user(f"sup{i}@example.com", "supervisor", f"Sup {i}") for i in range(8)]
    watchers = [Watcher(live_server.url, token_for(s)) for s in supervisors]
    try:
        # A first board (the periodic one) shows an empty queue to everyone.
        for watcher in watchers:
            wait_until(lambda w=watcher: w.board_where(queue.id, 0), "a first wallboard")
        before = int(runtime.redis.get("inbox:wallboard:sequence") or 0)
        arriving = make_case(queue, status="new")
        with unit_of_work() as session:
            found = session.get(Case, arriving.id)
            assert found is not None
            states.do_enqueue(session, found)
        boards = [wait_until(lambda w=watcher: w.board_where(queue.id, 1), "the arrival")
                  for watcher in watchers]
        # Everyone got the same computation, and the change cost one (the periodic
        # refresh may add one), not one per watcher.
        assert len({board["sequence"] for board in boards}) == 1
        assert boards[0]["sequence"] - before <= 2 < len(watchers)
    finally:
        for watcher in watchers:
            watcher.client.disconnect()


def test_nothing_is_computed_while_no_supervisor_listens(
        live_server: Any, runtime: Any, agent_alice: Any) -> None:
    queue = make_queue("Social")
    heard: list[Any] = []
    agent = socketio.Client(reconnection=False)
    agent.on("case.updated", heard.append)
    agent.connect(live_server.url, auth={"token": token_for(agent_alice)},
                  transports=["websocket"], wait_timeout=WAIT)
    watcher = None
    try:
        for _ in range(3):
            arriving = make_case(queue, status="new")
            with unit_of_work() as session:
                found = session.get(Case, arriving.id)
                assert found is not None
                states.do_enqueue(session, found)
        wait_until(lambda: len(heard) >= 3, "the agent's desk to hear the arrivals")
        time.sleep(1.0)  # five ticks of the web process's ticker
        assert runtime.redis.get("inbox:wallboard:sequence") is None, \
            "a wallboard was computed that no one could hear"
        sam = make_user("sam@example.com", "supervisor", "Sam Supervisor")
        watcher = Watcher(live_server.url, token_for(sam))
        board = wait_until(lambda: watcher.board_where(queue.id, 3), "a board once Sam listens")
        assert board["sequence"] == 1
    finally:
        agent.disconnect()
        if watcher is not None:
            watcher.client.disconnect()


def test_the_page_opens_for_supervisors_and_agents_are_refused(
        app: Any, agent_alice: Any, supervisor_sam: Any) -> None:
    from tests.integration.test_signin import PASSWORD, attempt

    for user, status in ((agent_alice, 403), (supervisor_sam, 200)):
        client = app.test_client()
        assert attempt(client, user.email, PASSWORD).status_code in (302, 303)
        page = client.get("/supervisor")
        assert page.status_code == status
        if status == 200:
            html = page.get_data(as_text=True)
            assert 'id="to-wallboard" aria-current="page"' in html
            assert "dist/wallboard.js" in html
