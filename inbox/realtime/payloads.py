"""One builder per event payload shape: what a case or a message looks like on the wire.

Every service that announces a case or a message builds its payload here, so each shape
is written once; tests/unit/test_payloads.py holds every builder to its schema in the
event catalogue (inbox.realtime.events).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from inbox.models import Case, Message


class MessageLike(Protocol):
    """A stored message or one being taken in: what message events tell."""

    @property
    def id(self) -> int | None: ...
    @property
    def case_id(self) -> int | None: ...
    @property
    def direction(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def send_status(self) -> str | None: ...


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_payload(case: Case) -> dict[str, Any]:
    """case.created, and the case part of case.updated: all a desk's row shows."""
    return {
        "id": case.id,
        "status": case.status,
        "priority": case.priority,
        "queue_id": case.queue_id,
        "channel_id": case.channel_id,
        "contact_id": case.contact_id,
        "assignee_id": case.assignee_id,
        "escalation_level": case.escalation_level,
        "version": case.version,
        "subject": case.subject,
        "sla_due_at": _moment(case.sla_due_at),
        "sla_warn_at": _moment(case.sla_warn_at),
        "created_at": _moment(case.created_at),
        "tags": list(case.tags or []),
    }


def case_updated_payload(case: Case, change: str, actor_id: int | None) -> dict[str, Any]:
    """case.updated: the case as it is now, and the case event kind that changed it."""
    return {**case_payload(case), "change": change, "actor_id": actor_id}


def message_payload(message: MessageLike) -> dict[str, Any]:
    """message.created."""
    return {
        "id": message.id, "case_id": message.case_id, "direction": message.direction,
        "visibility": message.visibility, "kind": message.kind, "text": message.text,
        "send_status": message.send_status,
    }


def message_updated_payload(message: Message) -> dict[str, Any]:
    """message.updated: an outbound message's delivery state."""
    return {"id": message.id, "case_id": message.case_id,
            "send_status": message.send_status or "pending", "send_error": message.send_error}
