"""Asking for push-mode offers to be (re)considered, after the current transaction commits.

Kept apart from offers.py so the case state machine can call it without a cycle.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inbox.jobs import OneWaiting, enqueue_after_commit

DISPATCH_WAITING = OneWaiting("inbox:offers:dispatch-requested", ttl_seconds=30)


def request_dispatch(session: Session) -> None:
    """One dispatch job per transaction, and one waiting at a time."""
    from inbox.services.cases.offers import dispatch  # offers builds on the state machine

    enqueue_after_commit(session, dispatch, once_per_transaction=True,
                         one_waiting=DISPATCH_WAITING)
