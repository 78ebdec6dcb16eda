"""Pushing the wallboard: computed once per change, not once per watcher.

Every web process hears every event on the Socket.IO Redis channel (reach.py). An event
that can move a figure marks the wallboard dirty, in Redis, so all web processes share
one mark. A ticker in each web process, every TICK_SECONDS, takes the mark atomically;
the one that gets it computes the snapshot once and publishes `wallboard.updated` to the
supervisors' room, however many supervisors watch. Ages grow and SLAs breach without
an event, so a snapshot also goes out every REFRESH_SECONDS (docs/wallboard.md).

Only while someone hears it: a web process with a supervisor's socket keeps WATCHED
alive in Redis, and with no such socket in any process nothing is computed (a snapshot
reads every agent and open case; a desk of a thousand agents and no supervisor paid
for it on every arrival). The page paints first from the API, so a supervisor who
connects misses nothing.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from redis import Redis

from inbox import runtime
from inbox.outage import report_if_redis_down
from inbox.services import unit_of_work
from inbox.services.supervision.wallboard import do_publish_wallboard

log = logging.getLogger(__name__)

TICK_SECONDS = 0.2
REFRESH_SECONDS = 15
DIRTY = "inbox:wallboard:dirty"
FRESH = "inbox:wallboard:fresh"  # lives REFRESH_SECONDS after the last computation
SEQUENCE = "inbox:wallboard:sequence"  # counts computations (the payload's `sequence`)
WATCHED = "inbox:wallboard:watched"  # some web process has a supervisor's socket
WATCHED_SECONDS = 5  # kept by every tick of such a process; gone this long after the last
# What can move a wallboard figure: cases, presence, SLA alerts, agents' messages,
# replies awaiting approval.
MOVES_FIGURES = frozenset({"case.created", "case.updated", "agent.presence",
                           "sla.warning", "sla.breached", "message.created",
                           "approval.changed"})

_noticed = threading.Event()  # set by the Redis listener, taken by the ticker


def notice(event_name: Any) -> None:
    """Called for every event this process hears; cheap (no I/O), as the listener is."""
    if event_name in MOVES_FIGURES:
        _noticed.set()


def tick(redis: Redis, supervisors_here: int) -> bool:
    """One step: say whether this process has supervisors listening, share its notice,
    then compute if someone listens and the mark is ours (or the periodic refresh is
    due). True when this process computed."""
    if supervisors_here:
        redis.set(WATCHED, 1, ex=WATCHED_SECONDS)
    elif not redis.exists(WATCHED):
        _noticed.clear()  # nobody hears it anywhere: nothing to compute
        return False
    if _noticed.is_set():
        _noticed.clear()
        redis.set(DIRTY, 1)
    with redis.pipeline() as pipe:  # GET and DEL in one MULTI: one taker per mark
        pipe.get(DIRTY)
        pipe.delete(DIRTY)
        dirty, _ = pipe.execute()
    due = not dirty and redis.set(FRESH, 1, nx=True, ex=REFRESH_SECONDS)
    if not dirty and not due:
        return False
    redis.set(FRESH, 1, ex=REFRESH_SECONDS)
    compute_and_publish(redis)
    return True


def compute_and_publish(redis: Redis) -> dict[str, Any]:
    sequence = int(redis.incr(SEQUENCE))
    with unit_of_work(read_only=True) as session:
        return do_publish_wallboard(session, sequence)


def run_forever(sleep: Any) -> None:
    """The web process's ticker loop; `sleep` is the server's (a greenlet's under gevent)."""
    from inbox.realtime.connections import connections

    redis = runtime.current().redis
    while True:
        try:
            tick(redis, connections.supervisors())
        except Exception as exc:  # the loop must live on; the next tick retries
            if not report_if_redis_down(exc):
                log.exception("wallboard tick failed")
        sleep(TICK_SECONDS)
