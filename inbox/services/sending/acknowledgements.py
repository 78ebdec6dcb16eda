"""Automatic acknowledgements: a routing rule's template, sent at most once per contact
per window, so a customer hears "we've got it" without being spammed on every message."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.senders import sender_for
from inbox.channels.senders.limits import over_limit
from inbox.models import Case, Channel, Contact, Message, utcnow
from inbox.realtime.publish import publish
from inbox.services.cases import states as case_states
from inbox.services.errors import ValidationFailed
from inbox.services.ingest.take_in import message_payload
from inbox.services.sending import canned, outbound
from inbox.services.sending.replies import (
    _reply_kind,
    _send_context,
    default_visibility,
    newest_inbound,
)

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
    parent = newest_inbound(session, case)
    visibility = default_visibility(channel, parent)
    text = canned.render(template, canned.template_context(contact=contact, case=case)).strip()
    refusal = (sender_for(channel.kind).refusal(channel, visibility, parent)
               or over_limit(channel.kind, visibility, text) or (None if text else "empty"))
    try:
        send = _send_context(session, channel, case, parent, visibility)
    except ValidationFailed as exc:
        refusal = exc.message
    if refusal:
        log.info("case %s: no automatic acknowledgement (%s)", case.id, refusal)
        return None
    message = Message(
        channel_id=channel.id, external_id=f"pending:{uuid.uuid4().hex}", case_id=case.id,
        contact_id=contact.id, author_id=None, direction="out", visibility=visibility,
        kind=_reply_kind(channel, visibility), text=text,
        parent_external_id=parent.external_id if parent else None,
        thread_key=case.thread_key, facts={"send": send, "automatic": True},
        send_status="pending", send_state_at=utcnow(), send_attempts=0,
    )
    session.add(message)
    session.flush()
    case_states.record_event(session, case, "auto_acknowledged", from_status=case.status,
                             data={"message_id": message.id})
    publish(session, "message.created", message_payload(message), case_states.case_rooms(case))
    outbound.request_send(session, message.id)
    return message
