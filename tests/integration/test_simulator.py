"""`inbox simulate`: every provider, correctly signed, through the real webhook endpoints."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from inbox.models import Case, Channel, Delivery, Message
from inbox.services import unit_of_work
from inbox.services.admin.workspace import do_create_demo_workspace
from inbox.services.ingest.drain import drain
from inbox.simulator import plan, run_simulation
from tests.conftest import LiveServer, process_env

ALL_PROVIDERS = {"meta", "x", "mailgun", "email_raw", "voice", "generic"}
ALL_KINDS = {"facebook", "instagram", "x", "email", "voice", "generic"}


@pytest.fixture
def demo(runtime: Any) -> None:
    with unit_of_work() as session:
        do_create_demo_workspace(session)


@pytest.fixture
def public_server(runtime: Any) -> Iterator[LiveServer]:
    """A web process whose INBOX_PUBLIC_URL is its own URL, as `inbox run` starts it:
    Twilio signs the public URL, so voice signatures only verify when they agree."""
    server = LiveServer(process_env(runtime))  # the port is chosen here...
    server.env["INBOX_PUBLIC_URL"] = server.url  # ...so the env can name it before start
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _not_2xx(report: Any) -> dict[str, dict[str, int]]:
    return {provider: {s: n for s, n in counts.items() if not s.startswith("2")}
            for provider, counts in report.statuses.items()
            if any(not s.startswith("2") for s in counts)}


@pytest.mark.slow
def test_simulation_is_accepted_by_every_endpoint_and_ingests_cleanly(
    demo: None, public_server: LiveServer
) -> None:
    report = run_simulation(public_server.url, rate=20, duration=5, seed=1234)

    assert set(report.statuses) == ALL_PROVIDERS, report.summary()
    assert _not_2xx(report) == {}, report.summary() + "\n" + public_server.output()[-3000:]
    assert not report.skipped and report.duplicates >= 1
    assert report.total_sent >= 60  # ~100 planned; a slow machine may fall a little behind
    summary = report.summary()
    assert all(provider in summary for provider in ALL_PROVIDERS)

    drain()
    with unit_of_work() as session:
        kinds_with_cases = set(session.scalars(
            select(Channel.kind).join(Case, Case.channel_id == Channel.id).distinct()))
        bad = session.execute(select(Delivery.id, Delivery.provider, Delivery.state,
                                     Delivery.error)
                              .where(Delivery.state.in_(("failed", "unmatched", "pending"))))
        bad_rows = [tuple(row) for row in bad]
        outcomes = [d.outcome.get("messages", {}) for d in session.scalars(select(Delivery))]
        message_count = session.scalar(select(func.count(Message.id))) or 0
        threaded = session.scalar(
            select(func.count()).select_from(
                select(Message.case_id).where(Message.case_id.is_not(None))
                .group_by(Message.case_id).having(func.count(Message.id) > 1).subquery()))
    assert kinds_with_cases == ALL_KINDS
    assert bad_rows == []
    taken_in = sum(sum(counts.values()) for counts in outcomes)
    duplicates = sum(counts.get("duplicate", 0) for counts in outcomes)
    # Exact re-sends were deduplicated: fewer messages than messages delivered.
    assert duplicates >= 1 and message_count == taken_in - duplicates < taken_in
    assert (threaded or 0) >= 1  # replies joined their threads' cases


@pytest.mark.no_backends
def test_same_seed_plans_the_same_deliveries() -> None:
    first, again, other = plan(42, 300), plan(42, 300), plan(43, 300)
    assert first == again
    assert first != other
    assert {item.provider for item in first} == ALL_PROVIDERS
    labels = Counter(item.label for item in first)
    for wanted in ("fb:comment", "fb:reply", "fb:post", "fb:dm", "ig:comment", "ig:reply",
                   "ig:dm", "x:mention", "x:reply", "x:quote", "x:dm", "email:mailgun",
                   "email:raw", "voice:missed", "voice:voicemail", "generic:review",
                   "generic:forum", "generic:mention"):
        assert labels[wanted] > 0, wanted
    duplicates = [item for item in first if item.duplicate]
    originals = {(item.path, item.body, item.form) for item in first if not item.duplicate}
    assert 3 <= len(duplicates) <= 40
    assert all((d.path, d.body, d.form) in originals for d in duplicates)
    assert [item.at for item in first] == sorted(item.at for item in first)


@pytest.mark.no_backends
def test_plan_replies_point_at_earlier_simulated_items() -> None:
    items = plan(5, 400)
    tweets: set[str] = set()
    replied_in_thread = 0
    for item in items:
        if item.provider != "x" or item.body is None:
            continue
        for tweet in json.loads(item.body).get("tweet_create_events", []):
            parent = tweet.get("in_reply_to_status_id_str")
            if parent in tweets:
                replied_in_thread += 1
            tweets.add(tweet["id_str"])
            if not tweet["is_quote_status"]:  # some quotes only talk about the brand
                assert tweet["entities"]["user_mentions"], "addressed to the brand"
    assert replied_in_thread >= 5
    mails = [dict(item.form or ()) for item in items if item.provider == "mailgun"]
    ids = {m["Message-Id"] for m in mails}
    assert any(m.get("In-Reply-To") in ids for m in mails)
    bursts = Counter(item.topic for item in items if item.topic)
    assert bursts and all(count >= 5 for count in bursts.values())


@pytest.mark.slow
def test_a_kind_without_a_channel_is_skipped_and_reported(
    demo: None, public_server: LiveServer
) -> None:
    with unit_of_work() as session:
        session.execute(delete(Channel).where(Channel.kind == "voice"))
    report = run_simulation(public_server.url, rate=10, duration=1.5, seed=7)
    assert "voice" in report.skipped
    assert "voice" not in report.statuses
    assert "skipped voice" in report.summary()
    assert _not_2xx(report) == {}
    assert set(report.statuses) == ALL_PROVIDERS - {"voice"}


def test_an_unreachable_service_is_counted_not_raised(demo: None) -> None:
    from tests.conftest import free_port

    report = run_simulation(f"http://127.0.0.1:{free_port()}", rate=20, duration=1.2, seed=3)
    errors = sum(counts.get("connection error", 0) for counts in report.statuses.values())
    assert errors >= 10 and report.total_sent == 0
    assert report.retried >= 1  # failed deliveries come back later
    assert "connection error" in report.summary()


@pytest.mark.no_backends
def test_every_planned_delivery_verifies_and_parses_with_the_service_adapters() -> None:
    """The adapters' own verify() accepts each signature, and parse() finds our channels."""
    import time
    from urllib.parse import parse_qsl

    from inbox.channels.inbound import InboundRequest, ProviderSecrets
    from inbox.channels.registry import adapter_for
    from inbox.config import load_settings
    from inbox.simulator import Target
    from inbox.simulator.plan import demo_targets
    from inbox.simulator.runner import sign

    settings = load_settings()
    targets = {kind: Target(t.kind, t.channel_id, t.external_id, t.name, secret=f"s-{kind}")
               for kind, t in demo_targets().items()}
    public = "https://inbox.example.com"
    ours = {t.external_id for t in targets.values() if t.external_id}
    for item in plan(11, 250, targets=targets):
        body, headers = sign(item, settings, targets, public, time.time())
        lower = {k.lower(): v for k, v in headers.items()}
        form = dict(parse_qsl(body.decode(), keep_blank_values=True)) if item.form else {}
        request = InboundRequest("POST", public + item.path, lower, body, form=form)
        kind = {"generic": "generic", "email_raw": "email"}.get(item.provider)
        secrets = ProviderSecrets(
            meta_app_secret=settings.meta_app_secret, x_consumer_secret=settings.x_consumer_secret,
            twilio_auth_token=settings.twilio_auth_token,
            mailgun_signing_key=settings.mailgun_signing_key,
            channel_secret=targets[kind].secret if kind else "")
        adapter = adapter_for(item.provider)
        adapter.verify(request, secrets)  # raises VerificationFailed when wrong
        result = adapter.parse(body, lower)
        assert result.messages or result.ignored, item.label
        assert set(result.channel_external_ids) <= ours, item.label


def test_an_endless_run_ends_cleanly_on_ctrl_c(demo: None, monkeypatch: Any) -> None:
    from inbox.simulator import runner

    calls: list[str] = []

    def fake_post(http: Any, url: str, body: bytes, headers: dict[str, str]) -> str:
        calls.append(url)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return "200"

    monkeypatch.setattr(runner, "_post", fake_post)
    report = run_simulation("http://127.0.0.1:9", rate=200, duration=0, seed=1)
    assert report.interrupted and report.total_sent == 5
    assert "stopped by Ctrl-C" in report.summary()
