"""Webhook to case: verified, durable, deduplicated, threaded, enriched, published."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import Case, CaseEvent, Contact, Delivery, Message, utcnow
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.conftest import ROOT, process_env
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers, meta_headers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECRET = "test-channel-secret"


def item(item_id: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": item_id, "type": "review", "text": text,
            "author": {"id": "u-1", "name": "Pat Reviewer", "followers": 120}, **extra}


def post_generic(client: Any, channel_id: int, payload: Any, secret: str = SECRET,
                 timestamp: int | None = None) -> Any:
    body = compact(payload)
    return client.post(f"/webhooks/generic/{channel_id}", data=body,
                       headers=generic_headers(body, secret, timestamp))


def counts() -> tuple[int, int, int]:
    with unit_of_work() as session:
        return (session.scalar(select(func.count(Message.id))) or 0,
                session.scalar(select(func.count(Case.id))) or 0,
                session.scalar(select(func.count(Delivery.id))) or 0)


@pytest.fixture
def reviews(runtime: Any) -> Any:
    make_queue("Social care")
    return make_channel("generic", "Reviews", secret=SECRET)


def test_signed_generic_item_becomes_one_queued_case(
    client: Any, reviews: Any, captured_events: list[Any]
) -> None:
    text = "Terrible service, my parcel is lost and nobody helps."
    response = post_generic(client, reviews.id, item("r-1", text))
    assert response.status_code == 200
    assert response.json["status"] == "accepted"
    assert drain() == 1
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        message = session.scalars(select(Message)).one()
        contact = session.get(Contact, case.contact_id)
    assert case.status == "queued" and case.queue_id is not None
    assert message.case_id == case.id and message.intent == "complaint"
    assert message.sentiment is not None and message.sentiment < 0
    assert contact is not None and contact.display_name == "Pat Reviewer"
    names = [e.name for e in captured_events]
    assert "case.created" in names and "message.created" in names
    # Announced with the version it was stored with (a desk compares versions).
    assert {e.payload["version"] for e in captured_events
            if e.name.startswith("case.")} == {case.version}


def test_delivery_is_stored_before_it_is_parsed(client: Any, reviews: Any) -> None:
    post_generic(client, reviews.id, item("r-1", "Where is my refund?"))
    with unit_of_work() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert delivery.state == "pending" and delivery.verified
    assert json.loads(delivery.body)["id"] == "r-1"
    assert counts()[:2] == (0, 0)


def test_accepted_answer_is_what_jsonify_gives(app: Any, client: Any, reviews: Any) -> None:
    """The accepted answer is formatted by hand (the hot path): same bytes, same headers."""
    from flask import jsonify

    response = post_generic(client, reviews.id, item("r-1", "Where is my refund?"))
    with app.app_context():
        expected = jsonify({"status": "accepted", "delivery_id": response.json["delivery_id"]})
    assert response.status_code == 200
    assert response.get_data() == expected.get_data()
    assert response.headers["Content-Type"] == expected.headers["Content-Type"]
    assert response.headers["Content-Length"] == expected.headers["Content-Length"]


def test_bad_signature_is_401_and_nothing_is_stored(client: Any, reviews: Any) -> None:
    response = post_generic(client, reviews.id, item("r-1", "hi"), secret="wrong-secret-value")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "verification_failed"
    assert counts() == (0, 0, 0)
    from inbox.services.ingest.deliveries import failed_verification_counts

    assert failed_verification_counts()["generic"] == 1


def test_stale_timestamp_is_rejected_as_a_replay(client: Any, reviews: Any) -> None:
    response = post_generic(client, reviews.id, item("r-1", "hi"),
                            timestamp=int(time.time()) - 301)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "verification_failed"
    assert counts() == (0, 0, 0)


def test_unknown_channel_id_is_404(client: Any, reviews: Any) -> None:
    assert post_generic(client, reviews.id + 999, item("r-1", "hi")).status_code == 404


def test_missing_required_field_is_422_naming_it_and_the_delivery_is_kept(
    client: Any, reviews: Any
) -> None:
    response = post_generic(client, reviews.id, {"id": "r-1", "type": "review"})
    assert response.status_code == 422
    assert "text" in json.dumps(response.json["error"]["fields"])
    with unit_of_work() as session:
        delivery = session.scalars(select(Delivery)).one()
    assert delivery.state == "failed"
    assert counts()[:2] == (0, 0)


def test_oversized_body_is_413(client: Any, reviews: Any) -> None:
    big = item("r-1", "x" * (1024 * 1024 + 10))
    response = post_generic(client, reviews.id, big)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert counts() == (0, 0, 0)


def test_same_item_delivered_three_times_is_one_message(client: Any, reviews: Any) -> None:
    now = int(time.time())
    for age in range(3):  # re-signed each time, as a sender retrying would
        response = post_generic(client, reviews.id, item("r-1", "Still waiting!"),
                                timestamp=now - age)
        assert response.status_code == 200
    drain()
    assert counts() == (1, 1, 3)
    with unit_of_work() as session:
        outcomes = [d.outcome["messages"] for d in session.scalars(select(Delivery))]
    assert outcomes.count({"duplicate": 1}) == 2


def test_byte_identical_resend_is_answered_as_the_same_delivery(
    client: Any, reviews: Any
) -> None:
    now = int(time.time())
    first = post_generic(client, reviews.id, item("r-1", "Hello"), timestamp=now)
    second = post_generic(client, reviews.id, item("r-1", "Hello"), timestamp=now)
    assert second.status_code == 200
    assert second.json["delivery_id"] == first.json["delivery_id"]


def test_reply_in_thread_appends_to_the_open_case(client: Any, reviews: Any) -> None:
    post_generic(client, reviews.id, item("c-1", "Is the app down?", type="comment",
                                          thread_id="post-9"))
    post_generic(client, reviews.id, item("c-2", "Still broken for me", type="comment",
                                          thread_id="post-9", in_reply_to="c-1"))
    drain()
    messages, cases_, _ = counts()
    assert (messages, cases_) == (2, 1)


def _resolve_only_case(resolved_ago: timedelta) -> int:
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        case.status, case.resolved_at = "resolved", utcnow() - resolved_ago
        return case.id


def test_new_message_on_recently_resolved_case_reopens_it(client: Any, reviews: Any) -> None:
    post_generic(client, reviews.id, item("c-1", "Broken", type="comment", thread_id="t"))
    drain()
    case_id = _resolve_only_case(timedelta(days=1))
    post_generic(client, reviews.id, item("c-2", "Broken again", type="comment", thread_id="t"))
    drain()
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        kinds = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).all()
    assert case is not None and case.status == "queued"
    assert "reopen" in kinds
    assert counts()[1] == 1


def test_message_after_the_reopen_window_opens_a_new_linked_case(
    client: Any, reviews: Any
) -> None:
    post_generic(client, reviews.id, item("c-1", "Broken", type="comment", thread_id="t"))
    drain()
    old_id = _resolve_only_case(timedelta(days=8))
    post_generic(client, reviews.id, item("c-2", "Broken again", type="comment", thread_id="t"))
    drain()
    with unit_of_work() as session:
        new = session.scalars(select(Case).where(Case.id != old_id)).one()
    assert new.linked_case_id == old_id and new.status == "queued"


def test_neutral_listening_mention_goes_to_the_monitored_stream(
    client: Any, reviews: Any
) -> None:
    post_generic(client, reviews.id, item("m-1", "Saw the Acme stand at the fair today",
                                          type="mention"))
    drain()
    with unit_of_work() as session:
        message = session.scalars(select(Message)).one()
    assert message.monitored and message.case_id is None
    assert counts()[1] == 0


def test_negative_listening_mention_becomes_a_case(client: Any, reviews: Any) -> None:
    post_generic(client, reviews.id, item("m-1", "Acme is the worst, total scam",
                                          type="mention"))
    drain()
    assert counts()[1] == 1


def test_page_echo_never_becomes_a_case(client: Any, runtime: Any) -> None:
    make_queue("Social care")
    make_channel("facebook", "Acme FB", external_id="104859392837465")
    body = (FIXTURES / "meta" / "feed_comment__page_echo.json").read_bytes()
    assert client.post("/webhooks/meta", data=body, headers=meta_headers(body)).status_code == 200
    drain()
    with unit_of_work() as session:
        messages = session.scalars(select(Message)).all()
    assert counts()[1] == 0
    assert all(m.direction == "out" for m in messages)


def test_our_reply_arriving_with_the_question_in_one_batch_joins_its_case(
    client: Any, runtime: Any
) -> None:
    make_queue("Social care")
    make_channel("facebook", "Acme FB", external_id="104859392837465")
    echo = (FIXTURES / "meta" / "feed_comment__page_echo.json").read_bytes()
    question = json.loads(echo)
    change = question["entry"][0]["changes"][0]["value"]
    change.update(comment_id="913374650012345_1203948576", parent_id=change["post_id"],
                  message="Are you open on Sundays? Nobody answers the phone",
                  created_time=change["created_time"] - 60)
    change["from"] = {"id": "5550001", "name": "Ana Lima"}
    for body in (compact(question), echo):  # both stored before one drain takes them
        assert client.post("/webhooks/meta", data=body,
                           headers=meta_headers(body)).status_code == 200
    assert drain() == 2
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        directions = {m.direction: m.case_id for m in session.scalars(select(Message))}
    assert directions == {"in": case.id, "out": case.id}


def test_delivery_for_no_known_channel_is_kept_listed_and_replayable(
    client: Any, runtime: Any, api_as: Any, admin_ada: Any
) -> None:
    make_queue("Social care")
    body = (FIXTURES / "meta" / "feed_comment__basic.json").read_bytes()
    client.post("/webhooks/meta", data=body, headers=meta_headers(body))
    drain()
    listed = api_as(admin_ada).get("/api/v1/deliveries?state=unmatched").json
    assert len(listed) == 1 and "no connected channel" in listed[0]["error"]
    page_id = json.loads(body)["entry"][0]["id"]
    make_channel("facebook", "Acme FB", external_id=page_id)
    result = subprocess.run([sys.executable, "-m", "inbox.cli", "deliveries", "replay",
                             "--failed"], env=process_env(runtime), cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "processed" in result.stdout
    assert counts()[:2] == (1, 1)


@pytest.mark.parametrize("body", [
    b'{"object":"page","entry":[{"id":"1"',  # truncated
    b"\xff\xfe\x00garbage",  # invalid UTF-8
    b'{"object":"page","entry":"not-a-list"}',  # wrong type
    b"[" * 5000 + b"]" * 5000,  # deeply nested
])
def test_signed_but_unreadable_meta_delivery_is_kept_as_failed(
    client: Any, runtime: Any, api_as: Any, admin_ada: Any, body: bytes
) -> None:
    response = client.post("/webhooks/meta", data=body, headers=meta_headers(body))
    assert response.status_code == 200
    drain()
    failed = api_as(admin_ada).get("/api/v1/deliveries?state=failed").json
    assert len(failed) == 1 and failed[0]["error"].startswith("cannot parse")
    assert counts()[:2] == (0, 0)


def test_deliveries_list_is_not_for_agents(api_as: Any, agent_alice: Any) -> None:
    assert api_as(agent_alice).get("/api/v1/deliveries").status_code == 403


def test_channel_api_never_returns_secrets(api_as: Any, admin_ada: Any) -> None:
    created = api_as(admin_ada).post("/api/v1/channels", json={
        "kind": "generic", "name": "Forum", "secret": "a-very-long-secret-value"})
    assert created.status_code == 201
    assert "secret" not in json.dumps(created.json)
    assert created.json["webhook_url"].endswith(f"/webhooks/generic/{created.json['id']}")
    listed = api_as(admin_ada).get("/api/v1/channels").json
    assert "a-very-long-secret-value" not in json.dumps(listed)


def mailgun_form(token: str, text: str, timestamp: int | None = None) -> dict[str, str]:
    import os

    from inbox.channels import mailgun

    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = mailgun.sign(os.environ["MAILGUN_SIGNING_KEY"], ts, token)
    return {"timestamp": ts, "token": token, "signature": signature,
            "recipient": "support@acme.example", "sender": "pat@example.org",
            "from": "Pat <pat@example.org>", "subject": "Refund please",
            "body-plain": text, "Message-Id": f"<{token}@mail.example.org>"}


def test_reused_mailgun_token_with_other_content_is_refused(client: Any, runtime: Any) -> None:
    make_queue("Email")
    make_channel("email", "Support", external_id="support@acme.example")
    first = client.post("/webhooks/email/mailgun", data=mailgun_form("tok-1", "Hello"))
    assert first.status_code == 200
    again = client.post("/webhooks/email/mailgun", data=mailgun_form("tok-1", "Hello"))
    assert again.status_code == 200  # the provider's own redelivery: already stored
    assert again.json["delivery_id"] == first.json["delivery_id"]
    forged = client.post("/webhooks/email/mailgun", data=mailgun_form("tok-1", "Wire money"))
    assert forged.status_code == 403
    assert forged.json["error"]["code"] == "replayed"
    assert counts()[2] == 1


def test_deliveries_arriving_at_once_are_each_stored_once(app: Any, runtime: Any) -> None:
    """Concurrent requests share INSERTs: each gets its own delivery, a provider's
    redelivery in the same moment gets the same one, and one drain job is waiting."""
    from rq import Queue

    from inbox.jobs import INGEST

    make_queue("Email")
    make_channel("email", "Support", external_id="support@acme.example")
    forms = [mailgun_form(f"tok-c{n}", f"Hello {n}") for n in range(12)]
    forms += [forms[0], forms[5]]  # redelivered while the first copy is being stored
    answers: list[Any] = [None] * len(forms)
    start = threading.Barrier(len(forms))

    def post(index: int) -> None:
        start.wait()
        answers[index] = app.test_client().post("/webhooks/email/mailgun", data=forms[index])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [200] * len(forms)
    ids = [answer.json["delivery_id"] for answer in answers]
    assert len(set(ids[:12])) == 12
    assert ids[12:] == [ids[0], ids[5]]
    assert counts()[2] == 12
    assert Queue(INGEST, connection=runtime.redis).count == 1


def test_one_used_token_does_not_fail_the_other_deliveries_stored_with_it(
    runtime: Any
) -> None:
    from sqlalchemy.exc import IntegrityError

    from inbox.services.ingest.deliveries import _insert_deliveries

    def row(key: str) -> dict[str, Any]:
        return dict(provider="mailgun", channel_id=None, headers={}, body=key.encode(),
                    content_type="", verified=True, state="pending", replay_key=key,
                    outcome={}, attempts=0, received_at=utcnow(), error=None)

    first = _insert_deliveries([row("k1")])
    outcomes = _insert_deliveries([row("k2"), row("k1"), row("k3")])
    assert isinstance(outcomes[1], IntegrityError)
    ids = [first[0], outcomes[0], outcomes[2]]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3
    assert counts()[2] == 3


def test_stale_mailgun_timestamp_is_refused(client: Any, runtime: Any) -> None:
    form = mailgun_form("tok-2", "Hi", timestamp=int(time.time()) - 3600)
    assert client.post("/webhooks/email/mailgun", data=form).status_code in (401, 403)
    assert counts()[2] == 0


def test_email_reply_threads_by_in_reply_to(client: Any, runtime: Any) -> None:
    make_queue("Email")
    make_channel("email", "Support", external_id="support@acme.example")
    client.post("/webhooks/email/mailgun", data=mailgun_form("tok-a", "My order is late"))
    reply = mailgun_form("tok-b", "Any news?")
    reply.update({"subject": "Something else entirely", "In-Reply-To": "<tok-a@mail.example.org>",
                  "References": "<tok-a@mail.example.org>"})
    client.post("/webhooks/email/mailgun", data=reply)
    drain()
    assert counts()[:2] == (2, 1)


def x_mention(tweet_id: str, text: str, in_reply_to: str | None = None) -> dict[str, Any]:
    """An X v1.1 mention as the Account Activity API sends it: no conversation id."""
    return {"for_user_id": "9999", "tweet_create_events": [{
        "id_str": tweet_id, "text": text, "in_reply_to_status_id_str": in_reply_to,
        "created_at": time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime()),
        "entities": {"user_mentions": [{"screen_name": "AcmeSupport", "id_str": "9999"}]},
        "user": {"id_str": "4242", "name": "Rita", "screen_name": "ritag"}}]}


def test_a_customer_answering_our_x_reply_stays_in_the_case(client: Any, runtime: Any) -> None:
    from tests.fakes.conversations import connect_channel
    from tests.signing import x_headers

    make_queue("Social care")
    channel = connect_channel("x", "9999")
    body = compact(x_mention("500", "@AcmeSupport my router keeps dropping the line"))
    assert client.post("/webhooks/x", data=body, headers=x_headers(body)).status_code == 200
    drain()
    with unit_of_work() as session:
        case = session.scalars(select(Case)).one()
        session.add(Message(channel_id=channel.id, external_id="600", case_id=case.id,
                            direction="out", visibility="public", kind="reply",
                            text="Sorry! Checking now.", thread_key=case.thread_key,
                            sent_at=utcnow(), created_at=utcnow(), send_status="sent"))
        case_id = case.id
    body = compact(x_mention("700", "@AcmeSupport still dropping!", in_reply_to="600"))
    assert client.post("/webhooks/x", data=body, headers=x_headers(body)).status_code == 200
    drain()
    with unit_of_work() as session:
        answer = session.scalars(select(Message).where(Message.external_id == "700")).one()
        assert answer.case_id == case_id
        assert session.scalar(select(func.count(Case.id))) == 1


def test_two_customers_commenting_on_one_post_are_two_cases(client: Any, reviews: Any) -> None:
    first = item("c-1", "My order is late", type="comment", thread_id="post-1")
    second = item("c-2", "Mine too, and nobody answers", type="comment", thread_id="post-1")
    second["author"] = {"id": "u-2", "name": "Sam Other"}
    reply = item("c-3", "Hello??", type="comment", thread_id="post-1", in_reply_to="c-1")
    for payload in (first, second, reply):
        post_generic(client, reviews.id, payload)
    drain()
    with unit_of_work() as session:
        per_case = session.execute(select(Message.case_id, func.count(Message.id))
                                   .group_by(Message.case_id)).all()
    assert sorted(count for _, count in per_case) == [1, 2]


def test_contact_profile_shows_the_timeline_across_channels(
    client: Any, reviews: Any, api_as: Any, agent_alice: Any
) -> None:
    post_generic(client, reviews.id, item("r-1", "Awful, my refund never came"))
    post_generic(client, reviews.id, item("r-2", "Still no refund. Terrible.", thread_id="x"))
    drain()
    with unit_of_work() as session:
        contact_id = session.scalars(select(Contact.id)).one()
    profile = api_as(agent_alice).get(f"/api/v1/contacts/{contact_id}").json
    assert profile["display_name"] == "Pat Reviewer"
    assert len(profile["cases"]) == 2 and len(profile["timeline"]) == 2
    assert len(profile["sentiment_trend"]) == 2
    assert api_as(agent_alice).get("/api/v1/contacts/99999").status_code == 404


def test_a_batch_links_known_addresses_and_keeps_the_newest_profile_facts(runtime: Any) -> None:
    from inbox.channels.base import Author
    from inbox.models import ContactIdentity
    from inbox.services.contacts.identities import resolve_contacts

    channel = make_channel("x", "Acme X", external_id="9999")
    with unit_of_work() as session:
        known = Contact(display_name="Ada (from the shop)", email="ada@example.org")
        session.add(known)
        session.flush()
        known_id = known.id
    with unit_of_work() as session:
        contacts = resolve_contacts(session, [
            (Author(identity_kind="email", external_id="ada@example.org",
                    email="Ada@Example.org", name="Ada Okafor"), channel.id),
            (Author(identity_kind="x", external_id="42", handle="bo", followers=10), channel.id),
            (Author(identity_kind="x", external_id="42", handle="bo_new", followers=25,
                    verified=True), channel.id),
        ], [5, 40, 30])
    assert contacts[0].id == known_id  # the email we already held names the same person
    assert contacts[1].id == contacts[2].id != known_id
    with unit_of_work() as session:
        bo = session.get(Contact, contacts[1].id)
        identity = session.scalars(select(ContactIdentity).where(
            ContactIdentity.kind == "x", ContactIdentity.external_id == "42")).one()
        assert bo is not None and (bo.followers, bo.verified, bo.influence_score) == (25, True, 40)
        assert bo.display_name == "@bo"
        assert identity.handle == "bo_new"  # the newest handle of the batch...
    with unit_of_work() as session:
        resolve_contacts(session, [(Author(identity_kind="x", external_id="42",
                                           handle="bo_new", followers=30), channel.id)], [1])
    with unit_of_work() as session:
        identity = session.scalars(select(ContactIdentity).where(
            ContactIdentity.external_id == "42")).one()
        bo = session.get(Contact, contacts[1].id)
        assert identity.handle == "bo_new" and bo is not None  # ...then follows renames
        assert (bo.followers, bo.influence_score) == (30, 40)


def test_the_raw_bytes_are_stored_exactly_as_received(client: Any, runtime: Any) -> None:
    """Signatures are over the bytes: a replay or a re-parse needs them unchanged, in
    whatever encoding (here Latin-1, CRLF line ends and a NUL) the sender used."""
    channel = make_channel("email", "Support", external_id="support@acme.example",
                           secret=SECRET)
    raw = (b"From: =?iso-8859-1?q?Jos=E9?= <jose@example.org>\r\nTo: support@acme.example\r\n"
           b"Subject: r\xe9clamation\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n"
           b"Ma commande n'est pas arriv\xe9e.\x00\r\n")
    headers = generic_headers(raw, SECRET)
    headers["Content-Type"] = "message/rfc822"
    response = client.post(f"/webhooks/email/raw/{channel.id}", data=raw, headers=headers)
    assert response.status_code == 200, response.json
    with unit_of_work() as session:
        stored = session.get(Delivery, response.json["delivery_id"])
        assert stored is not None and stored.body == raw
