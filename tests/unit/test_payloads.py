"""Every payload builder fits its schema in the event catalogue, field for field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from inbox.models import Case, Message
from inbox.realtime.events import CATALOGUE
from inbox.realtime.payloads import (
    case_payload,
    case_updated_payload,
    message_payload,
    message_updated_payload,
)

pytestmark = pytest.mark.no_backends

CASE = Case(id=7, status="queued", priority=2, queue_id=1, assignee_id=None,
            escalation_level=0, version=3, subject="Refund still missing",
            sla_due_at=datetime(2026, 12, 1, 22, 30, tzinfo=UTC), tags=["refund"])
MESSAGE = Message(id=11, case_id=7, direction="out", visibility="public", kind="reply",
                  text="On it", send_status="failed", send_error="429 from the platform")

BUILT: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("case.created", lambda: case_payload(CASE)),
    ("case.updated", lambda: case_updated_payload(CASE, "claim", 5)),
    ("message.created", lambda: message_payload(MESSAGE)),
    ("message.updated", lambda: message_updated_payload(MESSAGE)),
]


@pytest.mark.parametrize(("event", "build"), BUILT, ids=[event for event, _ in BUILT])
def test_the_builder_gives_exactly_the_catalogued_shape(
        event: str, build: Callable[[], dict[str, Any]]) -> None:
    schema = CATALOGUE[event]
    payload = build()
    assert schema.validate(payload) == {}
    assert set(payload) == set(schema.fields)
