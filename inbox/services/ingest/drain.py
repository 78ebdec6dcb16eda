"""Ingestion: stored deliveries become messages and cases, in batches.

drain() takes pending deliveries many at a time: one transaction per batch, all
its messages taken in together in a few multi-row statements. Should that fail,
the batch is taken again one delivery at a time, each in its own SAVEPOINT, so one
bad delivery is marked failed without undoing its neighbours. Processing is
idempotent: redelivery, retries and two workers racing give one message and one
case (docs/ingestion.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from inbox.channels.base import NormalizedMessage, ParseFailed
from inbox.channels.registry import adapter_for
from inbox.db import LOCK_NOT_AVAILABLE, sqlstate
from inbox.models import Channel, Delivery, utcnow
from inbox.realtime.publish import event_scope
from inbox.runtime import current, unit_of_work
from inbox.services.admin.channels import channel_for
from inbox.services.dbutil import for_update, update_many
from inbox.services.ingest.arrivals import Arrival
from inbox.services.ingest.take_in import take_in_messages
from inbox.services.ingest.trigger import DRAIN_WAITING, request_drain
from inbox.services.ingest.workspace_rules import IngestRules, ingest_rules

log = logging.getLogger(__name__)

# Deliveries per transaction: big enough to amortize a batch's fixed statements, small
# enough that a thread another worker holds is seldom in it (it would wait a moment).
BATCH_SIZE = 100

@dataclass
class BatchContext:
    """What every message of a batch needs, read once."""

    session: Session
    rules: IngestRules
    channels: dict[tuple[str, str], Channel | None] = field(default_factory=dict)

    def channel(self, kind: str, external_id: str | None) -> Channel | None:
        if external_id is None:
            return None
        key = (kind, external_id)
        if key not in self.channels:
            self.channels[key] = channel_for(self.session, kind, external_id)
        return self.channels[key]


@dataclass
class ClaimedDelivery:
    """A pending delivery taken by this batch, read without the ORM (a batch reads and
    writes its deliveries in one statement each)."""

    id: int
    provider: str
    channel_id: int | None
    headers: dict[str, str]
    body: bytes
    content_type: str
    attempts: int
    written: dict[str, Any] | None = None  # the new state, outcome, ...: None = unchanged


_CLAIMED_COLUMNS = (Delivery.id, Delivery.provider, Delivery.channel_id, Delivery.headers,
                    Delivery.body, Delivery.content_type, Delivery.attempts)


def _claim_pending(session: Session, limit: int, ids: list[int] | None
                   ) -> list[ClaimedDelivery]:
    stmt = (select(*_CLAIMED_COLUMNS).where(Delivery.state == "pending")
            .order_by(Delivery.id).limit(limit))
    if ids is not None:
        stmt = stmt.where(Delivery.id.in_(ids))
    # Two workers take disjoint batches instead of queueing on each other's rows.
    stmt = for_update(session, stmt, skip_locked=True)
    return [ClaimedDelivery(*row) for row in session.execute(stmt)]


def _write_outcomes(session: Session, deliveries: list[ClaimedDelivery]) -> None:
    update_many(session, Delivery, [{"id": d.id, **d.written} for d in deliveries
                                    if d.written is not None])


def _channel_for_message(
    ctx: BatchContext, delivery: ClaimedDelivery, message: NormalizedMessage
) -> Channel | None:
    if delivery.channel_id is not None:
        return ctx.session.get(Channel, delivery.channel_id)
    return ctx.channel(message.channel_kind, message.channel_external_id)


@dataclass
class DeliveryOutcome:
    state: str
    outcome: dict[str, Any]
    error: str | None = None
    channel_id: int | None = None


@dataclass
class ParsedDelivery:
    """A delivery read into the messages of known channels, before they are taken in."""

    delivery: ClaimedDelivery
    arrivals: list[Arrival]
    ignored: list[str]
    unmatched: set[str]
    channel_id: int | None

    def outcome(self) -> DeliveryOutcome:
        counts: dict[str, int] = {}
        for arrival in self.arrivals:
            assert arrival.outcome is not None
            counts[arrival.outcome.value] = counts.get(arrival.outcome.value, 0) + 1
        summary = {"messages": counts, "ignored": self.ignored[:50],
                   "unmatched": sorted(self.unmatched)}
        if self.unmatched and not self.arrivals:
            return DeliveryOutcome("unmatched", summary,
                                   "no connected channel for " + ", ".join(sorted(self.unmatched)))
        return DeliveryOutcome("processed" if self.arrivals else "ignored", summary,
                               channel_id=self.channel_id)


def _parse(ctx: BatchContext, delivery: ClaimedDelivery) -> ParsedDelivery:
    adapter = adapter_for(delivery.provider)
    headers = dict(delivery.headers or {})
    headers.setdefault("content-type", delivery.content_type)
    result = adapter.parse(delivery.body, headers)
    parsed = ParsedDelivery(delivery, [], result.ignored, set(), delivery.channel_id)
    for message in result.messages:
        channel = _channel_for_message(ctx, delivery, message)
        if channel is None:
            parsed.unmatched.add(f"{message.channel_kind}:{message.channel_external_id}")
            continue
        if parsed.channel_id is None and len(result.messages) == 1:
            parsed.channel_id = channel.id
        parsed.arrivals.append(Arrival(channel, message, delivery.id))
    return parsed


# Lock trouble between concurrent workers (deadlock, serialization, lock not available,
# a case changed under us): nothing is wrong with the delivery, so it stays pending
# and is taken again.
TRANSIENT_SQLSTATES = {"40P01", "40001", LOCK_NOT_AVAILABLE}
MAX_TRANSIENT_ATTEMPTS = 10


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    code = sqlstate(exc)
    return isinstance(exc, DBAPIError) and (
        code in TRANSIENT_SQLSTATES or "database is locked" in str(exc))


def _take_in(ctx: BatchContext, parsed: list[ParsedDelivery]) -> set[int | None]:
    """All the batch's messages at once, in a SAVEPOINT: an error undoes only this.
    Returns the deliveries left pending for a moment (another worker holds a thread)."""
    arrivals = [arrival for p in parsed for arrival in p.arrivals]
    with ctx.session.begin_nested(), event_scope(ctx.session):
        if arrivals:
            return take_in_messages(ctx.session, ctx.rules, arrivals)
    return set()


def _finish(delivery: ClaimedDelivery, done: DeliveryOutcome) -> None:
    """The delivery row is written once, with the outcome."""
    delivery.written = {
        "state": done.state, "outcome": done.outcome, "error": done.error,
        "channel_id": done.channel_id if done.channel_id is not None else delivery.channel_id,
        "attempts": delivery.attempts + 1, "processed_at": utcnow(),
    }


def _failed(delivery: ClaimedDelivery, exc: Exception) -> bool:
    """Returns False if the delivery must be taken again (a transient conflict)."""
    if _is_transient(exc) and delivery.attempts + 1 < MAX_TRANSIENT_ATTEMPTS:
        log.info("delivery %s met a concurrent worker (%s); taken again",
                 delivery.id, type(exc).__name__)
        delivery.written = {"state": "pending", "outcome": {}, "error": None,
                            "channel_id": delivery.channel_id,
                            "attempts": delivery.attempts + 1, "processed_at": None}
        return False
    log.exception("delivery %s failed", delivery.id)  # kept and replayable, never dropped
    _finish(delivery, DeliveryOutcome("failed", {}, f"{type(exc).__name__}: {exc}"[:2000]))
    return True


def _ingest(ctx: BatchContext, deliveries: list[ClaimedDelivery]) -> list[int]:
    """Ingest a claimed batch; returns the ids of deliveries to take again."""
    parsed: list[ParsedDelivery] = []
    for delivery in deliveries:
        try:
            parsed.append(_parse(ctx, delivery))
        except ParseFailed as exc:
            _finish(delivery, DeliveryOutcome("failed", {}, f"cannot parse: {exc}"[:2000]))
    try:
        deferred = _take_in(ctx, parsed)
    except Exception as exc:
        if len(parsed) == 1:
            return [] if _failed(parsed[0].delivery, exc) else [parsed[0].delivery.id]
        if sqlstate(exc) == LOCK_NOT_AVAILABLE:
            # Something held a row past the lock timeout: one by one, each delivery would
            # wait as long again. The whole batch is taken again later.
            return [one.delivery.id for one in parsed if not _failed(one.delivery, exc)]
        # Something in the batch is wrong (or met another worker): one by one, so a
        # bad delivery is kept as failed without holding up its neighbours.
        log.info("batch of %s deliveries failed (%s); taking them one by one",
                 len(parsed), type(exc).__name__)
        deferred = set()
        taken: list[ParsedDelivery] = []
        for one in parsed:
            for arrival in one.arrivals:
                arrival.reset()
            try:
                deferred |= _take_in(ctx, [one])
                taken.append(one)
            except Exception as exc_one:
                if not _failed(one.delivery, exc_one):
                    deferred.add(one.delivery.id)
        parsed = taken
    return _finish_all(parsed, deferred)


def _finish_all(parsed: list[ParsedDelivery], deferred: set[int | None]) -> list[int]:
    """Write the outcomes of those taken in; returns the ids to take again."""
    for one in parsed:
        if one.delivery.id not in deferred:
            _finish(one.delivery, one.outcome())
    return sorted(d for d in deferred if d is not None)


def _process_batch(limit: int, ids: list[int] | None) -> tuple[int, int]:
    """Ingest up to `limit` pending deliveries in one transaction; returns how many were
    taken and how many of them stay pending to be taken again."""
    db = current().db
    if db.deliveries_apart:
        return _process_batch_apart(limit, ids)
    with unit_of_work() as session:
        deliveries = _claim_pending(session, limit, ids)
        if not deliveries:
            return 0, 0
        again = _ingest(BatchContext(session=session, rules=ingest_rules(session)), deliveries)
        _write_outcomes(session, deliveries)
    return len(deliveries), len(again)


def _process_batch_apart(limit: int, ids: list[int] | None) -> tuple[int, int]:
    """The same with the deliveries in a database file of their own (the embedded
    default): read them without a lock, take their messages in under the main file's
    write lock, then write their outcomes in a short transaction of the deliveries'
    file, so a webhook storing its delivery never waits for a whole batch. Batches take
    turns (a file lock) from the read to the outcomes, so no two take the same delivery.
    A crash between the two commits leaves the deliveries pending: taken again, they
    find their messages already in (ingestion is idempotent by message key)."""
    with current().db.ingest_turn():
        with unit_of_work(read_only=True) as session:
            deliveries = _claim_pending(session, limit, ids)
        if not deliveries:
            return 0, 0
        with unit_of_work() as session:
            again = _ingest(BatchContext(session=session, rules=ingest_rules(session)),
                            deliveries)
        with unit_of_work() as session:
            _write_outcomes(session, deliveries)
    return len(deliveries), len(again)


def process_batch(limit: int = BATCH_SIZE, ids: list[int] | None = None) -> int:
    """Ingest up to `limit` pending deliveries in one transaction; returns how many."""
    taken, again = _process_batch(limit, ids)
    if again:
        request_drain(force=True)
    return taken


# When all a batch took waits on threads another worker is deciding (its batch commits
# within some tens of milliseconds), the job pauses and takes them again itself rather
# than spinning through new jobs; after this long it leaves them to a new job.
HELD_BACK_PAUSE_SECONDS = 0.02
HELD_BACK_PATIENCE_SECONDS = 10.0


def drain(batch_size: int = BATCH_SIZE, on_full_batch: Any = None) -> int:
    """Process pending deliveries until none are left; returns how many were taken."""
    DRAIN_WAITING.started()
    total, waited = 0, 0.0
    while True:
        taken, again = _process_batch(batch_size, None)
        total += taken
        if again and again == taken:
            if waited >= HELD_BACK_PATIENCE_SECONDS:
                request_drain(force=True)
                return total
            time.sleep(HELD_BACK_PAUSE_SECONDS)
            waited += HELD_BACK_PAUSE_SECONDS
            continue
        waited = 0.0
        if taken < batch_size and not again:
            return total
        if taken == batch_size and on_full_batch is not None:
            on_full_batch()  # more waiting: let another worker share the load


def ingest_now(ids: list[int]) -> int:
    """Process the given pending deliveries in this process (replay from the CLI)."""
    total = 0
    for start in range(0, len(ids), BATCH_SIZE):
        total += process_batch(BATCH_SIZE, ids[start:start + BATCH_SIZE])
    return total

