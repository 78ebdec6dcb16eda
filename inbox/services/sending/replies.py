"""Agents answering customers (replies) and each other (internal notes). docs/sending.md.

A reply is checked completely before anything is stored (check_reply): the case is open
and not held by someone else, the channel can send that visibility, the text fits the
platform, and a public reply carries no contact details unless confirmed. do_reply then
claims an unassigned queued case for the replier, stores the outbound message as
"pending" and, after commit, enqueues the send job (inbox/services/sending/outbound.py).

Notes are case events of kind "note"; @mentions notify the mentioned users who can see
the case (note.mention to agent:<id>).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.senders import email as email_sender
from inbox.channels.senders import sender_for
from inbox.channels.senders.limits import contact_details, over_limit
from inbox.models import (
    Case,
    CaseEvent,
    Channel,
    Contact,
    ContactIdentity,
    Delivery,
    Message,
    User,
    utcnow,
)
from inbox.realtime.publish import publish
from inbox.realtime.rooms import agent_room
from inbox.runtime import unit_of_work
from inbox.services.access import access_case, can_see_case
from inbox.services.cases import states as case_states
from inbox.services.errors import Conflict, ValidationFailed
from inbox.services.ingest.take_in import message_payload
from inbox.services.sending import outbound

PRIVATE_KINDS = frozenset({"email", "voice"})  # channel kinds whose replies are private
MAX_NOTE_LENGTH = 10_000


class HeldByOther(Conflict):
    code = "held_by_other"


class CaseClosed(Conflict):
    code = "case_closed"


class ContactDetailsInPublic(ValidationFailed):
    code = "contact_details_in_public"


@dataclass
class ReplyPlan:
    """Everything check_reply established; do_reply only acts on it."""

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


def _reply_kind(channel: Channel, visibility: str) -> str:
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
    delivery = session.get(Delivery, parent.delivery_id) if parent.delivery_id else None
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


def _send_context(session: Session, channel: Channel, case: Case, parent: Message | None,
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


def check_reply(session: Session, user: User, case: Case, text: str, visibility: str | None,
                *, confirm_public_contact_details: bool = False) -> ReplyPlan:
    """Every reason to refuse a reply, before anything is stored."""
    if case.status == "closed":
        raise CaseClosed("the case is closed; reopen it or start a new one",
                         current_status=case.status)
    if case.assignee_id not in (None, user.id) and not user.is_supervisor:
        raise HeldByOther("another agent holds this case", assignee_id=case.assignee_id)
    text = text.strip()
    if not text:
        raise ValidationFailed("the reply is empty", fields={"text": "required"})
    channel = session.get(Channel, case.channel_id) if case.channel_id else None
    if channel is None:
        raise ValidationFailed("this case has no channel to answer on",
                               fields={"visibility": "no channel"})
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
    if visibility == "public" and not confirm_public_contact_details:
        found = contact_details(text)
        if found:
            warning = ("this public reply shows an email address or phone number to "
                       "everyone; confirm to send it anyway")
            raise ContactDetailsInPublic(warning, fields={"text": warning},
                                         contact_details=found)
    return ReplyPlan(
        channel=channel, parent=parent, visibility=visibility, text=text,
        kind=_reply_kind(channel, visibility),
        claim=case.status == "queued" and case.assignee_id is None,
        subject=email_sender.reply_subject(case.subject or (parent.subject if parent else None))
        if channel.kind == "email" else None,
        send=_send_context(session, channel, case, parent, visibility),
    )


def do_reply(session: Session, user: User, case: Case, plan: ReplyPlan) -> Message:
    if plan.claim:  # whoever answers an unassigned case owns it: no second agent answers
        case_states.do_claim(session, case, user)
    message = Message(
        channel_id=plan.channel.id, external_id=f"pending:{uuid.uuid4().hex}",
        case_id=case.id, contact_id=case.contact_id, author_id=user.id, direction="out",
        visibility=plan.visibility, kind=plan.kind, text=plan.text, subject=plan.subject,
        parent_external_id=plan.parent.external_id if plan.parent else None,
        thread_key=case.thread_key, facts={"send": plan.send}, send_status="pending",
        send_state_at=utcnow(),
        send_attempts=0,
    )
    session.add(message)
    session.flush()
    publish(session, "message.created", message_payload(message), case_states.case_rooms(case))
    outbound.request_send(session, message.id)
    return message


def reply(user: User, case_id: int, text: str, visibility: str | None = None, *,
          confirm_public_contact_details: bool = False) -> Message:
    with unit_of_work() as session:
        case = access_case(session, user, case_id, for_update=True)
        plan = check_reply(session, user, case, text, visibility,
                           confirm_public_contact_details=confirm_public_contact_details)
        return do_reply(session, user, case, plan)


# ---------------------------------------------------------------- internal notes


def _mention_forms(user: User) -> set[str]:
    name = (user.name or "").strip()
    forms = {user.email, name, name.split(" ")[0] if name else ""}
    return {form.casefold() for form in forms if form}


def find_mentions(session: Session, text: str) -> list[User]:
    """Users named as @email, @First or @Full Name (any case), in order of appearance."""
    if "@" not in text:
        return []
    folded = text.casefold()
    found: list[tuple[int, int, User]] = []
    for user in session.scalars(select(User).where(User.is_active.is_(True))):
        positions = [
            match.start()
            for form in _mention_forms(user)
            # not followed by more of a name, an address or a longer handle
            for match in re.finditer(rf"(?<![\w@])@{re.escape(form)}(?![\w@]|[.-]\w)", folded)
        ]
        if positions:
            found.append((min(positions), user.id, user))
    return [user for _, _, user in sorted(found, key=lambda item: (item[0], item[1]))]


def note_out(event: CaseEvent) -> dict[str, Any]:
    data = event.data or {}
    return {"id": event.id, "case_id": event.case_id, "text": data.get("text", ""),
            "author_id": event.actor_id, "mentions": list(data.get("mentions", [])),
            "created_at": event.created_at}


def check_note(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationFailed("the note is empty", fields={"text": "required"})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed("the note is too long",
                               fields={"text": f"at most {MAX_NOTE_LENGTH} characters"})
    return text


def do_note(session: Session, user: User, case: Case, text: str) -> CaseEvent:
    mentioned = find_mentions(session, text)
    event = case_states.record_event(
        session, case, "note", actor=user, from_status=case.status,
        data={"text": text, "mentions": [u.id for u in mentioned]})
    for other in mentioned:
        # Only those who may see the case hear of it: a mention must not leak a case.
        if other.id != user.id and can_see_case(session, other, case):
            publish(session, "note.mention",
                    {"case_id": case.id, "note_id": event.id, "by": user.name},
                    [agent_room(other.id)])
    return event


def add_note(user: User, case_id: int, text: str) -> dict[str, Any]:
    with unit_of_work() as session:
        case = access_case(session, user, case_id, for_update=True)
        return note_out(do_note(session, user, case, check_note(text)))
