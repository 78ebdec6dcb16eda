"""Asking for push-mode offers to be (re)considered, after the current transaction commits.

Kept apart from offers.py so the case state machine can call it without a cycle.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.runtime import current
from inbox.services.followups import after_commit

DISPATCH_JOB = "workers.jobs.dispatch_offers"
DISPATCH_FLAG = "inbox:offers:dispatch-requested"


def _enqueue_dispatch() -> None:
    from rq import Queue

    from workers.queues import DEFAULT

    redis = current().redis
    if redis.set(DISPATCH_FLAG, "1", nx=True, ex=30):  # one waiting job is enough
        Queue(DEFAULT, connection=redis).enqueue(DISPATCH_JOB, result_ttl=30)


def request_dispatch(session: Session) -> None:
    if not session.info.get("inbox.dispatch_requested"):
        session.info["inbox.dispatch_requested"] = True
        after_commit(session, _enqueue_dispatch)
