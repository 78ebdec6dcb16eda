"""Data protection: everything held about a contact, in one export; erasing a contact;
keeping messages and raw deliveries no longer than their retention.

Erasure redacts what identifies or was written by the person — their profile, their
identities on every channel, the text of their cases' messages and notes, the raw
deliveries those came in — and keeps what the contact centre's figures are made of: the
cases with their times, states, priorities, SLA clocks and events. The erasure itself is
recorded (who, when, how much), without anything it removed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from inbox.models import (
    Case,
    CaseEvent,
    Channel,
    Contact,
    ContactIdentity,
    Delivery,
    EventDelivery,
    Message,
    User,
    utcnow,
)
from inbox.models.event_webhooks import FINISHED_EVENT_DELIVERIES
from inbox.services.admin.audit import record_change
from inbox.services.dbutil import rows_affected
from inbox.services.errors import NotFound

ERASED = "[erased]"
EXPIRED = "[removed: past the channel's retention]"
DONE_STATES = ("resolved", "closed")


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"contact {contact_id} not found")
    return contact


def _case_ids(session: Session, contact_id: int) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.contact_id == contact_id)))


def _messages_of(contact_id: int, case_ids: list[int]) -> Any:
    return or_(Message.contact_id == contact_id, Message.case_id.in_(case_ids))


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def contact_export(session: Session, contact_id: int) -> dict[str, Any]:
    """Everything held about the contact, as JSON: profile, identities, cases with their
    events, and every message of theirs or of their cases, both directions."""
    contact = _contact(session, contact_id)
    case_ids = _case_ids(session, contact_id)
    channels = {c.id: c.name for c in session.scalars(select(Channel))}
    cases = session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id))
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(case_ids))
                             .order_by(CaseEvent.id))
    messages = session.scalars(select(Message).where(_messages_of(contact_id, case_ids))
                               .order_by(Message.sent_at, Message.id))
    by_case: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append({
            "kind": event.kind, "at": _iso(event.created_at), "data": event.data})
    return {
        "exported_at": _iso(utcnow()),
        "contact": {"id": contact.id, "display_name": contact.display_name,
                    "email": contact.email, "phone": contact.phone,
                    "location": contact.location, "country": contact.country,
                    "region": contact.region, "subdivision": contact.subdivision,
                    "location_source": contact.location_source,
                    "followers": contact.followers,
                    "verified": contact.verified, "tags": list(contact.tags or []),
                    "created_at": _iso(contact.created_at)},
        "identities": [{"kind": i.kind, "external_id": i.external_id, "handle": i.handle}
                       for i in contact.identities],
        "cases": [{"id": c.id, "subject": c.subject, "status": c.status,
                   "created_at": _iso(c.created_at), "resolved_at": _iso(c.resolved_at),
                   "disposition": c.disposition, "events": by_case.get(c.id, [])}
                  for c in cases],
        "messages": [{"id": m.id, "case_id": m.case_id, "channel": channels.get(m.channel_id),
                      "direction": m.direction, "visibility": m.visibility, "kind": m.kind,
                      "subject": m.subject, "text": m.text, "url": m.url,
                      "sent_at": _iso(m.sent_at)} for m in messages],
    }


def _redact_messages(session: Session, condition: Any, placeholder: str) -> list[int]:
    """Blank the content of the messages matched (and of the raw deliveries they came
    in); returns the messages' ids."""
    rows = session.execute(select(Message.id, Message.delivery_id).where(condition)).all()
    ids = [row.id for row in rows]
    if ids:
        session.execute(update(Message).where(Message.id.in_(ids)).values(
            text=placeholder, html=None, subject=None, url=None, facts={}))
    deliveries = sorted({row.delivery_id for row in rows if row.delivery_id is not None})
    if deliveries:
        session.execute(update(Delivery).where(Delivery.id.in_(deliveries)).values(
            body=b"", headers={}, error=placeholder))
    return ids


def do_erase_contact(session: Session, contact_id: int, actor: User | None) -> dict[str, int]:
    """Erase a person: profile and identities gone, the content of their messages and
    notes redacted; their cases' figures kept. Returns how much was erased."""
    contact = _contact(session, contact_id)
    case_ids = _case_ids(session, contact_id)
    messages = _redact_messages(session, _messages_of(contact_id, case_ids), ERASED)
    notes = 0
    for event in session.scalars(select(CaseEvent).where(
            CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "note")):
        event.data = {**event.data, "text": ERASED}
        notes += 1
    session.execute(update(Case).where(Case.id.in_(case_ids)).values(
        subject=f"{ERASED} case", tags=[]))
    identities = rows_affected(session.execute(
        delete(ContactIdentity).where(ContactIdentity.contact_id == contact_id)))
    contact.display_name = f"Erased contact #{contact.id}"
    contact.email = contact.phone = contact.location = None
    contact.country = contact.region = contact.subdivision = contact.location_source = None
    contact.followers, contact.verified, contact.tags = 0, False, []
    summary = {"messages": len(messages), "notes": notes, "cases": len(case_ids),
               "identities": identities}
    record_change(session, actor, "contact.erase", "contact", contact_id, {
        name: [None, count] for name, count in summary.items()})
    return summary


RETENTION_CHUNK = 500  # deliveries a statement names


def do_apply_retention(session: Session) -> dict[str, int]:
    """Messages older than their channel's `retention_days` (setting), in cases already
    resolved or closed, lose their content; raw deliveries older than the workspace's
    delivery retention are deleted, and so are finished outbound event deliveries.
    Returns how many of each."""
    from inbox.runtime import current

    now = utcnow()
    expired = 0
    for channel in session.scalars(select(Channel)):
        days = (channel.settings or {}).get("retention_days")
        if not isinstance(days, int) or days <= 0:
            continue
        done = select(Case.id).where(Case.status.in_(DONE_STATES))
        expired += len(_redact_messages(session, (
            (Message.channel_id == channel.id) & (Message.sent_at < now - timedelta(days=days))
            & (Message.text != EXPIRED) & (Message.text != ERASED)
            & or_(Message.case_id.is_(None), Message.case_id.in_(done))), EXPIRED))
    keep_days = current().settings.delivery_retention_days
    # Read first, then written in chunks: on the embedded default the deliveries are in a
    # database file of their own, which one statement cannot join to the messages.
    old = list(session.scalars(select(Delivery.id).where(
        Delivery.received_at < now - timedelta(days=keep_days), Delivery.state != "pending")))
    pruned = 0
    for start in range(0, len(old), RETENTION_CHUNK):
        chunk = old[start:start + RETENTION_CHUNK]
        session.execute(update(Message).where(Message.delivery_id.in_(chunk))
                        .values(delivery_id=None))
        pruned += rows_affected(session.execute(delete(Delivery).where(Delivery.id.in_(chunk))))
    # The outbound event log carries the same customer content as the deliveries, so it
    # is kept as long; a delivery still being retried stays until it ends.
    logged = rows_affected(session.execute(delete(EventDelivery).where(
        EventDelivery.created_at < now - timedelta(days=keep_days),
        EventDelivery.status.in_(FINISHED_EVENT_DELIVERIES))))
    return {"messages": expired, "deliveries": pruned, "event_deliveries": logged}


def retention_sweep() -> dict[str, int]:
    """The periodic job's transaction (a job is an edge: it opens its own)."""
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        return do_apply_retention(session)
