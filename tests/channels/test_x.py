"""X adapter: CRC, x-twitter-webhooks-signature, normalization of recorded Account Activity
payloads (tests/fixtures/x) and hostile bodies. Secrets and samples are those of protocols.md."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from inbox.channels import x
from inbox.channels.base import ParseFailed
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from tests.channels.kit import Fixtures, JsonWebhook, encode, hostile_variants, only

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("x")
ALL_FIXTURES = FIXTURES.names(".json")
CONSUMER_SECRET = "test_x_consumer_secret_Q8m2Lr7Tz1"
SECRETS = ProviderSecrets(x_consumer_secret=CONSUMER_SECRET)
BRAND = "1480000000000000001"
SAM = "12345678"

# protocols.md 2.1 / 2.3: CRC vector and the documented POST signatures.
CRC_TOKEN = "9b4507b3-9040-4669-9ca3-6b94edb50553"
CRC_RESPONSE = "sha256=AdGB+eNu2ZgVEEX6uCDEW2XFsfEbRCROJAFlvo4QlPk="
DOCUMENTED_SIGNATURES = {
    "tweet_create__reply.json": "sha256=ITkris1qb2/SmQcjVW9KpHFw0tmGJ3lvAMzmw4mei0I=",
    "direct_message__text.json": "sha256=jBgWrBeri/CYURVPBshfggx1R2ZS9hEuKkAU/l2ZBQU=",
}


WEBHOOK = JsonWebhook(x, FIXTURES, "x-twitter-webhooks-signature", "/webhooks/x", CONSUMER_SECRET)
load, sign, post, parse = WEBHOOK.load, WEBHOOK.sign, WEBHOOK.post, WEBHOOK.parse


# --- fixtures as a whole -------------------------------------------------------------------------


def test_fixture_set_covers_the_documented_events() -> None:
    expected = {
        "tweet_create__mention.json", "tweet_create__reply.json", "tweet_create__quote.json",
        "tweet_create__long_text.json", "tweet_create__own_echo.json",
        "tweet_create__retweet.json", "direct_message__text.json", "direct_message__echo.json",
        "favorite__ignored.json",
    }
    assert expected <= set(ALL_FIXTURES)
    assert x.adapter.provider == "x"


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_verifies_and_parses(name: str) -> None:
    body = load(name)
    assert x.adapter.verify(post(body, sign(body)), SECRETS) is None
    with pytest.raises(VerificationFailed):
        x.adapter.verify(post(body[:-1] + b" }", sign(body)), SECRETS)
    result = parse(name)
    assert result.messages or result.ignored
    for message in result.messages:
        assert message.channel_kind == "x"
        assert message.channel_external_id == BRAND
        assert message.author.identity_kind == "x" and message.author.external_id
        assert message.sent_at.utcoffset() is not None
        assert message.sent_at.utcoffset().total_seconds() == 0
        assert message.visibility == ("private" if message.kind == "dm" else "public")
        json.dumps(message.facts)


@pytest.mark.parametrize("name", sorted(DOCUMENTED_SIGNATURES))
def test_documented_samples_verify_with_their_documented_signature(name: str) -> None:
    assert sign(load(name)) == DOCUMENTED_SIGNATURES[name]
    assert x.adapter.verify(post(load(name), DOCUMENTED_SIGNATURES[name]), SECRETS) is None


# --- CRC and signature ----------------------------------------------------------------------------


def test_crc_matches_the_documented_sample() -> None:
    assert x.crc_response(CRC_TOKEN, CONSUMER_SECRET) == {"response_token": CRC_RESPONSE}


def test_crc_depends_on_token_and_secret() -> None:
    assert x.crc_response(CRC_TOKEN + "x", CONSUMER_SECRET) != {"response_token": CRC_RESPONSE}
    assert x.crc_response(CRC_TOKEN, "other") != {"response_token": CRC_RESPONSE}


@pytest.mark.parametrize(("token", "secret"), [(CRC_TOKEN, ""), ("", CONSUMER_SECRET)])
def test_crc_refuses_without_token_or_secret(token: str, secret: str) -> None:
    with pytest.raises(VerificationFailed):
        x.crc_response(token, secret)


@pytest.mark.parametrize(
    ("signature", "reason_part"),
    [
        (None, "missing"),
        ("", "malformed"),
        (DOCUMENTED_SIGNATURES["tweet_create__reply.json"][len("sha256="):], "malformed"),
        ("sha256=" + hmac.new(b"k", b"m", hashlib.sha256).hexdigest(), "malformed"),  # hex
        (DOCUMENTED_SIGNATURES["tweet_create__reply.json"].rstrip("="), "malformed"),
        ("sha1=" + "A" * 27 + "=", "malformed"),
        ("sha256=" + "é" * 43 + "=", "malformed"),
        (DOCUMENTED_SIGNATURES["direct_message__text.json"], "does not match"),
        (sign(load("tweet_create__reply.json"), "another-secret"), "does not match"),
    ],
)
def test_bad_signatures_are_rejected(signature: str | None, reason_part: str) -> None:
    with pytest.raises(VerificationFailed) as caught:
        x.adapter.verify(post(load("tweet_create__reply.json"), signature), SECRETS)
    assert caught.value.status == 401
    assert reason_part in caught.value.reason
    assert CONSUMER_SECRET not in caught.value.reason


def test_reserialized_body_does_not_verify() -> None:
    body = load("tweet_create__reply.json")
    pretty = json.dumps(json.loads(body), indent=2).encode()
    with pytest.raises(VerificationFailed):
        x.adapter.verify(post(pretty, DOCUMENTED_SIGNATURES["tweet_create__reply.json"]), SECRETS)


def test_unconfigured_secret_rejects_even_a_signature_made_with_an_empty_key() -> None:
    body = load("tweet_create__reply.json")
    with pytest.raises(VerificationFailed) as caught:
        x.adapter.verify(post(body, sign(body, "")), ProviderSecrets())
    assert caught.value.status == 401
    assert "not configured" in caught.value.reason


def test_header_name_case_is_tolerated() -> None:
    body = load("tweet_create__reply.json")
    request = InboundRequest(
        "POST", "https://inbox.example.com/webhooks/x",
        {"X-Twitter-Webhooks-Signature": sign(body)}, body,
    )
    assert x.adapter.verify(request, SECRETS) is None


# --- tweets ---------------------------------------------------------------------------------------


def test_documented_mention_reply_is_normalized() -> None:
    result = parse("tweet_create__reply.json")
    message = only(result)
    assert result.channel_external_ids == [BRAND]
    assert result.ignored == []
    assert (message.kind, message.visibility, message.channel_kind) == ("reply", "public", "x")
    assert message.external_id == "1874500000000000123"
    assert message.text == "@AcmeSupport my router keeps dropping again, ticket 99812?"
    assert message.parent_external_id == "1874400000000000777"
    # v1.1 has no conversation id: a reply is keyed on the tweet it answers.
    assert message.thread_key == "x:conv:1874400000000000777"
    assert message.sent_at == datetime(2026, 1, 1, 12, 1, tzinfo=UTC)
    assert message.url == "https://x.com/samlee/status/1874500000000000123"
    assert (message.author.external_id, message.author.handle, message.author.name) == (
        SAM, "samlee", "Sam Lee",
    )
    assert message.is_echo is False
    assert message.addressed_to_us is True
    assert message.facts["user_mentions"] == ["AcmeSupport"]
    assert message.facts["user_has_blocked"] is False


def test_created_at_is_used_without_timestamp_ms() -> None:
    payload = json.loads(load("tweet_create__reply.json"))
    del payload["tweet_create_events"][0]["timestamp_ms"]
    assert only(parse(encode(payload))).sent_at == datetime(2026, 1, 1, 12, 1, tzinfo=UTC)
    payload["tweet_create_events"][0]["created_at"] = "Sat Feb 29 23:59:59 -0130 2028"
    assert only(parse(encode(payload))).sent_at == datetime(2028, 3, 1, 1, 29, 59, tzinfo=UTC)


def test_mention_carries_author_profile_and_facts() -> None:
    message = only(parse("tweet_create__mention.json"))
    assert message.kind == "mention"
    assert message.thread_key == "x:conv:1874500000000000200"  # a new conversation
    assert message.parent_external_id is None
    author = message.author
    assert (author.handle, author.name, author.location) == ("ritag", "Rita Gómez", "Madrid")
    assert (author.followers, author.following, author.verified) == (1520, 310, False)
    assert author.url == "https://x.com/ritag"
    assert message.facts["hashtags"] == ["internet"]
    assert (message.facts["retweet_count"], message.facts["favorite_count"]) == (2, 5)
    assert message.facts["user_has_blocked"] is False  # the string "false" of the docs
    assert message.language == "en"
    assert message.addressed_to_us is True
    assert message.sent_at == datetime(2026, 1, 1, 13, 0, tzinfo=UTC)


def test_quote_without_mention_is_not_addressed_to_us() -> None:
    message = only(parse("tweet_create__quote.json"))
    assert message.kind == "quote"
    assert message.facts["quoted_tweet_id"] == "1874400000000000777"
    assert message.thread_key == "x:conv:1874500000000000300"
    assert message.addressed_to_us is False
    assert message.is_echo is False


def test_truncated_tweet_uses_extended_full_text() -> None:
    message = only(parse("tweet_create__long_text.json"))
    payload = json.loads(load("tweet_create__long_text.json"))["tweet_create_events"][0]
    assert message.text == payload["extended_tweet"]["full_text"]
    assert message.text.endswith("Ticket 99812. #fail #help")
    assert len(message.text) > 140 and "…" not in message.text
    assert message.facts["hashtags"] == ["fail", "help"]


def test_full_text_is_preferred_over_text_when_not_truncated() -> None:
    payload = json.loads(load("tweet_create__mention.json"))
    payload["tweet_create_events"][0]["full_text"] = "the full text"
    assert only(parse(encode(payload))).text == "the full text"


def test_own_tweet_is_an_echo() -> None:
    message = only(parse("tweet_create__own_echo.json"))
    assert message.is_echo is True
    assert message.author.external_id == BRAND
    assert message.kind == "reply"
    assert message.thread_key == "x:conv:1874500000000000123"
    assert message.author.verified is True


def test_retweet_is_ignored() -> None:
    result = parse("tweet_create__retweet.json")
    assert result.messages == []
    assert result.ignored == ["x tweet retweet id=1874500000000000600"]


def test_conversation_id_wins_when_present() -> None:
    payload = json.loads(load("tweet_create__reply.json"))
    payload["tweet_create_events"][0]["conversation_id_str"] = "1874000000000000001"
    assert only(parse(encode(payload))).thread_key == "x:conv:1874000000000000001"


def test_without_for_user_id_nothing_is_addressed_or_echoed() -> None:
    payload = json.loads(load("tweet_create__reply.json"))
    del payload["for_user_id"]
    result = parse(encode(payload))
    assert result.channel_external_ids == []
    message = only(result)
    assert message.channel_external_id is None
    assert (message.addressed_to_us, message.is_echo) == (False, False)


# --- direct messages ------------------------------------------------------------------------------


def test_documented_dm_is_normalized() -> None:
    message = only(parse("direct_message__text.json"))
    assert (message.kind, message.visibility) == ("dm", "private")
    assert message.external_id == "1874500000000000999"
    assert message.text == "Can you check order 4412?"
    assert message.thread_key == f"x:dm:{BRAND}:{SAM}"
    assert message.sent_at == datetime(2026, 1, 1, 12, 1, 40, tzinfo=UTC)
    assert (message.author.external_id, message.author.handle, message.author.name) == (
        SAM, "samlee", "Sam Lee",
    )
    assert message.author.verified is False
    assert message.is_echo is False
    assert message.addressed_to_us is True


def test_dm_echo_is_flagged_and_threaded_with_the_customer() -> None:
    message = only(parse("direct_message__echo.json"))
    assert message.is_echo is True
    assert message.author.handle == "AcmeSupport"
    assert message.thread_key == f"x:dm:{BRAND}:{SAM}"
    assert message.facts["source_app_id"] == "268278"


def test_dm_attachment_quick_reply_and_urls() -> None:
    message = only(parse("direct_message__attachment.json"))
    assert message.facts["attachments"] == [
        {"type": "photo", "url": "https://ton.twimg.example/dm/label.jpg"}
    ]
    assert message.facts["quick_reply_metadata"] == "order_4412"
    assert message.facts["urls"] == ["https://x.com/messages/media/1"]
    assert (message.author.followers, message.author.following) == (87, 140)


def test_dm_sender_missing_from_users_still_parses() -> None:
    payload = json.loads(load("direct_message__text.json"))
    del payload["users"]
    message = only(parse(encode(payload)))
    assert message.author.external_id == SAM
    assert message.author.handle is None


def test_other_dm_event_types_are_ignored() -> None:
    payload = json.loads(load("direct_message__text.json"))
    payload["direct_message_events"][0]["type"] = "message_delete"
    result = parse(encode(payload))
    assert result.messages == []
    assert result.ignored == ["x direct_message type=message_delete"]


# --- other events ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ignored", "channels"),
    [
        ("favorite__ignored.json", ["x favorite_events"], [BRAND]),
        ("follow__ignored.json", ["x follow_events type=follow"], [BRAND]),
        (
            "dm_indicators__ignored.json",
            ["x direct_message_indicate_typing_events", "x direct_message_mark_read_events"],
            [BRAND],
        ),
        ("tweet_delete__ignored.json", ["x tweet_delete_events"], [BRAND]),
        ("user_event__revoke.json", ["x user_event"], []),
    ],
)
def test_non_message_events_are_listed_as_ignored(
    name: str, ignored: list[str], channels: list[str]
) -> None:
    result = parse(name)
    assert result.messages == []
    assert result.ignored == ignored
    assert result.channel_external_ids == channels


def test_mixed_delivery_with_many_events_yields_all_messages() -> None:
    tweet = json.loads(load("tweet_create__mention.json"))["tweet_create_events"][0]
    dm = json.loads(load("direct_message__text.json"))
    tweets, dms = [], []
    for index in range(150):
        t = copy.deepcopy(tweet)
        t["id_str"] = t["id"] = f"19{index:017d}"
        tweets.append(t)
        d = copy.deepcopy(dm["direct_message_events"][0])
        d["id"] = f"29{index:017d}"
        dms.append(d)
    body = encode({
        "for_user_id": BRAND, "tweet_create_events": tweets, "direct_message_events": dms,
        "favorite_events": [{"id": "f1"}], "users": dm["users"],
    })
    assert x.adapter.verify(post(body, sign(body)), SECRETS) is None
    result = parse(body)
    assert len(result.messages) == 300
    assert len({m.external_id for m in result.messages}) == 300
    assert result.ignored == ["x favorite_events"]


# --- hostile and malformed bodies ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        load("tweet_create__reply.json")[:-3],  # truncated
        b"\xff\xfe",
        b'{"for_user_id":"1","tweet_create_events":[{"text":"\xe2\x82"}]}',
        b"[]",
        b'[{"for_user_id":"1"}]',
        b"42",
        b'{"for_user_id":["1"]}',
        b'{"for_user_id":"1","tweet_create_events":"x"}',
        b'{"for_user_id":"1","tweet_create_events":{"id_str":"1"}}',
        b'{"for_user_id":"1","tweet_create_events":[1]}',
        b'{"for_user_id":"1","direct_message_events":["x"]}',
        b'{"for_user_id":"1","users":[]}',
        b'{"for_user_id":' + b"1" * 5000 + b"}",
        b"[" * 10000 + b"]" * 10000,
        b'{"tweet_create_events":' + b"[" * 10000 + b"]" * 10000 + b"}",
    ],
)
def test_unreadable_bodies_raise_parse_failed(body: bytes) -> None:
    with pytest.raises(ParseFailed):
        x.adapter.parse(body, {})


def test_tweet_without_ids_is_ignored_not_fatal() -> None:
    result = parse(b'{"for_user_id":"1","tweet_create_events":[{"text":"hi"}]}')
    assert result.messages == []
    assert result.ignored == ["x tweet without id_str/user.id_str"]


def test_lone_surrogates_are_made_storable() -> None:
    payload = json.loads(load("tweet_create__mention.json"))
    payload["tweet_create_events"][0]["text"] = "broken \ud83d emoji"
    message = only(parse(encode(payload)))
    assert message.text.encode("utf-8") == b"broken ? emoji"


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_mutations_raise_only_parse_failed(name: str) -> None:
    variants = list(hostile_variants(json.loads(load(name))))
    assert len(variants) > 3 * 12  # more than 3 nodes, 12 hostile values each
    for payload in variants:
        try:
            result = x.adapter.parse(encode(payload), {})
        except ParseFailed:
            continue
        for message in result.messages:
            assert isinstance(message.text, str) and message.external_id
            assert message.sent_at.tzinfo is not None
