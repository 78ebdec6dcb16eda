"""The transactional outbox: an event published in a transaction becomes one delivery
row per subscription in that same transaction, so a committed change never loses its
event and a rolled-back one never sends it.

publish() is on the hot path (an ingestion batch publishes hundreds of events), so the
subscriptions are read once per process and kept while the **subscriptions version** in
Redis is the one they were read at; every commit that writes a subscription sets a new
version after it commits. Without Redis they are read from the database every time.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.jobs import enqueue_after_commit
from inbox.models import EventDelivery, EventSubscription, utcnow
from inbox.realtime.events import WEBHOOK_EVENTS
from inbox.realtime.publish import pending_events
from inbox.services.shared_versions import SharedSnapshot

VERSION_KEY = "inbox:event-subscriptions-version"
CACHE_SECONDS = 30.0
_WATCHED = frozenset(WEBHOOK_EVENTS)


def _read(session: Session) -> dict[str, tuple[int, ...]]:
    by_event: dict[str, list[int]] = {}
    for sub_id, events in session.execute(select(EventSubscription.id, EventSubscription.events)
                                          .where(EventSubscription.is_enabled.is_(True))):
        for name in events or ():
            by_event.setdefault(str(name), []).append(sub_id)
    return {name: tuple(ids) for name, ids in by_event.items()}


_SUBSCRIBERS = SharedSnapshot(VERSION_KEY, frozenset({"event_subscriptions"}), _read,
                              CACHE_SECONDS)
forget_subscribers = _SUBSCRIBERS.forget


def subscribers(session: Session) -> dict[str, tuple[int, ...]]:
    """Enabled subscription ids by event name, cached behind the version."""
    return _SUBSCRIBERS.get(session)


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

