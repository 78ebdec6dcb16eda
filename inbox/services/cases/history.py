"""A case's messages a page at a time, newest first: the desk opens at the newest page
and reads older ones as the agent scrolls up (GET /cases/<id>/messages?before=)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from inbox.models import Message, User
from inbox.services.access import access_case
from inbox.services.errors import ValidationFailed

MESSAGE_PAGE = 50  # what the case detail carries; a long thread reads the rest on demand
MAX_MESSAGE_PAGE = 200


def message_page(session: Session, case_id: int, *, before: int | None = None,
                 limit: int = MESSAGE_PAGE) -> dict[str, Any]:
    """The newest `limit` messages of the case older than message `before` (all, when
    None), oldest first, and `before`: the id to ask with for the page older than this
    one, None when this page reaches the first message."""
    stmt = select(Message).where(Message.case_id == case_id)
    if before is not None:
        anchor = session.get(Message, before)
        if anchor is None or anchor.case_id != case_id:
            raise ValidationFailed(f"message {before} is not in case {case_id}",
                                   fields={"before": "not a message of this case"})
        # A keyset on (sent_at, id), the timeline's order: stable while messages arrive.
        stmt = stmt.where(or_(Message.sent_at < anchor.sent_at,
                              and_(Message.sent_at == anchor.sent_at, Message.id < anchor.id)))
    rows = list(session.scalars(
        stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    items = list(reversed(rows[:limit]))
    return {"items": items, "before": items[0].id if more and items else None}


def case_messages(session: Session, user: User, case_id: int, *, before: int | None = None,
                  limit: int = MESSAGE_PAGE) -> dict[str, Any]:
    """message_page for a case `user` may see (else 404, as a missing one)."""
    case = access_case(session, user, case_id)
    return message_page(session, case.id, before=before, limit=min(limit, MAX_MESSAGE_PAGE))
