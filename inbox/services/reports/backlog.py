"""Backlog over time: the cases open at the end of each day or hour of the window.

Counted from events, not by testing every case against every moment: the cases open
when the window starts (created before it, not resolved before it), then, bucket by
bucket, plus those created and minus those resolved in it — two GROUP BY queries.
A reopened case has no `resolved_at`, so it counts as open since it was created.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from inbox.services.errors import ValidationFailed
from inbox.services.reports.measures import cases, within
from inbox.services.reports.query import INTERVALS, ReportQuery

MAX_BUCKETS = 24 * 400  # an hourly backlog over more than about 13 months is refused
STEPS = {"day": (timedelta(days=1), "%Y-%m-%d"), "hour": (timedelta(hours=1), "%Y-%m-%dT%H:00")}


def _buckets(query: ReportQuery) -> list[str]:
    """The label of each bucket the window touches, in order."""
    step, pattern = STEPS[query.group]
    start = query.since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if query.group == "day":
        start = start.replace(hour=0)
    if (query.until - start) / step > MAX_BUCKETS:
        raise ValidationFailed("too many buckets for a backlog", fields={
            "group": f"at most {MAX_BUCKETS} {query.group}s; choose a shorter window or days"})
    buckets = []
    while start < query.until:
        buckets.append(start.strftime(pattern))
        start += step
    return buckets


def _per_bucket(session: Session, query: ReportQuery,
                moment: ColumnElement[Any]) -> dict[str, int]:
    bucket = INTERVALS[query.group](moment)
    return dict(session.execute(  # type: ignore[arg-type]
        select(bucket, func.count()).where(within(moment, query.since, query.until),
                                           *query.where()).group_by(bucket)).all())


def backlog_rows(session: Session, query: ReportQuery) -> list[dict[str, Any]]:
    if query.group not in STEPS:
        raise ValidationFailed("backlog is over time", fields={"group": "day or hour"})
    buckets = _buckets(query)
    created_before, resolved_before = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((cases.resolved_at < query.since, 1), else_=0)), 0),
    ).where(cases.created_at < query.since, *query.where())).one()
    created = _per_bucket(session, query, cases.created_at)
    resolved = _per_bucket(session, query, cases.resolved_at)
    still_open = int(created_before) - int(resolved_before)
    rows = []
    for label in buckets:
        came, went = created.get(label, 0), resolved.get(label, 0)
        still_open += came - went
        rows.append({"group": label, "key": label, "created": came,
                     "resolved": went, "open": still_open})
    return rows
