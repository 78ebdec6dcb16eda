"""Each provider's signing, pinned to known answers: the simulator, the tests, the
benchmarks and the outbound generic sender all sign through these functions, so a
change to one would otherwise go unnoticed by verification tests that sign the same way."""

from __future__ import annotations

import pytest

from inbox.channels import generic, mailgun, meta, voice, x

pytestmark = pytest.mark.no_backends

BODY = b'{"id":"r1","text":"Broken on arrival"}'


def test_meta_signs_the_body_with_hex_hmac_sha256() -> None:
    assert meta.sign(BODY, "app-secret") == (
        "sha256=b1cb236c8b639d6693c2813a5171932ff0f317ae13dfba8c38e01ac8c71df306")


def test_x_signs_the_body_with_base64_hmac_sha256() -> None:
    assert x.sign(BODY, "consumer-secret") == "sha256=2vii40ydVFWeDZhbLH/wsj7FBM4tOYf8dyx+qVPAL88="


def test_the_generic_source_signs_timestamp_dot_body() -> None:
    assert generic.signed_headers(BODY, "channel-secret", timestamp=1767268800) == {
        "X-Inbox-Timestamp": "1767268800",
        "X-Inbox-Signature":
            "sha256=a4df0aca60e512a67673d56eff1b4ca4ebc24cd0070dd199309ff033af772395",
    }


def test_mailgun_signs_timestamp_and_token() -> None:
    assert mailgun.sign("signing-key", "1767268800", "t" * 50) == (
        "c6e65b739cb4528c85892c2f148d25398aff2f03899e4043c277c8dc270c3076")


def test_twilio_signs_the_url_and_the_sorted_parameters() -> None:
    params = [("From", "+15550100"), ("CallSid", "CA1"), ("CallStatus", "no-answer")]
    assert voice.sign("auth-token", "https://inbox.example/webhooks/voice", params) == (
        "WK8k13M4OhiUqqUJLk7eWuNoJB0=")
