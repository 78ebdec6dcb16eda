"""A batch of normalized messages into the inbox: dedup, contact, enrich, thread, route.

Threading (docs/ingestion.md): messages sharing a thread key on a channel feed
one case; email threads by Message-ID / In-Reply-To / References, then by
subject and sender. A message on an open case appends; on a case resolved
within the reopen window reopens it; otherwise it opens a new case linked to
the old one. The thread rows are locked while deciding, so racing workers agree.

The work is set-based: a batch costs a handful of multi-row statements (read
parents, insert-or-ignore messages, upsert-and-lock threads, load cases, insert
cases and events, update messages), not a conversation per message. Every
multi-row write goes in key order, so two workers cannot deadlock on each other.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple, Protocol

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from inbox.channels.base import NormalizedMessage
from inbox.models import Case, Channel, ConversationThread, Message, utcnow
from inbox.realtime.publish import publish
from inbox.runtime import current, unit_of_work
from inbox.services.cases import states as case_states
from inbox.services.contacts.identities import ContactFacts, resolve_contacts
from inbox.services.dbutil import (
    commit_without_waiting_for_disk,
    insert_ignore_many,
    update_many,
    upsert_and_lock_many,
)
from inbox.services.ingest.enrichment import Enrichment, enrich
from inbox.services.routing.decide import RoutingTable, decide, in_business_hours, resolve_queue
from inbox.services.routing.engine import RoutingDecision, RoutingFacts
from inbox.services.sla import clocks as sla


class MessageOutcome(enum.Enum):
    NEW_CASE = "new_case"
    APPENDED = "appended"
    REOPENED = "reopened"
    DUPLICATE = "duplicate"
    ECHO = "echo"
    MONITORED = "monitored"
    LOGGED = "logged"


SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


class MessageLike(Protocol):
    """A stored message or one being taken in: what message events tell."""

    @property
    def id(self) -> int | None: ...
    @property
    def case_id(self) -> int | None: ...
    @property
    def direction(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def send_status(self) -> str | None: ...


def message_payload(message: MessageLike) -> dict[str, object]:
    return {
        "id": message.id, "case_id": message.case_id, "direction": message.direction,
        "visibility": message.visibility, "kind": message.kind, "text": message.text,
        "send_status": message.send_status,
    }


@dataclass(eq=False)
class Arrival:
    """One normalized message of a batch and what ingesting it learns."""

    channel: Channel
    msg: NormalizedMessage
    delivery_id: int | None
    contact: ContactFacts | None = None
    enrichment: Enrichment | None = None
    listening: bool = False
    log_only: bool = False
    thread_key: str | None = None
    id: int | None = None  # the stored message; None: a duplicate
    case: Case | None = None
    outcome: MessageOutcome | None = None
    decision: RoutingDecision | None = None  # of the case it opens

    def reset(self) -> None:
        """Forget what a rolled-back attempt learnt, to take the message in again."""
        self.contact = self.enrichment = self.thread_key = self.id = None
        self.case = self.outcome = self.decision = None
        self.listening = self.log_only = False

    # message_payload() reads an arrival as it reads a stored message.
    @property
    def case_id(self) -> int | None:
        return self.case.id if self.case is not None else None

    @property
    def direction(self) -> str:
        return "out" if self.msg.is_echo else "in"

    @property
    def visibility(self) -> str:
        return self.msg.visibility

    @property
    def kind(self) -> str:
        return self.msg.kind

    @property
    def text(self) -> str:
        return self.msg.text or ""

    @property
    def send_status(self) -> str | None:
        return "sent" if self.msg.is_echo else None

    @property
    def key(self) -> tuple[int, str]:
        return (self.channel.id, self.msg.external_id[:255])

    @property
    def thread(self) -> tuple[int, str]:
        assert self.thread_key is not None
        return (self.channel.id, self.thread_key)

    @property
    def works_a_case(self) -> bool:
        return not (self.msg.is_echo or self.listening or self.log_only)


@dataclass(frozen=True)
class _Known:
    """A stored message a new one may refer to (its parent, an email it references)."""

    id: int
    thread_key: str | None
    direction: str
    case_id: int | None


# --------------------------------------------------------------------- threading


IN_BATCH = 1 << 62  # ids given to this batch's own messages while threading


def _known_messages(session: Session, arrivals: list[Arrival]) -> dict[tuple[int, str], _Known]:
    """In one read: the stored messages the batch's replies and emails refer to, and
    those of its own messages that are stored already (redeliveries)."""
    wanted = sorted({(a.channel.id, ref) for a in arrivals
                     for ref in ([a.msg.parent_external_id] if a.msg.parent_external_id
                                 else []) + list(a.msg.references)}
                    | {a.key for a in arrivals})
    rows = session.execute(select(
        Message.id, Message.channel_id, Message.external_id, Message.thread_key,
        Message.direction, Message.case_id,
    ).where(tuple_(Message.channel_id, Message.external_id).in_(wanted)))
    return {(row.channel_id, row.external_id): _Known(row.id, row.thread_key, row.direction,
                                                      row.case_id) for row in rows}


def _email_thread_key(known: dict[tuple[int, str], _Known], channel: Channel,
                      msg: NormalizedMessage) -> str:
    referenced = [known[(channel.id, ref)] for ref in msg.references
                  if (channel.id, ref) in known and known[(channel.id, ref)].thread_key]
    if referenced:
        return str(max(referenced, key=lambda k: k.id).thread_key)
    subject = SUBJECT_PREFIX.sub("", msg.subject or "").strip().lower()
    return f"email:{msg.author.external_id}:{subject}"[:255]


def _thread_key(known: dict[tuple[int, str], _Known], channel: Channel,
                msg: NormalizedMessage) -> str:
    if msg.channel_kind == "email":
        return _email_thread_key(known, channel, msg)
    parent = known.get((channel.id, msg.parent_external_id)) if msg.parent_external_id else None
    if parent is not None and parent.thread_key is not None:
        # A reply to a reply joins its parent's conversation even where the platform
        # names no conversation id (X v1.1 payloads), so deep chains stay one case.
        # A top-level comment's parent is the post its thread key already names: each
        # commenter keeps their own conversation there, unless they answer our reply.
        names_parent = (msg.thread_key or "").endswith(str(msg.parent_external_id))
        answers_our_reply = parent.direction == "out" and parent.case_id is not None
        if not names_parent or answers_our_reply:
            return parent.thread_key
    key = msg.thread_key or f"msg:{msg.external_id}"
    if msg.visibility == "public" and msg.author.external_id:
        # Under one post (or brand tweet) every customer has their own conversation:
        # two people complaining on the same post are two cases, not one.
        key = f"{key}|by:{msg.author.external_id}"
    return key[:255]


def _assign_thread_keys(known: dict[tuple[int, str], _Known], arrivals: list[Arrival]) -> None:
    for index, arrival in enumerate(arrivals):
        if arrival.listening or arrival.log_only:
            continue
        arrival.thread_key = _thread_key(known, arrival.channel, arrival.msg)
        # A later message of the same batch may answer this one; it is newer than
        # anything stored (email takes the newest referenced message's thread).
        known[arrival.key] = _Known(IN_BATCH + index, arrival.thread_key,
                                    arrival.direction, None)


# --------------------------------------------------------------------- storing


def _message_row(arrival: Arrival) -> dict[str, object]:
    msg, enrichment = arrival.msg, arrival.enrichment
    facts = dict(msg.facts)
    if enrichment is not None:
        facts.update(hashtags=enrichment.hashtags, mentions=enrichment.mentions,
                     watch_terms=enrichment.keywords, influence=enrichment.influence)
    if msg.rating is not None:
        facts["rating"] = msg.rating
    facts["author"] = {"name": msg.author.name, "handle": msg.author.handle,
                       "url": msg.author.url}
    channel_id, external_id = arrival.key
    return {
        "channel_id": channel_id, "external_id": external_id,
        "contact_id": arrival.contact.id if arrival.contact else None,
        "delivery_id": arrival.delivery_id, "direction": arrival.direction,
        "visibility": msg.visibility, "kind": msg.kind, "text": msg.text or "",
        "html": msg.html, "subject": msg.subject, "url": msg.url,
        "parent_external_id": msg.parent_external_id, "thread_key": arrival.thread_key,
        "sent_at": msg.sent_at, "created_at": msg.sent_at,
        "sentiment": enrichment.sentiment if enrichment else None,
        "language": enrichment.language if enrichment else None,
        "intent": enrichment.intent if enrichment else None,
        "facts": facts, "monitored": arrival.listening, "send_attempts": 0,
        "send_status": arrival.send_status, "case_id": None,
    }


def _insert_messages(session: Session, arrivals: list[Arrival]) -> list[Arrival]:
    """Insert-or-ignore every message at once; returns the arrivals that are new."""
    first: dict[tuple[int, str], Arrival] = {}
    for arrival in arrivals:
        first.setdefault(arrival.key, arrival)  # the same message twice in one batch
    ordered = sorted(first.values(), key=lambda a: a.key)
    inserted = {(row.channel_id, row.external_id): row.id for row in insert_ignore_many(
        session, Message, [_message_row(a) for a in ordered],
        conflict=("channel_id", "external_id"), returning=("id", "channel_id", "external_id"))}
    new = []
    for arrival in arrivals:
        if first[arrival.key] is arrival and arrival.key in inserted:
            arrival.id = inserted[arrival.key]
            new.append(arrival)
        else:
            arrival.outcome = MessageOutcome.DUPLICATE
    return new


class ThreadRow(NamedTuple):
    id: int
    case_id: int | None


def _lock_threads(session: Session, arrivals: list[Arrival]
                  ) -> tuple[dict[tuple[int, str], ThreadRow], set[tuple[int, str]]]:
    """Lock the batch's threads (creating the missing rows), in key order. Returns the
    locked threads and those another worker holds right now (PostgreSQL only)."""
    keys = sorted({a.thread for a in arrivals})
    if not keys:
        return {}, set()
    rows = [{"channel_id": channel_id, "thread_key": key, "case_id": None, "updated_at": utcnow()}
            for channel_id, key in keys]
    returning = ("id", "channel_id", "thread_key", "case_id")
    if session.get_bind().dialect.name != "postgresql":  # writers are serialized there
        return {(r.channel_id, r.thread_key): ThreadRow(r.id, r.case_id) for r in
                upsert_and_lock_many(session, ConversationThread, rows,
                                     conflict=("channel_id", "thread_key"), touch="updated_at",
                                     returning=returning)}, set()
    # New thread rows are committed at once, in a short transaction of their own (a
    # thread without a case is harmless), so no worker waits on another's uncommitted
    # insert. A thread another worker is deciding is then skipped, not waited for: its
    # messages wait for the next batch while this worker goes on with the rest.
    with unit_of_work() as own:
        commit_without_waiting_for_disk(own)
        insert_ignore_many(own, ConversationThread, rows, conflict=("channel_id", "thread_key"),
                           returning=("id",))
    locked = {(r.channel_id, r.thread_key): ThreadRow(r.id, r.case_id) for r in session.execute(
        select(ConversationThread.id, ConversationThread.channel_id,
               ConversationThread.thread_key, ConversationThread.case_id)
        .where(tuple_(ConversationThread.channel_id, ConversationThread.thread_key).in_(keys))
        .order_by(ConversationThread.channel_id, ConversationThread.thread_key)
        .with_for_update(skip_locked=True))}
    return locked, set(keys) - set(locked)


def _thread_cases(session: Session, keys: Iterable[tuple[int, str]]
                  ) -> dict[tuple[int, str], int | None]:
    """Read (without locking) the cases threads feed: where our echoes belong."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {(row.channel_id, row.thread_key): row.case_id for row in session.execute(
        select(ConversationThread.channel_id, ConversationThread.thread_key,
               ConversationThread.case_id)
        .where(tuple_(ConversationThread.channel_id, ConversationThread.thread_key).in_(wanted)))}


# --------------------------------------------------------------------- routing


def _facts(channel: Channel, msg: NormalizedMessage, enrichment: Enrichment,
           contact: ContactFacts | None, routing: RoutingTable) -> RoutingFacts:
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


def _new_case(session: Session, routing: RoutingTable, arrival: Arrival,
              previous: Case | None) -> Case | None:
    """The case a message opens, added unflushed (None: routing says monitor only)."""
    channel, msg, enrichment = arrival.channel, arrival.msg, arrival.enrichment
    assert enrichment is not None and arrival.thread_key is not None
    decision = decide(routing, _facts(channel, msg, enrichment, arrival.contact, routing))
    if decision.monitor_only:
        return None
    queue_id = resolve_queue(routing, decision, channel.kind)
    subject = (msg.subject or msg.text or msg.kind).strip().replace("\n", " ")[:200]
    case = Case(
        queue_id=queue_id, contact_id=arrival.contact.id if arrival.contact else None,
        channel_id=channel.id, thread_key=arrival.thread_key, subject=subject, status="new",
        priority=decision.priority or 3, tags=list(decision.tags),
        required_skills=list(decision.required_skills),
        sla_policy_id=decision.sla_policy_id or routing.queue_policies.get(queue_id or -1),
        last_message_at=msg.sent_at, linked_case_id=previous.id if previous else None,
        escalation_level=0, version=1,  # announced before it is inserted (as its defaults)
    )
    session.add(case)
    arrival.decision = decision
    return case


def _decide(session: Session, routing: RoutingTable, working: list[Arrival],
            threads: dict[tuple[int, str], ThreadRow]) -> None:
    """In arrival order: which case each message feeds, and how (new, reopen, append).
    Only a thread's first message of the batch can open or reopen; the rest append."""
    ids = sorted({row.case_id for row in threads.values() if row.case_id is not None})
    existing = {case.id: case for case in session.scalars(
        select(Case).where(Case.id.in_(ids)))} if ids else {}
    window = timedelta(days=current().settings.reopen_window_days)
    current_case: dict[tuple[int, str], Case] = {}  # threads with a case to append to now
    for arrival in working:
        if arrival.thread in current_case:
            arrival.case, arrival.outcome = current_case[arrival.thread], MessageOutcome.APPENDED
            continue
        case_id = threads[arrival.thread].case_id
        case = existing.get(case_id) if case_id is not None else None
        if case is not None and case.status in case_states.OPEN:
            arrival.outcome = MessageOutcome.APPENDED
        elif (case is not None and case.status == "resolved" and case.resolved_at is not None
              and arrival.msg.sent_at - case.resolved_at <= window):
            arrival.outcome = MessageOutcome.REOPENED
        else:
            case = _new_case(session, routing, arrival, case)
            if case is None:
                arrival.outcome = MessageOutcome.MONITORED
                continue
            arrival.outcome = MessageOutcome.NEW_CASE
        arrival.case = current_case[arrival.thread] = case


def _number_new_cases(session: Session, cases: list[Case]) -> None:
    """New cases need their ids before their events are recorded. PostgreSQL hands out a
    batch's ids in one round trip, and each case is then inserted once, in its final
    state, with its events; elsewhere the new cases are inserted first."""
    if not cases:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.flush()
        return
    ids = session.scalars(select(func.nextval(func.pg_get_serial_sequence("cases", "id")))
                          .select_from(func.generate_series(1, len(cases)))).all()
    for case, case_id in zip(cases, ids, strict=True):
        case.id = case_id


# --------------------------------------------------------------------- applying


def _announce_new_case(session: Session, arrival: Arrival) -> None:
    case = arrival.case
    assert case is not None
    decision = arrival.decision
    assert decision is not None
    sla.start_clocks(session, case, arrival.msg.sent_at)
    case_states.record_event(session, case, "created", data={
        "channel_id": arrival.channel.id, "rules": decision.matched_rule_ids,
        "linked_case_id": case.linked_case_id,
    })
    case_states.do_enqueue(session, case)
    if decision.escalate_reason:
        case_states.do_escalate(session, case, None, decision.escalate_reason)
    publish(session, "case.created", case_states.case_summary(case),
            case_states.case_rooms(case))


def _apply(session: Session, arrival: Arrival) -> None:
    """The effects of one decided message on its case, in arrival order."""
    case, msg = arrival.case, arrival.msg
    if arrival.outcome is MessageOutcome.MONITORED:
        arrival.listening = True
        publish(session, "message.created", message_payload(arrival), ["supervisors"])
        return
    assert case is not None
    if arrival.outcome is MessageOutcome.NEW_CASE:
        _announce_new_case(session, arrival)
    elif arrival.outcome is MessageOutcome.REOPENED:
        case_states.do_reopen(session, case, None, "the customer wrote again")
    else:
        if case.status == "pending":
            if case.pending_since is not None and msg.sent_at > case.pending_since:
                sla.shift_for_pause(case, msg.sent_at - case.pending_since)
            case_states.do_customer_replied(session, case, msg.sent_at)
        sla.customer_message_arrived(session, case, msg.sent_at)
    if case.last_message_at is None or msg.sent_at > case.last_message_at:
        case.last_message_at = msg.sent_at
    if arrival.outcome is MessageOutcome.APPENDED:
        # The message itself is the record; lists still hear that the case moved.
        publish(session, "case.updated", {**case_states.case_summary(case),
                                          "change": "message_received", "actor_id": None},
                case_states.case_rooms(case))
    publish(session, "message.created", message_payload(arrival), case_states.case_rooms(case))


def _link_messages(session: Session, arrivals: list[Arrival], threads: dict[tuple[int, str],
                   ThreadRow]) -> None:
    """Write what the batch decided: each message's case, monitored flags, thread cases."""
    messages = [{"id": a.id, "case_id": a.case_id, "monitored": a.listening}
                for a in arrivals if a.id is not None and (a.case_id is not None or a.listening)]
    update_many(session, Message, messages)
    moved = sorted({(threads[a.thread].id, a.case_id) for a in arrivals
                    if a.outcome is MessageOutcome.NEW_CASE and a.case_id is not None})
    update_many(session, ConversationThread,
                [{"id": thread_id, "case_id": case_id} for thread_id, case_id in moved])


def take_in_messages(session: Session, routing: RoutingTable, watch_terms: list[str],
                     arrivals: list[Arrival]) -> set[int | None]:
    """Ingest a batch of messages; sets each arrival's outcome. Returns the deliveries
    left for later because another worker holds one of their threads just now."""
    # A redelivered message is known by its key before any work is spent on it (the
    # insert-or-ignore below still settles races with other workers).
    known = _known_messages(session, arrivals)
    first: dict[tuple[int, str], Arrival] = {}
    for arrival in arrivals:
        if arrival.key in known or first.setdefault(arrival.key, arrival) is not arrival:
            arrival.outcome = MessageOutcome.DUPLICATE
    arrivals = list(first.values())
    customers = [a for a in arrivals if not a.msg.is_echo]
    for arrival in customers:
        msg = arrival.msg
        engagement = msg.facts.get("engagement")
        arrival.enrichment = enrichment = enrich(
            msg.text or "", followers=msg.author.followers, following=msg.author.following,
            verified=msg.author.verified, engagement=engagement
            if isinstance(engagement, int) else None, rating=msg.rating,
            language_hint=msg.language, watch_terms=watch_terms,
        )
        arrival.listening = _is_listening_only(msg, enrichment)
        arrival.log_only = bool(msg.facts.get("log_only"))
    # An author the platform withheld (IG mention ids only) gets no identity: one empty
    # id must not merge every anonymous author into one person.
    identified = [a for a in customers if a.msg.author.external_id]
    contacts = resolve_contacts(session, [(a.msg.author, a.channel.id) for a in identified],
                                [a.enrichment.influence for a in identified if a.enrichment])
    for arrival, contact in zip(identified, contacts, strict=True):
        arrival.contact = contact
    _assign_thread_keys(known, arrivals)
    threads, busy = _lock_threads(session, [a for a in arrivals if a.works_a_case])
    deferred = {a.delivery_id for a in arrivals if a.works_a_case and a.thread in busy}
    if deferred:
        arrivals = [a for a in arrivals if a.delivery_id not in deferred]
    new = _insert_messages(session, arrivals)
    echoes = [a for a in new if a.msg.is_echo]
    for arrival in new:
        if arrival.msg.is_echo:  # our own outbound coming back: on the timeline, never a case
            arrival.outcome = MessageOutcome.ECHO
        elif arrival.listening:
            arrival.outcome = MessageOutcome.MONITORED
        elif arrival.log_only:
            arrival.outcome = MessageOutcome.LOGGED
    watched = [a for a in new if a.outcome in (MessageOutcome.MONITORED, MessageOutcome.LOGGED)]
    working = [a for a in new if a.works_a_case]
    with session.no_autoflush, case_states.events_flushed_together(session):
        _decide(session, routing, working, threads)
        _number_new_cases(session, [a.case for a in working
                                    if a.outcome is MessageOutcome.NEW_CASE and a.case])
        for arrival in working:
            _apply(session, arrival)
    # Our echo joins the case its conversation feeds, which may have opened just now.
    batch_cases = {a.thread: a.case for a in working if a.case is not None}
    stored = _thread_cases(session, (a.thread for a in echoes if a.thread not in batch_cases))
    for arrival in echoes:
        case_id = stored.get(arrival.thread)
        arrival.case = batch_cases.get(arrival.thread) or (
            session.get(Case, case_id) if case_id is not None else None)
    _link_messages(session, new, threads)
    for arrival in watched:
        publish(session, "message.created", message_payload(arrival), ["supervisors"])
    for arrival in working:
        if arrival.outcome is MessageOutcome.NEW_CASE and arrival.decision is not None \
                and arrival.decision.acknowledgement:
            from inbox.services.sending.acknowledgements import (
                do_acknowledge,  # it builds on replies
            )

            assert arrival.case is not None
            do_acknowledge(session, arrival.case, arrival.decision.acknowledgement)
    return deferred
