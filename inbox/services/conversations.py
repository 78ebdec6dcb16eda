"""One normalized message into the inbox: dedup, contact, enrich, thread, route.

Threading (docs/ingestion.md): messages sharing a thread key on a channel feed
one case; email threads by Message-ID / In-Reply-To / References, then by
subject and sender. A message on an open case appends; on a case resolved
within the reopen window reopens it; otherwise it opens a new case linked to
the old one. The thread row is locked while deciding, so racing workers agree.
"""

from __future__ import annotations

import enum
import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.base import NormalizedMessage
from inbox.models import Case, Channel, Contact, ConversationThread, Message
from inbox.realtime.publish import publish
from inbox.runtime import current
from inbox.services import cases as case_states
from inbox.services import sla
from inbox.services.contacts import resolve_contact
from inbox.services.dbutil import insert_ignore, insert_ignore_returning
from inbox.services.enrichment import Enrichment, enrich
from inbox.services.routing import RoutingTable, decide, in_business_hours, resolve_queue
from inbox.services.rule_engine import RoutingFacts


class MessageOutcome(enum.Enum):
    NEW_CASE = "new_case"
    APPENDED = "appended"
    REOPENED = "reopened"
    DUPLICATE = "duplicate"
    ECHO = "echo"
    MONITORED = "monitored"
    LOGGED = "logged"


SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def message_payload(message: Message) -> dict[str, object]:
    return {
        "id": message.id, "case_id": message.case_id, "direction": message.direction,
        "visibility": message.visibility, "kind": message.kind, "text": message.text,
        "send_status": message.send_status,
    }


def _email_thread_key(session: Session, channel: Channel, msg: NormalizedMessage) -> str:
    if msg.references:
        referenced = session.scalar(
            select(Message.thread_key).where(
                Message.channel_id == channel.id,
                Message.external_id.in_(msg.references),
                Message.thread_key.is_not(None),
            ).order_by(Message.id.desc()).limit(1)
        )
        if referenced:
            return referenced
    subject = SUBJECT_PREFIX.sub("", msg.subject or "").strip().lower()
    return f"email:{msg.author.external_id}:{subject}"[:255]


def _thread_key(session: Session, channel: Channel, msg: NormalizedMessage) -> str:
    if msg.channel_kind == "email":
        return _email_thread_key(session, channel, msg)
    if msg.parent_external_id:
        # A reply to a reply joins its parent's conversation even where the platform
        # names no conversation id (X v1.1 payloads), so deep chains stay one case.
        parent = session.execute(select(Message.thread_key, Message.direction, Message.case_id)
                                 .where(Message.channel_id == channel.id,
                                        Message.external_id == msg.parent_external_id,
                                        Message.thread_key.is_not(None))).first()
        # A top-level comment's parent is the post its thread key already names: each
        # commenter keeps their own conversation there, unless they answer our reply.
        names_parent = (msg.thread_key or "").endswith(msg.parent_external_id)
        answers_our_reply = (parent is not None and parent.direction == "out"
                             and parent.case_id is not None)
        if parent is not None and (not names_parent or answers_our_reply):
            return str(parent.thread_key)
    key = msg.thread_key or f"msg:{msg.external_id}"
    if msg.visibility == "public" and msg.author.external_id:
        # Under one post (or brand tweet) every customer has their own conversation:
        # two people complaining on the same post are two cases, not one.
        key = f"{key}|by:{msg.author.external_id}"
    return key[:255]


def _lock_thread(session: Session, channel: Channel, key: str) -> ConversationThread:
    insert_ignore(session, ConversationThread,
                  {"channel_id": channel.id, "thread_key": key, "case_id": None},
                  conflict=("channel_id", "thread_key"))
    stmt = select(ConversationThread).where(
        ConversationThread.channel_id == channel.id, ConversationThread.thread_key == key
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    thread = session.scalar(stmt)
    assert thread is not None
    return thread


def _insert_message(
    session: Session, channel: Channel, msg: NormalizedMessage, *, contact: Contact | None,
    enrichment: Enrichment | None, delivery_id: int | None, thread_key: str | None,
    monitored: bool = False,
) -> Message | None:
    facts = dict(msg.facts)
    if enrichment is not None:
        facts.update(hashtags=enrichment.hashtags, mentions=enrichment.mentions,
                     watch_terms=enrichment.keywords, influence=enrichment.influence)
    if msg.rating is not None:
        facts["rating"] = msg.rating
    facts["author"] = {"name": msg.author.name, "handle": msg.author.handle,
                       "url": msg.author.url}
    return insert_ignore_returning(session, Message, {
        "channel_id": channel.id, "external_id": msg.external_id[:255],
        "contact_id": contact.id if contact else None, "delivery_id": delivery_id,
        "direction": "out" if msg.is_echo else "in", "visibility": msg.visibility,
        "kind": msg.kind, "text": msg.text or "", "html": msg.html, "subject": msg.subject,
        "url": msg.url, "parent_external_id": msg.parent_external_id,
        "thread_key": thread_key, "sent_at": msg.sent_at, "created_at": msg.sent_at,
        "sentiment": enrichment.sentiment if enrichment else None,
        "language": enrichment.language if enrichment else None,
        "intent": enrichment.intent if enrichment else None,
        "facts": facts, "monitored": monitored, "send_attempts": 0,
        "send_status": "sent" if msg.is_echo else None,
    }, conflict=("channel_id", "external_id"))


def _facts(channel: Channel, msg: NormalizedMessage, enrichment: Enrichment,
           contact: Contact | None, routing: RoutingTable) -> RoutingFacts:
    return RoutingFacts(
        channel_kind=channel.kind, channel_id=channel.id, visibility=msg.visibility,
        message_kind=msg.kind, text=msg.text or "", hashtags=tuple(enrichment.hashtags),
        sentiment=enrichment.sentiment, influence=enrichment.influence,
        followers=(contact.followers or 0) if contact else 0,
        verified=bool(contact.verified) if contact else False,
        language=enrichment.language, intent=enrichment.intent,
        contact_tags=tuple(contact.tags or ()) if contact else (),
        in_business_hours=in_business_hours(routing, msg.sent_at),
    )


def _is_listening_only(msg: NormalizedMessage, enrichment: Enrichment) -> bool:
    """A mention not addressed to us that is neutral or positive is watched, not worked."""
    return (not msg.addressed_to_us and enrichment.intent in ("praise", "other")
            and enrichment.sentiment > -0.05)


def _open_case(session: Session, routing: RoutingTable, channel: Channel,
               msg: NormalizedMessage, enrichment: Enrichment, contact: Contact | None,
               thread: ConversationThread, previous: Case | None
               ) -> tuple[Case | None, str | None]:
    """The new case (None: monitor only) and the acknowledgement template to send."""
    decision = decide(routing, _facts(channel, msg, enrichment, contact, routing))
    if decision.monitor_only:
        return None, None
    queue_id = resolve_queue(routing, decision, channel.kind)
    subject = (msg.subject or msg.text or msg.kind).strip().replace("\n", " ")[:200]
    case = Case(
        queue_id=queue_id, contact_id=contact.id if contact else None, channel_id=channel.id,
        thread_key=thread.thread_key, subject=subject, status="new",
        priority=decision.priority or 3, tags=list(decision.tags),
        required_skills=list(decision.required_skills),
        sla_policy_id=decision.sla_policy_id or routing.queue_policies.get(queue_id or -1),
        last_message_at=msg.sent_at, linked_case_id=previous.id if previous else None,
    )
    session.add(case)
    session.flush()
    sla.start_clocks(session, case, msg.sent_at)
    case_states.record_event(session, case, "created", data={
        "channel_id": channel.id, "rules": decision.matched_rule_ids,
        "linked_case_id": case.linked_case_id,
    })
    case_states.do_enqueue(session, case)
    if decision.escalate_reason:
        case_states.do_escalate(session, case, None, decision.escalate_reason)
    publish(session, "case.created", case_states.case_summary(case),
            case_states.case_rooms(case))
    return case, decision.acknowledgement


def take_in_message(session: Session, routing: RoutingTable, watch_terms: list[str],
                    channel: Channel, msg: NormalizedMessage,
                    delivery_id: int | None) -> MessageOutcome:
    if msg.is_echo:  # our own outbound coming back: on the timeline, never a case
        echo_key = _thread_key(session, channel, msg)
        echo = _insert_message(session, channel, msg, contact=None, enrichment=None,
                               delivery_id=delivery_id, thread_key=echo_key)
        if echo is not None:
            echo.case_id = session.scalar(select(ConversationThread.case_id).where(
                ConversationThread.channel_id == channel.id,
                ConversationThread.thread_key == echo_key))
        return MessageOutcome.ECHO if echo else MessageOutcome.DUPLICATE

    # An author the platform withheld (IG mention ids only) gets no identity: one empty
    # id must not merge every anonymous author into one person.
    contact = resolve_contact(session, msg.author, channel.id) if msg.author.external_id else None
    engagement = msg.facts.get("engagement")
    enrichment = enrich(
        msg.text or "", followers=msg.author.followers, following=msg.author.following,
        verified=msg.author.verified, engagement=engagement if isinstance(engagement, int)
        else None, rating=msg.rating, language_hint=msg.language, watch_terms=watch_terms,
    )
    if contact is not None:
        contact.influence_score = max(contact.influence_score or 0, enrichment.influence)
    listening = _is_listening_only(msg, enrichment)
    log_only = bool(msg.facts.get("log_only"))
    key = None if (listening or log_only) else _thread_key(session, channel, msg)
    message = _insert_message(session, channel, msg, contact=contact, enrichment=enrichment,
                              delivery_id=delivery_id, thread_key=key, monitored=listening)
    if message is None:
        return MessageOutcome.DUPLICATE
    if listening or log_only:
        publish(session, "message.created", message_payload(message), ["supervisors"])
        return MessageOutcome.MONITORED if listening else MessageOutcome.LOGGED

    assert key is not None
    thread = _lock_thread(session, channel, key)
    case = session.get(Case, thread.case_id) if thread.case_id else None
    outcome = MessageOutcome.APPENDED
    acknowledgement: str | None = None
    window = timedelta(days=current().settings.reopen_window_days)
    if case is not None and case.status in case_states.OPEN:
        if case.status == "pending":
            if case.pending_since is not None and msg.sent_at > case.pending_since:
                sla.shift_for_pause(case, msg.sent_at - case.pending_since)
            case_states.do_customer_replied(session, case, msg.sent_at)
        sla.customer_message_arrived(session, case, msg.sent_at)
    elif (case is not None and case.status == "resolved" and case.resolved_at is not None
          and msg.sent_at - case.resolved_at <= window):
        case_states.do_reopen(session, case, None, "the customer wrote again")
        outcome = MessageOutcome.REOPENED
    else:
        case, acknowledgement = _open_case(session, routing, channel, msg, enrichment,
                                           contact, thread, case)
        if case is None:
            message.monitored = True
            publish(session, "message.created", message_payload(message), ["supervisors"])
            return MessageOutcome.MONITORED
        thread.case_id = case.id
        outcome = MessageOutcome.NEW_CASE
    message.case_id = case.id
    if case.last_message_at is None or msg.sent_at > case.last_message_at:
        case.last_message_at = msg.sent_at
    if outcome is MessageOutcome.APPENDED:
        # The message itself is the record; lists still hear that the case moved.
        publish(session, "case.updated", {**case_states.case_summary(case),
                                          "change": "message_received", "actor_id": None},
                case_states.case_rooms(case))
    publish(session, "message.created", message_payload(message), case_states.case_rooms(case))
    if acknowledgement:
        from inbox.services.acknowledgements import do_acknowledge  # it builds on replies

        do_acknowledge(session, case, acknowledgement)
    return outcome
