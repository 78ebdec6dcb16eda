"""Meta adapter: X-Hub-Signature-256, the GET handshake, normalization of recorded payloads
(tests/fixtures/meta) and hostile bodies. Secrets and samples are the ones in protocols.md."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from inbox.channels import meta
from inbox.channels.base import ParseFailed
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from tests.channels.kit import Fixtures, JsonWebhook, encode, hostile_variants, only

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("meta")
ALL_FIXTURES = FIXTURES.names(".json")
APP_SECRET = "test_meta_app_secret_9f2c1e"
VERIFY_TOKEN = "cc-inbox-verify-7d41"
SECRETS = ProviderSecrets(meta_app_secret=APP_SECRET, meta_verify_token=VERIFY_TOKEN)
PAGE = "104859392837465"
IG = "17841400000000001"
PSID = "7034512345678901"

# protocols.md 1.5(a): the exact bytes Meta signed, and the documented signatures.
SAMPLE_A = (
    b'{"object":"page","entry":[{"id":"104859392837465","time":1767268805,"changes":[{"field":'
    b'"feed","value":{"from":{"id":"6712345678901234","name":"Zo\\u00eb Martin"},"item":"comment'
    b'","verb":"add","post_id":"104859392837465_913374650012345","comment_id":"913374650012345_'
    b'1203948576","parent_id":"104859392837465_913374650012345","created_time":1767268804,"mess'
    b'age":"Is the caf\\u00e9 open on Sunday?"}}]}]}'
)
SAMPLE_A_SIGNATURE = "sha256=0aba6d33be94eb20fee688f5da23e2bd7c6386141a8ebea7f00d96915ea002e8"
SAMPLE_A_RESERIALIZED_SIGNATURE = (
    "sha256=8cbfe78e2111672cd324b6ec7c5168e29f703a7e34f13e28370eeb008b41177f"
)
DOCUMENTED_SIGNATURES = {
    "feed_comment__basic.json": SAMPLE_A_SIGNATURE,
    "messenger_message__text.json": (
        "sha256=a87405c068c7fdfa2369b9ecee8c2d3bb638e5cdcdee0a41bdecf08f9b98adcc"
    ),
    "instagram_comment__basic.json": (
        "sha256=23401849c3ed0a502e3472a491ed235a09005eceef8e37fb04d9d50df1d7e1d2"
    ),
    "instagram_dm__text.json": (
        "sha256=dfb34a8fcbf2ad6ee0dd948d5bfc882e1de74c1f6c9e03d19fbf08c81fdc835c"
    ),
    "batch__two_entries.json": (
        "sha256=db7eb799425407cbab13f7e3ddd5db6e839fdf5ea6921932b01f80984f5df983"
    ),
}


WEBHOOK = JsonWebhook(meta, FIXTURES, "x-hub-signature-256", "/webhooks/meta", APP_SECRET)
load, sign, post, parse = WEBHOOK.load, WEBHOOK.sign, WEBHOOK.post, WEBHOOK.parse


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- fixtures as a whole -------------------------------------------------------------------------


def test_fixture_set_covers_the_documented_events() -> None:
    expected = {
        "feed_comment__basic.json", "feed_comment__reply.json", "feed_comment__page_echo.json",
        "messenger_message__text.json", "messenger_message__echo.json",
        "messenger_message__attachment.json", "instagram_comment__basic.json",
        "instagram_mention__comment.json", "instagram_dm__text.json", "page_mention__post.json",
        "batch__two_entries.json", "feed_reaction__ignored.json",
    }
    assert expected <= set(ALL_FIXTURES)
    assert meta.adapter.provider == "meta"


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_verifies_and_parses(name: str) -> None:
    body = load(name)
    assert meta.adapter.verify(post(body, sign(body)), SECRETS) is None
    with pytest.raises(VerificationFailed):
        meta.adapter.verify(post(body + b" ", sign(body)), SECRETS)
    result = parse(name)
    assert result.messages or result.ignored
    for message in result.messages:
        assert message.external_id and message.thread_key
        assert message.channel_kind in ("facebook", "instagram")
        assert message.channel_external_id in result.channel_external_ids
        assert message.sent_at.utcoffset() is not None
        assert message.sent_at.utcoffset().total_seconds() == 0
        assert message.visibility == ("private" if message.kind == "dm" else "public")
        assert message.author.identity_kind == message.channel_kind
        json.dumps(message.facts)  # facts are plain JSON for storage


@pytest.mark.parametrize("name", sorted(DOCUMENTED_SIGNATURES))
def test_documented_samples_verify_with_their_documented_signature(name: str) -> None:
    assert meta.adapter.verify(post(load(name), DOCUMENTED_SIGNATURES[name]), SECRETS) is None


# --- signature ------------------------------------------------------------------------------------


def test_protocols_sample_bytes_and_signature_verify() -> None:
    assert load("feed_comment__basic.json") == SAMPLE_A
    assert sign(SAMPLE_A) == SAMPLE_A_SIGNATURE
    assert meta.adapter.verify(post(SAMPLE_A, SAMPLE_A_SIGNATURE), SECRETS) is None


def test_reserialized_body_does_not_verify() -> None:
    # Decoding and re-encoding with raw UTF-8 turns \u00eb into bytes: a different body.
    reserialized = json.dumps(
        json.loads(SAMPLE_A), separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert sign(reserialized) == SAMPLE_A_RESERIALIZED_SIGNATURE
    with pytest.raises(VerificationFailed) as caught:
        meta.adapter.verify(post(reserialized, SAMPLE_A_SIGNATURE), SECRETS)
    assert caught.value.status == 401


def test_signature_header_name_and_hex_case_are_tolerated() -> None:
    request = InboundRequest(
        "POST", "https://inbox.example.com/webhooks/meta",
        {"X-Hub-Signature-256": SAMPLE_A_SIGNATURE.upper().replace("SHA256=", "sha256=")},
        SAMPLE_A,
    )
    assert meta.adapter.verify(request, SECRETS) is None


@pytest.mark.parametrize(
    ("signature", "reason_part"),
    [
        (None, "missing"),
        ("", "malformed"),
        ("sha1=e02d962b6287c6bd2c41ac308960ee2cb0f03c46", "malformed"),
        (SAMPLE_A_SIGNATURE[len("sha256="):], "malformed"),
        (SAMPLE_A_SIGNATURE[:-1], "malformed"),
        (SAMPLE_A_SIGNATURE + "00", "malformed"),
        ("sha256=" + "zz" * 32, "malformed"),
        ("sha256=" + "é" * 64, "malformed"),
        ("sha256=" + "0" * 64, "does not match"),
        (sign(SAMPLE_A, "another-secret"), "does not match"),
    ],
)
def test_bad_signatures_are_rejected(signature: str | None, reason_part: str) -> None:
    with pytest.raises(VerificationFailed) as caught:
        meta.adapter.verify(post(SAMPLE_A, signature), SECRETS)
    assert caught.value.status == 401
    assert reason_part in caught.value.reason
    assert APP_SECRET not in caught.value.reason


def test_unconfigured_secret_rejects_even_a_signature_made_with_an_empty_key() -> None:
    with pytest.raises(VerificationFailed) as caught:
        meta.adapter.verify(post(SAMPLE_A, sign(SAMPLE_A, "")), ProviderSecrets())
    assert caught.value.status == 401
    assert "not configured" in caught.value.reason


# --- GET subscription handshake -------------------------------------------------------------------


def handshake(**overrides: str) -> dict[str, str]:
    """The documented GET query; override mode/challenge/verify_token, "<absent>" drops one."""
    query = {"mode": "subscribe", "challenge": "1158201444", "verify_token": VERIFY_TOKEN}
    query.update(overrides)
    return {f"hub.{k}": v for k, v in query.items() if v != "<absent>"}


def test_subscription_handshake_returns_the_challenge() -> None:
    assert meta.verify_subscription(handshake(), VERIFY_TOKEN) == "1158201444"


@pytest.mark.parametrize(
    ("query", "configured"),
    [
        (handshake(verify_token="wrong-token"), VERIFY_TOKEN),
        (handshake(verify_token="<absent>"), VERIFY_TOKEN),
        (handshake(verify_token="cc-inbox-verify-7d4"), VERIFY_TOKEN),
        (handshake(verify_token="cc-inbox-verify-7d41é"), VERIFY_TOKEN),
        (handshake(mode="unsubscribe"), VERIFY_TOKEN),
        (handshake(mode="<absent>"), VERIFY_TOKEN),
        (handshake(challenge="<absent>"), VERIFY_TOKEN),
        (handshake(challenge="<script>" * 40), VERIFY_TOKEN),
        (handshake(verify_token=""), ""),  # unconfigured token never matches
    ],
)
def test_subscription_handshake_rejects_with_403(query: dict[str, str], configured: str) -> None:
    with pytest.raises(VerificationFailed) as caught:
        meta.verify_subscription(query, configured)
    assert caught.value.status == 403
    assert VERIFY_TOKEN not in caught.value.reason


# --- Facebook Page feed ---------------------------------------------------------------------------


def test_feed_comment_is_normalized() -> None:
    result = parse("feed_comment__basic.json")
    message = only(result)
    assert result.channel_external_ids == [PAGE]
    assert result.ignored == []
    assert message.external_id == "913374650012345_1203948576"
    assert (message.kind, message.visibility, message.channel_kind) == (
        "comment", "public", "facebook",
    )
    assert message.channel_external_id == PAGE
    assert message.text == "Is the café open on Sunday?"
    assert message.parent_external_id == "104859392837465_913374650012345"
    assert message.thread_key == "fb:post:104859392837465_913374650012345"
    assert message.sent_at == at(2026, 1, 1, 12, 0, 4)
    assert (message.author.identity_kind, message.author.external_id, message.author.name) == (
        "facebook", "6712345678901234", "Zoë Martin",
    )
    assert message.is_echo is False
    assert message.addressed_to_us is True
    assert "edited" not in message.facts


def test_reply_to_a_comment_keeps_the_post_thread() -> None:
    message = only(parse("feed_comment__reply.json"))
    assert message.kind == "reply"
    assert message.parent_external_id == "913374650012345_1203948576"
    assert message.thread_key == "fb:post:104859392837465_913374650012345"
    assert message.text == "Merci, j'attends là-bas"


def test_edited_comment_reuses_the_comment_id_and_is_flagged() -> None:
    original = only(parse("feed_comment__basic.json"))
    edited = only(parse("feed_comment__edited.json"))
    assert edited.external_id == original.external_id
    assert edited.facts["edited"] is True
    assert edited.text == "Is the café open on Sunday and Monday?"


def test_comment_photo_is_an_attachment() -> None:
    message = only(parse("feed_comment__photo.json"))
    assert message.facts["attachments"] == [
        {"type": "photo", "url": "https://scontent.example/broken-box.jpg"}
    ]


def test_page_own_comment_is_an_echo() -> None:
    message = only(parse("feed_comment__page_echo.json"))
    assert message.is_echo is True
    assert message.author.external_id == PAGE
    assert message.kind == "reply"


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("feed_comment__removed.json", ["page feed item=comment verb=remove"]),
        ("feed_reaction__ignored.json", ["page feed item=reaction verb=add"]),
        ("user_object__ignored.json", ["object=user entries=1"]),
        (
            "messenger_receipts__ignored.json",
            [
                "page messaging event=delivery",
                "page messaging event=read",
                "page messaging event=reaction",
            ],
        ),
        ("instagram_dm__deleted.json", ["instagram messaging message is_deleted"]),
    ],
)
def test_non_message_events_are_listed_as_ignored(name: str, ignored: list[str]) -> None:
    result = parse(name)
    assert result.messages == []
    assert result.ignored == ignored


def test_hide_is_ignored_like_remove() -> None:
    payload = json.loads(load("feed_comment__basic.json"))
    payload["entry"][0]["changes"][0]["value"]["verb"] = "hide"
    result = parse(encode(payload))
    assert result.messages == []
    assert result.ignored == ["page feed item=comment verb=hide"]


def test_visitor_post_is_a_post() -> None:
    message = only(parse("feed_post__visitor.json"))
    assert message.kind == "post"
    assert message.external_id == "104859392837465_913374650099999"
    assert message.thread_key == "fb:post:104859392837465_913374650099999"
    assert message.parent_external_id is None
    assert message.author.name == "Omar Haddad"
    assert message.text == "Three weeks and still no refund. Anyone there?"


def test_page_mentions_use_sender_fields() -> None:
    post_mention = only(parse("page_mention__post.json"))
    assert post_mention.kind == "mention"
    assert post_mention.external_id == "330000000000001_440000000000002"
    assert post_mention.thread_key == "fb:post:330000000000001_440000000000002"
    assert post_mention.author.external_id == "6722222222222222"
    assert post_mention.author.name == "Priya Nair"
    assert post_mention.channel_external_id == PAGE

    comment_mention = only(parse("page_mention__comment.json"))
    assert comment_mention.kind == "mention"
    assert comment_mention.external_id == "440000000000002_55501"
    assert comment_mention.parent_external_id == "330000000000001_440000000000002"
    assert comment_mention.text == "@Acme Support same problem here"


# --- Messenger ------------------------------------------------------------------------------------


def test_messenger_text_is_a_private_dm() -> None:
    message = only(parse("messenger_message__text.json"))
    assert (message.kind, message.visibility, message.channel_kind) == ("dm", "private", "facebook")
    assert message.external_id == "m_Q2hhdE1lc3NhZ2VJRC00NDEyLXRlc3Q"
    assert message.thread_key == f"fb:dm:{PAGE}:{PSID}"
    assert message.author.external_id == PSID
    assert message.text == "Hi, order #4412 still hasn't arrived"
    assert message.sent_at == datetime(2026, 1, 1, 12, 0, 9, 876000, tzinfo=UTC)
    assert message.parent_external_id is None
    assert message.is_echo is False


def test_messenger_echo_is_flagged_and_threaded_with_the_customer() -> None:
    echo = only(parse("messenger_message__echo.json"))
    customer = only(parse("messenger_message__text.json"))
    assert echo.is_echo is True
    assert echo.author.external_id == PAGE
    assert echo.thread_key == customer.thread_key
    assert echo.facts["app_id"] == "1517776481860111"


def test_messenger_attachments_are_facts() -> None:
    message = only(parse("messenger_message__attachment.json"))
    assert message.text == ""
    assert message.facts["attachments"] == [
        {"type": "image", "url": "https://lookaside.example/label.jpg"},
        {"type": "file", "url": "https://lookaside.example/invoice.pdf"},
    ]


def test_messenger_reply_to_and_quick_reply() -> None:
    message = only(parse("messenger_message__reply.json"))
    assert message.parent_external_id == "m_ZWNob01lc3NhZ2VJRC00NDEy"
    assert message.facts["quick_reply_payload"] == "ORDER_4412"


def test_postback_with_mid_becomes_a_dm_with_the_button_title() -> None:
    message = only(parse("messenger_postback__button.json"))
    assert message.kind == "dm"
    assert message.external_id == "m_cG9zdGJhY2stNDQxMg"
    assert message.text == "Talk to an agent"
    assert message.facts["postback_payload"] == "HUMAN_AGENT"
    assert message.thread_key == f"fb:dm:{PAGE}:{PSID}"


def test_postback_without_mid_is_ignored() -> None:
    payload = json.loads(load("messenger_postback__button.json"))
    del payload["entry"][0]["messaging"][0]["postback"]["mid"]
    result = parse(encode(payload))
    assert result.messages == []
    assert result.ignored == ["page messaging event=postback"]


# --- Instagram ------------------------------------------------------------------------------------


def test_instagram_comment_is_normalized() -> None:
    result = parse("instagram_comment__basic.json")
    message = only(result)
    assert result.channel_external_ids == [IG]
    assert (message.kind, message.channel_kind, message.visibility) == (
        "comment", "instagram", "public",
    )
    assert message.external_id == "18098765432109876"
    assert message.text == "Do you ship to Ireland? \U0001f1ee\U0001f1ea"
    assert message.thread_key == "ig:media:18012345678901234"
    assert message.parent_external_id == "18012345678901234"
    assert (message.author.identity_kind, message.author.external_id, message.author.handle) == (
        "instagram", "1789012345678901", "jane.doe",
    )
    assert message.sent_at == at(2026, 1, 1, 12, 0, 20)  # entry.time: IG sends no created_time
    assert message.facts["media_product_type"] == "FEED"
    assert message.is_echo is False


def test_instagram_reply_points_at_its_parent_comment() -> None:
    message = only(parse("instagram_comment__reply.json"))
    assert message.kind == "reply"
    assert message.parent_external_id == "18098765432109876"
    assert message.thread_key == "ig:media:18012345678901234"


def test_instagram_flat_shape_and_comment_id_are_read() -> None:
    message = only(parse("instagram_comment__flat_shape.json"))
    assert message.external_id == "18098765432109950"
    assert message.kind == "comment"
    assert message.author.handle == "mark_o"
    assert message.text == "Link in bio is broken"


def test_instagram_live_comment() -> None:
    message = only(parse("instagram_comment__live.json"))
    assert message.kind == "comment"
    assert message.facts["field"] == "live_comments"
    assert message.thread_key == "ig:media:18099999999999999"


def test_instagram_own_comment_is_an_echo() -> None:
    assert only(parse("instagram_comment__own_echo.json")).is_echo is True


def test_instagram_mentions_carry_ids_only() -> None:
    comment = only(parse("instagram_mention__comment.json"))
    assert (comment.kind, comment.text) == ("mention", "")
    assert comment.external_id == "17930000000000002"
    assert comment.thread_key == "ig:media:17920000000000001"
    assert comment.facts["media_id"] == "17920000000000001"
    assert comment.facts["comment_id"] == "17930000000000002"
    assert comment.facts["needs_fetch"] is True
    assert comment.is_echo is False

    caption = only(parse("instagram_mention__caption.json"))
    assert caption.external_id == "17920000000000005"
    assert caption.parent_external_id is None
    assert "comment_id" not in caption.facts


def test_instagram_dm_and_its_echo_share_a_thread() -> None:
    message = only(parse("instagram_dm__text.json"))
    echo = only(parse("instagram_dm__echo.json"))
    assert (message.kind, message.visibility, message.channel_kind) == (
        "dm", "private", "instagram",
    )
    assert message.external_id == "aWdfZAG1faXRlbToxOklHTWVzc2FnZUlEOjQ0MTI"
    assert message.thread_key == f"ig:dm:{IG}:1122334455667788"
    assert message.author.identity_kind == "instagram"
    assert message.sent_at == datetime(2026, 1, 1, 12, 0, 30, 1000, tzinfo=UTC)
    assert message.is_echo is False
    assert echo.is_echo is True
    assert echo.thread_key == message.thread_key


def test_instagram_story_reply_is_a_fact() -> None:
    message = only(parse("instagram_dm__story_reply.json"))
    assert message.facts["story_reply"] == {
        "id": "17950000000000001", "url": "https://lookaside.example/story.mp4",
    }


# --- batches --------------------------------------------------------------------------------------


def test_documented_batch_yields_every_message() -> None:
    result = parse("batch__two_entries.json")
    assert result.channel_external_ids == [PAGE, "209384756102938"]
    assert [(m.channel_external_id, m.kind, m.external_id) for m in result.messages] == [
        (PAGE, "reply", "913374650012345_1203948600"),
        ("209384756102938", "comment", "555000111222333_900000001"),
    ]
    assert result.messages[1].facts["edited"] is True
    assert result.ignored == ["page feed item=reaction verb=add"]


def test_large_batch_over_many_pages_yields_all_messages() -> None:
    comment = json.loads(load("feed_comment__basic.json"))["entry"][0]["changes"][0]
    dm = json.loads(load("messenger_message__text.json"))["entry"][0]["messaging"][0]
    entries = []
    for index in range(300):
        page_id = f"10000000000000{index % 7}"
        change = copy.deepcopy(comment)
        change["value"]["comment_id"] = f"913374650012345_{index}"
        event = copy.deepcopy(dm)
        event["message"]["mid"] = f"m_{index}"
        entries.append({"id": page_id, "time": 1767268805, "changes": [change],
                        "messaging": [event]})
    body = encode({"object": "page", "entry": entries})
    assert meta.adapter.verify(post(body, sign(body)), SECRETS) is None
    result = parse(body)
    assert len(result.messages) == 600
    assert len({m.external_id for m in result.messages}) == 600
    assert sorted(result.channel_external_ids) == [f"10000000000000{i}" for i in range(7)]
    assert {m.kind for m in result.messages} == {"comment", "dm"}


# --- hostile and malformed bodies ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        SAMPLE_A[:-5],  # truncated
        b"\xff\xfe",
        b'{"object":"page","entry":[{"id":"1","changes":[{"value":{"message":"\xc3"}}]}]}',
        b"[]",
        b'[{"object":"page"}]',
        b'"page"',
        b"null",
        b"{}",
        b'{"entry":[]}',
        b'{"object":5,"entry":[]}',
        b'{"object":"page","entry":"x"}',
        b'{"object":"page","entry":{"id":"1"}}',
        b'{"object":"page","entry":["x"]}',
        b'{"object":"page","entry":[{"id":"1","changes":"x"}]}',
        b'{"object":"page","entry":[{"id":"1","changes":[1]}]}',
        b'{"object":"instagram","entry":[{"id":"1","messaging":{"a":1}}]}',
        b'{"object":"page","entry":[{"id":"1","time":' + b"9" * 5000 + b"}]}",
        b"[" * 10000 + b"]" * 10000,
        b'{"object":"page","entry":' + b"[" * 10000 + b"]" * 10000 + b"}",
        b'{"a":' * 10000 + b"1" + b"}" * 10000,
    ],
)
def test_unreadable_bodies_raise_parse_failed(body: bytes) -> None:
    with pytest.raises(ParseFailed):
        meta.adapter.parse(body, {})


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"item": "comment", "verb": "add"},
        {"item": "comment", "verb": "add", "post_id": ["x"], "comment_id": {"a": 1}},
        {"item": ["comment"], "verb": {"add": 1}},
        {"item": "comment", "verb": "add", "post_id": "1_2", "comment_id": "2_3", "from": "x",
         "message": 5, "created_time": "not a time", "parent_id": None},
        {"item": "comment", "verb": "add", "post_id": "1_2", "comment_id": "2_3",
         "created_time": 1e300, "message": "lone \ud800 surrogate"},
        {"item": "post", "verb": "add"},
    ],
)
def test_missing_or_mistyped_fields_never_crash(value: dict[str, Any]) -> None:
    body = encode({"object": "page", "entry": [
        {"id": PAGE, "time": 1767268805, "changes": [{"field": "feed", "value": value}]},
    ]})
    result = parse(body)
    assert result.messages or result.ignored
    for message in result.messages:
        message.text.encode("utf-8")  # storable
        assert message.sent_at.tzinfo is not None


def test_comment_without_from_keeps_the_message_with_an_unknown_author() -> None:
    payload = json.loads(SAMPLE_A)
    del payload["entry"][0]["changes"][0]["value"]["from"]
    message = only(parse(encode(payload)))
    assert message.author.external_id == ""
    assert message.facts["author_unknown"] is True
    assert message.is_echo is False


def test_entry_without_id_is_ignored_not_fatal() -> None:
    result = parse(b'{"object":"page","entry":[{"time":1,"changes":[]}]}')
    assert result.messages == []
    assert result.ignored == ["page entry without id"]


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_mutations_raise_only_parse_failed(name: str) -> None:
    variants = list(hostile_variants(json.loads(load(name))))
    for payload in variants:
        try:
            result = meta.adapter.parse(encode(payload), {})
        except ParseFailed:
            continue
        for message in result.messages:
            assert isinstance(message.text, str) and isinstance(message.external_id, str)
            assert message.sent_at.tzinfo is not None
