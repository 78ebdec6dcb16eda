"""FastDumpSchema gives what marshmallow gives, field for field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields

from inbox.schemas.cases import CaseEventOut, CaseOut, MessageOut
from inbox.schemas.fast_dump import FastDumpSchema

pytestmark = pytest.mark.no_backends


def plain_twin(schema: type[Schema]) -> Schema:
    """The same fields in a plain marshmallow schema."""
    return Schema.from_dict(dict(schema._declared_fields))()


NOW = datetime(2026, 12, 1, 22, 30, 5, 123456, tzinfo=UTC)
CASES: list[dict[str, Any]] = [
    {"id": 7, "subject": "Refund still missing", "status": "queued", "priority": 2,
     "queue_id": 1, "channel_id": 3, "contact_id": None, "assignee_id": None,
     "escalation_level": 0, "tags": ["refund", "vip"], "version": 4,
     "first_response_due_at": NOW, "next_response_due_at": None,
     "resolution_due_at": NOW + timedelta(days=1), "sla_due_at": NOW, "sla_warn_at": None,
     "first_responded_at": None, "resolved_at": None, "disposition": None,
     "linked_case_id": None, "last_message_at": NOW, "created_at": NOW, "updated_at": NOW},
    # Odd but legal values: numbers as other numeric types, an empty list, text as bytes.
    {"id": True, "subject": b"bytes subject", "status": "new", "priority": 3.0,
     "tags": [], "created_at": NOW, "updated_at": NOW},
]


@pytest.mark.parametrize("values", CASES)
@pytest.mark.parametrize("as_object", [False, True])
def test_a_case_dumps_as_marshmallow_dumps_it(values: dict[str, Any], as_object: bool) -> None:
    item = SimpleNamespace(**values) if as_object else values
    assert CaseOut().dump(item) == plain_twin(CaseOut).dump(item)


def test_many_messages_and_events_dump_alike() -> None:
    messages = [{"id": n, "channel_id": 1, "external_id": f"m{n}", "direction": "inbound",
                 "visibility": "public", "kind": "post", "text": "hello", "html": None,
                 "sent_at": NOW, "sentiment": -0.4 if n else None, "facts": {"order": n}}
                for n in range(3)]
    events = [{"id": 1, "kind": "claimed", "actor_id": 2, "data": {}, "created_at": NOW}]
    assert MessageOut(many=True).dump(messages) == plain_twin(MessageOut).dump(messages,
                                                                                many=True)
    assert CaseEventOut().dump(events, many=True) == plain_twin(CaseEventOut).dump(events,
                                                                                   many=True)


class _Custom(FastDumpSchema):
    shown = fields.String(data_key="label", attribute="name")
    count = fields.Integer(dump_default=0)
    hidden = fields.String(load_only=True)
    upper = fields.Method("shout")  # computed: marshmallow's general path

    def shout(self, obj: Any) -> str:
        return str(obj["name"]).upper()


class _Keys(FastDumpSchema):
    shown = fields.String(data_key="label", attribute="name")
    count = fields.Integer(dump_default=0)
    hidden = fields.String(load_only=True)
    missing_field = fields.String()


def test_keys_sources_defaults_and_computed_fields_follow_marshmallow() -> None:
    item = {"name": "Ada", "hidden": "secret"}
    assert _Keys().dump(item) == plain_twin(_Keys).dump(item) == {"label": "Ada", "count": 0}
    assert _Custom().dump(item) == {"label": "Ada", "count": 0, "upper": "ADA"}


@pytest.mark.parametrize("when", [
    NOW, NOW.replace(microsecond=0), NOW.replace(microsecond=1),
    datetime(1999, 1, 2, 3, 4, 5, tzinfo=UTC),
    NOW.astimezone(timezone(timedelta(hours=5, minutes=30))),
    NOW.astimezone(timezone(timedelta(hours=-3, seconds=7))),
], ids=["micro", "whole second", "one micro", "last century", "+05:30", "odd offset"])
def test_datetimes_read_as_marshmallow_writes_them(when: datetime) -> None:
    row = {**CASES[0], "created_at": when, "sla_due_at": when}
    ours = CaseOut().dump(row)
    assert ours == plain_twin(CaseOut).dump(row)
    assert ours["created_at"] == when.isoformat()
