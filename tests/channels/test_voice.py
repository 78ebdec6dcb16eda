"""Twilio voice callbacks: X-Twilio-Signature (protocols.md 3.3 samples and Twilio's doc
vector), replay keys, missed call vs voicemail vs answered call vs callback request
(tests/fixtures/voice) and hostile bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from inbox.channels import voice
from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.voice import VoiceAdapter, e164
from tests.channels.kit import Fixtures

pytestmark = pytest.mark.no_backends

FIXTURES = Fixtures("voice")
ALL_FIXTURES = FIXTURES.names(".json")
TOKEN = "test_twilio_auth_token_5e8a1c"
SECRETS = ProviderSecrets(twilio_auth_token=TOKEN)
URL = "https://inbox.example.com/webhooks/voice"
FORM = "application/x-www-form-urlencoded"
NOW = 1767269000
ADAPTER = VoiceAdapter(clock=lambda: float(NOW))

# protocols.md 3.3: fixture -> (URL Twilio called, documented X-Twilio-Signature)
DOCUMENTED = {
    "status__outbound_recorded.json": (
        "https://inbox.example.com/twilio/voice/status",
        "PSKf+pqEYZtag5NLPKUqtyqE9X8=",
    ),
    "transcription__completed.json": (
        "https://inbox.example.com/twilio/voice/transcription",
        "a3RkjilxcYlBYalgK4/0tmgUvs8=",
    ),
}
# fixture -> kind, or None when the callback is recorded as ignored
EXPECTED: dict[str, str | None] = {
    "status__outbound_recorded.json": None,
    "status__outbound_no_answer.json": None,
    "incoming__ringing.json": None,
    "recording__completed.json": None,
    "transcription__completed.json": "voicemail",
    "transcription__failed.json": "voicemail",
    "status__no_answer.json": "missed_call",
    "status__busy.json": "missed_call",
    "status__completed_zero_duration.json": "missed_call",
    "status__withheld_number.json": "missed_call",
    "dial__no_answer.json": "missed_call",
    "status__completed_answered.json": "call",
    "dial__completed.json": "call",
    "gather__callback_digits.json": "callback_request",
    "callback__requested.json": "callback_request",
}


def load(name: str) -> dict[str, str]:
    return FIXTURES.fields(name)


def twilio_signature(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    return voice.sign(token, url, list(params.items()))


def request(params: dict[str, str], signature: str | None = None, url: str = URL) -> InboundRequest:
    signature = twilio_signature(url, params) if signature is None else signature
    return InboundRequest(
        method="POST",
        url=url,
        headers={"content-type": FORM, "x-twilio-signature": signature},
        body=urlencode(params).encode(),
        form=dict(params),
    )


def parse(params: dict[str, str]) -> ParseResult:
    return ADAPTER.parse(urlencode(params).encode(), {"content-type": FORM})


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(EXPECTED) == ALL_FIXTURES


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_verifies_and_parses(name: str) -> None:
    params = load(name)
    key = ADAPTER.verify(request(params), SECRETS)
    assert key and key.startswith(f"twilio:{params['CallSid']}:")
    result = parse(params)
    kind = EXPECTED[name]
    if kind is None:
        assert result.messages == [] and len(result.ignored) == 1
        return
    [message] = result.messages
    assert message.kind == kind
    assert message.external_id == f"{params['CallSid']}:{kind}"
    assert (message.channel_kind, message.visibility) == ("voice", "private")
    assert message.channel_external_id == "+14155550100"
    assert result.channel_external_ids == ["+14155550100"]
    assert message.author.identity_kind == "phone"
    assert message.thread_key == f"voice:{message.author.external_id}"
    assert message.sent_at.tzinfo is not None
    assert message.text


# ---------------------------------------------------------------- verification


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_protocols_sample_signatures_verify(name: str) -> None:
    url, signature = DOCUMENTED[name]
    params = load(name)
    assert twilio_signature(url, params) == signature  # the fixture is the signed sample
    assert ADAPTER.verify(request(params, signature, url), SECRETS)


def test_protocols_sample_raw_form_body_verifies() -> None:
    # the exact body protocols.md shows "as sent", with request.form left empty
    body = (
        b"AccountSid=AC0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f&ApiVersion=2010-04-01&CallSid=CA1a2b3c4d1a2b"
        b"3c4d1a2b3c4d1a2b3c4d&CallStatus=completed&CallDuration=184&Duration=4&Direction=outbound"
        b"-api&From=%2B14155550100&To=%2B353861234567&SipResponseCode=200&RecordingUrl=https%3A%2F"
        b"%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f%2FRecordi"
        b"ngs%2FRE9e8d7c6b9e8d7c6b9e8d7c6b9e8d7c6b&RecordingSid=RE9e8d7c6b9e8d7c6b9e8d7c6b9e8d7c6b"
        b"&RecordingDuration=181&Timestamp=Thu%2C+01+Jan+2026+12%3A05%3A04+%2B0000&CallbackSource="
        b"call-progress-events&SequenceNumber=3"
    )
    req = InboundRequest(
        "POST",
        "https://inbox.example.com/twilio/voice/status",
        {"content-type": FORM, "x-twilio-signature": "PSKf+pqEYZtag5NLPKUqtyqE9X8="},
        body,
    )
    key = ADAPTER.verify(req, SECRETS)
    assert key and key.startswith(
        "twilio:CA1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d:recording:completed:RE9e8d7c6b9e8d7c6b"
    )


def test_twilio_documentation_vector() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://example.com/myapp.php?foo=1&bar=2"
    req = request(params, "L/OH5YylLD5NRKLltdqwSvS0BnU=", url)
    assert ADAPTER.verify(req, ProviderSecrets(twilio_auth_token="12345"))


def test_json_body_variant_checks_body_sha256() -> None:
    body = b'{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}'
    sha = "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9"
    url = f"https://inbox.example.com/twilio/events?bodySHA256={sha}"
    headers = {
        "content-type": "application/json",
        "x-twilio-signature": "MMF+WVaZAdi+cIvrlrQKIn6rM6c=",
    }
    key = ADAPTER.verify(InboundRequest("POST", url, headers, body), SECRETS)
    assert key and key.startswith("twilio:CA1234567890ABCDE:call:")
    tampered = body.replace(b"3030", b"3031")
    with pytest.raises(VerificationFailed, match="bodySHA256 does not match"):
        ADAPTER.verify(InboundRequest("POST", url, headers, tampered), SECRETS)
    no_hash = "https://inbox.example.com/twilio/events"
    with pytest.raises(VerificationFailed, match="without bodySHA256"):
        ADAPTER.verify(InboundRequest("POST", no_hash, headers, body), SECRETS)


@pytest.mark.parametrize(
    ("url", "signed_url"),
    [
        ("https://inbox.example.com:443/webhooks/voice", URL),  # Twilio dropped the port
        (URL, "https://inbox.example.com:443/webhooks/voice"),
        ("https://user:pass@inbox.example.com/webhooks/voice", URL),
    ],
)
def test_port_and_credentials_variants_verify(url: str, signed_url: str) -> None:
    params = load("status__no_answer.json")
    assert ADAPTER.verify(request(params, twilio_signature(signed_url, params), url), SECRETS)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p, s, u: ({**p, "CallStatus": "completed"}, s, u),
        lambda p, s, u: ({**p, "Extra": ""}, s, u),
        lambda p, s, u: (p, s, u + "/"),  # the trailing-slash trap
        lambda p, s, u: (p, s, u.replace("https", "http")),
        lambda p, s, u: (p, twilio_signature(u, p, "another-token"), u),
        lambda p, s, u: (p, s[:-2] + "==", u),
        lambda p, s, u: (p, "ünicode", u),
    ],
)
def test_bad_signatures_fail(tamper) -> None:  # type: ignore[no-untyped-def]
    params = load("status__no_answer.json")
    new_params, signature, url = tamper(params, twilio_signature(URL, params), URL)
    with pytest.raises(VerificationFailed) as caught:
        ADAPTER.verify(request(new_params, signature, url), SECRETS)
    assert caught.value.status == 403
    assert TOKEN not in caught.value.reason


def test_missing_header_or_token_fails() -> None:
    params = load("status__no_answer.json")
    with pytest.raises(VerificationFailed, match="missing X-Twilio-Signature") as caught:
        ADAPTER.verify(request(params, ""), SECRETS)
    assert caught.value.status == 401
    with pytest.raises(VerificationFailed, match="not configured"):
        ADAPTER.verify(request(params), ProviderSecrets())


def test_replay_keys_are_stable_and_distinguish_callbacks() -> None:
    voicemail = load("transcription__failed.json")
    recording = load("recording__completed.json")
    key = ADAPTER.verify(request(voicemail), SECRETS)
    assert key == ADAPTER.verify(request(voicemail), SECRETS)  # a retry / replay: same key
    assert key and key.startswith(
        "twilio:CA2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b:transcription:TR2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b:"
    )
    other = ADAPTER.verify(request(recording), SECRETS)
    assert other and other.startswith("twilio:CA2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b:recording:")
    ringing = load("incoming__ringing.json")
    progress = {**ringing, "CallbackSource": "call-progress-events", "SequenceNumber": "0"}
    assert ADAPTER.verify(request(ringing), SECRETS) != ADAPTER.verify(request(progress), SECRETS)


def test_module_adapter() -> None:
    assert voice.adapter.provider == "voice"


# ---------------------------------------------------------------- classification


def test_missed_call() -> None:
    [message] = parse(load("status__no_answer.json")).messages
    assert message.text == "Missed call from +353861234567"
    assert message.author.external_id == message.author.phone == "+353861234567"
    assert message.thread_key == "voice:+353861234567"
    assert message.sent_at == datetime(2026, 1, 2, 9, 0, 5, tzinfo=UTC)  # Timestamp param
    assert message.facts["call_status"] == "no-answer"


def test_voicemail_with_transcription() -> None:
    [message] = parse(load("transcription__completed.json")).messages
    assert message.kind == "voicemail"
    assert message.text == "Hi, this is Sam calling about order 4412, please call me back."
    assert message.facts["recording_url"].endswith("/Recordings/RE9e8d7c6b9e8d7c6b9e8d7c6b9e8d7c6b")
    assert message.facts["transcription_status"] == "completed"
    assert message.external_id == "CA1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d:voicemail"


def test_voicemail_without_transcription() -> None:
    [message] = parse(load("transcription__failed.json")).messages
    assert message.text == "Voicemail (no transcription)"
    assert message.facts["duration"] == 12


def test_missed_call_and_voicemail_of_one_call_are_two_messages() -> None:
    failed = load("transcription__failed.json")
    missed = {**load("status__no_answer.json"), "CallSid": failed["CallSid"]}
    [a] = parse(failed).messages
    [b] = parse(missed).messages
    assert a.external_id != b.external_id
    assert a.thread_key == b.thread_key  # one caller, one conversation
    assert parse(failed).messages[0].external_id == a.external_id  # redelivery dedups


def test_answered_call_is_log_only() -> None:
    [message] = parse(load("status__completed_answered.json")).messages
    assert message.kind == "call"
    assert message.facts["log_only"] is True
    assert message.facts["duration"] == 312
    assert message.author.name == "SAM LEE"
    [dialled] = parse(load("dial__completed.json")).messages
    assert dialled.facts["duration"] == 95 and dialled.facts["log_only"] is True


def test_callback_requests() -> None:
    [digits] = parse(load("gather__callback_digits.json")).messages
    [flag] = parse(load("callback__requested.json")).messages
    assert digits.text == "Callback requested by +353861234567"
    assert flag.facts["callback_number"] == "+447700900456"
    # Digits=1 that ends a <Record> is not a callback request
    record_end = {**load("gather__callback_digits.json"), "RecordingUrl": "https://x/r"}
    assert parse(record_end).messages == []


def test_withheld_caller_gets_a_per_call_identity() -> None:
    [message] = parse(load("status__withheld_number.json")).messages
    assert message.text == "Missed call from a withheld number"
    assert message.author.external_id == "withheld:CA7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a"
    assert message.author.phone is None
    assert message.facts["caller_withheld"] is True


def test_outbound_status_callbacks_are_ignored_but_outbound_voicemail_is_not() -> None:
    assert parse(load("status__outbound_recorded.json")).ignored == ["outbound-call:completed"]
    outbound_transcript = {
        **load("transcription__completed.json"),
        "Direction": "outbound-api",
        "From": "+14155550100",
        "To": "+353861234567",
    }
    [message] = parse(outbound_transcript).messages
    assert message.kind == "voicemail"
    assert message.author.external_id == "+353861234567"  # the remote party
    assert message.channel_external_id == "+14155550100"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+353861234567", "+353861234567"),
        ("00353 86 123 4567", "+353861234567"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("anonymous", None),
        ("RESTRICTED", None),
        ("client:alice", None),
        ("sip:bob@example.com", None),
        ("+0123", None),
        ("", None),
        (None, None),
    ],
)
def test_e164(raw: str | None, expected: str | None) -> None:
    assert e164(raw) == expected


# ---------------------------------------------------------------- hostile bodies


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"", FORM),
        (b"garbage", FORM),
        (b"From=%2B1555&To=%2B1666", FORM),  # no CallSid
        (b"CallSid=&CallStatus=busy", FORM),
        (b"\xff\xfe\xfd", FORM),
        (b'{"CallSid": "CA1", "CallStatus": "bu', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"[" * 100_000, "application/json"),
        (b'{"CallSid": ["CA1"]}', "application/json"),
    ],
)
def test_unreadable_bodies_fail_cleanly(body: bytes, ctype: str) -> None:
    with pytest.raises(ParseFailed):
        ADAPTER.parse(body, {"content-type": ctype})


@pytest.mark.parametrize(
    "body",
    [
        b"CallSid=CA1&CallStatus=busy",  # no From at all
        b"CallSid=CA1&CallStatus=completed&CallDuration=-5&From=%2B15551234567",
        b"CallSid=CA1&CallStatus=completed&CallDuration=" + b"9" * 40 + b"&From=x",
        b"CallSid=CA" + b"9" * 400 + b"&CallStatus=no-answer&From=%2B15551234567",
        b"CallSid=CA1&TranscriptionText=caf%FF%00%ED%B3%BF&From=%2B15551234567",
        b"CallSid=CA1&CallStatus=no-answer&Timestamp=not+a+date&From=%2B1555",
        b"CallSid=CA1&CallSid=CA2&Digits=1&From=%2B15551234567",
    ],
)
def test_odd_but_readable_callbacks_degrade(body: bytes) -> None:
    result = ADAPTER.parse(body, {"content-type": FORM})
    assert result.messages
    for message in result.messages:
        assert len(message.external_id) <= 300
        message.text.encode("utf-8")
        assert "\x00" not in message.text
        assert message.sent_at.tzinfo is not None


def test_json_body_callback_parses() -> None:
    body = json.dumps(
        {"CallSid": "CA9", "CallStatus": "busy", "From": "+15551234567", "To": "+14155550100"}
    ).encode()
    [message] = ADAPTER.parse(body, {"content-type": "application/json"}).messages
    assert (message.kind, message.external_id) == ("missed_call", "CA9:missed_call")
