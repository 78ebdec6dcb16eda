"""Making sure stored deliveries get ingested, without one RQ job per request.

A request stores its delivery and, after commit, sets a Redis flag; only the
request that sets it enqueues a drain job. The job clears the flag before it
reads, so a delivery committed while it runs either is seen by it or enqueues
a new job. The database stays the system of record: the cron sweep re-enqueues
whatever is still pending after a lost job or a flushed Redis.
"""

from __future__ import annotations

from inbox.runtime import current
from workers.queues import INGEST

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


def drain_started() -> None:
    current().redis.delete(DRAIN_FLAG)
