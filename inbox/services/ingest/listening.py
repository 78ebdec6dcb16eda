"""Listening: the watch list, the monitored stream, and promoting a mention to a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inbox.models import Case, Channel, Message, User, WatchTerm
from inbox.realtime.payloads import case_payload
from inbox.realtime.publish import publish
from inbox.services.admin.audit import record_change
from inbox.services.cases import states as case_states
from inbox.services.classifier.labels import record_label
from inbox.services.errors import Conflict, NotFound, ValidationFailed
from inbox.services.routing.decide import load_routing_table, resolve_queue
from inbox.services.routing.engine import RoutingDecision
from inbox.services.sla import clocks as sla


def list_watch_terms(session: Session) -> list[WatchTerm]:
    return list(session.scalars(select(WatchTerm).order_by(WatchTerm.id)))


def do_add_watch_term(session: Session, term: str, by: User | None = None) -> WatchTerm:
    term = term.strip()
    if len(term) < 2 or (term.startswith("#") and len(term) < 3):
        raise ValidationFailed("a watch term needs at least two characters",
                               fields={"term": "too short"})
    watch = WatchTerm(term=term)
    try:
        with session.begin_nested():
            session.add(watch)
    except IntegrityError:
        raise Conflict(f"{term!r} is already watched", fields={"term": "taken"})
    record_change(session, by, "watch_term.create", "watch_term", watch.id,
                  {"term": [None, term]})
    return watch


def do_remove_watch_term(session: Session, term_id: int, by: User | None = None) -> None:
    watch = session.get(WatchTerm, term_id)
    if watch is None:
        raise NotFound(f"watch term {term_id} not found")
    record_change(session, by, "watch_term.delete", "watch_term", term_id,
                  {"term": [watch.term, None]})
    session.delete(watch)


# The monitored stream's sentiment filter, on the enrichment score (-1 .. 1).
SENTIMENT_RANGES = {"negative": (-1.0, -0.05), "neutral": (-0.05, 0.05), "positive": (0.05, 1.0)}


def monitored_stream(session: Session, filters: dict[str, Any]) -> list[Message]:
    """Mentions kept without a case, newest first: searchable (q), by watch term,
    sentiment, author influence (at arrival), language and channel; `before` pages."""
    stmt = select(Message).where(Message.monitored.is_(True), Message.case_id.is_(None))
    for name in ("q", "term"):
        if filters.get(name):
            stmt = stmt.where(Message.text.ilike(f"%{filters[name]}%"))
    if filters.get("sentiment"):
        low, high = SENTIMENT_RANGES[filters["sentiment"]]
        stmt = stmt.where(Message.sentiment >= low, Message.sentiment <= high)
    if filters.get("language"):
        stmt = stmt.where(Message.language == filters["language"])
    if filters.get("channel_id"):
        stmt = stmt.where(Message.channel_id == filters["channel_id"])
    if filters.get("before"):
        stmt = stmt.where(Message.id < filters["before"])
    messages = list(session.scalars(stmt.order_by(Message.id.desc()).limit(
        filters.get("limit", 50) * (4 if filters.get("influence_min") else 1))))
    if filters.get("influence_min"):  # influence sits in the facts: filtered on the page read
        messages = [m for m in messages
                    if int((m.facts or {}).get("influence") or 0) >= filters["influence_min"]]
    return messages[:filters.get("limit", 50)]


def do_promote(session: Session, message_id: int, by: User) -> Case:
    """A supervisor turns a watched mention into a case, routed like any other."""
    message = session.get(Message, message_id)
    if message is None or not message.monitored:
        raise NotFound(f"monitored message {message_id} not found")
    if message.case_id is not None:
        raise Conflict("this mention already has a case", case_id=message.case_id)
    channel = session.get(Channel, message.channel_id)
    assert channel is not None
    table = load_routing_table(session)
    queue_id = resolve_queue(table, RoutingDecision(), channel.kind)
    case = Case(queue_id=queue_id, contact_id=message.contact_id, channel_id=channel.id,
                thread_key=f"promoted:{message.id}", subject=(message.text or "")[:200],
                status="new", priority=3, sla_policy_id=table.queue_policies.get(queue_id or -1),
                last_message_at=message.sent_at, tags=["listening"])
    session.add(case)
    session.flush()
    sla.start_clocks(session, case, message.sent_at)
    case_states.record_event(session, case, "created", actor=by,
                             data={"promoted_message_id": message.id})
    case_states.do_enqueue(session, case)
    message.case_id, message.monitored = case.id, False
    record_label(session, message.id, True, "promoted", by)  # it needed an answer after all
    publish(session, "case.created", case_payload(case), case_states.case_rooms(case))
    return case
