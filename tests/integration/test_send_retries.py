"""Every sender gives up after the bounded retry schedule (settings.send_retry_schedule):
email against an SMTP server that is absent or refuses, social senders against the
sandbox platform answering 503; then Retry by hand sends it (docs/sending.md)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import select

from inbox.config import ConfigError, send_retry_schedule
from inbox.jobs import OUTBOUND
from inbox.models import CaseEvent, Message
from inbox.runtime import current
from inbox.sandbox import Reply, SandboxPlatform, SmtpReceiver
from inbox.services import unit_of_work
from inbox.services.sending import outbound
from tests.conftest import WAIT, free_port
from tests.integration.test_outbound import (
    COMMENT_ID,
    OUR_COMMENT_ID,
    email_case,
    facebook_case,
    graph,  # noqa: F401 - the fixture
    outbound_messages,
    run_outbound,
)

# Four attempts within a few seconds. RQ's scheduler counts in whole seconds, so each
# wait is between 1 and 2 seconds.
SHORT = (2.0, 2.0, 2.0)

# An SMTP server in a process of its own that answers every recipient with a temporary
# refusal, as a full or rate-limiting mail server does; it says "ready" once listening.
REFUSING_SMTP = """
import sys, time
from aiosmtpd.controller import Controller

class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, options):
        return "451 4.3.2 try again later: too many messages"

controller = Controller(Refuse(), hostname="127.0.0.1", port=int(sys.argv[1]),
                        ready_timeout=60)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def use_schedule(monkeypatch: pytest.MonkeyPatch, waits: tuple[float, ...]) -> None:
    """This process's setting (the app's runtime, which the send job reads), for one test."""
    monkeypatch.setattr(current().settings, "send_retry_schedule", waits)


@pytest.fixture
def short_schedule(app: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[float, ...]:
    use_schedule(monkeypatch, SHORT)
    return SHORT


@pytest.fixture
def refusing_smtp() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", REFUSING_SMTP, str(port)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield port
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def send_until_settled(runtime: Any, message_id: int) -> Message:
    """Run the outbound worker (with RQ's scheduler, which brings delayed retries back)
    until the message is sent or failed."""
    deadline = time.monotonic() + WAIT
    while True:
        run_outbound(runtime, with_scheduler=True)
        with unit_of_work() as session:
            message = session.get(Message, message_id)
            assert message is not None
            if message.send_status in ("sent", "failed"):
                return message
        assert time.monotonic() < deadline, f"still {message.send_status}: {message.send_error}"
        time.sleep(0.1)


def send_failed_events(case_id: int) -> list[CaseEvent]:
    with unit_of_work() as session:
        return list(session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "send_failed")))


def test_email_to_an_absent_smtp_server_gives_up_after_the_schedule(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, short_schedule: Any,
    monkeypatch: pytest.MonkeyPatch, captured_events: list[Any],
) -> None:
    case_id = email_case(client)
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INBOX_SMTP_PORT", str(free_port()))  # nothing listens there
    message_id = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                          json={"text": "Hi Zoë"}).json["id"]
    started = time.monotonic()
    message = send_until_settled(runtime, message_id)
    assert time.monotonic() - started >= len(SHORT)  # it waited between attempts
    assert (message.send_status, message.send_attempts) == ("failed", 4)
    assert message.send_error == ("gave up after 4 attempts: could not reach the SMTP "
                                  "server (ConnectionRefusedError)")
    assert Queue(OUTBOUND, connection=runtime.redis).scheduled_job_registry.count == 0
    statuses = [e.payload["send_status"] for e in captured_events
                if e.name == "message.updated"]
    assert statuses == ["sending", "pending"] * 3 + ["sending", "failed"]
    [event] = send_failed_events(case_id)
    assert event.data == {"message_id": message_id, "reason": message.send_error,
                          "attempts": 4}


def test_email_refused_for_now_by_the_smtp_server_gives_up_then_retry_sends_it(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, short_schedule: Any,
    refusing_smtp: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_id = email_case(client)
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INBOX_SMTP_PORT", str(refusing_smtp))
    api = api_as(agent_alice)
    message_id = api.post(f"/api/v1/cases/{case_id}/reply", json={"text": "Hi"}).json["id"]
    message = send_until_settled(runtime, message_id)
    assert (message.send_status, message.send_attempts) == ("failed", 4)
    assert message.send_error is not None
    assert message.send_error.startswith("gave up after 4 attempts: recipient refused")
    assert "451" in message.send_error and "try again later" in message.send_error

    # The mail server takes mail again: Retry by hand sends it, with a fresh count.
    port = free_port()
    monkeypatch.setenv("INBOX_SMTP_PORT", str(port))
    with SmtpReceiver(port=port, ready_timeout=WAIT) as smtp:
        retried = api.post(f"/api/v1/messages/{message_id}/retry")
        assert (retried.status_code, retried.json["send_status"]) == (202, "pending")
        message = send_until_settled(runtime, message_id)
    assert (message.send_status, message.send_attempts, message.send_error) == ("sent", 1, None)
    assert len(smtp.received) == 1
    with unit_of_work() as session:
        kinds = list(session.scalars(select(CaseEvent.kind).where(
            CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
    assert kinds[-3:] == ["send_failed", "send_retried", "agent_replied"]


def test_a_social_platform_answering_503_gives_up_after_the_schedule(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, short_schedule: Any,
    graph: SandboxPlatform,  # noqa: F811 - the fixture
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(503, {"error": "down"}))
    message_id = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                          json={"text": "Hi"}).json["id"]
    message = send_until_settled(runtime, message_id)
    assert (message.send_status, message.send_error) == (
        "failed", "gave up after 4 attempts: HTTP 503: down")
    assert len(graph.calls("POST")) == 4

    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    assert api_as(agent_alice).post(f"/api/v1/messages/{message_id}/retry").status_code == 202
    message = send_until_settled(runtime, message_id)
    assert (message.send_status, message.external_id) == ("sent", OUR_COMMENT_ID)


def test_a_platform_asking_for_an_hour_waits_no_longer_than_the_longest_wait(
    client: Any, api_as: Any, agent_alice: Any,
    graph: SandboxPlatform,  # noqa: F811 - the fixture
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments",
                 Reply(429, {"error": {"message": "slow down", "code": 4}},
                       {"Retry-After": "3600"}))
    message_id = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                          json={"text": "Hi"}).json["id"]
    assert outbound.send(message_id) == "retrying"
    assert outbound_messages()[0].send_error == (
        "attempt 1 of 4 failed: HTTP 429: slow down; retrying in 10 min")


def test_a_message_waiting_for_a_long_retry_is_not_taken_for_lost(
    app: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_schedule(monkeypatch, (3600.0,))
    assert outbound.lost_pending_after().total_seconds() == 3600 + 600


@pytest.mark.no_backends
@pytest.mark.parametrize(("raw", "expected"), [
    (None, (30.0, 120.0, 600.0)), ("", (30.0, 120.0, 600.0)), ("5, 60", (5.0, 60.0)),
    ("1.5", (1.5,)),
])
def test_the_retry_schedule_setting(raw: str | None, expected: tuple[float, ...]) -> None:
    assert send_retry_schedule(raw) == expected


@pytest.mark.no_backends
@pytest.mark.parametrize("raw", ["soon", "30,,60", "0", "0.5", "-5", "100000", "nan"])
def test_a_bad_retry_schedule_names_the_setting(raw: str) -> None:
    with pytest.raises(ConfigError, match="INBOX_SEND_RETRY_SCHEDULE"):
        send_retry_schedule(raw)
