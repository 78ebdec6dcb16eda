"""Raw RFC 5322 endpoint: the generic-style signature, normalization of recorded messages
(tests/fixtures/email_raw, including the protocols.md 4a sample) and broken MIME."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from inbox.channels import email_raw
from inbox.channels.base import ParseFailed
from inbox.channels.email_raw import RawEmailAdapter
from inbox.channels.inbound import ProviderSecrets, VerificationFailed
from tests.channels.kit import ChannelSigned, Fixtures

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("email_raw")
ALL_FIXTURES = FIXTURES.names(".eml")
SECRET = "test-email-channel-secret-8b2e"
SECRETS = ProviderSecrets(channel_secret=SECRET)
NOW = 1767269000
ADAPTER = RawEmailAdapter(clock=lambda: float(NOW))

# fixture -> (external_id prefix, author id, text must contain, facts that must be set)
EXPECTED: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "message__reply.eml": (
        "CAF7reply.42@mail.example.net",
        "zoe@example.net",
        "Receipt attached — Zoë",
        {},
    ),
    "message__plain.eml": (
        "plain-1@mail.example.org",
        "ada.okafor@example.org",
        "has not arrived",
        {},
    ),
    "message__latin1.eml": ("latin1-1@mail.example.fr", "renee@example.fr", "arrivé", {}),
    "message__html_only.eml": ("html-1@mail.example.com", "lee@example.com", "broke after", {}),
    "message__no_message_id.eml": ("sha256:", "noid@example.com", "forgot the Message-ID", {}),
    "message__outbound_echo.eml": (
        "reply-9c1f@support.acme.example",
        "support@acme.example",
        "courier",
        {},
    ),
    "auto_reply__vacation.eml": (
        "ooo-88@mail.example.com",
        "sam@example.com",
        "out of the office",
        {"auto_reply": True},
    ),
    "bounce__mailer_daemon.eml": (
        "bounce-2@mx.example.net",
        "mailer-daemon@mx.example.net",
        "could not be delivered",
        {"auto_reply": True},
    ),
    "broken__bad_charset.eml": ("badcs-1@example.com", "broken@example.com", "unknown charset", {}),
    "broken__bad_base64.eml": ("badb64-1@example.com", "b64@example.com", "not base64", {}),
    "broken__bad_qp.eml": ("badqp-1@example.com", "qp@example.com", "escapes", {}),
    "broken__missing_boundary.eml": (
        "nobound-1@example.com",
        "nobound@example.com",
        "where parts were promised",
        {"mime_defects": True},
    ),
}


def load(name: str) -> bytes:
    return FIXTURES.read(name)


SIGNED = ChannelSigned("https://inbox.example.com/webhooks/email/raw/3",
                       "message/rfc822", SECRET, NOW)
sign, request = SIGNED.sign, SIGNED.request


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == ALL_FIXTURES


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_verifies_and_parses(name: str) -> None:
    body = load(name)
    headers = sign(body)
    key = ADAPTER.verify(request(body, headers), SECRETS)
    assert key == "email_raw:" + headers["x-inbox-signature"][7:]
    result = ADAPTER.parse(body, {"content-type": "message/rfc822"})
    external_id, author, text, facts = EXPECTED[name]
    [message] = result.messages
    assert message.external_id.startswith(external_id)
    assert (message.channel_kind, message.kind, message.visibility) == ("email", "email", "private")
    assert message.author.identity_kind == "email"
    assert message.author.external_id == author
    assert text in message.text
    assert facts.items() <= message.facts.items()
    assert ("auto_reply" in message.facts) is ("auto_reply" in facts)
    assert message.is_echo is (name == "message__outbound_echo.eml")
    assert message.thread_key is None
    assert message.sent_at.tzinfo is not None
    assert result.channel_external_ids == [message.channel_external_id]
    for value in (message.text, message.subject or "", message.author.name or ""):
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogates


# ---------------------------------------------------------------- verification


def test_signature_fails_on_a_changed_body_or_secret() -> None:
    body = load("message__reply.eml")
    with pytest.raises(VerificationFailed, match="signature mismatch"):
        ADAPTER.verify(request(body.replace(b"Zo", b"Jo", 1), sign(body)), SECRETS)
    with pytest.raises(VerificationFailed, match="signature mismatch"):
        ADAPTER.verify(request(body, sign(body, secret="other")), SECRETS)
    with pytest.raises(VerificationFailed, match="not configured"):
        ADAPTER.verify(request(body, sign(body)), ProviderSecrets())
    with pytest.raises(VerificationFailed, match="missing X-Inbox-Signature"):
        ADAPTER.verify(request(body, {"x-inbox-timestamp": str(NOW)}), SECRETS)


@pytest.mark.parametrize("timestamp", ["", "abc", "1767269000.5", "0x10", "١٧٦٧٢٦٩٠٠٠"])
def test_non_numeric_timestamps_fail(timestamp: str) -> None:
    body = load("message__plain.eml")
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(body, sign(body, timestamp)), SECRETS)
    assert caught.value.status == 401
    assert SECRET not in caught.value.reason


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_timestamp_is_a_replay(offset: int) -> None:
    body = load("message__plain.eml")
    with pytest.raises(VerificationFailed, match="stale timestamp"):
        ADAPTER.verify(request(body, sign(body, NOW + offset)), SECRETS)


def test_module_adapter() -> None:
    assert email_raw.adapter.provider == "email_raw"


# ---------------------------------------------------------------- normalization


def test_protocols_sample_normalization_and_threading() -> None:
    result = ADAPTER.parse(load("message__reply.eml"), {})
    [message] = result.messages
    assert message.external_id == "CAF7reply.42@mail.example.net"
    assert message.subject == "Re: [Ticket #4412] Café order"
    assert (message.author.name, message.author.email) == ("Zoë Martin", "zoe@example.net")
    assert message.channel_external_id == "support+4412@acme.example"
    assert message.references == [
        "ticket-4412.1767268000@support.acme.example",
        "CAF7orig.1@mail.example.net",
    ]
    assert message.parent_external_id == "ticket-4412.1767268000@support.acme.example"
    assert message.sent_at == datetime(2026, 1, 1, 12, 10, tzinfo=UTC)
    assert message.text == (
        "Still no delivery. Receipt attached — Zoë\n\n"
        "On Thu, 1 Jan 2026, Acme Support wrote:\n> We are looking into it.\n"
    )
    assert message.html == (
        "<p>Still no delivery. Receipt attached — Zoë</p>"
        "<blockquote>We are looking into it.</blockquote>\r\n"
    )
    assert message.facts["attachments"] == [
        {"filename": "reçu.pdf", "content_type": "application/pdf", "size": 57}
    ]


def test_envelope_recipient_wins_over_to() -> None:
    [message] = ADAPTER.parse(load("message__plain.eml"), {}).messages
    assert message.channel_external_id == "support@acme.example"  # Delivered-To
    assert message.author.name == "Okafor, Ada"
    assert message.sent_at == datetime(2026, 1, 2, 8, 30, tzinfo=UTC)


def test_latin1_headers_and_body() -> None:
    [message] = ADAPTER.parse(load("message__latin1.eml"), {}).messages
    assert message.author.name == "Renée Dupré"
    assert message.subject == "Problème de livraison"
    assert message.text == "Mon colis n'est pas arrivé. Merci d'avance.\n"


def test_html_only_is_rendered_to_text() -> None:
    [message] = ADAPTER.parse(load("message__html_only.eml"), {}).messages
    assert message.text == "The zip on my jacket broke after a week.\n\nCan I get a repair?"
    assert message.html and "<b>broke</b>" in message.html


def test_no_message_id_hashes_the_raw_message() -> None:
    body = load("message__no_message_id.eml")
    [message] = ADAPTER.parse(body, {}).messages
    assert message.external_id == "sha256:" + hashlib.sha256(body).hexdigest()


def test_broken_encodings_degrade_with_replacement_characters() -> None:
    [bad_charset] = ADAPTER.parse(load("broken__bad_charset.eml"), {}).messages
    assert bad_charset.text == "Café text in an unknown charset.\n"  # fell back to UTF-8
    assert bad_charset.author.name == "Br\ufffdken"
    [bad_qp] = ADAPTER.parse(load("broken__bad_qp.eml"), {}).messages
    assert "=ZZ" in bad_qp.text and "\ufffd" in bad_qp.text
    [bad_b64] = ADAPTER.parse(load("broken__bad_base64.eml"), {}).messages
    assert bad_b64.html is not None  # the truncated base64 html part still yields something


# ---------------------------------------------------------------- hostile messages


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \r\n",
        b"\xff\xfe\x00garbage without headers",
        b"Subject: no sender, no id\r\n\r\nbody",
        b"From: not-an-address\r\nSubject: x\r\n\r\nbody",
        b"\r\n\r\nFrom: a@b.example\r\n",  # headers start after an empty line: it is body
    ],
)
def test_nothing_usable_is_parse_failed(body: bytes) -> None:
    with pytest.raises(ParseFailed):
        ADAPTER.parse(body, {})


def mail(headers: str, body: bytes = b"body\r\n") -> bytes:
    return headers.replace("\n", "\r\n").encode("utf-8", "surrogateescape") + b"\r\n" + body


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        (
            mail("Message-ID: <only-id@example.com>\n"),
            lambda m: m.author.external_id == "unknown:only-id@example.com",
        ),
        (
            b"From: a@b.example\r\nSubject: =?utf-8?b?\xff\xfe?=\r\n\r\n\xff\xfe body",
            lambda m: m.text == "\ufffd\ufffd body" and m.subject is not None,
        ),
        (
            mail('From: a@b.example\nContent-Type: text/plain; charset=""\n'),
            lambda m: m.text == "body\n",
        ),
        (
            mail("From: a@b.example\nContent-Type: text/plain; charset=rot13\n"),
            lambda m: m.text == "body\n",
        ),
        (
            mail("From: a@b.example\nContent-Type: text/plain; charset*=bogus''%%%\n"),
            lambda m: "body" in m.text,
        ),
        (
            mail("From: a@b.example\nContent-Transfer-Encoding: x-uuencode\n", b"begin 644\r\n"),
            lambda m: isinstance(m.text, str),
        ),
        (
            mail("From: a@b.example\nDate: 31 Feb 99999 99:99 +9999\nReferences: junk\n"),
            lambda m: m.sent_at == datetime.fromtimestamp(NOW, UTC) and m.references == [],
        ),
        (
            mail("From: <<<>>>, a@b.example\nTo: ,,,\nIn-Reply-To: <p@x> (comment) <q@x>\n"),
            lambda m: m.author.external_id == "a@b.example" and m.references == ["p@x", "q@x"],
        ),
        (
            mail("From: a@b.example\nMessage-ID: <" + "x" * 5000 + "@example.com>\n"),
            lambda m: m.external_id.startswith("sha256:") and len(m.external_id) == 71,
        ),
        (
            mail("From: a@b.example\nContent-Type: multipart/mixed; boundary=b0\n")
            + b"".join(
                b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
                for i in range(2000)
            ),
            lambda m: m.author.external_id == "a@b.example",
        ),
        (
            mail("From: a@b.example\nContent-Type: multipart/mixed; boundary=z\n")
            + b"".join(b"--z\r\nContent-Type: text/x-junk\r\n\r\nx\r\n" for _ in range(3000))
            + b"--z--\r\n",
            lambda m: len(m.facts["attachments"]) <= 500,
        ),
    ],
)
def test_broken_mime_degrades_to_a_valid_message(raw: bytes, check: Any) -> None:
    [message] = ADAPTER.parse(raw, {}).messages
    assert check(message)
    for value in (message.text, message.subject or "", message.author.name or ""):
        value.encode("utf-8")
