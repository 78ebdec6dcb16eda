"""Reading cases for the API and the desk: lists with filters in urgency or newest order,
one case in full."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session

from inbox.models import OPEN_STATUSES, Case, CaseEvent, Contact, ContactIdentity, Message, User
from inbox.services.access import access_case, visible_queue_ids
from inbox.services.cases.history import message_page
from inbox.services.cases.queues import queue_order
from inbox.services.contacts.places import place_card
from inbox.services.dbutil import is_postgresql
from inbox.services.errors import ValidationFailed

# Two orders. Urgency is the queue's own order (priority, then SLA due, none last, then
# age), the order `next` takes cases in, so the desk's first row is what `n` would take.
# Newest is for looking back (resolved and closed cases).
ORDERS = ("urgency", "newest")
SEARCH_ID = re.compile(r"^#?(\d{1,18})$")


def encode_cursor(row: dict[str, Any], order: str) -> str:
    """Where the next page starts: the last row's sort key, opaque to the caller."""
    if order == "newest":
        key: list[Any] = ["n", row["id"]]
    else:
        due = row["sla_due_at"]
        key = ["u", row["priority"], due.isoformat() if due is not None else None, row["id"]]
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()
                                    ).decode().rstrip("=")


def _cursor_condition(cursor: str, order: str) -> ColumnElement[bool]:
    """Rows after the cursor's row in `order` (a keyset: no OFFSET, stable under inserts)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if order == "newest":
            tag, last_id = key
            if tag != "n":
                raise ValueError(tag)
            return Case.id < int(last_id)
        tag, priority, due_text, last_id = key
        if tag != "u":
            raise ValueError(tag)
        priority, last_id = int(priority), int(last_id)
        due = datetime.fromisoformat(due_text) if due_text is not None else None
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("the cursor is not valid for this order",
                               fields={"cursor": "not a cursor of this list"})
    if due is None:  # past every case with a due time at this priority
        same_priority = and_(Case.sla_due_at.is_(None), Case.id > last_id)
    else:
        same_priority = or_(Case.sla_due_at > due, Case.sla_due_at.is_(None),
                            and_(Case.sla_due_at == due, Case.id > last_id))
    return or_(Case.priority > priority, and_(Case.priority == priority, same_priority))


# What a list shows of each case: the summary, not the routing and SLA bookkeeping.
LISTED_COLUMNS = tuple(Case.__table__.c[name] for name in (
    "id", "subject", "status", "priority", "queue_id", "channel_id", "contact_id",
    "assignee_id", "escalation_level", "tags", "version", "first_response_due_at",
    "next_response_due_at", "resolution_due_at", "sla_due_at", "sla_warn_at",
    "first_responded_at", "resolved_at", "disposition", "linked_case_id", "last_message_at",
    "created_at", "updated_at"))

_LISTED_KEYS = tuple(column.key for column in LISTED_COLUMNS)


def _search(text: str) -> ColumnElement[bool]:
    """A case whose id (#42), subject, messages, or customer's name or handle match."""
    pattern = f"%{text}%"
    handle = f"%{text.lstrip('@')}%"
    matches: list[ColumnElement[bool]] = [
        Case.subject.ilike(pattern),
        Case.id.in_(select(Message.case_id).where(Message.text.ilike(pattern))),
        Case.contact_id.in_(select(Contact.id).where(Contact.display_name.ilike(pattern))),
        Case.contact_id.in_(select(ContactIdentity.contact_id).where(
            or_(ContactIdentity.handle.ilike(handle), ContactIdentity.external_id == text))),
    ]
    if (number := SEARCH_ID.match(text.strip())) is not None:
        matches.append(Case.id == int(number.group(1)))
    return or_(*matches)


def _visible_parts(user_id: int, queues: tuple[int, ...] | None
                   ) -> list[ColumnElement[bool]]:
    """The cases an agent may see, as disjoint parts: one per queue they work, then
    those assigned to them elsewhere. Each part is one range of a queue-ordered index, so
    a page is the first rows of each, merged, not a sort of every open case; an OR of
    the parts could only be sorted whole. A supervisor (`queues` None) sees every case."""
    if queues is None:
        return []
    mine_elsewhere = Case.assignee_id == user_id
    if queues:
        mine_elsewhere = and_(mine_elsewhere, or_(Case.queue_id.not_in(queues),
                                                  Case.queue_id.is_(None)))
    return [*(Case.queue_id == queue_id for queue_id in queues), mine_elsewhere]


def _conditions(user_id: int, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The filters asked for (visibility apart, in _visible_parts)."""
    conditions: list[ColumnElement[bool]] = []
    status = filters.get("status")
    if status == "open":
        # Written out, not bound: the planner must see the statuses to use the partial
        # index of open cases, on every run of the prepared statement.
        conditions.append(Case.status.in_(bindparam(
            "open_statuses", list(OPEN_STATUSES), expanding=True, literal_execute=True)))
    elif status:
        conditions.append(Case.status == status)
    for name, column in (("queue", Case.queue_id), ("channel", Case.channel_id),
                         ("priority", Case.priority), ("contact", Case.contact_id)):
        if name in filters:
            conditions.append(column == filters[name])
    assignee = filters.get("assignee")
    if assignee == "me":
        conditions.append(Case.assignee_id == user_id)
    elif assignee == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif assignee:
        if not assignee.isdigit():
            raise ValidationFailed("assignee is a user id, 'me' or 'none'",
                                   fields={"assignee": "not a user id"})
        conditions.append(Case.assignee_id == int(assignee))
    if filters.get("q"):
        conditions.append(_search(filters["q"]))
    return conditions


def list_order(filters: dict[str, Any]) -> str:
    """The order asked for; by default urgency, except for cases already done."""
    if filters.get("order"):
        return str(filters["order"])
    return "newest" if filters.get("status") in ("resolved", "closed") else "urgency"


def list_cases(session: Session, user: User, filters: dict[str, Any]) -> dict[str, Any]:
    """One page of the cases `user` may see, in urgency or newest order, with the total
    that match. The items are plain dicts of LISTED_COLUMNS, not ORM objects: a page is
    read, never changed, and 50 ORM objects cost more to build than the rest of the
    request. On PostgreSQL the total rides on the page's rows (a subquery the database
    runs once), so a desk refresh is one round trip; SQLite, in the process, would run
    that subquery once per visible part of the page, so it is asked for on its own."""
    limit = int(filters.get("limit", 50))
    order = list_order(filters)
    queues = None if user.is_supervisor else tuple(visible_queue_ids(session, user))
    together = is_postgresql(session)
    page, matching = _listing(user.id, queues, order, tuple(sorted(filters.items())),
                              together)
    # Core execution: rows as tuples, without the ORM's loading machinery.
    rows = session.connection().execute(page).all()
    more = len(rows) > limit
    # Each row is LISTED_COLUMNS (then the total, which zip leaves out of the item).
    items = [dict(zip(_LISTED_KEYS, row, strict=False)) for row in rows[:limit]]
    if not together:
        total = session.scalar(matching)
    else:
        total = rows[0][-1] if rows else _total_past_the_page(session, matching, filters)
    return {"items": items, "total": int(total or 0), "order": order,
            "next_cursor": encode_cursor(items[-1], order) if more else None}


@lru_cache(maxsize=256)
def _listing(user_id: int, queues: tuple[int, ...] | None, order: str,
             filters: tuple[tuple[str, Any], ...], total_in_page: bool
             ) -> tuple[Select[Any], Select[Any]]:
    """The statements of a page (with its total as a last column, if asked) and of its
    total. Built once per agent, visible queues and filters, then reused: a desk
    refreshes the same list again and again, and building a statement of one part per
    queue costs more than running it."""
    asked = dict(filters)
    parts = _visible_parts(user_id, queues)
    conditions = _conditions(user_id, asked)
    matching = select(func.count(Case.id)).where(*conditions)
    if parts:
        matching = matching.where(or_(*parts))
    if asked.get("cursor"):
        conditions.append(_cursor_condition(asked["cursor"], order))
    size = int(asked.get("limit", 50)) + 1  # one more: is there a next page?
    page = _page(parts, conditions, order, size)
    if total_in_page:
        page = page.add_columns(matching.scalar_subquery())
    return page, matching


def _ordering(order: str, columns: Any) -> tuple[ColumnElement[Any], ...]:
    """The list's order on `columns` (the cases table, or a subquery's columns)."""
    return (columns.id.desc(),) if order == "newest" else queue_order(columns)


def _page(parts: list[ColumnElement[bool]], conditions: list[ColumnElement[bool]],
          order: str, size: int) -> Select[Any]:
    """The first `size` rows in `order`: of each visible part, then of those together."""
    if len(parts) <= 1:
        return (select(*LISTED_COLUMNS).where(*parts, *conditions)
                .order_by(*_ordering(order, Case)).limit(size))
    # Each part in a subquery of its own: SQLite takes no ORDER BY / LIMIT on a bare
    # member of a UNION.
    firsts = union_all(*(
        select(*LISTED_COLUMNS).where(part, *conditions)
        .order_by(*_ordering(order, Case)).limit(size).subquery().select()
        for part in parts)).subquery()
    return select(*firsts.c).order_by(*_ordering(order, firsts.c)).limit(size)


def _total_past_the_page(session: Session, matching: Select[Any], filters: dict[str, Any]
                         ) -> int:
    """No row came back: nothing matches, or a cursor went past the last page (where the
    total still counts every page)."""
    return int(session.scalar(matching) or 0) if filters.get("cursor") else 0


def case_events(session: Session, case_id: int) -> list[CaseEvent]:
    """Every event of a case, oldest first (the caller's access is checked at the route)."""
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                .order_by(CaseEvent.id)))


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
        **place_card(contact),
        "influence_score": contact.influence_score,
        "tags": list(contact.tags or []),
        "identities": [
            {"kind": i.kind, "external_id": i.external_id, "handle": i.handle}
            for i in contact.identities
        ],
    }


def case_detail(session: Session, user: User, case_id: int) -> dict[str, Any]:
    """The case, its newest page of messages (and the cursor to older ones), its events
    and its contact's card."""
    case = access_case(session, user, case_id)
    newest = message_page(session, case.id)  # older pages: GET /cases/<id>/messages
    events = case_events(session, case.id)
    contact = session.get(Contact, case.contact_id) if case.contact_id else None
    return {
        **{c.key: getattr(case, c.key) for c in Case.__table__.columns},
        "messages": newest["items"],
        "messages_before": newest["before"],
        "events": events,
        "contact": contact_card(contact),
    }
