"""Reading cases for the API and the desk: lists with filters, one case in full."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inbox.models import Case, CaseEvent, Contact, Message, User
from inbox.services.access import access_case, visible_queue_ids
from inbox.services.errors import ValidationFailed


def encode_cursor(case_id: int) -> str:
    return base64.urlsafe_b64encode(f"c{case_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("c"):
            raise ValueError(raw)
        return int(raw[1:])
    except ValueError:
        raise ValidationFailed("the cursor is not valid", fields={"cursor": "not a cursor"})


# What a list shows of each case: the summary, not the routing and SLA bookkeeping.
LISTED_COLUMNS = tuple(Case.__table__.c[name] for name in (
    "id", "subject", "status", "priority", "queue_id", "channel_id", "contact_id",
    "assignee_id", "escalation_level", "tags", "version", "first_response_due_at",
    "next_response_due_at", "resolution_due_at", "sla_due_at", "sla_warn_at",
    "first_responded_at", "resolved_at", "disposition", "linked_case_id", "last_message_at",
    "created_at", "updated_at"))

_LISTED_KEYS = tuple(column.key for column in LISTED_COLUMNS)


def list_cases(session: Session, user: User, filters: dict[str, Any]) -> dict[str, Any]:
    """Newest first, cursor-paginated, only what `user` may see. The items are plain
    dicts of LISTED_COLUMNS, not ORM objects: a page is read, never changed, and 50 ORM
    objects cost more to build than the rest of the request."""
    limit = int(filters.get("limit", 50))
    stmt = select(*LISTED_COLUMNS)
    if not user.is_supervisor:
        queues = visible_queue_ids(session, user)
        stmt = stmt.where(or_(Case.queue_id.in_(queues), Case.assignee_id == user.id))
    status = filters.get("status")
    if status == "open":
        stmt = stmt.where(Case.status.in_(("new", "queued", "assigned", "pending")))
    elif status:
        stmt = stmt.where(Case.status == status)
    if "queue" in filters:
        stmt = stmt.where(Case.queue_id == filters["queue"])
    if "channel" in filters:
        stmt = stmt.where(Case.channel_id == filters["channel"])
    if "priority" in filters:
        stmt = stmt.where(Case.priority == filters["priority"])
    if "contact" in filters:
        stmt = stmt.where(Case.contact_id == filters["contact"])
    assignee = filters.get("assignee")
    if assignee == "me":
        stmt = stmt.where(Case.assignee_id == user.id)
    elif assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif assignee:
        if not assignee.isdigit():
            raise ValidationFailed("assignee is a user id, 'me' or 'none'",
                                   fields={"assignee": "not a user id"})
        stmt = stmt.where(Case.assignee_id == int(assignee))
    if filters.get("q"):
        pattern = f"%{filters['q']}%"
        matching = select(Message.case_id).where(Message.text.ilike(pattern))
        stmt = stmt.where(or_(Case.subject.ilike(pattern), Case.id.in_(matching)))
    if filters.get("cursor"):
        stmt = stmt.where(Case.id < decode_cursor(filters["cursor"]))
    rows = session.execute(stmt.order_by(Case.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    items = [dict(zip(_LISTED_KEYS, row, strict=True)) for row in rows[:limit]]
    return {"items": items, "next_cursor": encode_cursor(items[-1]["id"]) if more else None}


def contact_card(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "id": contact.id,
        "display_name": contact.display_name,
        "email": contact.email,
        "phone": contact.phone,
        "followers": contact.followers,
        "verified": contact.verified,
        "location": contact.location,
        "influence_score": contact.influence_score,
        "tags": list(contact.tags or []),
        "identities": [
            {"kind": i.kind, "external_id": i.external_id, "handle": i.handle}
            for i in contact.identities
        ],
    }


def case_detail(session: Session, user: User, case_id: int) -> dict[str, Any]:
    case = access_case(session, user, case_id)
    messages = session.scalars(
        select(Message).where(Message.case_id == case.id).order_by(Message.sent_at, Message.id)
    ).all()
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    contact = session.get(Contact, case.contact_id) if case.contact_id else None
    return {
        **{c.key: getattr(case, c.key) for c in Case.__table__.columns},
        "messages": messages,
        "events": events,
        "contact": contact_card(contact),
    }
