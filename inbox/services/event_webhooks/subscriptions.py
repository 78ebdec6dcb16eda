"""Admins' event subscriptions and their delivery log: add, edit, remove, rotate the
secret, ping, list deliveries and replay one. Every change is audited (secret masked)."""

from __future__ import annotations

import secrets as secrets_module
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.senders.destinations import UnsafeDestination, check_destination
from inbox.models import EventDelivery, EventSubscription, User, utcnow
from inbox.realtime.events import WEBHOOK_EVENTS
from inbox.runtime import current
from inbox.services.admin.audit import differences, masked, record_change
from inbox.services.errors import ValidationFailed, found
from inbox.services.event_webhooks.outbox import add_delivery
from inbox.services.event_webhooks.sending import request_delivery

PING = "ping"  # the test event, sent only when asked for
_KIND = "event_subscription"


def subscription_view(subscription: EventSubscription) -> dict[str, Any]:
    return {"id": subscription.id, "url": subscription.url, "events": list(subscription.events),
            "enabled": subscription.is_enabled, "description": subscription.description,
            "created_by_id": subscription.created_by_id, "created_at": subscription.created_at}


def check_url(url: str) -> str:
    """A URL the service may call (the outbound destination policy), else 422 on `url`."""
    try:
        check_destination(url, production=current().settings.production)
    except UnsafeDestination as exc:
        raise ValidationFailed("the URL is not one the service may call",
                               fields={"url": str(exc)}) from exc
    return url


def check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown or not events:
        raise ValidationFailed("events must name at least one of " + ", ".join(WEBHOOK_EVENTS),
                               fields={"events": f"unknown: {', '.join(unknown)}" if unknown
                                       else "at least one"})
    return sorted(set(events))


def get_subscription(session: Session, subscription_id: int) -> EventSubscription:
    return found(session, EventSubscription, subscription_id, "event subscription")


def list_subscriptions(session: Session) -> list[EventSubscription]:
    return list(session.scalars(select(EventSubscription).order_by(EventSubscription.id)))


def do_add_subscription(session: Session, url: str, events: list[str], *,
                        description: str = "", enabled: bool = True,
                        actor: User | None = None) -> tuple[EventSubscription, str]:
    """The new subscription and its secret (shown this once)."""
    secret = secrets_module.token_hex(32)
    subscription = EventSubscription(url=check_url(url), events=check_events(events),
                                     secrets={"secret": secret}, is_enabled=enabled,
                                     description=description,
                                     created_by_id=actor.id if actor else None)
    session.add(subscription)
    session.flush()
    record_change(session, actor, "event_subscription.create", _KIND, subscription.id,
                  {**differences({}, _audited(subscription)),
                   "secret": [None, masked({"secret": secret})["secret"]]})
    return subscription, secret


def _audited(subscription: EventSubscription) -> dict[str, Any]:
    return {"url": subscription.url, "events": list(subscription.events),
            "enabled": subscription.is_enabled, "description": subscription.description}


def do_edit_subscription(session: Session, subscription_id: int, changes: dict[str, Any],
                         actor: User | None = None) -> EventSubscription:
    subscription = get_subscription(session, subscription_id)
    before = _audited(subscription)
    if "url" in changes:
        subscription.url = check_url(changes["url"])
    if "events" in changes:
        subscription.events = check_events(changes["events"])
    if "enabled" in changes:
        subscription.is_enabled = bool(changes["enabled"])
    if "description" in changes:
        subscription.description = changes["description"]
    changed = differences(before, _audited(subscription))
    if changed:
        record_change(session, actor, "event_subscription.edit", _KIND, subscription.id, changed)
    return subscription


def do_remove_subscription(session: Session, subscription_id: int,
                           actor: User | None = None) -> None:
    """Gone with its delivery log."""
    subscription = get_subscription(session, subscription_id)
    record_change(session, actor, "event_subscription.delete", _KIND, subscription.id,
                  differences(_audited(subscription), {}))
    session.delete(subscription)


def do_rotate_secret(session: Session, subscription_id: int, actor: User | None = None) -> str:
    """A new secret, effective at once (shown this once)."""
    subscription = get_subscription(session, subscription_id)
    secret = secrets_module.token_hex(32)
    subscription.secrets = {"secret": secret}
    record_change(session, actor, "event_subscription.rotate_secret", _KIND, subscription.id,
                  {"secret": ["set", masked({"secret": secret})["secret"]]})
    return secret


def do_ping(session: Session, subscription_id: int, actor: User | None = None
            ) -> EventDelivery:
    """A test event to the subscription's URL, logged like any delivery."""
    subscription = get_subscription(session, subscription_id)
    check_url(subscription.url)
    return add_delivery(session, subscription.id, PING,
                        {"subscription_id": subscription.id,
                         "sent_by": actor.email if actor else "command line"})


def list_deliveries(session: Session, filters: dict[str, Any]) -> list[EventDelivery]:
    """Newest first; by subscription, status, event; `before` an id to page on."""
    stmt = (select(EventDelivery).order_by(EventDelivery.id.desc())
            .limit(filters.get("limit", 100)))
    for name, column in (("subscription_id", EventDelivery.subscription_id),
                         ("status", EventDelivery.status), ("event", EventDelivery.event)):
        if filters.get(name) is not None:
            stmt = stmt.where(column == filters[name])
    if filters.get("before") is not None:
        stmt = stmt.where(EventDelivery.id < filters["before"])
    return list(session.scalars(stmt))


def get_delivery(session: Session, row_id: int) -> EventDelivery:
    return found(session, EventDelivery, row_id, "event delivery")


def do_replay(session: Session, row_id: int, actor: User | None = None) -> EventDelivery:
    """Send the delivery again, same id and body, with a fresh 24 h of retries."""
    row = get_delivery(session, row_id)
    now = utcnow()
    before = row.status
    row.status, row.next_attempt_at, row.first_attempt_at, row.updated_at = (
        "pending", now, None, now)
    record_change(session, actor, "event_delivery.replay", "event_delivery", row.id,
                  {"status": [before, "pending"], "delivery_id": [row.delivery_id,
                                                                  row.delivery_id]})
    request_delivery(session, row.id)
    return row
