"""Making sure stored deliveries get ingested, without one RQ job per request.

A request stores its delivery and, after commit, asks for the drain job; at most one
waits at a time (DRAIN_WAITING), and the job clears the flag before it reads, so a
delivery committed while it runs either is seen by it or asks for a new job. The webhook
path must neither fail nor stall on Redis (request_drain_after_store). The database stays
the system of record: the cron sweep asks again for whatever is still pending after a
lost job or a flushed Redis.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from sqlalchemy import func, select

from inbox.jobs import INGEST, OneWaiting, current_job_id, enqueue, job
from inbox.models import Delivery, utcnow
from inbox.outage import redis_outage
from inbox.runtime import current, unit_of_work

log = logging.getLogger(__name__)

DRAIN_WAITING = OneWaiting("inbox:ingest:drain-requested", ttl_seconds=60)
SWEEP_AFTER_SECONDS = 10  # a delivery pending this long has lost its job


@job(INGEST, job_timeout=600, result_ttl=60)
def drain_deliveries() -> int:
    """Ingest everything pending; ask for a second worker when a batch comes back full."""
    from inbox.services.ingest.drain import drain  # drain asks this module for more jobs

    taken = drain(on_full_batch=request_drain)  # once: the flag holds until a job starts
    log.info("job %s ingested %d deliveries", current_job_id(), taken)
    return taken


def request_drain(*, force: bool = False) -> bool:
    """Enqueue a drain job unless one is already waiting. Returns True if enqueued."""
    return enqueue(drain_deliveries, one_waiting=None if force else DRAIN_WAITING)


def sweep_unprocessed() -> int:
    """Ask for a drain for deliveries whose job was lost (killed worker, flushed Redis)."""
    with unit_of_work() as session:
        cutoff = utcnow() - timedelta(seconds=SWEEP_AFTER_SECONDS)
        stuck = session.scalar(select(func.count(Delivery.id)).where(
            Delivery.state == "pending", Delivery.received_at < cutoff)) or 0
    if stuck:
        request_drain(force=True)
        log.info("job %s: %d deliveries were waiting; drain requested", current_job_id(), stuck)
    return stuck


def request_drain_after_store() -> None:
    """Ask for a drain after deliveries were stored. The webhook path must neither fail
    nor stall while Redis is down (the deliveries are stored; the sweep takes them once
    it is back): while it is, try again only as the backoff allows, with one quick probe."""
    _redis = redis_outage()
    if _redis.down:
        if not _redis.worth_trying():
            return
        probe = Redis.from_url(current().redis_url, retry=Retry(NoBackoff(), 0),
                               socket_connect_timeout=1, socket_timeout=1)
        try:
            probe.ping()
        except (RedisError, OSError) as exc:
            _redis.lost(exc)
            return
        finally:
            probe.close()
    try:
        request_drain()
    except (RedisError, OSError) as exc:
        _redis.lost(exc)
        return
    except Exception:  # the deliveries are stored whatever went wrong here
        log.exception("could not request a drain; the sweep will catch up")
        return
    _redis.back()

