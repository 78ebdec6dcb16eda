"""Access is re-checked after connect: sockets follow transfers, team and role changes,
and close when their user is deactivated or their token revoked. Real clients against a
real web process (gevent), changes committed by this process as a CLI or worker would."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio
import websocket

from tests.conftest import LiveServer, make_user, process_env, token_for
from tests.factories import make_case, make_queue

DEADLINE = 20.0


class Desk:
    """A Socket.IO client that records what it hears and whether it was closed."""

    def __init__(self, url: str, token: str) -> None:
        self.heard: list[tuple[str, Any]] = []
        self.closed = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", lambda event, data: self.heard.append((event, data)))
        self.client.on("disconnect", lambda *args: self.closed.set())
        self.client.connect(url, auth={"token": token}, transports=["websocket"],
                            wait_timeout=DEADLINE)

    def view(self, case_id: int) -> None:
        answer = self.client.call("case.view", {"case_id": case_id}, timeout=DEADLINE)
        assert answer["ok"], answer

    def heard_event(self, name: str, where: Callable[[Any], bool]) -> bool:
        return any(event == name and where(data) for event, data in list(self.heard))

    def stop(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def eventually(check: Callable[[], bool], what: str, deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def desks(live_server: LiveServer) -> Iterator[Callable[[Any], Desk]]:
    opened: list[Desk] = []

    def open_desk(user: Any, token: str | None = None) -> Desk:
        desk = Desk(live_server.url, token or token_for(user))
        opened.append(desk)
        return desk

    try:
        yield open_desk
    finally:
        for desk in opened:
            desk.stop()


def _team_queue(name: str, team: str) -> Any:
    from inbox.models import Queue
    from inbox.services import unit_of_work
    from inbox.services.admin.users import team_by_name

    queue = make_queue(name)
    with unit_of_work() as session:
        row = session.get(Queue, queue.id)
        assert row is not None
        row.teams = [team_by_name(session, team)]
    return queue


def _publish(name: str, payload: dict[str, Any], rooms: list[str]) -> None:
    from inbox.realtime.publish import publish
    from inbox.services import unit_of_work

    with unit_of_work() as session:
        publish(session, name, payload, rooms)


def _presence(user_id: int, rooms: list[str], presence: str = "away") -> None:
    _publish("agent.presence", {"user_id": user_id, "presence": presence}, rooms)


# The user id of marker events: a real presence change (a desk reconnecting on a busy
# machine says "online" in its own room) can never be mistaken for one.
MARKER = 999_999


def _heard_presence(desk: Desk, user_id: int, presence: str) -> bool:
    return desk.heard_event("agent.presence",
                            lambda d: d["user_id"] == user_id and d["presence"] == presence)


def test_a_case_transferred_out_of_reach_is_no_longer_heard(
    desks: Callable[..., Desk], supervisor_sam: Any
) -> None:
    from inbox.models import Case, User
    from inbox.services import unit_of_work
    from inbox.services.cases.states import do_transfer_to_queue

    alice_user = make_user("alice@example.com", "agent", "Alice", teams=["Social"])
    social, billing = _team_queue("Social", "Social"), _team_queue("Billing", "Billing")
    case = make_case(social)
    alice, sam = desks(alice_user), desks(supervisor_sam)
    alice.view(case.id)

    with unit_of_work() as session:
        row = session.get(Case, case.id)
        by = session.get(User, supervisor_sam.id)
        assert row is not None and by is not None
        do_transfer_to_queue(session, row, billing.id, by=by)
    # The transfer itself is news to the old queue; after it, the case is Billing's.
    eventually(lambda: alice.heard_event("case.updated", lambda d: d["queue_id"] == billing.id),
               "Alice hearing her queue lost the case")
    _presence(supervisor_sam.id, [f"case:{case.id}", "supervisors"], "on_call")
    eventually(lambda: _heard_presence(sam, supervisor_sam.id, "on_call"),
               "the supervisor hearing the case room")
    time.sleep(0.5)
    assert not _heard_presence(alice, supervisor_sam.id, "on_call")


def test_team_change_moves_a_socket_between_queue_rooms(desks: Callable[..., Desk]) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_set_teams

    alice_user = make_user("alice@example.com", "agent", "Alice", teams=["Social"])
    social, billing = _team_queue("Social", "Social"), _team_queue("Billing", "Billing")
    alice = desks(alice_user)
    _presence(alice_user.id, [f"queue:{social.id}"], "away")
    eventually(lambda: _heard_presence(alice, alice_user.id, "away"), "Social's room")

    with unit_of_work() as session:
        user = session.get(User, alice_user.id)
        assert user is not None
        do_set_teams(session, user, ["Billing"])
    _presence(alice_user.id, [f"queue:{billing.id}"], "on_call")
    eventually(lambda: _heard_presence(alice, alice_user.id, "on_call"),
               "Billing's room after the team change")
    _presence(MARKER, [f"queue:{social.id}"], "online")
    time.sleep(0.5)
    assert not _heard_presence(alice, MARKER, "online")


def test_a_supervisor_made_agent_leaves_the_supervisors_room(
    desks: Callable[..., Desk], supervisor_sam: Any
) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_set_role

    sam = desks(supervisor_sam)
    _presence(supervisor_sam.id, ["supervisors"], "away")
    eventually(lambda: _heard_presence(sam, supervisor_sam.id, "away"), "the supervisors room")
    with unit_of_work() as session:
        user = session.get(User, supervisor_sam.id)
        assert user is not None
        do_set_role(session, user, "agent")
    # Heard in their own room: the order was applied before this event went out.
    _presence(supervisor_sam.id, [f"agent:{supervisor_sam.id}"], "on_call")
    eventually(lambda: _heard_presence(sam, supervisor_sam.id, "on_call"), "their own room")
    _presence(MARKER, ["supervisors"], "online")
    time.sleep(0.5)
    assert not _heard_presence(sam, MARKER, "online")


def test_deactivating_a_user_closes_their_sockets_within_a_second(
    desks: Callable[..., Desk], agent_alice: Any, agent_bob: Any
) -> None:
    from inbox.models import User
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_deactivate_user

    alice, bob = desks(agent_alice), desks(agent_bob)
    started = time.monotonic()
    with unit_of_work() as session:
        user = session.get(User, agent_alice.id)
        assert user is not None
        do_deactivate_user(session, user)
    assert alice.closed.wait(DEADLINE), "Alice's socket stayed open"
    assert time.monotonic() - started < 1.0 + 0.5  # 1 s, with room for a busy machine
    assert bob.client.connected


def test_revoking_a_token_closes_only_the_sockets_it_opened(
    desks: Callable[..., Desk], agent_alice: Any
) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_revoke_token

    revoked, kept = token_for(agent_alice), token_for(agent_alice)
    by_revoked, by_kept = desks(agent_alice, revoked), desks(agent_alice, kept)
    started = time.monotonic()
    with unit_of_work() as session:
        do_revoke_token(session, revoked)
    assert by_revoked.closed.wait(DEADLINE), "the revoked token's socket stayed open"
    assert time.monotonic() - started < 1.5
    time.sleep(0.3)
    assert by_kept.client.connected


def _raw_socket(url: str, token: str) -> websocket.WebSocket:
    """An Engine.IO v4 WebSocket joined to the default namespace: what a desk holds,
    without a client library's threads (hundreds fit in one test)."""
    ws = websocket.create_connection(
        url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
        timeout=DEADLINE)
    assert ws.recv().startswith("0")  # open
    ws.send("40" + json.dumps({"token": token}))
    return ws


def _close_all(sockets: list[websocket.WebSocket]) -> None:
    for ws in sockets:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            ws.close()


def _namespace_answer(ws: websocket.WebSocket) -> str:
    while True:
        packet = ws.recv()
        if packet == "2":  # an Engine.IO ping before the answer
            ws.send("3")
            continue
        return str(packet)


@pytest.mark.slow
def test_hundreds_of_open_desks_leave_http_answering(live_server: LiveServer,
                                                     agent_alice: Any) -> None:
    token = token_for(agent_alice)
    sockets: list[websocket.WebSocket] = []
    try:
        for _ in range(300):  # well past the 64 threads that once starved the process
            sockets.append(_raw_socket(live_server.url, token))
        for ws in sockets:
            assert _namespace_answer(ws).startswith("40")
        slowest = 0.0
        for _ in range(20):
            started = time.monotonic()
            answer = requests.get(live_server.url + "/healthz", timeout=DEADLINE)
            slowest = max(slowest, time.monotonic() - started)
            assert answer.status_code == 200
        assert slowest < 2.0, f"/healthz took {slowest:.2f} s with 300 desks open"
    finally:
        _close_all(sockets)


@pytest.fixture
def small_server(runtime: Any) -> Iterator[LiveServer]:
    server = LiveServer(process_env(runtime, INBOX_MAX_SOCKETS="2"))
    try:
        yield server.start()
    finally:
        server.stop()


def test_a_full_process_refuses_new_sockets_and_keeps_serving_http(
    small_server: LiveServer, agent_alice: Any
) -> None:
    token = token_for(agent_alice)
    held = [_raw_socket(small_server.url, token) for _ in range(2)]
    try:
        for ws in held:
            assert _namespace_answer(ws).startswith("40")
        third = _raw_socket(small_server.url, token)
        held.append(third)
        refusal = _namespace_answer(third)
        assert refusal.startswith("44"), refusal  # CONNECT_ERROR
        assert "too many open connections" in refusal
        assert requests.get(small_server.url + "/healthz", timeout=DEADLINE).status_code == 200
    finally:
        _close_all(held)
