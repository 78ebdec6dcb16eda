"""Sending event deliveries: signed POSTs, retried with exponential backoff for 24 h.

The job `deliver(row_id)` claims a due delivery with a conditional UPDATE that counts
the attempt and moves `next_attempt_at` a lease ahead, so two jobs for one row cannot
both send it, and a worker killed mid-send leaves a row the sweep sends again once the
lease is over. No database transaction is open while the integrator's URL is called.

Each attempt carries the same `X-Inbox-Delivery` id; the signature covers the
attempt's timestamp and the body: `sha256=HMAC-SHA256(secret, f"{timestamp}.{body}")`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import requests
from sqlalchemy import CursorResult, select, update

from inbox.channels.senders.destinations import UnsafeDestination, send_checked
from inbox.jobs import OUTBOUND, current_job_id, enqueue_after_commit, job
from inbox.models import EventDelivery, EventSubscription, utcnow
from inbox.runtime import current, unit_of_work

log = logging.getLogger(__name__)

FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)
GIVE_UP_AFTER = timedelta(hours=24)
LEASE = timedelta(minutes=5)  # longer than an attempt may take (TIMEOUT, a few redirects)
TIMEOUT = (5.0, 15.0)  # connect, read
JITTER = 0.2
SWEEP_BATCH = 500
DUE = ("pending", "failed")


def retry_wait(attempt: int, rng: random.Random | None = None) -> timedelta:
    """The wait after failed attempt n (1-based): 30 s doubling up to 2 h, ±20 % jitter
    so that many deliveries failing together do not come back together."""
    base = min(FIRST_WAIT * (2 ** (attempt - 1)), LONGEST_WAIT)
    spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return base * spread


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def body_of(row: EventDelivery) -> bytes:
    """The JSON body, the same bytes on every attempt."""
    return json.dumps({"id": row.delivery_id, "event": row.event,
                       "created_at": row.created_at.isoformat(), "data": row.payload},
                      separators=(",", ":"), sort_keys=True).encode()


@dataclass(frozen=True)
class _Attempt:
    row_id: int
    delivery_id: str
    event: str
    url: str
    secret: str
    body: bytes


def _claim(row_id: int) -> _Attempt | None:
    now = utcnow()
    with unit_of_work() as session:
        claimed = cast(CursorResult[Any], session.execute(
            update(EventDelivery)
            .where(EventDelivery.id == row_id, EventDelivery.status.in_(DUE),
                   EventDelivery.next_attempt_at <= now)
            .values(attempts=EventDelivery.attempts + 1, next_attempt_at=now + LEASE,
                    updated_at=now)
            .execution_options(synchronize_session=False)))
        if claimed.rowcount != 1:
            return None
        row = session.get(EventDelivery, row_id)
        assert row is not None
        if row.first_attempt_at is None:
            row.first_attempt_at = now
        subscription = session.get(EventSubscription, row.subscription_id)
        if subscription is None or not subscription.is_enabled:
            _record(row, now, None, "the subscription is disabled", final=True)
            return None
        return _Attempt(row.id, row.delivery_id, row.event, subscription.url,
                        str(subscription.secrets.get("secret", "")), body_of(row))


def _post(attempt: _Attempt) -> tuple[int | None, str | None]:
    """(status code, error); a 2xx has no error."""
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "inbox-event-webhooks",
               "X-Inbox-Event": attempt.event, "X-Inbox-Delivery": attempt.delivery_id,
               "X-Inbox-Timestamp": timestamp,
               "X-Inbox-Signature": signature(attempt.secret, timestamp, attempt.body)}
    try:
        response = send_checked("POST", attempt.url, production=current().settings.production,
                                timeout=TIMEOUT, data=attempt.body, headers=headers)
    except UnsafeDestination as exc:
        return None, f"refused destination: {exc}"
    except requests.RequestException as exc:
        return None, f"unreachable: {type(exc).__name__}"
    with response:
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"answered HTTP {response.status_code}"


def _record(row: EventDelivery, now: datetime, status_code: int | None, error: str | None,
            *, final: bool = False) -> str:
    row.last_status_code, row.last_error, row.updated_at = status_code, error, now
    if error is None:
        row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
        return "delivered"
    retry_at = now + retry_wait(row.attempts)
    started = row.first_attempt_at or now
    if final or retry_at > started + GIVE_UP_AFTER:
        row.status, row.next_attempt_at = "given_up", None
        return "given_up"
    row.status, row.next_attempt_at = "failed", retry_at
    return "failed"


def _finish(row_id: int, status_code: int | None, error: str | None) -> str:
    now = utcnow()
    with unit_of_work() as session:
        row = session.get(EventDelivery, row_id)
        if row is None:  # its subscription was removed meanwhile
            return "removed"
        outcome = _record(row, now, status_code, error)
        if outcome == "failed" and row.next_attempt_at is not None:
            request_delivery(session, row.id, (row.next_attempt_at - now).total_seconds())
    return outcome


def request_delivery(session: Any, row_id: int, delay_seconds: float = 0) -> None:
    enqueue_after_commit(session, deliver, row_id, delay_seconds=max(delay_seconds, 0),
                         description=f"event delivery {row_id}")


@job(OUTBOUND, job_timeout=120, result_ttl=300, failure_ttl=86400)
def deliver(row_id: int) -> str:
    """One attempt at a delivery: delivered, failed (retry due), given_up or skipped."""
    attempt = _claim(row_id)
    if attempt is None:
        return "skipped"  # not due, done, or being sent by another job
    status_code, error = _post(attempt)
    outcome = _finish(row_id, status_code, error)
    log.info("job %s: event delivery %s (%s) %s", current_job_id(), attempt.delivery_id,
             attempt.event, outcome)
    return outcome


def sweep_due() -> dict[str, int]:
    """Enqueue deliveries that are due: retries whose delayed job is lost, rows whose job
    never ran (a flushed Redis), attempts cut short by a killed worker (lease over)."""
    with unit_of_work() as session:
        due = list(session.scalars(
            select(EventDelivery.id)
            .where(EventDelivery.status.in_(DUE), EventDelivery.next_attempt_at <= utcnow())
            .order_by(EventDelivery.next_attempt_at).limit(SWEEP_BATCH)))
        for row_id in due:
            request_delivery(session, row_id)  # a duplicate job is harmless: _claim gates
    return {"due": len(due)}
