"""Planning an outbound reply, an agent's or an automatic one, and storing it to be sent.

A plan settles everything before anything is stored: the channel, the customer message
it answers, the visibility, the kind, the text within the platform's limits, and what
the sender needs beyond the message (recipient, mail threading). `store_outbound` then
builds the one outbound message both replies and acknowledgements send.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.senders import email as email_sender
from inbox.channels.senders import sender_for
from inbox.channels.senders.limits import contact_details, over_limit
from inbox.models import Case, Channel, Contact, ContactIdentity, Message, User, utcnow
from inbox.realtime.payloads import message_payload
from inbox.realtime.publish import publish
from inbox.services.cases import states as case_states
from inbox.services.errors import ValidationFailed
from inbox.services.ingest.deliveries import raw_delivery
from inbox.services.sending import outbound

PRIVATE_KINDS = frozenset({"email", "voice"})  # channel kinds whose replies are private


class ContactDetailsInPublic(ValidationFailed):
    code = "contact_details_in_public"


@dataclass
class ReplyPlan:
    """Everything the checks established; storing the reply only acts on it."""

    channel: Channel
    parent: Message | None
    visibility: str
    text: str
    kind: str
    claim: bool
    subject: str | None = None
    send: dict[str, Any] = field(default_factory=dict)


def newest_inbound(session: Session, case: Case) -> Message | None:
    """The customer message a reply answers: the newest inbound message of the case."""
    return session.scalar(
        select(Message).where(Message.case_id == case.id, Message.direction == "in")
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(1))


def default_visibility(channel: Channel, parent: Message | None) -> str:
    """Answer the way the customer wrote: public threads in public, DMs, mail and calls
    privately."""
    if channel.kind in PRIVATE_KINDS:
        return "private"
    return parent.visibility if parent is not None else "public"


def reply_kind(channel: Channel, visibility: str) -> str:
    if channel.kind == "email":
        return "email"
    if channel.kind == "voice":
        return "sms"
    return "reply" if visibility == "public" else "dm"


def _customer_platform_id(session: Session, channel: Channel, parent: Message) -> str | None:
    """The customer's id on the platform (page-scoped id, X user id) for a private reply."""
    key = parent.thread_key or ""
    if parent.visibility == "private" and ":dm:" in key:
        return key.rsplit(":", 1)[1]  # DM thread keys end with the customer's id
    if parent.contact_id is None:
        return None
    ids = list(session.scalars(select(ContactIdentity.external_id).where(
        ContactIdentity.contact_id == parent.contact_id, ContactIdentity.kind == channel.kind,
    ).order_by(ContactIdentity.id)))
    by = key.rsplit("|by:", 1)[1] if "|by:" in key else None
    return by if by in ids else (ids[0] if ids else None)


def _email_context(session: Session, channel: Channel, case: Case,
                   parent: Message) -> dict[str, Any]:
    headers = None
    delivery = raw_delivery(parent.delivery_id) if parent.delivery_id else None
    if delivery is not None:
        try:
            headers = email_sender.raw_headers(delivery.provider, delivery.body,
                                               delivery.content_type)
        except Exception:  # a mail we could ingest once but not re-read: thread by ids
            headers = None
    earlier = list(session.scalars(select(Message.external_id).where(
        Message.case_id == case.id, Message.channel_id == channel.id,
        Message.external_id.not_like("pending:%")).order_by(Message.sent_at, Message.id)))
    contact = session.get(Contact, parent.contact_id) if parent.contact_id else None
    fallback = contact.email if contact is not None else None
    context = email_sender.reply_context(headers, parent.external_id, earlier, fallback)
    if not context["recipient"]:
        raise ValidationFailed("the customer's email address is unknown",
                               fields={"visibility": "no address to send to"})
    return context


def send_context(session: Session, channel: Channel, case: Case, parent: Message | None,
                 visibility: str) -> dict[str, Any]:
    """What the sender needs beyond the message: the recipient, mail threading."""
    if parent is None:
        return {}
    if channel.kind == "email":
        return _email_context(session, channel, case, parent)
    if channel.kind == "voice":
        return {"recipient": (parent.thread_key or "").partition(":")[2]}
    needs_id = channel.kind == "x" or parent.visibility == "private"
    if visibility == "private" and channel.kind in ("facebook", "instagram", "x") and needs_id:
        recipient = _customer_platform_id(session, channel, parent)
        if not recipient:
            raise ValidationFailed("the customer's id on this platform is unknown",
                                   fields={"visibility": "no one to send a private reply to"})
        return {"recipient": recipient}
    return {}


def plan_reply(session: Session, case: Case, channel: Channel, text: str,
               visibility: str | None, *, screen_contact_details: bool = False,
               claim: bool = False, email_subject: bool = False) -> ReplyPlan:
    """Every reason the platform would refuse this reply, as ValidationFailed, in the
    order an agent fixes them: visibility, length, contact details in public, recipient."""
    parent = newest_inbound(session, case)
    visibility = visibility or default_visibility(channel, parent)
    if visibility not in ("public", "private"):
        raise ValidationFailed("visibility is public or private",
                               fields={"visibility": "public or private"})
    refusal = sender_for(channel.kind).refusal(channel, visibility, parent)
    if refusal:
        raise ValidationFailed(refusal, fields={"visibility": refusal})
    too_long = over_limit(channel.kind, visibility, text)
    if too_long:
        raise ValidationFailed(too_long, fields={"text": too_long})
    if visibility == "public" and screen_contact_details:
        found = contact_details(text)
        if found:
            warning = ("this public reply shows an email address or phone number to "
                       "everyone; confirm to send it anyway")
            raise ContactDetailsInPublic(warning, fields={"text": warning},
                                         contact_details=found)
    subject = None
    if email_subject and channel.kind == "email":
        subject = email_sender.reply_subject(case.subject or (parent.subject if parent else None))
    return ReplyPlan(
        channel=channel, parent=parent, visibility=visibility, text=text,
        kind=reply_kind(channel, visibility), claim=claim, subject=subject,
        send=send_context(session, channel, case, parent, visibility),
    )


def store_outbound(session: Session, case: Case, plan: ReplyPlan, *,
                   author: User | None, hold: bool = False) -> Message:
    """The planned reply as a pending outbound message, announced now and sent after
    commit. Without an author it is automatic: the case's history records it, as no
    agent's reply does. Held, it awaits a supervisor's approval and no job is enqueued
    (inbox/services/sending/approvals.py)."""
    facts: dict[str, Any] = {"send": plan.send}
    if author is None:
        facts["automatic"] = True
    message = Message(
        channel_id=plan.channel.id, external_id=f"pending:{uuid.uuid4().hex}",
        case_id=case.id, contact_id=case.contact_id,
        author_id=author.id if author else None, direction="out",
        visibility=plan.visibility, kind=plan.kind, text=plan.text, subject=plan.subject,
        parent_external_id=plan.parent.external_id if plan.parent else None,
        thread_key=case.thread_key, facts=facts,
        send_status="awaiting_approval" if hold else "pending",
        send_state_at=utcnow(), send_attempts=0,
    )
    session.add(message)
    session.flush()
    if author is None:
        case_states.record_event(session, case, "auto_acknowledged", from_status=case.status,
                                 data={"message_id": message.id})
    publish(session, "message.created", message_payload(message), case_states.case_rooms(case))
    if not hold:
        outbound.request_send(session, message.id)
    return message
