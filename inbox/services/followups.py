"""Follow-up jobs, enqueued only after the transaction that asked for them commits."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from inbox.outage import redis_outage, report_if_redis_down

log = logging.getLogger(__name__)

_AFTER_COMMIT = "inbox.after_commit"


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run `action` once `session` commits; dropped on rollback. Failures are logged:
    the data is committed, and the periodic sweeps pick up what a lost job missed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def run_followup(action: Callable[[], object]) -> None:
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
    session.info.pop("inbox.dispatch_requested", None)
    for action in session.info.pop(_AFTER_COMMIT, []):
        run_followup(action)


@sa_event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop("inbox.dispatch_requested", None)
