"""Sending: the outbound job calls the platform, records the outcome, retries and resyncs
with the echo that comes back through the webhook (docs/sending.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import func, select

from inbox.channels.generic import verify_inbox_signature
from inbox.channels.inbound import InboundRequest
from inbox.jobs import OUTBOUND
from inbox.models import Case, CaseEvent, Message
from inbox.sandbox import Reply, SandboxPlatform, SmtpReceiver
from inbox.services import unit_of_work
from inbox.services.ingest.drain import process_batch
from inbox.services.sending import outbound
from tests.conftest import WAIT, LiveProcess, free_port, process_env
from tests.factories import make_queue
from tests.fakes.conversations import connect_channel, seed_conversation
from tests.signing import generic_headers, meta_headers
from workers.healing import PromptWorker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_ID = "104859392837465"
COMMENT_ID = "913374650012345_1203948576"  # feed_comment__basic
OUR_COMMENT_ID = "913374650012345_1203948650"  # feed_comment__page_echo answers it
PAGE_TOKEN = "EAAB-page-token-for-tests"


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxPlatform]:
    with SandboxPlatform() as platform:
        monkeypatch.setenv("INBOX_META_API_URL", platform.url + "/v21.0")
        monkeypatch.setenv("INBOX_X_API_URL", platform.url)
        monkeypatch.setenv("INBOX_TWILIO_API_URL", platform.url)
        yield platform


def run_outbound(runtime: Any, *, with_scheduler: bool = False) -> None:
    """What `inbox worker outbound` does, in this process so captured_events sees it."""
    queue = Queue(OUTBOUND, connection=runtime.redis)
    PromptWorker([queue], connection=runtime.redis).work(
        burst=True, with_scheduler=with_scheduler, logging_level="WARNING")


def deliver_meta(client: Any, fixture: str) -> None:
    body = (FIXTURES / "meta" / fixture).read_bytes()
    assert client.post("/webhooks/meta", data=body, headers=meta_headers(body)).status_code == 200
    process_batch()


def facebook_case(client: Any) -> int:
    make_queue("Social care")
    connect_channel("facebook", PAGE_ID, secrets={"access_token": PAGE_TOKEN})
    deliver_meta(client, "feed_comment__basic.json")
    with unit_of_work() as session:
        return session.scalars(select(Case.id)).one()


def email_case(client: Any) -> int:
    """Zoë's email (a reply in a thread) to the Acme Support mailbox, as an open case."""
    make_queue("Email")
    channel = connect_channel("email", "support@acme.example", name="Acme Support")
    raw = (FIXTURES / "email_raw" / "message__reply.eml").read_bytes()
    headers = {**generic_headers(raw, "test-channel-secret"), "Content-Type": "message/rfc822"}
    assert client.post(f"/webhooks/email/raw/{channel.id}", data=raw,
                       headers=headers).status_code == 200
    process_batch()
    with unit_of_work() as session:
        return session.scalars(select(Case.id)).one()


def outbound_messages() -> list[Message]:
    with unit_of_work() as session:
        return list(session.scalars(select(Message).where(Message.direction == "out")
                                    .order_by(Message.id)))


def test_public_facebook_reply_calls_the_graph_api_and_turns_sent(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
    captured_events: list[Any],
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    created = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                       json={"text": "Yes, 9am to 5pm on Sundays!"})
    assert created.status_code == 201
    run_outbound(runtime)

    [call] = graph.calls("POST")
    assert call.path == f"/v21.0/{COMMENT_ID}/comments"
    assert call.headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    assert call.json == {"message": "Yes, 9am to 5pm on Sundays!"}
    [message] = outbound_messages()
    assert (message.id, message.send_status, message.external_id, message.send_attempts) == (
        created.json["id"], "sent", OUR_COMMENT_ID, 1)
    updates = [e for e in captured_events if e.name == "message.updated"]
    assert [e.payload["send_status"] for e in updates] == ["sending", "sent"]
    assert all(f"case:{case_id}" in e.rooms and "supervisors" in e.rooms for e in updates)
    assert updates[-1].payload == {"id": message.id, "case_id": case_id,
                                   "send_status": "sent", "send_error": None}


def test_the_webhook_echo_of_a_sent_reply_is_not_stored_twice(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "Yes!"})
    run_outbound(runtime)
    deliver_meta(client, "feed_comment__page_echo.json")
    [message] = outbound_messages()
    assert message.external_id == OUR_COMMENT_ID and message.author_id == agent_alice.id


def test_an_echo_arriving_before_the_send_is_recorded_merges_into_the_reply(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    reply_id = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                        json={"text": "Yes!"}).json["id"]
    deliver_meta(client, "feed_comment__page_echo.json")  # Meta can be that fast
    assert len(outbound_messages()) == 2
    run_outbound(runtime)
    [message] = outbound_messages()
    assert (message.id, message.external_id, message.send_status) == (
        reply_id, OUR_COMMENT_ID, "sent")


def test_messenger_reply_goes_to_the_customers_page_scoped_id_and_dedups_its_echo(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    make_queue("Social care")
    connect_channel("facebook", PAGE_ID, secrets={"access_token": PAGE_TOKEN})
    deliver_meta(client, "messenger_message__text.json")
    with unit_of_work() as session:
        case_id = session.scalars(select(Case.id)).one()
    graph.script("POST", "/v21.0/me/messages", Reply(200, {
        "recipient_id": "7034512345678901", "message_id": "m_ZWNob01lc3NhZ2VJRC00NDEy"}))
    created = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                       json={"text": "Sorry! Checking #4412 now."})
    assert created.json["visibility"] == "private"
    run_outbound(runtime)
    [call] = graph.calls("POST")
    # The customer wrote on 1 January: outside the 24 h window only a human agent may answer.
    assert call.json == {"recipient": {"id": "7034512345678901"},
                         "message": {"text": "Sorry! Checking #4412 now."},
                         "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    assert call.headers["authorization"] == f"Bearer {PAGE_TOKEN}"
    deliver_meta(client, "messenger_message__echo.json")
    [message] = outbound_messages()
    assert (message.send_status, message.external_id) == ("sent", "m_ZWNob01lc3NhZ2VJRC00NDEy")


def test_rate_limited_send_waits_for_retry_after_then_succeeds(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments",
                 Reply(429, {"error": {"message": "Calls to this api have exceeded the rate "
                                       "limit.", "code": 613}}, {"Retry-After": "1"}),
                 Reply(200, {"id": OUR_COMMENT_ID}))
    api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "On it"})
    run_outbound(runtime)
    [waiting] = outbound_messages()
    assert waiting.send_status == "pending" and waiting.send_attempts == 1
    assert "HTTP 429" in (waiting.send_error or "") and "retrying in 1 s" in (
        waiting.send_error or "")
    scheduled = Queue(OUTBOUND, connection=runtime.redis).scheduled_job_registry
    assert scheduled.count == 1

    time.sleep(1.2)
    run_outbound(runtime, with_scheduler=True)  # the scheduler moves the due job back in
    [message] = outbound_messages()
    assert (message.send_status, message.send_attempts, message.send_error) == ("sent", 2, None)
    assert len(graph.calls("POST")) == 2


def test_client_error_fails_with_the_platforms_reason_and_retry_sends_it(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments",
                 Reply(400, {"error": {"message": "(#100) Invalid parameter", "code": 100}}),
                 Reply(200, {"id": OUR_COMMENT_ID}))
    api = api_as(agent_alice)
    message_id = api.post(f"/api/v1/cases/{case_id}/reply", json={"text": "Hi"}).json["id"]
    run_outbound(runtime)
    [failed] = outbound_messages()
    assert (failed.send_status, failed.send_error) == (
        "failed", "HTTP 400: (#100) Invalid parameter")
    assert Queue(OUTBOUND, connection=runtime.redis).scheduled_job_registry.count == 0

    retried = api.post(f"/api/v1/messages/{message_id}/retry")
    assert retried.status_code == 202
    assert (retried.json["send_status"], retried.json["send_error"]) == ("pending", None)
    run_outbound(runtime)
    [message] = outbound_messages()
    assert (message.send_status, message.send_attempts) == ("sent", 1)


def test_server_errors_give_up_after_the_default_schedule_of_four_attempts(
    client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(503, {"error": "down"}))
    message_id = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                          json={"text": "Hi"}).json["id"]
    assert outbound.send(message_id) == "retrying"
    assert outbound_messages()[0].send_error == (
        "attempt 1 of 4 failed: HTTP 503: down; retrying in 30 s")
    outcomes = [outbound.send(message_id) for _ in range(3)]
    assert outcomes == ["retrying"] * 2 + ["failed"]
    [message] = outbound_messages()
    assert message.send_status == "failed"
    assert message.send_error == "gave up after 4 attempts: HTTP 503: down"
    assert outbound.send(message_id) == "skipped"  # a late duplicate job sends nothing


def test_first_sent_reply_stops_the_first_response_clock(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
    captured_events: list[Any],
) -> None:
    case_id = facebook_case(client)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.first_response_due_at = case.sla_due_at = case.created_at + timedelta(hours=1)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "Hello"})
    with unit_of_work() as session:
        assert session.get(Case, case_id).first_responded_at is None  # type: ignore[union-attr]
    run_outbound(runtime)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        event = session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "agent_replied")).one()
    assert case.first_responded_at is not None and case.first_response_met is True
    assert case.first_response_seconds is not None and case.sla_due_at is None
    assert event.actor_id == agent_alice.id
    assert any(e.name == "case.updated" and e.payload["change"] == "agent_replied"
               for e in captured_events)


def test_email_reply_is_threaded_and_its_echo_dedups(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_id = email_case(client)
    with unit_of_work() as session:
        channel_id = session.get(Case, case_id).channel_id  # type: ignore[union-attr]
    port = free_port()
    monkeypatch.setenv("INBOX_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INBOX_SMTP_PORT", str(port))
    with SmtpReceiver(port=port, ready_timeout=WAIT) as smtp:
        created = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                           json={"text": "Hi Zoë, a courier is on the way."})
        assert created.status_code == 201 and created.json["visibility"] == "private"
        run_outbound(runtime)
    [received] = smtp.received
    mail = received.message
    assert (received.mail_from, received.rcpt_tos) == ("support@acme.example",
                                                       ["zoe@example.net"])
    assert mail["In-Reply-To"] == "<CAF7reply.42@mail.example.net>"
    assert mail["References"].split() == ["<CAF7orig.1@mail.example.net>",
                                          "<ticket-4412.1767268000@support.acme.example>",
                                          "<CAF7reply.42@mail.example.net>"]
    assert mail["Subject"] == "Re: [Ticket #4412] Café order"
    assert mail["X-Inbox-Outbound"] == "1"
    assert mail["From"].addresses[0].addr_spec == "support@acme.example"
    assert mail.get_content().strip() == "Hi Zoë, a courier is on the way."
    [message] = outbound_messages()
    assert message.send_status == "sent"
    assert f"<{message.external_id}>" == mail["Message-ID"]

    # The mailbox sees our own mail too (Bcc, a route): it must not become a second message.
    echo_headers = {**generic_headers(received.data, "test-channel-secret"),
                    "Content-Type": "message/rfc822"}
    client.post(f"/webhooks/email/raw/{channel_id}", data=received.data, headers=echo_headers)
    process_batch()
    assert [m.id for m in outbound_messages()] == [message.id]


def x_mention_from_17() -> Any:
    """A public mention of the brand's X account (whose token is x-user-token) by user 17,
    as an open case in Social care."""
    queue = make_queue("Social care")
    channel = connect_channel("x", "2244994945", secrets={"bearer_token": "x-user-token"})
    return seed_conversation(channel, external_id="1880000000000000001", visibility="public",
                             kind="mention", thread_key="x:conv:1880000000000000001|by:17",
                             customer_id="17", queue=queue)


def test_x_public_reply_is_sent_by_the_outbound_worker_process(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    seeded = x_mention_from_17()
    graph.script("POST", "/2/tweets", Reply(201, {"data": {"id": "1880000000000000099",
                                                           "text": "We're on it"}}))
    api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                             json={"text": "We're on it"})
    worker = LiveProcess(["worker", "--burst", "outbound"], process_env(
        runtime, INBOX_X_API_URL=graph.url)).start()
    assert worker.wait(timeout=120) == 0, worker.output()
    [call] = graph.calls("POST")
    assert call.headers["authorization"] == "Bearer x-user-token"
    assert call.json == {"text": "We're on it",
                         "reply": {"in_reply_to_tweet_id": "1880000000000000001"}}
    [message] = outbound_messages()
    assert (message.send_status, message.external_id) == ("sent", "1880000000000000099")


def test_x_private_reply_is_a_direct_message_to_the_author(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    seeded = x_mention_from_17()
    graph.script("POST", "/2/dm_conversations/with/17/messages", Reply(201, {"data": {
        "dm_conversation_id": "17-2244994945", "dm_event_id": "1880000000000000777"}}))
    created = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                       json={"text": "Could you DM us your order number?",
                                             "visibility": "private"})
    assert created.status_code == 201
    run_outbound(runtime)
    [call] = graph.calls("POST")
    assert call.json == {"text": "Could you DM us your order number?"}
    [message] = outbound_messages()
    assert (message.kind, message.external_id) == ("dm", "1880000000000000777")


def test_generic_reply_is_posted_signed_to_the_sources_reply_url(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    queue = make_queue("Social care")
    channel = connect_channel("generic", None, name="Reviews",
                              settings={"reply_url": graph.url + "/replies"})
    seeded = seed_conversation(channel, external_id="rev-1", visibility="public", kind="review",
                               thread_key="generic:item:rev-1|by:u1", customer_id="u1",
                               queue=queue)
    graph.script("POST", "/replies", Reply(200, {"id": "answer-77"}))
    api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                             json={"text": "Thanks for the review"})
    run_outbound(runtime)
    [call] = graph.calls("POST")
    request = InboundRequest("POST", graph.url + "/replies", call.headers, call.body)
    verify_inbox_signature(request, "test-channel-secret", now=time.time(), key_prefix="t")
    assert call.json["in_reply_to"] == "rev-1" and call.json["public"] is True
    assert call.json["text"] == "Thanks for the review"
    [message] = outbound_messages()
    assert (message.send_status, message.external_id) == ("sent", "answer-77")


@pytest.mark.parametrize("redirect", [307, 302])
def test_a_reply_url_redirecting_inside_the_network_is_not_followed(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform, redirect: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The source's URL is allowed; where it redirects to (another local service) is not:
    nothing reaches that service and the agent sees why the reply failed."""
    with SandboxPlatform() as internal:
        monkeypatch.setenv("INBOX_OUTBOUND_ALLOW", graph.url.split("//", 1)[1])
        queue = make_queue("Social care")
        channel = connect_channel("generic", None, name="Reviews",
                                  settings={"reply_url": graph.url + "/replies"})
        seeded = seed_conversation(channel, external_id="rev-1", visibility="public",
                                   kind="review", thread_key="generic:item:rev-1|by:u1",
                                   customer_id="u1", queue=queue)
        graph.script("POST", "/replies",
                     Reply(redirect, headers={"Location": internal.url + "/admin"}))
        internal.script("POST", "/admin", Reply(200, {"id": "leaked"}))
        api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                 json={"text": "Thanks for the review"})
        run_outbound(runtime)
        assert len(graph.calls("POST")) == 1
        assert internal.calls("POST") == []
    [message] = outbound_messages()
    assert message.send_status == "failed"
    expected = "loopback address" if redirect == 307 else "redirect that would drop"
    assert expected in (message.send_error or ""), message.send_error


def test_voice_case_is_answered_by_sms_when_the_channel_sends_text_messages(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    queue = make_queue("Callbacks")
    channel = connect_channel("voice", "+15005550006", secrets={
        "account_sid": "AC0123", "auth_token": "twilio-token"}, settings={"sms_enabled": True})
    seeded = seed_conversation(channel, external_id="CA1:missed_call", visibility="private",
                               kind="missed_call", thread_key="voice:+14155550100",
                               customer_id="+14155550100", queue=queue)
    graph.script("POST", "/2010-04-01/Accounts/AC0123/Messages.json",
                 Reply(201, {"sid": "SM42"}))
    created = api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply",
                                       json={"text": "Sorry we missed you, call back at 3?"})
    assert (created.status_code, created.json["kind"]) == (201, "sms")
    run_outbound(runtime)
    [call] = graph.calls("POST")
    expected = "Basic " + base64.b64encode(b"AC0123:twilio-token").decode()
    assert call.headers["authorization"] == expected
    assert call.form == {"From": "+15005550006", "To": "+14155550100",
                         "Body": "Sorry we missed you, call back at 3?"}
    [message] = outbound_messages()
    assert (message.send_status, message.external_id) == ("sent", "SM42")


IG_ACCOUNT = "17841400000000001"


@pytest.mark.parametrize(("kind", "parent", "facts", "path", "body"), [
    ("comment", None, {}, "/v21.0/c1/replies", {"message": "Thanks!"}),
    # A reply to a reply goes to the top-level comment: Instagram allows no deeper thread.
    ("reply", "c0", {}, "/v21.0/c0/replies", {"message": "Thanks!"}),
    ("mention", "m1", {"media_id": "m1", "comment_id": "c9"}, f"/v21.0/{IG_ACCOUNT}/mentions",
     {"media_id": "m1", "comment_id": "c9", "message": "Thanks!"}),
])
def test_instagram_public_replies_use_the_replies_and_mentions_edges(
    runtime: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform, kind: str,
    parent: str | None, facts: dict[str, Any], path: str, body: dict[str, Any],
) -> None:
    channel = connect_channel("instagram", IG_ACCOUNT, secrets={"access_token": PAGE_TOKEN})
    seeded = seed_conversation(channel, external_id="c1", visibility="public", kind=kind,
                               thread_key="ig:media:m1|by:555", customer_id="555",
                               queue=make_queue(), parent_external_id=parent, facts=facts)
    graph.script("POST", path, Reply(200, {"id": "c100"}))
    api_as(agent_alice).post(f"/api/v1/cases/{seeded.case_id}/reply", json={"text": "Thanks!"})
    run_outbound(runtime)
    [call] = graph.calls("POST")
    assert (call.path, call.json) == (path, body)
    assert outbound_messages()[0].external_id == "c100"


def test_a_missing_page_token_fails_at_once_with_a_reason(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    make_queue("Social care")
    connect_channel("facebook", PAGE_ID)
    deliver_meta(client, "feed_comment__basic.json")
    with unit_of_work() as session:
        case_id = session.scalars(select(Case.id)).one()
    api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "Hi"})
    run_outbound(runtime)
    [message] = outbound_messages()
    assert message.send_status == "failed" and "access token" in (message.send_error or "")
    assert graph.calls() == []


@pytest.mark.no_backends
def test_mailgun_deliveries_are_re_read_for_their_threading_headers() -> None:
    from urllib.parse import urlencode

    from inbox.channels.senders.email import raw_headers, reply_context

    form = json.loads((FIXTURES / "mailgun" / "inbound__reply.json").read_text())
    body = urlencode(form).encode()
    headers = raw_headers("mailgun", body, "application/x-www-form-urlencoded")
    context = reply_context(headers, "CAF7reply.42@mail.example.net", [], None)
    assert context == {
        "recipient": "zoe@example.net", "recipient_name": "Zoë Martin",
        "in_reply_to": "CAF7reply.42@mail.example.net",
        "references": ["CAF7orig.1@mail.example.net",
                       "ticket-4412.1767268000@support.acme.example",
                       "CAF7reply.42@mail.example.net"]}


@pytest.mark.no_backends
@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), ("Thu, 26 Nov 2026 01:02:03 GMT", 63.0),
    ("Thu, 26 Nov 2026 00:00:00 GMT", 0.0), ("soon", None), (None, None),
])
def test_retry_after_is_seconds_or_an_http_date(value: str | None,
                                                expected: float | None) -> None:
    from inbox.channels.senders.http import retry_after_seconds

    now = datetime(2026, 11, 26, 1, 1, 0, tzinfo=UTC).timestamp()
    assert retry_after_seconds(value, now=now) == expected


@pytest.mark.no_backends
def test_signature_helper_matches_the_generic_inbound_check() -> None:
    from inbox.channels.senders.generic import signature_headers

    headers = signature_headers("s3cret", b"{}", timestamp=1767268800)
    expected = hmac.new(b"s3cret", b"1767268800.{}", hashlib.sha256).hexdigest()
    assert headers["X-Inbox-Signature"] == f"sha256={expected}"


def test_nothing_is_enqueued_for_a_refused_reply(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any,
) -> None:
    case_id = facebook_case(client)
    response = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply",
                                        json={"text": "x" * 8001})
    assert response.status_code == 422
    assert Queue(OUTBOUND, connection=runtime.redis).count == 0
    with unit_of_work() as session:
        assert session.scalar(select(func.count(Message.id)).where(
            Message.direction == "out")) == 0


def test_sweep_requeues_a_lost_job_and_fails_a_send_cut_short(
    runtime: Any, client: Any, api_as: Any, agent_alice: Any, graph: SandboxPlatform,
) -> None:
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    lost = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "On it!"})
    cut = api_as(agent_alice).post(f"/api/v1/cases/{case_id}/reply", json={"text": "Done."})
    runtime.redis.flushdb()  # both jobs are gone
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    with unit_of_work() as session:
        for message in session.scalars(select(Message).where(Message.direction == "out")):
            message.send_state_at = long_ago
            if message.id == cut.json["id"]:
                message.send_status = "sending"  # as a worker killed mid-call leaves it
    assert outbound.sweep_stuck() == {"requeued": 1, "interrupted": 1}
    run_outbound(runtime)
    statuses = {m.id: (m.send_status, m.send_error) for m in outbound_messages()}
    assert statuses[lost.json["id"]] == ("sent", None)
    assert statuses[cut.json["id"]][0] == "failed"
    assert "interrupted" in (statuses[cut.json["id"]][1] or "")
    with unit_of_work() as session:  # the case's record says so too
        [event] = session.scalars(select(CaseEvent).where(CaseEvent.kind == "send_failed"))
    assert event.data["message_id"] == cut.json["id"]
    assert len(graph.calls("POST")) == 1  # the interrupted one is not posted twice


def test_rule_acknowledges_automatically_once_per_contact_and_window(
    runtime: Any, client: Any, api_as: Any, supervisor_sam: Any, graph: SandboxPlatform,
) -> None:
    api_as(supervisor_sam).post("/api/v1/rules", json={
        "name": "Say we have it", "stop_processing": False, "conditions": {},
        "actions": [{"type": "auto_acknowledge",
                     "template": "Thanks {{contact.first_name}}, we are on it."}]})
    case_id = facebook_case(client)
    graph.script("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(200, {"id": OUR_COMMENT_ID}))
    run_outbound(runtime)
    [ack] = outbound_messages()
    assert ack.author_id is None and ack.case_id == case_id and ack.send_status == "sent"
    assert ack.text == "Thanks Zoë, we are on it."
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.first_responded_at is None  # an automatic note is not an answer
        kinds = list(session.scalars(select(CaseEvent.kind).where(
            CaseEvent.case_id == case_id)))
    assert "auto_acknowledged" in kinds
    from inbox.services.sending.acknowledgements import do_acknowledge

    with unit_of_work() as session:  # the same customer again, within the window
        case = session.get(Case, case_id)
        assert case is not None
        assert do_acknowledge(session, case, "Thanks again!") is None
    assert len(outbound_messages()) == 1
