"""Every adapter against bodies Hypothesis makes up: parsing answers a ParseResult or
raises ParseFailed — never anything else — and whatever it yields can be stored (text
without NULs, ids as non-empty strings, times with a zone)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.channels.base import ParseFailed, ParseResult
from inbox.channels.registry import PROVIDERS, adapter_for

pytestmark = pytest.mark.no_backends

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=30)
# Shapes close to each provider's, so the fuzzing reaches past the first check.
NEAR_META = st.fixed_dictionaries({"object": st.sampled_from(["page", "instagram", "x"]),
                                   "entry": st.lists(st.dictionaries(
                                       st.sampled_from(["id", "time", "changes", "messaging"]),
                                       JSON), max_size=3)})
NEAR_X = st.dictionaries(st.sampled_from(["for_user_id", "tweet_create_events",
                                          "direct_message_events", "users"]), JSON)
NEAR_GENERIC = st.dictionaries(st.sampled_from(["id", "type", "text", "author", "created_at",
                                                "thread_id", "rating", "metadata"]), JSON)
FORM = st.dictionaries(st.sampled_from(["From", "To", "Body", "CallSid", "sender", "recipient",
                                        "subject", "body-plain", "Message-Id", "timestamp",
                                        "message-headers", "CallStatus"]), st.text(), max_size=8)

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def storable(result: ParseResult) -> None:
    for message in result.messages:
        assert isinstance(message.external_id, str) and message.external_id
        assert isinstance(message.text, str) and "\x00" not in message.text
        assert message.sent_at.tzinfo is not None
        assert message.author.external_id is None or "\x00" not in message.author.external_id


def parse_only(provider: str, body: bytes, content_type: str) -> None:
    try:
        result = adapter_for(provider).parse(body, {"content-type": content_type})
    except ParseFailed:
        return
    storable(result)


@pytest.mark.parametrize("provider", ["meta", "x", "generic"])
@SETTINGS
@given(payload=JSON | NEAR_META | NEAR_X | NEAR_GENERIC)
def test_json_providers_read_any_json_or_say_why_not(provider: str, payload: Any) -> None:
    parse_only(provider, json.dumps(payload).encode(), "application/json")


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@SETTINGS
@given(body=st.binary(max_size=400))
def test_every_provider_reads_any_bytes_or_says_why_not(provider: str, body: bytes) -> None:
    parse_only(provider, body, "application/octet-stream")


@pytest.mark.parametrize("provider", ["voice", "mailgun"])
@SETTINGS
@given(fields=FORM)
def test_form_providers_read_any_fields_or_say_why_not(provider: str, fields: dict[str, str]
                                                        ) -> None:
    from urllib.parse import urlencode

    parse_only(provider, urlencode(fields).encode(), "application/x-www-form-urlencoded")
