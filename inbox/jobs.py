"""The one job path: queue names, jobs declared beside their work, enqueued after commit.

A job is a module-level function of the service layer marked `@job(QUEUE, **options)`;
services ask for it by reference — `enqueue_after_commit(session, send, message.id)` —
never by a dotted string and never through `workers/`, which only lists the entry points
RQ runs and the periodic schedule. Arguments are IDs and plain JSON values.

Follow-ups run once the transaction that asked for them commits and vanish on rollback,
so no job ever looks for a row that was never written. A failed follow-up is logged, not
raised: the data is committed, and the periodic sweeps pick up what a lost job missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from redis import Redis
from rq import Queue, get_current_job
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from inbox.outage import redis_outage, report_if_redis_down
from inbox.runtime import current

log = logging.getLogger(__name__)

INGEST = "ingest"
OUTBOUND = "outbound"
DEFAULT = "default"
ALL = (INGEST, OUTBOUND, DEFAULT)

Job = TypeVar("Job", bound=Callable[..., object])


@dataclass(frozen=True)
class Declared:
    queue: str
    options: dict[str, Any]


_DECLARED: dict[Callable[..., object], Declared] = {}
_AFTER_COMMIT = "inbox.after_commit"
_ASKED = "inbox.jobs_asked"  # (job, args) asked for once per transaction


def job(queue: str, **options: Any) -> Callable[[Job], Job]:
    """Declare a function as a job on `queue`, with RQ's enqueue options (job_timeout,
    result_ttl, ...). The function itself is unchanged: it can be called in-process."""
    def declare(func: Job) -> Job:
        _DECLARED[func] = Declared(queue, options)
        return func
    return declare


def queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection)


def current_job_id() -> str:
    """The running RQ job's id for log lines ("-" outside a job)."""
    running = get_current_job()
    return running.id if running else "-"


@dataclass(frozen=True)
class OneWaiting:
    """At most one job of a kind waiting: whoever enqueues sets a Redis flag, and the job
    clears it as it starts, so work committed while it runs asks for a new job. The flag
    expires, so a job that never ran stops blocking new ones."""

    key: str
    ttl_seconds: int

    def claim(self) -> bool:
        return bool(current().redis.set(self.key, "1", nx=True, ex=self.ttl_seconds))

    def started(self) -> None:
        current().redis.delete(self.key)


def enqueue(func: Callable[..., object], *args: Any, delay_seconds: float = 0,
            one_waiting: OneWaiting | None = None, **options: Any) -> bool:
    """Enqueue the declared job `func` now (or after `delay_seconds`, through RQ's
    scheduler). With `one_waiting`, only if no job of it is waiting yet. Returns True
    if enqueued."""
    declared = _DECLARED[func]
    if one_waiting is not None and not one_waiting.claim():
        return False
    target = Queue(declared.queue, connection=current().redis)
    merged = {**declared.options, **options}
    if delay_seconds > 0:
        target.enqueue_in(timedelta(seconds=delay_seconds), func, *args, **merged)
    else:
        target.enqueue(func, *args, **merged)
    return True


def enqueue_after_commit(session: Session, func: Callable[..., object], *args: Any,
                         once_per_transaction: bool = False, **options: Any) -> None:
    """Enqueue the job `func(*args)` once `session` commits; dropped on rollback."""
    if once_per_transaction:
        asked = session.info.setdefault(_ASKED, set())
        if (func, args) in asked:
            return
        asked.add((func, args))
    after_commit(session, lambda: enqueue(func, *args, **options))


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run `action` once `session` commits; dropped on rollback. Failures are logged."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def _run_followup(action: Callable[[], object]) -> None:
    """Run a follow-up of work already committed (outside a Session, or by the hook)."""
    try:
        action()
    except Exception as exc:
        if not report_if_redis_down(exc):
            log.exception("follow-up after commit failed; the sweep will catch up")
        return
    redis_outage().back()


@sa_event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    session.info.pop(_ASKED, None)
    for action in session.info.pop(_AFTER_COMMIT, []):
        _run_followup(action)


@sa_event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_ASKED, None)
