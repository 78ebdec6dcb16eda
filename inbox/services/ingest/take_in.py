"""Taking in a batch of normalized messages: ingestion's step from messages to cases.

The steps (take_in_messages, docs/ingestion.md): known already -> enrich -> listening ->
contacts -> threads (threads.py) -> store -> cases -> link -> after commit. A message
on an open case appends; on a case resolved within the reopen window reopens it;
otherwise it joins the customer's open case on the channel if the channel's join rule
says so (join_open_case_hours), else opens a new case (routed by the stored rules)
linked to the old one.

The work is set-based: a batch costs a handful of multi-row statements (read
parents, insert-or-ignore messages, upsert-and-lock threads, load cases, insert
cases and events, update messages), not a conversation per message. Every
multi-row write goes in key order, so two workers cannot deadlock on each other.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inbox.channels.base import NormalizedMessage
from inbox.models import Case, Channel, ConversationThread, Message
from inbox.realtime.payloads import case_payload, case_updated_payload, message_payload
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS
from inbox.runtime import current
from inbox.services.admin.channel_profiles import join_open_case_hours
from inbox.services.cases import states as case_states
from inbox.services.classifier.scoring import ComplaintScorer, judged
from inbox.services.contacts.identities import ContactFacts, resolve_contacts
from inbox.services.dbutil import insert_ignore_many, is_postgresql, pairs_in, update_many
from inbox.services.ingest.arrivals import Arrival, MessageOutcome
from inbox.services.ingest.community import suggest_community_answers
from inbox.services.ingest.enrichment import Enrichment, enrich
from inbox.services.ingest.threads import (
    KnownMessages,
    ThreadRow,
    assign_thread_keys,
    known_messages,
    lock_threads,
    thread_cases,
)
from inbox.services.ingest.workspace_rules import IngestRules
from inbox.services.routing.decide import RoutingTable, decide, in_business_hours, resolve_queue
from inbox.services.routing.engine import RoutingFacts
from inbox.services.sending.acknowledgements import do_acknowledge
from inbox.services.sla import clocks as sla

__all__ = ["Arrival", "MessageOutcome", "take_in_messages"]

# --------------------------------------------------------------------- storing


def _message_row(arrival: Arrival) -> dict[str, object]:
    msg, enrichment = arrival.msg, arrival.enrichment
    facts = dict(msg.facts)
    if enrichment is not None:
        facts.update(hashtags=enrichment.hashtags, mentions=enrichment.mentions,
                     watch_terms=enrichment.keywords, influence=enrichment.influence)
    if arrival.complaint_probability is not None:
        facts["complaint_probability"] = round(arrival.complaint_probability, 3)
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


# --------------------------------------------------------------------- routing


def _facts(channel: Channel, msg: NormalizedMessage, enrichment: Enrichment,
           contact: ContactFacts | None, routing: RoutingTable,
           complaint_probability: float | None) -> RoutingFacts:
    return RoutingFacts(
        channel_kind=channel.kind, channel_id=channel.id, visibility=msg.visibility,
        message_kind=msg.kind, text=msg.text or "", hashtags=tuple(enrichment.hashtags),
        sentiment=enrichment.sentiment, influence=enrichment.influence,
        followers=(contact.followers or 0) if contact else 0,
        verified=bool(contact.verified) if contact else False,
        language=enrichment.language, intent=enrichment.intent,
        contact_tags=tuple(contact.tags or ()) if contact else (),
        in_business_hours=in_business_hours(routing, msg.sent_at),
        country=contact.country if contact else None,
        region=contact.region if contact else None,
        complaint_probability=complaint_probability,
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
    decision = decide(routing, _facts(channel, msg, enrichment, arrival.contact, routing,
                                      arrival.complaint_probability))
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


JoinKey = tuple[int, int]  # (contact id, channel id)


def _join_key(arrival: Arrival) -> JoinKey | None:
    """Where the join rule may apply: a known customer on a channel that has it on."""
    if arrival.contact is None or arrival.contact.id is None:
        return None
    return (arrival.contact.id, arrival.channel.id) if join_open_case_hours(
        arrival.channel) else None


def _joinable_cases(session: Session, working: list[Arrival]) -> dict[JoinKey, Case]:
    """Per customer and channel with the join rule on, their open case with the newest
    message within the rule's hours: one read for the whole batch."""
    keys = sorted({key for arrival in working if (key := _join_key(arrival)) is not None})
    if not keys:
        return {}
    hours = max(join_open_case_hours(a.channel) for a in working if _join_key(a) is not None)
    since = min(a.msg.sent_at for a in working) - timedelta(hours=hours)
    found: dict[JoinKey, Case] = {}
    for case in session.scalars(select(Case).where(
            pairs_in(Case.contact_id, Case.channel_id, keys),
            Case.status.in_(case_states.OPEN), Case.last_message_at >= since,
    ).order_by(Case.last_message_at.desc(), Case.id.desc())):
        found.setdefault((int(case.contact_id or 0), int(case.channel_id or 0)), case)
    return found


def _joins(arrival: Arrival, joinable: dict[JoinKey, Case]) -> Case | None:
    key = _join_key(arrival)
    case = joinable.get(key) if key is not None else None
    if case is None or case.last_message_at is None:
        return None
    within = timedelta(hours=join_open_case_hours(arrival.channel))
    return case if arrival.msg.sent_at - case.last_message_at <= within else None


def _decide(session: Session, routing: RoutingTable, working: list[Arrival],
            threads: dict[tuple[int, str], ThreadRow]) -> None:
    """In arrival order: which case each message feeds, and how (new, reopen, join,
    append). Only a thread's first message of the batch can open, reopen or join; the
    rest append."""
    ids = sorted({row.case_id for row in threads.values() if row.case_id is not None})
    existing = {case.id: case for case in session.scalars(
        select(Case).where(Case.id.in_(ids)))} if ids else {}
    joinable = _joinable_cases(session, working)
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
        elif (joined := _joins(arrival, joinable)) is not None:
            case, arrival.outcome = joined, MessageOutcome.JOINED
        else:
            case = _new_case(session, routing, arrival, case)
            if case is None:
                arrival.outcome = MessageOutcome.MONITORED
                continue
            arrival.outcome = MessageOutcome.NEW_CASE
            if (key := _join_key(arrival)) is not None:
                joinable[key] = case  # the customer's next new conversation joins this one
        arrival.case = current_case[arrival.thread] = case


def _number_new_cases(session: Session, cases: list[Case]) -> None:
    """New cases need their ids before their events are recorded. PostgreSQL hands out a
    batch's ids in one round trip, and each case is then inserted once, in its final
    state, with its events; elsewhere the new cases are inserted first."""
    if not cases:
        return
    if not is_postgresql(session):
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
    publish(session, "case.created", case_payload(case),
            case_states.case_rooms(case))


def _apply(session: Session, arrival: Arrival) -> None:
    """The effects of one decided message on its case, in arrival order."""
    case, msg = arrival.case, arrival.msg
    if arrival.outcome is MessageOutcome.MONITORED:
        arrival.listening = True
        publish(session, "message.created", message_payload(arrival), [SUPERVISORS])
        return
    assert case is not None
    if arrival.outcome is MessageOutcome.NEW_CASE:
        _announce_new_case(session, arrival)
    elif arrival.outcome is MessageOutcome.REOPENED:
        case_states.do_reopen(session, case, None, "the customer wrote again")
    else:
        if case.status == "pending":
            case_states.do_customer_replied(session, case, msg.sent_at)
        sla.customer_message_arrived(session, case, msg.sent_at)
    if case.last_message_at is None or msg.sent_at > case.last_message_at:
        case.last_message_at = msg.sent_at
    if arrival.outcome is MessageOutcome.APPENDED:
        # The message itself is the record; lists still hear that the case moved.
        publish(session, "case.updated", case_updated_payload(case, "message_received", None),
                case_states.case_rooms(case))
    elif arrival.outcome is MessageOutcome.JOINED:
        case_states.record_event(session, case, "conversation_joined", from_status=case.status,
                                 data={"message_id": arrival.id, "thread_key": arrival.thread_key,
                                       "hours": join_open_case_hours(arrival.channel)})
    publish(session, "message.created", message_payload(arrival), case_states.case_rooms(case))


def _link_messages(session: Session, arrivals: list[Arrival], threads: dict[tuple[int, str],
                   ThreadRow]) -> None:
    """Write what the batch decided: each message's case, monitored flags, thread cases."""
    messages = [{"id": a.id, "case_id": a.case_id, "monitored": a.listening}
                for a in arrivals if a.id is not None and (a.case_id is not None or a.listening)]
    update_many(session, Message, messages)
    moved = sorted({(threads[a.thread].id, a.case_id) for a in arrivals
                    if a.outcome in (MessageOutcome.NEW_CASE, MessageOutcome.JOINED)
                    and a.case_id is not None})
    update_many(session, ConversationThread,
                [{"id": thread_id, "case_id": case_id} for thread_id, case_id in moved])




# --------------------------------------------------------------------- the steps


def _drop_known(known: KnownMessages, arrivals: list[Arrival]) -> list[Arrival]:
    """Known already: a redelivered message is known by its key before any work is spent
    on it (the insert-or-ignore still settles races with other workers), and a message
    twice in one batch is taken once."""
    first: dict[tuple[int, str], Arrival] = {}
    for arrival in arrivals:
        if arrival.key in known or first.setdefault(arrival.key, arrival) is not arrival:
            arrival.outcome = MessageOutcome.DUPLICATE
    return list(first.values())


def _enrich(customers: list[Arrival], watch_terms: list[str]) -> None:
    for arrival in customers:
        msg = arrival.msg
        engagement = msg.facts.get("engagement")
        arrival.enrichment = enrich(
            msg.text or "", followers=msg.author.followers, following=msg.author.following,
            verified=msg.author.verified, engagement=engagement
            if isinstance(engagement, int) else None, rating=msg.rating,
            language_hint=msg.language, watch_terms=watch_terms,
        )


def _score_complaints(scorer: ComplaintScorer | None, customers: list[Arrival]) -> None:
    """The complaint model, when one is trained, beside the rules: a complaint when either
    says so (inbox.services.classifier); its probability is kept on the message."""
    if scorer is None:
        return
    for arrival in customers:
        assert arrival.enrichment is not None
        arrival.enrichment, arrival.complaint_probability = judged(
            scorer, arrival.enrichment, arrival.msg.text or "")


def _mark_listening(customers: list[Arrival]) -> None:
    """Listening: mentions watched rather than worked, and items only logged."""
    for arrival in customers:
        assert arrival.enrichment is not None
        arrival.listening = _is_listening_only(arrival.msg, arrival.enrichment)
        arrival.log_only = bool(arrival.msg.facts.get("log_only"))


def _resolve_authors(session: Session, customers: list[Arrival]) -> None:
    """Contacts. An author the platform withheld (IG mention ids only) gets no identity:
    one empty id must not merge every anonymous author into one person."""
    identified = [a for a in customers if a.msg.author.external_id]
    contacts = resolve_contacts(session, [(a.msg.author, a.channel.id) for a in identified],
                                [a.enrichment.influence for a in identified if a.enrichment],
                                [a.enrichment.language for a in identified if a.enrichment])
    for arrival, contact in zip(identified, contacts, strict=True):
        arrival.contact = contact


def _thread(session: Session, known: KnownMessages, arrivals: list[Arrival]
            ) -> tuple[list[Arrival], dict[tuple[int, str], ThreadRow], set[int | None]]:
    """Threads: key and lock every conversation the batch works. The deliveries with a
    message on a thread another worker holds are left for later, whole."""
    assign_thread_keys(known, arrivals)
    threads, busy = lock_threads(session, [a for a in arrivals if a.works_a_case])
    deferred = {a.delivery_id for a in arrivals if a.works_a_case and a.thread in busy}
    if deferred:
        arrivals = [a for a in arrivals if a.delivery_id not in deferred]
    return arrivals, threads, deferred


def _store(session: Session, arrivals: list[Arrival]) -> list[Arrival]:
    """Insert the messages; returns the new ones, those not worked already settled."""
    new = _insert_messages(session, arrivals)
    for arrival in new:
        if arrival.msg.is_echo:  # our own outbound coming back: on the timeline, never a case
            arrival.outcome = MessageOutcome.ECHO
        elif arrival.listening:
            arrival.outcome = MessageOutcome.MONITORED
        elif arrival.log_only:
            arrival.outcome = MessageOutcome.LOGGED
    return new


def _feed_cases(session: Session, routing: RoutingTable, working: list[Arrival],
                threads: dict[tuple[int, str], ThreadRow]) -> None:
    """Cases: decide, number the new ones, apply each message in arrival order; the
    events of the whole batch are written together."""
    with session.no_autoflush, case_states.events_flushed_together(session):
        _decide(session, routing, working, threads)
        _number_new_cases(session, [a.case for a in working
                                    if a.outcome is MessageOutcome.NEW_CASE and a.case])
        for arrival in working:
            _apply(session, arrival)


def _join_echoes(session: Session, echoes: list[Arrival], working: list[Arrival]) -> None:
    """Our echo joins the case its conversation feeds, which may have opened just now."""
    batch_cases = {a.thread: a.case for a in working if a.case is not None}
    stored = thread_cases(session, (a.thread for a in echoes if a.thread not in batch_cases))
    for arrival in echoes:
        case_id = stored.get(arrival.thread)
        arrival.case = batch_cases.get(arrival.thread) or (
            session.get(Case, case_id) if case_id is not None else None)


def _after_commit(session: Session, watched: list[Arrival], working: list[Arrival]) -> None:
    """What goes out once the batch commits: watched messages to supervisors, and the
    acknowledgements routing asked for on the cases just opened."""
    for arrival in watched:
        publish(session, "message.created", message_payload(arrival), [SUPERVISORS])
    for arrival in working:
        decision = arrival.decision
        if arrival.outcome is MessageOutcome.NEW_CASE and decision is not None \
                and decision.acknowledgement:
            assert arrival.case is not None
            do_acknowledge(session, arrival.case, decision.acknowledgement)


def take_in_messages(session: Session, rules: IngestRules, arrivals: list[Arrival]
                     ) -> set[int | None]:
    """Ingest a batch of messages; sets each arrival's outcome. Returns the deliveries
    left for later because another worker holds one of their threads just now."""
    known = known_messages(session, arrivals)
    arrivals = _drop_known(known, arrivals)
    customers = [a for a in arrivals if not a.msg.is_echo]
    _enrich(customers, rules.watch_terms)
    _score_complaints(rules.scorer, customers)
    _mark_listening(customers)
    _resolve_authors(session, customers)
    arrivals, threads, deferred = _thread(session, known, arrivals)
    new = _store(session, arrivals)
    watched = [a for a in new if a.outcome in (MessageOutcome.MONITORED, MessageOutcome.LOGGED)]
    working = [a for a in new if a.works_a_case]
    _feed_cases(session, rules.routing, working, threads)
    _join_echoes(session, [a for a in new if a.msg.is_echo], working)
    _link_messages(session, new, threads)
    suggest_community_answers(session, working)
    _after_commit(session, watched, working)
    return deferred
