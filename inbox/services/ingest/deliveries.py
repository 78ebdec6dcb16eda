"""Accepting raw webhook deliveries: verify, store durably, make sure ingestion runs.

Nothing is parsed here; a provider gets its 200 only once the raw request is
committed (docs/ingestion.md).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.registry import CHANNEL_ADDRESSED, adapter_for
from inbox.models import Channel, Delivery, utcnow
from inbox.runtime import current, unit_of_work
from inbox.services.admin.channel_profiles import signing_secrets
from inbox.services.dbutil import insert_many_returning_ids
from inbox.services.errors import Forbidden, NotFound, ServiceError, ValidationFailed, found
from inbox.services.ingest.addressing import (
    forget_disabled_channels,
    refuse_if_for_disabled_channels,
)
from inbox.services.ingest.batching import GroupCommit
from inbox.services.ingest.trigger import request_drain_after_store

log = logging.getLogger(__name__)

# Headers worth keeping with the body: what verification and parsing read.
KEPT_HEADERS = (
    "content-type", "user-agent", "x-hub-signature-256", "x-twitter-webhooks-signature",
    "x-twilio-signature", "x-inbox-timestamp", "x-inbox-signature", "x-request-id",
    "i-twilio-idempotency-token",
)
VERIFY_FAILURES_KEY = "inbox:webhooks:verification-failures"


class StorageUnavailable(ServiceError):
    status = 503
    code = "storage_unavailable"


class ReplayRejected(ServiceError):
    status = 403
    code = "replayed"


class VerificationRefused(ServiceError):
    code = "verification_failed"

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def provider_secrets(channel_secret: str = "") -> ProviderSecrets:
    settings = current().settings
    return ProviderSecrets(
        meta_app_secret=settings.meta_app_secret,
        meta_verify_token=settings.meta_verify_token,
        x_consumer_secret=settings.x_consumer_secret,
        twilio_auth_token=settings.twilio_auth_token,
        mailgun_signing_key=settings.mailgun_signing_key,
        channel_secret=channel_secret,
    )


@dataclass(frozen=True)
class _ChannelKey:
    kind: str
    signing_secrets: tuple[str, ...]  # the current one, then one rotated out in its grace
    is_active: bool
    read_at: float


# A channel's kind and signing secret, as verification needs them, kept for a few seconds:
# a burst on one channel then costs no database read per webhook (on SQLite that read
# would queue behind every write). Only found channels are kept, so a channel created a
# moment ago is never refused from here; a changed secret is honoured within the TTL.
CHANNEL_KEY_TTL_SECONDS = 5.0
_channel_keys: dict[int, _ChannelKey] = {}


def forget_channel_keys() -> None:
    """Drop what this process remembers of channels (a channel was changed)."""
    _channel_keys.clear()
    forget_disabled_channels()


def _channel_key(channel_id: int) -> _ChannelKey | None:
    now = time.monotonic()
    key = _channel_keys.get(channel_id)
    if key is not None and now - key.read_at < CHANNEL_KEY_TTL_SECONDS:
        return key
    try:
        # A read: on SQLite it must not queue for the write lock a worker's batch holds.
        with unit_of_work(read_only=True) as session:
            channel = session.get(Channel, channel_id)
            if channel is None:
                _channel_keys.pop(channel_id, None)
                return None
            key = _ChannelKey(channel.kind, signing_secrets(channel), channel.is_active, now)
    except SQLAlchemyError as exc:
        log.error("could not read channel %s: %s", channel_id, type(exc).__name__)
        raise StorageUnavailable("the service cannot reach its database; retry later")
    if len(_channel_keys) >= 10_000:  # ids probed at random must not grow it for ever
        _channel_keys.clear()
    _channel_keys[channel_id] = key
    return key


def _count_verification_failure(provider: str) -> None:
    try:
        current().redis.hincrby(VERIFY_FAILURES_KEY, provider, 1)
    except Exception:  # counting must never turn a 401 into a 500
        log.warning("could not count a verification failure for %s", provider)


def check_delivery(provider: str, inbound: InboundRequest, channel_id: int | None) -> str | None:
    """Verify the request; return its replay key. Raises NotFound / VerificationRefused."""
    channel_secrets: tuple[str, ...] = ("",)
    if provider in CHANNEL_ADDRESSED:
        key = _channel_key(channel_id) if channel_id is not None else None
        if key is None or key.kind != CHANNEL_ADDRESSED[provider]:
            raise NotFound(f"no {CHANNEL_ADDRESSED[provider]} channel {channel_id}")
        if not key.is_active:
            raise Forbidden(f"channel {channel_id} is disabled; nothing was stored")
        channel_secrets = key.signing_secrets
    for n, channel_secret in enumerate(channel_secrets):
        try:
            return adapter_for(provider).verify(inbound, provider_secrets(channel_secret))
        except VerificationFailed as exc:
            if n + 1 < len(channel_secrets):
                continue  # signed with the secret being rotated out, perhaps
            _count_verification_failure(provider)
            log.info("webhook verification failed for %s: %s", provider, exc.reason)
            raise VerificationRefused(exc.reason, exc.status)
    raise AssertionError("unreachable: at least one secret is tried")


def do_accept_delivery(
    provider: str,
    inbound: InboundRequest,
    channel_id: int | None = None,
    *,
    precheck: Callable[[], dict[str, str]] | None = None,
) -> int:
    """Verify, then store; returns the delivery id. `precheck` names field problems of
    a body judged at once (the generic format): kept as failed and answered 422."""
    # A provider whose signature carries no timestamp or token (Meta, X) gets the body's
    # digest as its replay key: the same signed bytes sent again are answered as the
    # redelivery they are, with the first delivery's id, and not stored twice.
    replay_key = (check_delivery(provider, inbound, channel_id)
                  or f"{provider}:sha256:{hashlib.sha256(inbound.body).hexdigest()}")
    refuse_if_for_disabled_channels(provider, inbound)
    problems = precheck() if precheck is not None else {}
    headers = {k: v for k, v in inbound.headers.items() if k in KEPT_HEADERS}
    if provider == "voice":
        headers["x-inbox-url"] = inbound.url  # Twilio signs the URL; replay needs it
    stored = _STORE.submit(dict(
        provider=provider, channel_id=channel_id, headers=headers, body=inbound.body,
        content_type=inbound.headers.get("content-type", ""), verified=True,
        state="failed" if problems else "pending", replay_key=replay_key,
        outcome={"fields": problems} if problems else {}, attempts=0, received_at=utcnow(),
        error=("invalid body: " + "; ".join(f"{k}: {v}" for k, v in problems.items()))
        if problems else None,
    ))
    if isinstance(stored, IntegrityError):
        return _redelivery_or_replay(replay_key, inbound.body)
    if isinstance(stored, SQLAlchemyError):
        log.error("could not store a %s delivery: %s", provider, type(stored).__name__)
        raise StorageUnavailable("the delivery could not be stored; retry later")
    delivery_id = stored
    if problems:
        raise ValidationFailed("the delivery is signed but not valid; it was kept as failed",
                               fields=problems, delivery_id=delivery_id)
    return int(delivery_id)


def _insert_deliveries(rows: Sequence[dict[str, Any]]) -> list[int | SQLAlchemyError]:
    """Store deliveries with one INSERT (autocommit: stored once it returns), then make
    sure a drain job runs; the outcome of each row is its id or the error that refused it.
    Requesting the drain only now is what lets the job find every one of them."""
    try:
        # On the embedded default this is the deliveries' own SQLite file: a worker's
        # batch holding the main file's write lock does not hold this insert up.
        with current().db.deliveries_autocommit.begin() as connection:
            # The hottest write of the service: one statement whatever the batch's size,
            # not through an ORM Session (its unit of work costs more than the insert).
            ids: list[int | SQLAlchemyError] = list(
                insert_many_returning_ids(connection, Delivery, list(rows)))
    except IntegrityError as exc:
        if len(rows) == 1:
            return [exc]
        # One row's replay key was used before: the others must not fail with it.
        return [outcome for row in rows for outcome in _insert_deliveries([row])]
    except SQLAlchemyError as exc:
        return [exc] * len(rows)
    if any(row["state"] == "pending" for row in rows):
        request_drain_after_store()
    return ids


# Concurrent requests of this process share one INSERT (see inbox.services.ingest.batching).
_STORE: GroupCommit[dict[str, Any], int | SQLAlchemyError] = GroupCommit(_insert_deliveries)


def _redelivery_or_replay(replay_key: str | None, body: bytes) -> int:
    """A replay key seen before: the same bytes again are a provider's redelivery (answer
    as before, it is stored); other bytes under a used token are a replay attack."""
    with unit_of_work() as session:
        earlier = session.scalar(select(Delivery).where(Delivery.replay_key == replay_key))
    if earlier is not None and earlier.body == body:
        return earlier.id
    raise ReplayRejected("this signed token was already used (replay)")


def failed_verification_counts() -> dict[str, int]:
    raw: dict[Any, Any] = current().redis.hgetall(VERIFY_FAILURES_KEY)  # type: ignore[assignment]
    return {k.decode(): int(v) for k, v in raw.items()}


def list_deliveries(
    session: Session, state: str | None, limit: int, before_id: int | None
) -> list[Delivery]:
    stmt = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(Delivery.state == state)
    if before_id:
        stmt = stmt.where(Delivery.id < before_id)
    return list(session.scalars(stmt))


def raw_delivery(delivery_id: int) -> Delivery | None:
    """A delivery as received, read in a transaction of its own: what was received never
    changes, and a writing transaction (an acknowledgement planned while ingesting) then
    holds no lock on the embedded default's deliveries file."""
    with unit_of_work(read_only=True) as session:
        return session.get(Delivery, delivery_id)


def get_delivery(session: Session, delivery_id: int) -> Delivery:
    return found(session, Delivery, delivery_id, "delivery")


def do_mark_for_replay(session: Session, ids: list[int], *, failed: bool) -> list[int]:
    """Put deliveries back to pending (the given ids, and/or all failed/unmatched ones)."""
    if not ids and not failed:
        raise ValidationFailed("name delivery ids or ask for the failed ones",
                               fields={"ids": "required unless failed"})
    chosen: set[int] = set(ids)
    missing = chosen - set(session.scalars(select(Delivery.id).where(Delivery.id.in_(chosen))))
    if missing:
        raise NotFound(f"no deliveries {sorted(missing)}")
    if failed:
        chosen |= set(session.scalars(
            select(Delivery.id).where(Delivery.state.in_(("failed", "unmatched")))
        ))
    if chosen:
        session.execute(
            update(Delivery).where(Delivery.id.in_(chosen))
            .values(state="pending", error=None)
        )
    return sorted(chosen)


