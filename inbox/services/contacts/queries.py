"""A contact as the desk shows it: identities, profile, timeline across channels, history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from inbox.models import Case, Channel, Contact, Message, User
from inbox.services.access import visible_queue_ids
from inbox.services.cases.queries import contact_card
from inbox.services.errors import NotFound

TIMELINE_LIMIT = 200


def _visible_case_filter(session: Session, user: User) -> Any:
    if user.is_supervisor:
        return None
    return or_(Case.queue_id.in_(visible_queue_ids(session, user)), Case.assignee_id == user.id)


def visible_cases(session: Session, user: User, contact_id: int, limit: int = 50
                  ) -> list[Case]:
    """The contact's cases `user` may see, newest first."""
    cases_stmt = select(Case).where(Case.contact_id == contact_id).order_by(Case.id.desc())
    visible = _visible_case_filter(session, user)
    if visible is not None:
        cases_stmt = cases_stmt.where(visible)
    return list(session.scalars(cases_stmt.limit(limit)))


def access_contact(session: Session, user: User, contact_id: int) -> Contact:
    """The contact, if `user` may see at least one of their cases (else 404, as missing);
    supervisors see everyone."""
    contact = session.get(Contact, contact_id)
    if contact is None or (not user.is_supervisor
                           and not visible_cases(session, user, contact_id, limit=1)):
        raise NotFound(f"contact {contact_id} not found")
    return contact


def contact_profile(session: Session, user: User, contact_id: int) -> dict[str, Any]:
    """The contact, if `user` may see at least one of their cases (else 404, as missing)."""
    contact = session.get(Contact, contact_id)
    cases = visible_cases(session, user, contact_id) if contact is not None else []
    if contact is None or (not cases and not user.is_supervisor):  # access_contact's rule,
        raise NotFound(f"contact {contact_id} not found")  # without reading the cases twice
    case_ids = [c.id for c in cases]
    visible = _visible_case_filter(session, user)
    timeline_stmt = (
        select(Message, Channel.kind, Channel.name)
        .join(Channel, Channel.id == Message.channel_id)
        .where(Message.contact_id == contact_id)
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(TIMELINE_LIMIT)
    )
    if visible is not None:  # logged calls (no case) are part of the person's story too
        timeline_stmt = timeline_stmt.where(or_(Message.case_id.in_(case_ids),
                                                Message.case_id.is_(None)))
    timeline = [
        {"id": m.id, "case_id": m.case_id, "channel_kind": kind, "channel_name": name,
         "direction": m.direction, "visibility": m.visibility, "kind": m.kind, "text": m.text,
         "subject": m.subject, "url": m.url, "sent_at": m.sent_at.isoformat(),
         "sentiment": m.sentiment, "parent_external_id": m.parent_external_id,
         "send_status": m.send_status}
        for m, kind, name in session.execute(timeline_stmt).all()
    ]
    inbound = [t for t in timeline if t["direction"] == "in" and t["sentiment"] is not None]
    trend = [{"at": t["sent_at"], "sentiment": t["sentiment"]} for t in reversed(inbound[:20])]
    return {
        **(contact_card(contact) or {}),
        "cases": [{"id": c.id, "subject": c.subject, "status": c.status,
                   "created_at": c.created_at.isoformat(), "priority": c.priority}
                  for c in cases],
        "timeline": timeline,
        "sentiment_trend": trend,
    }
