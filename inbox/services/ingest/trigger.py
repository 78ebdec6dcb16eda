"""Asking for a drain from the webhook path, which must neither fail nor stall on Redis.

A request stores its delivery and, after commit, asks for a drain job; at most one
waits at a time (`drain.DRAIN_WAITING`). The database stays the system of record: the
cron sweep re-enqueues whatever is still pending after a lost job or a flushed Redis.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from inbox.outage import redis_outage
from inbox.runtime import current
from inbox.services.ingest.drain import request_drain

log = logging.getLogger(__name__)


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

