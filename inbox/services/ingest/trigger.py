"""Making sure stored deliveries get ingested, without one RQ job per request.

A request stores its delivery and, after commit, sets a Redis flag; only the
request that sets it enqueues a drain job. The job clears the flag before it
reads, so a delivery committed while it runs either is seen by it or enqueues
a new job. The database stays the system of record: the cron sweep re-enqueues
whatever is still pending after a lost job or a flushed Redis.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from inbox.outage import redis_outage
from inbox.runtime import current
from workers.queues import INGEST

log = logging.getLogger(__name__)

DRAIN_FLAG = "inbox:ingest:drain-requested"
DRAIN_JOB = "workers.jobs.drain_deliveries"
FLAG_TTL_SECONDS = 60  # a job that never ran stops blocking new ones after this


def request_drain(*, force: bool = False) -> bool:
    """Enqueue a drain job unless one is already waiting. Returns True if enqueued."""
    from rq import Queue

    redis = current().redis
    if not force and not redis.set(DRAIN_FLAG, "1", nx=True, ex=FLAG_TTL_SECONDS):
        return False
    Queue(INGEST, connection=redis).enqueue(DRAIN_JOB, job_timeout=600, result_ttl=60)
    return True


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


def drain_started() -> None:
    current().redis.delete(DRAIN_FLAG)
