"""Automatic acknowledgements: a routing rule's template, sent at most once per contact
per window, so a customer hears "we've got it" without being spammed on every message."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import Case, Channel, Contact, Message, utcnow
from inbox.services.errors import ValidationFailed
from inbox.services.sending import canned
from inbox.services.sending.plan import plan_reply, store_outbound

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)


def _acknowledged_recently(session: Session, contact_id: int) -> bool:
    # Automatic messages are the outbound ones no agent wrote and no webhook brought.
    return session.scalar(select(Message.id).where(
        Message.contact_id == contact_id, Message.direction == "out",
        Message.author_id.is_(None), Message.delivery_id.is_(None),
        Message.created_at >= utcnow() - WINDOW).limit(1)) is not None


def do_acknowledge(session: Session, case: Case, template: str) -> Message | None:
    """Queue the acknowledgement for sending; None when it must not or cannot be sent."""
    contact = session.get(Contact, case.contact_id) if case.contact_id else None
    channel = session.get(Channel, case.channel_id) if case.channel_id else None
    if contact is None or channel is None or _acknowledged_recently(session, contact.id):
        return None
    text = canned.render(template, canned.template_context(contact=contact, case=case)).strip()
    if not text:
        log.info("case %s: no automatic acknowledgement (empty)", case.id)
        return None
    try:
        plan = plan_reply(session, case, channel, text, None)
    except ValidationFailed as exc:
        log.info("case %s: no automatic acknowledgement (%s)", case.id, exc.message)
        return None
    return store_outbound(session, case, plan, author=None)
