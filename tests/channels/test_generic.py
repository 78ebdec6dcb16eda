"""Generic signed source: X-Inbox-Signature/X-Inbox-Timestamp, the item schema (422 field
names), normalization of recorded bodies (tests/fixtures/generic) and hostile bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from inbox.channels import generic
from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.generic import GenericAdapter, GenericItemInvalid, validate_body
from inbox.channels.inbound import ProviderSecrets, VerificationFailed
from tests.channels.kit import ChannelSigned, Fixtures

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("generic")
ALL_FIXTURES = FIXTURES.names(".json")
SECRET = "test-generic-channel-secret-31f9"
SECRETS = ProviderSecrets(channel_secret=SECRET)
NOW = 1767269000
ADAPTER = GenericAdapter(clock=lambda: float(NOW))

# fixture -> (kinds in order) or the invalid field paths
EXPECTED: dict[str, list[str] | dict[str, str]] = {
    "review__single.json": ["review"],
    "batch__mixed.json": ["comment", "comment", "mention", "mention", "post"],
    "message__private.json": ["dm"],
    "mention__listening.json": ["mention"],
    "invalid__missing_text.json": {
        "items.1.text": "required",
        "items.2.id": "required",
        "items.2.text": "required",
    },
    "invalid__wrong_types.json": {
        "id": "must be a string or an integer",
        "type": "must be one of review, post, comment, mention, message",
        "text": "must be a string",
        "public": "must be true or false",
        "rating": "must be between 1 and 5",
        "author.followers": "must be an integer",
        "author.verified": "must be true or false",
        "created_at": "must be an ISO 8601 date-time",
        "metadata": "must be an object",
    },
}


SIGNED = ChannelSigned("https://inbox.example.com/webhooks/generic/7",
                       "application/json", SECRET, NOW)
sign, request = SIGNED.sign, SIGNED.request


def parse(body: bytes) -> ParseResult:
    return ADAPTER.parse(body, {"content-type": "application/json"})


def load(name: str) -> bytes:
    return FIXTURES.read(name)


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == ALL_FIXTURES


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_verifies_and_parses(name: str) -> None:
    body = load(name)
    assert ADAPTER.verify(request(body, sign(body)), SECRETS) is not None
    expected = EXPECTED[name]
    if isinstance(expected, dict):
        with pytest.raises(GenericItemInvalid) as caught:
            parse(body)
        assert caught.value.fields == expected
        assert validate_body(body) == expected
        return
    assert validate_body(body) == {}
    result = parse(body)
    assert [m.kind for m in result.messages] == expected
    for message in result.messages:
        assert message.channel_kind == "generic"
        assert message.channel_external_id is None
        assert message.author.identity_kind == "generic"
        assert message.author.external_id
        assert message.sent_at.tzinfo is not None
        assert message.thread_key and message.thread_key.startswith("generic:")
    assert result.channel_external_ids == []


# ---------------------------------------------------------------- verification


def test_signature_passes_and_returns_a_replay_key() -> None:
    body = load("review__single.json")
    headers = sign(body)
    key = ADAPTER.verify(request(body, headers), SECRETS)
    assert key == "generic:" + headers["x-inbox-signature"].removeprefix("sha256=")
    # the same request again yields the same key: the caller refuses the replay
    assert ADAPTER.verify(request(body, headers), SECRETS) == key


def test_uppercase_hex_and_mixed_case_header_names_are_accepted() -> None:
    body = b'{"id": "1", "text": "hi"}'
    headers = sign(body)
    headers = {
        "X-Inbox-Timestamp": headers["x-inbox-timestamp"],
        "X-Inbox-Signature": "sha256=" + headers["x-inbox-signature"][7:].upper(),
    }
    assert ADAPTER.verify(request(body, headers), SECRETS)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda b, h: (b + b" ", h), "signature mismatch"),
        (lambda b, h: (b, sign(b, secret="another-secret")), "signature mismatch"),
        (lambda b, h: (b, {**h, "x-inbox-timestamp": str(NOW + 1)}), "signature mismatch"),
        (lambda b, h: (b, {**h, "x-inbox-signature": h["x-inbox-signature"][7:]}), "sha256="),
        (lambda b, h: (b, {**h, "x-inbox-signature": "sha1=abc"}), "sha256="),
        (lambda b, h: (b, {"x-inbox-timestamp": h["x-inbox-timestamp"]}), "missing"),
        (lambda b, h: (b, {"x-inbox-signature": h["x-inbox-signature"]}), "missing"),
        (lambda b, h: (b, {**h, "x-inbox-timestamp": "yesterday"}), "Unix seconds"),
        (lambda b, h: (b, {**h, "x-inbox-timestamp": "1e9"}), "Unix seconds"),
        (lambda b, h: (b, {**h, "x-inbox-timestamp": "-5"}), "Unix seconds"),
        (lambda b, h: (b, {**h, "x-inbox-signature": "sha256=\u00e9\u00e9"}), "mismatch"),
    ],
)
def test_bad_signatures_fail(mutate, reason: str) -> None:  # type: ignore[no-untyped-def]
    body = load("review__single.json")
    new_body, headers = mutate(body, sign(body))
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(new_body, headers), SECRETS)
    assert reason in caught.value.reason
    assert caught.value.status in (401, 403)
    assert SECRET not in caught.value.reason


def test_unconfigured_secret_fails() -> None:
    body = load("review__single.json")
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(body, sign(body, secret="")), ProviderSecrets())
    assert "not configured" in caught.value.reason


@pytest.mark.parametrize("offset", [-301, 301, -86400, 10**6])
def test_stale_or_future_timestamps_are_replays(offset: int) -> None:
    body = load("review__single.json")
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(body, sign(body, NOW + offset)), SECRETS)
    assert "stale timestamp" in caught.value.reason
    assert caught.value.status == 403


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_timestamps_inside_the_window_pass(offset: int) -> None:
    body = load("review__single.json")
    assert ADAPTER.verify(request(body, sign(body, NOW + offset)), SECRETS)


def test_module_adapter_uses_the_real_clock() -> None:
    assert generic.adapter.provider == "generic"
    body = load("review__single.json")
    with pytest.raises(VerificationFailed, match="stale"):
        generic.adapter.verify(request(body, sign(body, 1_000_000_000)), SECRETS)


# ---------------------------------------------------------------- normalization


def test_review_normalization() -> None:
    [message] = parse(load("review__single.json")).messages
    assert message.external_id == "rv-1001"
    assert message.visibility == "public"
    assert message.rating == 2
    assert message.language == "en"
    assert message.url == "https://reviews.example/acme/rv-1001"
    assert message.sent_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert message.addressed_to_us is True
    assert message.thread_key == "generic:item:rv-1001"
    assert message.parent_external_id is None
    assert message.facts == {"site": "reviews.example", "stars_max": 5, "rating": 2}
    author = message.author
    assert (author.external_id, author.handle, author.name) == ("u-77", "zoe_m", "Zoë Martin")
    assert (author.followers, author.verified) == (1200, False)
    assert author.url == "https://reviews.example/u/77"


def test_batch_threads_identities_and_addressing() -> None:
    messages = parse(load("batch__mixed.json")).messages
    first, reply, listening, addressed, post = messages
    assert first.thread_key == "generic:post-55"
    assert first.sent_at == datetime(2026, 1, 2, 7, 0, tzinfo=UTC)  # +01:00 -> UTC
    assert first.author.external_id == "sam"  # no id: the handle identifies
    assert reply.parent_external_id == "c-1"
    assert reply.thread_key == "generic:item:c-1"
    assert reply.author.external_id == "Lee"  # no id, no handle: the name
    assert listening.external_id == "3003"  # integer ids read as strings
    assert listening.author.external_id == "991"
    assert listening.addressed_to_us is False  # a listening-tool mention
    assert (listening.author.followers, listening.author.verified) == (250000, True)
    assert addressed.addressed_to_us is True  # metadata.addressed_to_us
    assert post.addressed_to_us is False
    assert all(m.visibility == "public" for m in messages)
    assert all(m.sent_at == datetime.fromtimestamp(NOW, UTC) for m in messages[1:])


def test_private_message_is_a_dm() -> None:
    [message] = parse(load("message__private.json")).messages
    assert (message.kind, message.visibility) == ("dm", "private")
    assert message.sent_at == datetime(2026, 1, 2, 10, 0, tzinfo=UTC)  # naive -> UTC


def test_private_review_keeps_its_kind() -> None:
    [message] = parse(b'{"id": "r", "type": "review", "text": "x", "public": false}').messages
    assert (message.kind, message.visibility) == ("review", "private")


def test_missing_type_defaults_to_message_and_anonymous_author() -> None:
    [message] = parse(b'{"id": "x1", "text": "hello"}').messages
    assert message.kind == "message"
    assert message.addressed_to_us is True
    assert message.author.external_id == "anonymous:x1"


def test_nulls_for_optional_fields_are_absent() -> None:
    body = json.dumps(
        {"id": "n", "text": "t", "author": None, "rating": None, "metadata": None, "url": None}
    ).encode()
    [message] = parse(body).messages
    assert message.rating is None and message.facts == {}


def test_empty_batch_is_valid() -> None:
    assert parse(b'{"items": []}').messages == []


def test_unsafe_characters_are_cleaned() -> None:
    body = b'{"id": "u", "text": "a\\u0000b \\ud800", "metadata": {"k": "\\u0000"}}'
    [message] = parse(body).messages
    assert "\x00" not in message.text
    message.text.encode("utf-8")  # no lone surrogates left
    assert message.facts == {"k": ""}


# ---------------------------------------------------------------- hostile bodies


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"id": "1", "text": "trunc', {"body": "not valid JSON (UTF-8)"}),
        (b'{"id": "1", "text": "\xff\xfe"}', {"body": "not valid JSON (UTF-8)"}),
        (b"", {"body": "not valid JSON (UTF-8)"}),
        (b"[" * 100_000 + b"]" * 100_000, {"body": "nested too deeply"}),
        (
            b'{"id": "1", "text": "x", "metadata": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001,
            {"body": "nested too deeply"},
        ),
        (
            b'{"id": "1", "text": "x", "metadata": ' + b'{"a":' * 500 + b"1" + b"}" * 501,
            {"metadata": "nested too deeply (max 16 levels)"},
        ),
        (b"[]", {"body": 'must be an item object or {"items": [...]}'}),
        (b'"just a string"', {"body": 'must be an item object or {"items": [...]}'}),
        (b'{"items": {"id": "1"}}', {"items": "must be a list"}),
        (b'{"items": [null, 3]}', {"items.0": "must be an object", "items.1": "must be an object"}),
        (b'{"id": "1", "text": "x", "author": "bob"}', {"author": "must be an object"}),
        (b'{"id": true, "text": "x"}', {"id": "must be a string or an integer"}),
        (b'{"id": "1", "text": "x", "rating": 0}', {"rating": "must be between 1 and 5"}),
        (b'{"id": "1", "text": "x", "rating": 4.5}', {"rating": "must be an integer"}),
        (b'{"id": "1", "text": "x", "rating": true}', {"rating": "must be an integer"}),
        (b'{"id": "1", "text": "x", "public": 0}', {"public": "must be true or false"}),
        (b'{"id": "1", "text": null}', {"text": "required"}),
        (b'{"text": "x"}', {"id": "required"}),
        (b'{"id": "' + b"x" * 300 + b'", "text": "x"}', {"id": "too long (max 255 characters)"}),
    ],
)
def test_hostile_bodies_name_their_problems(body: bytes, fields: dict[str, str]) -> None:
    with pytest.raises(GenericItemInvalid) as caught:
        parse(body)
    assert isinstance(caught.value, ParseFailed)
    assert caught.value.fields == fields
    assert validate_body(body) == fields
    assert str(caught.value).startswith("invalid generic body")


def test_deep_but_allowed_metadata_is_kept() -> None:
    nested: dict = {"leaf": 1}
    for _ in range(10):
        nested = {"n": nested}
    body = json.dumps({"id": "d", "text": "x", "metadata": nested}).encode()
    [message] = parse(body).messages
    assert message.facts["n"]["n"]["n"]
