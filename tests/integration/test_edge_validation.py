"""What an adapter can check is checked at the edge: a generic source is told 422 for a
value the database cannot hold; for a provider that cannot be told (Meta, X), the bad
field is made storable or dropped and the rest of the message is ingested — never a 200
followed by a failed delivery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Contact, Delivery, Message
from inbox.services import unit_of_work
from inbox.services.ingest.drain import drain
from tests.factories import make_channel
from tests.signing import generic_headers, meta_headers, x_headers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECRET = "test-channel-secret"


def review(**fields: Any) -> bytes:
    return json.dumps({"id": "r-1", "type": "review", "text": "Fine shop",
                       "author": {"id": "a-1", "name": "Ann"}, **fields}).encode()


@pytest.mark.parametrize(("body", "field"), [
    (review(author={"id": "a-1", "followers": 10**30}), "author.followers"),
    (review(created_at="9999-12-31T23:59:59+14:00"), "created_at"),
    (review(created_at="0001-01-01T00:00:00-14:00"), "created_at"),
    (review(rating=2**70), "rating"),
])
def test_a_generic_value_the_database_cannot_hold_is_a_422_naming_it(
        client: Any, body: bytes, field: str) -> None:
    channel = make_channel("generic", "Reviews", secret=SECRET)
    answer = client.post(f"/webhooks/generic/{channel.id}", data=body,
                         headers=generic_headers(body, SECRET))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]


def ingested(delivery_states: tuple[str, ...] = ("processed",)) -> list[Message]:
    drain()
    with unit_of_work() as session:
        states = list(session.scalars(select(Delivery.state)))
        assert states and set(states) <= set(delivery_states), states
        return list(session.scalars(select(Message)))


def test_a_meta_author_id_with_a_nul_is_stored_without_it(client: Any) -> None:
    make_channel("facebook", "Brand page", external_id="104859392837465")
    payload = json.loads((FIXTURES / "meta" / "feed_comment__basic.json").read_bytes())
    value = payload["entry"][0]["changes"][0]["value"]
    value["from"]["id"] = "6712\u00003456"
    value["from"]["name"] = "Zo\u0000ë"
    value["message"] = "Open on \u0000Sunday?"
    body = json.dumps(payload).encode()
    assert client.post("/webhooks/meta", data=body, headers=meta_headers(body)).status_code == 200
    [message] = ingested()
    assert "\x00" not in message.text and message.text == "Open on Sunday?"
    with unit_of_work() as session:
        [contact] = session.scalars(select(Contact))
        assert contact.display_name == "Zoë"


def test_x_counts_and_times_beyond_what_is_storable_are_clamped_or_dropped(client: Any) -> None:
    make_channel("x", "Brand on X", external_id="1480000000000000001")
    payload = json.loads((FIXTURES / "x" / "tweet_create__mention.json").read_bytes())
    tweet = payload["tweet_create_events"][0]
    tweet["user"]["followers_count"] = 10**30
    tweet["user"]["friends_count"] = -5
    tweet["timestamp_ms"] = str(10**22)
    body = json.dumps(payload).encode()
    assert client.post("/webhooks/x", data=body, headers=x_headers(body)).status_code == 200
    [message] = ingested()
    assert message.sent_at.year < 3000
    with unit_of_work() as session:
        [contact] = session.scalars(select(Contact))
        assert contact.followers == 2**31 - 1


def test_a_captured_meta_request_sent_again_is_stored_once(client: Any) -> None:
    """Meta signs no timestamp: the same signed bytes again are a redelivery, answered with
    the first delivery's id, not a new row each time."""
    make_channel("facebook", "Brand page", external_id="104859392837465")
    body = (FIXTURES / "meta" / "feed_comment__basic.json").read_bytes()
    answers = [client.post("/webhooks/meta", data=body, headers=meta_headers(body)).json
               for _ in range(5)]
    assert len({a["delivery_id"] for a in answers}) == 1
    with unit_of_work() as session:
        assert len(list(session.scalars(select(Delivery.id)))) == 1
    other = body.replace(b"Sunday", b"Monday")
    assert client.post("/webhooks/meta", data=other, headers=meta_headers(other)
                       ).json["delivery_id"] != answers[0]["delivery_id"]
