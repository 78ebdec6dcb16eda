"""Outbound event webhooks for real: an admin subscribes through the API, a case arrives
through a signed generic webhook, the outbound worker POSTs the signed event to a local
HTTP recorder; failures retry with the same delivery id and back off, then give up after
24 h (a moved clock); a killed worker or a lost job loses nothing; replay sends again."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import signal
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import AdminChange, Channel, EventDelivery, utcnow
from inbox.runtime import unit_of_work
from inbox.sandbox import Reply, SandboxPlatform
from inbox.services.event_webhooks import sending
from inbox.services.event_webhooks.sending import retry_wait
from inbox.services.ingest.drain import drain
from tests.conftest import LiveProcess, process_env, wait_until
from tests.factories import make_channel
from tests.integration.test_outbound import run_outbound
from tests.signing import generic_headers

HOOK = "/hooks/inbox"
SOURCE_SECRET = "reviews-source-signing-secret"


@pytest.fixture
def recorder() -> Iterator[SandboxPlatform]:
    """The integrator's endpoint: records every request, answers as scripted."""
    with SandboxPlatform() as fake:
        fake.script("POST", HOOK, Reply(200, {"ok": True}))
        yield fake


def subscribe(admin: Any, url: str, events: list[str], **more: Any) -> dict[str, Any]:
    created = admin.post("/api/v1/event-subscriptions",
                         json={"url": url, "events": events, **more})
    assert created.status_code == 201, created.json
    return dict(created.json)


def case_arrives(client: Any, admin: Any, item_id: str = "rev-1") -> None:
    """A review through a generic source's signed webhook, ingested into a case."""
    with unit_of_work(read_only=True) as session:
        channel_id = session.scalar(select(Channel.id))
    if channel_id is None:
        channel_id = make_channel("generic", secret=SOURCE_SECRET).id
    body = json.dumps({"id": item_id, "type": "review", "text": "The refund never came",
                       "author": {"id": "reviewer-9", "name": "Reviewer Nine"}}).encode()
    posted = client.post(f"/webhooks/generic/{channel_id}", data=body,
                         headers=generic_headers(body, SOURCE_SECRET))
    assert posted.status_code == 200
    drain()


def deliveries() -> list[EventDelivery]:
    with unit_of_work(read_only=True) as session:
        return list(session.scalars(select(EventDelivery).order_by(EventDelivery.id)))


def verified(call: Any, secret: str) -> dict[str, Any]:
    """The body, once its signature checks out the way docs/event-webhooks.md says."""
    timestamp = call.headers["x-inbox-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + call.body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call.headers["x-inbox-signature"], f"sha256={expected}")
    return dict(call.json)


class Clock:
    """The sender's clock, moved by the test (the sweep and the job read it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = utcnow()
        monkeypatch.setattr(sending, "utcnow", lambda: self.now)

    def move(self, by: timedelta) -> datetime:
        self.now += by
        return self.now


def send_due(runtime: Any) -> None:
    sending.sweep_due()
    run_outbound(runtime)


def test_a_new_case_reaches_the_subscriber_signed_and_the_log_says_delivered(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any,
        recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    created = subscribe(admin, recorder.url + HOOK, ["case.created"], description="CRM")
    secret = created["secret"]  # shown this once
    assert "secret" not in admin.get(f"/api/v1/event-subscriptions/{created['id']}").json
    case_arrives(client, admin)
    run_outbound(runtime)
    [call] = recorder.calls("POST", HOOK)
    body = verified(call, secret)
    assert call.headers["x-inbox-event"] == "case.created" == body["event"]
    assert call.headers["x-inbox-delivery"] == body["id"]
    assert body["data"]["id"] >= 1 and body["data"]["status"]
    [logged] = admin.get("/api/v1/event-deliveries").json
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == (
        "delivered", 1, 200)
    assert logged["delivery_id"] == body["id"]
    one = admin.get(f"/api/v1/event-deliveries/{logged['id']}").json
    assert one["payload"] == body["data"]


def test_a_wrong_secret_does_not_verify(runtime: Any, client: Any, api_as: Any,
                                        admin_ada: Any, recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    subscribe(admin, recorder.url + HOOK, ["case.created"])
    case_arrives(client, admin)
    run_outbound(runtime)
    [call] = recorder.calls("POST", HOOK)
    with pytest.raises(AssertionError):
        verified(call, "not-the-secret")


def test_unsubscribed_events_and_disabled_subscriptions_get_nothing(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any,
        recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    subscribe(admin, recorder.url + HOOK, ["sla.breached"])
    disabled = subscribe(admin, recorder.url + HOOK, ["case.created"], enabled=False)
    case_arrives(client, admin)
    run_outbound(runtime)
    assert deliveries() == [] and recorder.calls("POST", HOOK) == []
    # Enabled again, the next case reaches it (every process re-reads subscriptions).
    assert admin.patch(f"/api/v1/event-subscriptions/{disabled['id']}",
                       json={"enabled": True}).status_code == 200
    case_arrives(client, admin, "rev-2")
    run_outbound(runtime)
    assert [d.event for d in deliveries()] == ["case.created"]
    assert len(recorder.calls("POST", HOOK)) == 1


def test_the_backoff_doubles_from_30_seconds_with_jitter_up_to_two_hours() -> None:
    rng = random.Random(7)
    for attempt, base in ((1, 30), (2, 60), (3, 120), (4, 240), (9, 7200), (20, 7200)):
        for _ in range(20):
            wait = retry_wait(attempt, rng).total_seconds()
            assert base * 0.8 <= wait <= base * 1.2, (attempt, wait)
    assert len({retry_wait(1, rng) for _ in range(10)}) > 1  # jittered


def test_a_failing_endpoint_is_retried_with_the_same_id_then_given_up_after_24_hours(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any, recorder: SandboxPlatform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = api_as(admin_ada)
    recorder.script("POST", HOOK, Reply(503, {"error": "down for maintenance"}))
    subscribe(admin, recorder.url + HOOK, ["case.created"])
    case_arrives(client, admin)
    clock = Clock(monkeypatch)  # from now on
    run_outbound(runtime)
    [row] = deliveries()
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, 503)
    assert row.next_attempt_at is not None
    first_wait = (row.next_attempt_at - clock.now).total_seconds()
    assert 24 <= first_wait <= 36
    send_due(runtime)  # not due yet: nothing sent
    assert len(recorder.calls("POST", HOOK)) == 1
    clock.move(timedelta(seconds=first_wait + 1))
    send_due(runtime)
    [row] = deliveries()
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.next_attempt_at is not None
    assert 48 <= (row.next_attempt_at - clock.now).total_seconds() <= 72
    while row.status == "failed":  # every retry as it falls due, over the day
        assert row.next_attempt_at is not None
        clock.now = row.next_attempt_at + timedelta(seconds=1)
        send_due(runtime)
        [row] = deliveries()
        assert row.attempts < 40
    assert row.status == "given_up" and row.first_attempt_at is not None
    assert clock.now - row.first_attempt_at <= timedelta(hours=24)
    assert clock.now - row.first_attempt_at >= timedelta(hours=20)
    calls = recorder.calls("POST", HOOK)
    assert len(calls) == row.attempts
    assert {c.headers["x-inbox-delivery"] for c in calls} == {row.delivery_id}
    assert len({c.body for c in calls}) == 1  # the same body on every attempt
    clock.move(timedelta(days=2))
    send_due(runtime)
    assert len(recorder.calls("POST", HOOK)) == row.attempts  # given up is final


def test_replay_sends_the_same_delivery_again_and_is_audited(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any,
        recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    recorder.script("POST", HOOK, Reply(500))
    subscribe(admin, recorder.url + HOOK, ["case.created"])
    case_arrives(client, admin)
    run_outbound(runtime)
    [failed] = admin.get("/api/v1/event-deliveries?status=failed").json
    recorder.script("POST", HOOK, Reply(204))
    replayed = admin.post(f"/api/v1/event-deliveries/{failed['id']}/replay")
    assert replayed.status_code == 202 and replayed.json["status"] == "pending"
    run_outbound(runtime)
    [done] = admin.get("/api/v1/event-deliveries?status=delivered").json
    assert done["delivery_id"] == failed["delivery_id"] and done["attempts"] == 2
    calls = recorder.calls("POST", HOOK)
    assert [c.headers["x-inbox-delivery"] for c in calls] == [failed["delivery_id"]] * 2
    with unit_of_work(read_only=True) as session:
        actions = list(session.scalars(select(AdminChange.action).order_by(AdminChange.id)))
    assert "event_delivery.replay" in actions
    assert admin.post("/api/v1/event-deliveries/9999/replay").status_code == 404


def test_ping_sends_a_test_event(runtime: Any, api_as: Any, admin_ada: Any,
                                 recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    created = subscribe(admin, recorder.url + HOOK, ["case.updated"])
    assert admin.post(f"/api/v1/event-subscriptions/{created['id']}/ping").status_code == 202
    run_outbound(runtime)
    [call] = recorder.calls("POST", HOOK)
    assert verified(call, created["secret"])["event"] == "ping"
    rotated = admin.post(f"/api/v1/event-subscriptions/{created['id']}/rotate-secret")
    assert rotated.status_code == 200
    admin.post(f"/api/v1/event-subscriptions/{created['id']}/ping")
    run_outbound(runtime)
    last = recorder.calls("POST", HOOK)[-1]
    assert verified(last, rotated.json["secret"])["event"] == "ping"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest",
                                 "http://10.0.0.8/hook", "http://[::1]/hook", "ftp://x.example/"])
def test_private_and_odd_urls_are_refused_at_save_naming_url(
        runtime: Any, api_as: Any, admin_ada: Any, monkeypatch: pytest.MonkeyPatch,
        url: str) -> None:
    monkeypatch.setenv("INBOX_OUTBOUND_ALLOW", "")
    admin = api_as(admin_ada)
    refused = admin.post("/api/v1/event-subscriptions", json={"url": url,
                                                              "events": ["case.created"]})
    assert refused.status_code == 422, refused.json
    assert "url" in json.dumps(refused.json["error"])
    assert admin.get("/api/v1/event-subscriptions").json == []


def test_bad_input_is_a_422_naming_the_field(runtime: Any, api_as: Any, admin_ada: Any,
                                             agent_alice: Any,
                                             recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    for body, field in (({"url": recorder.url, "events": ["case.exploded"]}, "events"),
                        ({"url": recorder.url, "events": []}, "events"),
                        ({"events": ["case.created"]}, "url")):
        answer = admin.post("/api/v1/event-subscriptions", json=body)
        assert answer.status_code == 422 and field in json.dumps(answer.json), answer.json
    assert admin.get("/api/v1/event-deliveries?colour=red").status_code == 422
    assert admin.get("/api/v1/event-subscriptions/77").status_code == 404
    assert api_as(agent_alice).get("/api/v1/event-subscriptions").status_code == 403


def test_a_url_that_became_private_is_refused_at_send(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any, recorder: SandboxPlatform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = api_as(admin_ada)
    subscribe(admin, recorder.url + HOOK, ["case.created"])
    monkeypatch.setenv("INBOX_OUTBOUND_ALLOW", "")  # the operator narrowed the allow list
    case_arrives(client, admin)
    run_outbound(runtime)
    [row] = deliveries()
    assert row.status == "failed" and "loopback" in (row.last_error or "")
    assert recorder.calls("POST", HOOK) == []


def test_secrets_are_masked_in_the_audit(runtime: Any, api_as: Any, admin_ada: Any,
                                         recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    created = subscribe(admin, recorder.url + HOOK, ["case.created"])
    admin.post(f"/api/v1/event-subscriptions/{created['id']}/rotate-secret")
    assert admin.delete(f"/api/v1/event-subscriptions/{created['id']}").status_code == 204
    with unit_of_work(read_only=True) as session:
        changes = list(session.scalars(select(AdminChange).order_by(AdminChange.id)))
    assert [c.action for c in changes][-3:] == [
        "event_subscription.create", "event_subscription.rotate_secret",
        "event_subscription.delete"]
    assert created["secret"] not in json.dumps([c.changes for c in changes])
    assert changes[-3].changes["secret"] == [None, "set"]


def test_a_rolled_back_change_sends_nothing(runtime: Any, api_as: Any, admin_ada: Any,
                                            recorder: SandboxPlatform) -> None:
    from inbox.realtime.publish import publish

    subscribe(api_as(admin_ada), recorder.url + HOOK, ["sla.breached"])
    with pytest.raises(RuntimeError), unit_of_work() as session:
        publish(session, "sla.breached", {"case_id": 1, "target": "resolution",
                                          "due_at": utcnow().isoformat(), "queue_id": None},
                ["supervisors"])
        raise RuntimeError("the change failed")
    assert deliveries() == []
    with unit_of_work() as session:
        publish(session, "sla.breached", {"case_id": 1, "target": "resolution",
                                          "due_at": utcnow().isoformat(), "queue_id": None},
                ["supervisors"])
    assert [d.event for d in deliveries()] == ["sla.breached"]


def test_a_lost_job_is_sent_by_the_sweep(runtime: Any, client: Any, api_as: Any,
                                         admin_ada: Any, recorder: SandboxPlatform) -> None:
    admin = api_as(admin_ada)
    subscribe(admin, recorder.url + HOOK, ["case.created"])
    case_arrives(client, admin)
    runtime.redis.flushdb()  # the queued job is gone; the row is not
    run_outbound(runtime)
    assert recorder.calls("POST", HOOK) == [] and deliveries()[0].status == "pending"
    send_due(runtime)
    [call] = recorder.calls("POST", HOOK)
    assert deliveries()[0].status == "delivered"
    assert call.headers["x-inbox-delivery"] == deliveries()[0].delivery_id


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """Accepts connections and never answers: an attempt hangs until killed."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}{HOOK}"


def test_an_attempt_cut_short_by_a_killed_worker_is_sent_after_its_lease(
        runtime: Any, client: Any, api_as: Any, admin_ada: Any, recorder: SandboxPlatform,
        silent_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = api_as(admin_ada)
    created = subscribe(admin, silent_endpoint, ["case.created"])
    case_arrives(client, admin)
    worker = LiveProcess(["worker", "outbound"], process_env(runtime)).start()
    wait_until(lambda: deliveries()[0].attempts == 1, "the worker to take the delivery")
    assert worker.process is not None
    os.killpg(worker.process.pid, signal.SIGKILL)  # mid-send, as the OOM killer would
    worker.stop()
    [row] = deliveries()
    assert row.status == "pending" and row.next_attempt_at is not None
    assert admin.patch(f"/api/v1/event-subscriptions/{created['id']}",
                       json={"url": recorder.url + HOOK}).status_code == 200
    clock = Clock(monkeypatch)
    send_due(runtime)  # still within the lease: the attempt may yet be under way
    assert recorder.calls("POST", HOOK) == []
    clock.now = row.next_attempt_at + timedelta(seconds=1)
    send_due(runtime)
    [call] = recorder.calls("POST", HOOK)
    assert call.headers["x-inbox-delivery"] == row.delivery_id
    [row] = deliveries()
    assert (row.status, row.attempts) == ("delivered", 2)
    with unit_of_work(read_only=True) as session:
        assert session.scalar(select(func.count()).select_from(EventDelivery)) == 1


def test_the_sla_sweep_s_warning_and_breach_reach_their_subscriber(
        runtime: Any, api_as: Any, admin_ada: Any, recorder: SandboxPlatform) -> None:
    from inbox.services.sla.sweep import sweep
    from tests.factories import make_case, make_queue

    created = subscribe(api_as(admin_ada), recorder.url + HOOK, ["sla.warning", "sla.breached"])
    past = utcnow() - timedelta(minutes=5)
    case = make_case(make_queue(), sla_warn_at=past, sla_due_at=past,
                     resolution_due_at=past)
    assert sweep() >= 1
    run_outbound(runtime)
    bodies = [verified(c, created["secret"]) for c in recorder.calls("POST", HOOK)]
    assert sorted(b["event"] for b in bodies) == ["sla.breached", "sla.warning"]
    assert {b["data"]["case_id"] for b in bodies} == {case.id}
