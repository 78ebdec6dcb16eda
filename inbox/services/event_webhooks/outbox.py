"""The transactional outbox: an event published in a transaction becomes one delivery
row per subscription in that same transaction, so a committed change never loses its
event and a rolled-back one never sends it.

publish() is on the hot path (an ingestion batch publishes hundreds of events), so the
subscriptions are read once per process and kept while the **subscriptions version** in
Redis is the one they were read at; every commit that writes a subscription sets a new
version after it commits. Without Redis they are read from the database every time.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.jobs import after_commit, enqueue_after_commit
from inbox.models import EventDelivery, EventSubscription, utcnow
from inbox.realtime.events import WEBHOOK_EVENTS
from inbox.realtime.publish import pending_events
from inbox.services.shared_versions import new_shared_version, shared_version

log = logging.getLogger(__name__)

VERSION_KEY = "inbox:event-subscriptions-version"
CACHE_SECONDS = 30.0
_WATCHED = frozenset(WEBHOOK_EVENTS)
_CHANGED = "inbox.event_subscriptions_changed"

# (version, read at, event name -> subscription ids)
_cache: tuple[bytes, float, dict[str, tuple[int, ...]]] | None = None


def new_subscriptions_version() -> None:
    global _cache
    _cache = None
    try:
        new_shared_version(VERSION_KEY)
    except (RedisError, OSError):  # snapshots expire after CACHE_SECONDS anyway
        log.warning("could not announce a change of event subscriptions")


def subscriptions_changed(session: Session) -> None:
    """Say that `session` writes subscriptions: every process re-reads them after commit."""
    if not session.info.get(_CHANGED):
        session.info[_CHANGED] = True
        after_commit(session, new_subscriptions_version)


def _read(session: Session) -> dict[str, tuple[int, ...]]:
    by_event: dict[str, list[int]] = {}
    for sub_id, events in session.execute(select(EventSubscription.id, EventSubscription.events)
                                          .where(EventSubscription.is_enabled.is_(True))):
        for name in events or ():
            by_event.setdefault(str(name), []).append(sub_id)
    return {name: tuple(ids) for name, ids in by_event.items()}


def subscribers(session: Session) -> dict[str, tuple[int, ...]]:
    """Enabled subscription ids by event name, cached behind the version."""
    global _cache
    version = shared_version(VERSION_KEY)
    if (version is not None and _cache is not None and _cache[0] == version
            and time.monotonic() - _cache[1] < CACHE_SECONDS):
        return _cache[2]
    read = _read(session)
    if version is not None:
        _cache = (version, time.monotonic(), read)
    return read


def add_delivery(session: Session, subscription_id: int, event: str,
                 payload: dict[str, Any]) -> EventDelivery:
    """A delivery row, sent by a job once `session` commits."""
    from inbox.services.event_webhooks.sending import deliver

    now = utcnow()
    row = EventDelivery(delivery_id=str(uuid.uuid4()), subscription_id=subscription_id,
                        event=event, payload=payload, status="pending", next_attempt_at=now,
                        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    enqueue_after_commit(session, deliver, row.id, description=f"event delivery {row.id}")
    return row


@sa_event.listens_for(Session, "before_commit")
def _write_outbox(session: Session) -> None:
    events = [event for event in pending_events(session) if event.name in _WATCHED]
    if not events:
        return
    wanted = subscribers(session)
    for event in events:
        for subscription_id in wanted.get(event.name, ()):
            add_delivery(session, subscription_id, event.name, event.payload)


def forget_subscribers() -> None:
    """Drop this process's cache (tests that empty the database)."""
    global _cache
    _cache = None
