"""Mailgun routes: the timestamp+token signature (protocols.md 4c sample), the replay
key, normalization of recorded forms (tests/fixtures/mailgun, url-encoded and multipart)
and hostile bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest

from inbox.channels import mailgun
from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.mailgun import MailgunAdapter
from tests.channels.kit import Fixtures

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("mailgun")
ALL_FIXTURES = FIXTURES.names(".json")
KEY = "test-mailgun-webhook-signing-key-4c1d"
SECRETS = ProviderSecrets(mailgun_signing_key=KEY)
# protocols.md 4c
SAMPLE_TIMESTAMP = "1767269000"
SAMPLE_TOKEN = "a9749f3e0fb3489975c03b739084690c04a2cc4252ba3f4ca0"
SAMPLE_SIGNATURE = "dbf43c6e929a1e4ad116f9fd0099e8ac30bc37bda277609499d788c38fd634c0"
NOW = 1767269000
ADAPTER = MailgunAdapter(clock=lambda: float(NOW))
FORM = "application/x-www-form-urlencoded"

# fixture -> (external_id, author, facts that must be set, is_echo)
EXPECTED: dict[str, tuple[str, str, dict[str, Any], bool]] = {
    "inbound__reply.json": ("CAF7reply.42@mail.example.net", "zoe@example.net", {}, False),
    "inbound__html_only.json": ("0f1e2d3c@mail.example.org", "ada.okafor@example.org", {}, False),
    "inbound__auto_reply.json": (
        "ooo-77@mail.example.com",
        "sam@example.com",
        {"auto_reply": True},
        False,
    ),
    "inbound__bounce.json": (
        "bounce-1@mx.example.net",
        "mailer-daemon@mx.example.net",
        {"auto_reply": True},
        False,
    ),
    "inbound__outbound_echo.json": (
        "reply-9c1f@support.acme.example",
        "support@acme.example",
        {},
        True,
    ),
    "inbound__no_message_id.json": ("sha256:", "noid@example.com", {}, False),
    "inbound__broken_headers.json": ("broken-1@example.com", "broken@example.com", {}, False),
}


def load(name: str) -> dict[str, str]:
    return FIXTURES.fields(name)


def sign(fields: dict[str, str], timestamp: int = NOW, token: str = "t" * 50) -> dict[str, str]:
    mac = mailgun.sign(KEY, str(timestamp), token)
    return {**fields, "timestamp": str(timestamp), "token": token, "signature": mac}


def multipart(
    fields: dict[str, str], files: tuple[tuple[str, str, str, bytes], ...] = ()
) -> tuple[bytes, str]:
    boundary = "----inbox-test-boundary-7MA4YWxk"
    chunks: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        chunks.append(head.encode() + value.encode("utf-8") + b"\r\n")
    for name, filename, ctype, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
        )
        chunks.append(head.encode() + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def request(fields: dict[str, str], *, form: bool = True) -> InboundRequest:
    body = urlencode(fields).encode()
    return InboundRequest(
        method="POST",
        url="https://inbox.example.com/webhooks/email/mailgun",
        headers={"content-type": FORM},
        body=body,
        form=dict(fields) if form else {},
    )


def parse(fields: dict[str, str]) -> ParseResult:
    return ADAPTER.parse(urlencode(fields).encode(), {"content-type": FORM})


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == ALL_FIXTURES


@pytest.mark.parametrize("name", ALL_FIXTURES)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_every_fixture_verifies_and_parses(name: str, encoding: str) -> None:
    fields = sign(load(name))
    assert ADAPTER.verify(request(fields), SECRETS) == "mailgun:" + "t" * 50
    if encoding == "urlencoded":
        result = parse(fields)
    else:
        body, ctype = multipart(fields)
        result = ADAPTER.parse(body, {"content-type": ctype})
    external_id, author, facts, is_echo = EXPECTED[name]
    [message] = result.messages
    assert message.external_id.startswith(external_id)
    assert (message.channel_kind, message.kind, message.visibility) == ("email", "email", "private")
    assert message.author.identity_kind == "email"
    assert message.author.external_id == author
    assert message.is_echo is is_echo
    assert facts.items() <= message.facts.items()
    assert ("auto_reply" in message.facts) is ("auto_reply" in facts)
    assert message.thread_key is None
    assert message.sent_at.tzinfo is not None
    assert message.channel_external_id == result.channel_external_ids[0]
    assert message.channel_external_id == message.channel_external_id.lower()
    assert message.text


# ---------------------------------------------------------------- verification


def test_protocols_sample_signature_verifies_and_yields_the_token_replay_key() -> None:
    fields = load("inbound__reply.json")
    assert (fields["timestamp"], fields["token"], fields["signature"]) == (
        SAMPLE_TIMESTAMP,
        SAMPLE_TOKEN,
        SAMPLE_SIGNATURE,
    )
    assert ADAPTER.verify(request(fields), SECRETS) == f"mailgun:{SAMPLE_TOKEN}"


def test_signature_is_read_from_the_raw_body_when_the_caller_did_not_parse_it() -> None:
    fields = load("inbound__reply.json")
    assert ADAPTER.verify(request(fields, form=False), SECRETS) == f"mailgun:{SAMPLE_TOKEN}"
    body, ctype = multipart(fields)
    raw = InboundRequest("POST", "https://x/webhooks/email/mailgun", {"content-type": ctype}, body)
    assert ADAPTER.verify(raw, SECRETS) == f"mailgun:{SAMPLE_TOKEN}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"signature": "0" * 64}, "signature mismatch"),
        ({"signature": SAMPLE_SIGNATURE.upper()[:-1] + "1"}, "signature mismatch"),
        ({"token": SAMPLE_TOKEN[:-1] + "X"}, "signature mismatch"),
        ({"timestamp": "1767269001"}, "signature mismatch"),
        ({"signature": "zoë"}, "signature mismatch"),
        ({"signature": ""}, "missing"),
        ({"token": ""}, "missing"),
        ({"timestamp": "soon"}, "Unix seconds"),
        ({"timestamp": "1_767_269_000"}, "Unix seconds"),
        ({"token": "x" * 300}, "too long"),
    ],
)
def test_bad_signatures_fail(change: dict[str, str], reason: str) -> None:
    fields = {**load("inbound__reply.json"), **change}
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(fields), SECRETS)
    assert reason in caught.value.reason
    assert caught.value.status in (401, 403)
    assert KEY not in caught.value.reason


def test_uppercase_hex_signature_is_accepted() -> None:
    fields = {**load("inbound__reply.json"), "signature": SAMPLE_SIGNATURE.upper()}
    assert ADAPTER.verify(request(fields), SECRETS)


def test_wrong_or_missing_key_fails() -> None:
    fields = load("inbound__reply.json")
    with pytest.raises(VerificationFailed, match="signature mismatch"):
        ADAPTER.verify(request(fields), ProviderSecrets(mailgun_signing_key="other-key"))
    with pytest.raises(VerificationFailed, match="not configured"):
        ADAPTER.verify(request(fields), ProviderSecrets())


@pytest.mark.parametrize("offset", [301, -301, 3600])
def test_stale_timestamp_is_rejected(offset: int) -> None:
    stale = MailgunAdapter(clock=lambda: float(NOW + offset))
    with pytest.raises(VerificationFailed) as caught:
        stale.verify(request(load("inbound__reply.json")), SECRETS)
    assert "stale timestamp" in caught.value.reason
    assert caught.value.status == 403


@pytest.mark.parametrize("offset", [300, -300])
def test_edge_of_the_window_passes(offset: int) -> None:
    edge = MailgunAdapter(clock=lambda: float(NOW + offset))
    assert edge.verify(request(load("inbound__reply.json")), SECRETS)


def test_replay_keys_differ_per_token() -> None:
    fields = load("inbound__html_only.json")
    a = ADAPTER.verify(request(sign(fields, token="a" * 50)), SECRETS)
    b = ADAPTER.verify(request(sign(fields, token="b" * 50)), SECRETS)
    assert a == "mailgun:" + "a" * 50 and b == "mailgun:" + "b" * 50


def test_module_adapter() -> None:
    assert mailgun.adapter.provider == "mailgun"
    with pytest.raises(VerificationFailed, match="stale"):  # the 2026 sample vs the real clock
        mailgun.adapter.verify(request(sign(load("inbound__reply.json"), 1_000_000_000)), SECRETS)


# ---------------------------------------------------------------- normalization


def test_reply_normalization_and_threading_references() -> None:
    result = parse(load("inbound__reply.json"))
    [message] = result.messages
    assert result.channel_external_ids == ["support+4412@acme.example"]
    assert message.subject == "Re: [Ticket #4412] Café order"
    assert message.author.name == "Zoë Martin"
    assert message.author.email == "zoe@example.net"
    assert message.references == [
        "ticket-4412.1767268000@support.acme.example",
        "CAF7orig.1@mail.example.net",
    ]
    assert message.parent_external_id == "ticket-4412.1767268000@support.acme.example"
    assert message.sent_at == datetime(2026, 1, 1, 12, 10, tzinfo=UTC)
    assert message.text.startswith("Still no delivery. Receipt attached — Zoë\n\nOn Thu")
    assert "\r" not in message.text
    assert message.html and message.html.startswith("<p>Still no delivery.")
    assert message.facts["stripped_text"] == "Still no delivery. Receipt attached — Zoë"


def test_html_only_mail_gets_a_text_rendering() -> None:
    [message] = parse(load("inbound__html_only.json")).messages
    assert message.text == "The vase in order 5521 arrived broken.\n\nPhotos attached & box kept."
    assert "<script>" in (message.html or "")  # raw: sanitizing happens elsewhere
    assert message.author.name == "Okafor, Ada"
    assert message.author.email == "Ada.Okafor@Example.org"
    assert message.sent_at == datetime(2026, 1, 2, 8, 30, tzinfo=UTC)


def test_echo_carries_the_full_reference_chain() -> None:
    [message] = parse(load("inbound__outbound_echo.json")).messages
    assert message.is_echo is True
    assert message.references[0] == "CAF7reply.42@mail.example.net"
    assert len(message.references) == 3


def test_missing_message_id_hash_is_stable_across_redeliveries() -> None:
    fields = load("inbound__no_message_id.json")
    first = parse(sign(fields, NOW, "a" * 50)).messages[0]
    again = parse(sign(fields, NOW + 600, "b" * 50)).messages[0]
    assert first.external_id == again.external_id
    assert first.external_id.startswith("sha256:") and len(first.external_id) == 71


def test_broken_headers_degrade() -> None:
    [message] = parse(load("inbound__broken_headers.json")).messages
    assert message.text == "Body survives broken headers."
    assert message.sent_at == datetime.fromtimestamp(NOW, UTC)  # bad Date -> now
    assert message.channel_external_id == "support@acme.example"
    assert message.author.name and "ken" in message.author.name


def test_multipart_attachments_are_described() -> None:
    fields = sign(load("inbound__reply.json"))
    fields["attachment-count"] = "1"
    body, ctype = multipart(fields, (("attachment-1", "reçu.pdf", "application/pdf", b"%PDF-1.4"),))
    [message] = ADAPTER.parse(body, {"content-type": ctype}).messages
    assert message.facts["attachments"] == [
        {
            "field": "attachment-1",
            "filename": "reçu.pdf",
            "content_type": "application/pdf",
            "size": 8,
        }
    ]
    assert message.subject == "Re: [Ticket #4412] Café order"


def test_raw_mime_route() -> None:
    raw = (
        "Message-ID: <mime-1@example.com>\r\nFrom: Kim <kim@example.com>\r\n"
        "To: support@acme.example\r\nSubject: via mime\r\n\r\nRaw body.\r\n"
    )
    fields = sign({"recipient": "support@acme.example", "body-mime": raw})
    [message] = parse(fields).messages
    assert (message.external_id, message.text, message.subject) == (
        "mime-1@example.com",
        "Raw body.\n",
        "via mime",
    )


# ---------------------------------------------------------------- hostile bodies


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"", FORM),
        (b"not a form", FORM),
        (b"a=1&&b", FORM),
        (b"recipient=support%40acme.example&body-plain=hi", FORM),  # no sender, no id
        (b"\xff\xfe\xfd", FORM),
        (b"--nope\r\n\r\n", "multipart/form-data; boundary=other"),
        (b"plain", "multipart/form-data"),
        (b"&".join(b"f%d=1" % i for i in range(2000)), FORM),
    ],
)
def test_unreadable_bodies_fail_cleanly(body: bytes, ctype: str) -> None:
    with pytest.raises(ParseFailed):
        ADAPTER.parse(body, {"content-type": ctype})


@pytest.mark.parametrize(
    "message_headers",
    [
        '[[1, 2], {"a": 1}, ["Only-One"], null, "x"]',
        '{"not": "a list"}',
        "[" * 100_000,
        '[["Message-Id", "<' + "x" * 5000 + '@example.com>"]]',
    ],
)
def test_hostile_message_headers_degrade(message_headers: str) -> None:
    fields = {**load("inbound__html_only.json"), "message-headers": message_headers}
    [message] = parse(fields).messages
    assert message.author.external_id == "ada.okafor@example.org"
    assert len(message.external_id) <= 255


def test_invalid_utf8_inside_fields_degrades() -> None:
    body = (
        b"recipient=support%40acme.example&from=bad%FF%FEname+%3Cbad%40example.com%3E"
        b"&Message-Id=%3Cu-1%40example.com%3E&body-plain=caf%E9+%00nul&subject=%C3"
    )
    [message] = ADAPTER.parse(body, {"content-type": FORM}).messages
    assert message.text == "caf\ufffd nul"
    assert message.author.external_id == "bad@example.com"
    message.author.name.encode("utf-8")  # type: ignore[union-attr]
