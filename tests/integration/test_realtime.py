"""Real-time: authenticated Socket.IO connections, publish after commit, from any process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import pytest
import socketio

from tests.conftest import ROOT, WAIT, process_env, token_for

PUBLISH_FROM_ANOTHER_PROCESS = """
import sys
from inbox import runtime
from inbox.realtime.publish import publish
from inbox.realtime.rooms import agent_room
rt = runtime.start()
with rt.db.session() as session:
    publish(session, "agent.presence", {"user_id": int(sys.argv[1]), "presence": sys.argv[2]},
            [agent_room(int(sys.argv[1]))])
    if sys.argv[3] == "rollback":
        raise SystemExit(0)  # leaves the with-block by exception: rolled back
"""


class Listener:
    def __init__(self, url: str, token: str | None) -> None:
        self.received: list[tuple[str, Any]] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._any)
        self.url, self.token = url, token

    def _any(self, event: str, data: Any) -> None:
        self.received.append((event, data))
        self.arrived.set()

    def connect(self) -> Listener:
        self.client.connect(self.url, auth={"token": self.token} if self.token else None,
                            transports=["websocket"], wait_timeout=WAIT)
        return self


def _publish_in_worker_process(runtime: Any, user_id: int, presence: str, mode: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH_FROM_ANOTHER_PROCESS, str(user_id), presence, mode],
        env=process_env(runtime), cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_connect_without_credentials_is_refused(live_server: Any) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, transports=["websocket"], wait_timeout=WAIT)


def test_connect_with_a_bad_token_is_refused(live_server: Any, agent_alice: Any) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"token": "inbx_bogus"},
                       transports=["websocket"], wait_timeout=WAIT)


def test_publish_in_a_separate_worker_process_reaches_a_connected_client(
    runtime: Any, live_server: Any, agent_alice: Any
) -> None:
    listener = Listener(live_server.url, token_for(agent_alice)).connect()
    try:
        time.sleep(0.3)  # room joins settle
        _publish_in_worker_process(runtime, agent_alice.id, "away", "commit")
        assert listener.arrived.wait(WAIT), "no event reached the client"
        assert ("agent.presence", {"user_id": agent_alice.id, "presence": "away"}) in (
            listener.received
        )
    finally:
        listener.client.disconnect()


def test_event_published_in_a_rolled_back_transaction_is_never_delivered(
    runtime: Any, live_server: Any, agent_alice: Any
) -> None:
    listener = Listener(live_server.url, token_for(agent_alice)).connect()
    try:
        time.sleep(0.3)
        _publish_in_worker_process(runtime, agent_alice.id, "on_call", "rollback")
        _publish_in_worker_process(runtime, agent_alice.id, "online", "commit")
        assert listener.arrived.wait(WAIT)
        time.sleep(0.5)
        presences = [data["presence"] for name, data in listener.received
                     if name == "agent.presence"]
        # Only what this test published counts: presence also changes when sockets of
        # earlier tests close, which is not what is under test here.
        assert "online" in presences
        assert "on_call" not in presences
    finally:
        listener.client.disconnect()


def test_agent_only_hears_rooms_they_belong_to(
    runtime: Any, live_server: Any, agent_alice: Any, agent_bob: Any
) -> None:
    bob = Listener(live_server.url, token_for(agent_bob)).connect()
    alice = Listener(live_server.url, token_for(agent_alice)).connect()
    try:
        time.sleep(0.3)
        _publish_in_worker_process(runtime, agent_alice.id, "away", "commit")
        assert alice.arrived.wait(WAIT)
        time.sleep(0.5)
        assert bob.received == []
    finally:
        bob.client.disconnect()
        alice.client.disconnect()


def test_every_published_event_is_in_the_catalogue(db_session: Any) -> None:
    from inbox.realtime.publish import UncataloguedEvent, publish

    with pytest.raises(UncataloguedEvent):
        publish(db_session, "case.exploded", {}, ["supervisors"])
    with pytest.raises(UncataloguedEvent):
        publish(db_session, "agent.presence", {"user_id": "x"}, ["supervisors"])


def test_case_claim_publishes_case_updated_after_commit(
    api_as: Any, agent_alice: Any, captured_events: list[Any]
) -> None:
    from tests.factories import make_case, make_queue

    case = make_case(make_queue())
    api_as(agent_alice).post(f"/api/v1/cases/{case.id}/claim")
    updates = [e for e in captured_events if e.name == "case.updated"]
    assert len(updates) == 1
    assert updates[0].payload["assignee_id"] == agent_alice.id
    assert f"queue:{case.queue_id}" in updates[0].rooms
    assert f"case:{case.id}" in updates[0].rooms



def test_desk_websockets_open_without_per_message_compression(live_server: Any) -> None:
    """Browsers offer permessage-deflate; accepting it costs ~300 KB of zlib state per
    open desk. The web process declines it, and the socket works uncompressed."""
    import base64
    import os
    import socket

    key = base64.b64encode(os.urandom(16)).decode()
    handshake = (f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                 f"Host: 127.0.0.1:{live_server.port}\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                 "Sec-WebSocket-Version: 13\r\n"
                 "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=WAIT) as raw:
        raw.sendall(handshake.encode())
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 4:
            chunk = raw.recv(4096)
            assert chunk, f"connection closed during the handshake: {answer!r}"
            answer += chunk
    head, frame = answer.split(b"\r\n\r\n", 1)
    assert head.lower().startswith(b"http/1.1 101"), head
    assert b"sec-websocket-extensions" not in head.lower(), head
    # The Engine.IO open packet: a final text frame, RSV1 clear (not compressed).
    assert frame[0] == 0x81, frame[:8]
    assert frame[2:4] == b"0{", frame[:16]
