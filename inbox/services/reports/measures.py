"""What each reported figure means, defined once as SQL (docs/reports.md).

The reports, the API, the CSV export and the wallboard all read their figures from the
expressions here, so a number means the same wherever it is shown. Everything is
computed by the database (GROUP BY, percentiles) — rows are never loaded into Python.

A case belongs to a window [since, until) by the moment that finishes what is measured:
first responses by `first_responded_at`, resolutions (handled, resolution time, handle
time, community-answered share) by `resolved_at`, arrivals (created, escalation rate) by
`created_at`. A reopened case has no `resolved_at` until it is resolved again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from inbox.models import Case
from inbox.services.dbutil import is_postgresql

COMMUNITY_ANSWERED = "answered_by_community"  # the disposition listening resolves with
MERGED = "merged"  # a merged duplicate: resolved, but not handled on its own
PERCENTILES = (0.5, 0.9)


class seconds_between(FunctionElement[float]):  # noqa: N801 - reads as the SQL function it is
    """later - earlier, in seconds (a float), on PostgreSQL and SQLite alike."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_between_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def within(moment: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    """The half-open window [since, until): consecutive windows never count a case twice."""
    return and_(moment >= since, moment < until)


# --- per-case values -------------------------------------------------------------------

#: Wall-clock seconds from the case's creation to the first agent reply (public or private).
FIRST_RESPONSE_SECONDS: ColumnElement[Any] = Case.__table__.c.first_response_seconds
#: Wall-clock seconds from creation to resolution.
RESOLUTION_SECONDS: ColumnElement[float] = seconds_between(Case.resolved_at, Case.created_at)
#: Seconds an agent had the case in hand: from the first agent reply to resolution, less
#: the time it waited on the customer (pending). None without a reply.
HANDLE_SECONDS: ColumnElement[float] = (
    seconds_between(Case.resolved_at, Case.first_responded_at) - Case.paused_seconds)

# --- which cases count -----------------------------------------------------------------


def first_responded_in(since: datetime, until: datetime) -> ColumnElement[bool]:
    return within(Case.first_responded_at, since, until)


def handled_in(since: datetime, until: datetime) -> ColumnElement[bool]:
    """Resolved in the window, merged duplicates excepted."""
    return and_(within(Case.resolved_at, since, until),
                Case.disposition.is_distinct_from(MERGED))


def created_in(since: datetime, until: datetime) -> ColumnElement[bool]:
    return within(Case.created_at, since, until)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _share(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[Any]:
    """part / whole as a fraction; NULL (not 0) when there is nothing to share."""
    return cast(part, Float) / func.nullif(whole, 0)


# --- aggregates (each labelled; use them in a select grouped as the report needs) -------


def sla_counts(since: datetime, until: datetime) -> list[ColumnElement[Any]]:
    """SLA targets that stopped in the window, and how many of them were met.

    A target stops when its clock stops: the first-response target at the first agent
    reply (first_responded_at), the resolution target at resolution (resolved_at). Only
    targets a policy set are counted (first_response_met / resolution_met not NULL).
    Each stopped target counts once, so a case contributes up to two.
    """
    fr_done = and_(first_responded_in(since, until), Case.first_response_met.is_not(None))
    res_done = and_(within(Case.resolved_at, since, until), Case.resolution_met.is_not(None))
    finished = _count_if(fr_done) + _count_if(res_done)
    met = (_count_if(and_(fr_done, Case.first_response_met.is_(True)))
           + _count_if(and_(res_done, Case.resolution_met.is_(True))))
    return [finished.label("sla_targets"), met.label("sla_met"),
            _share(met, finished).label("sla_attainment")]


def volume_counts(since: datetime, until: datetime) -> list[ColumnElement[Any]]:
    return [_count_if(created_in(since, until)).label("created"),
            _count_if(handled_in(since, until)).label("handled")]


def escalation_counts(since: datetime, until: datetime) -> list[ColumnElement[Any]]:
    """Of the cases created in the window, how many stand escalated (level above 0)."""
    created = _count_if(created_in(since, until))
    escalated = _count_if(and_(created_in(since, until), Case.escalation_level > 0))
    return [escalated.label("escalated"), _share(escalated, created).label("escalation_rate")]


def community_counts(since: datetime, until: datetime) -> list[ColumnElement[Any]]:
    """Of the cases handled in the window, how many the community answered."""
    handled = _count_if(handled_in(since, until))
    community = _count_if(and_(handled_in(since, until),
                               Case.disposition == COMMUNITY_ANSWERED))
    return [community.label("community_answered"),
            _share(community, handled).label("community_share")]


def percentiles(session: Session, keys: Sequence[ColumnElement[Any]],
                value: ColumnElement[Any], where: Iterable[ColumnElement[bool]],
                points: Sequence[float] = PERCENTILES) -> Select[Any]:
    """SELECT keys..., p50, p90 ... of `value` over the rows matching `where`, per key.

    The continuous percentile (PostgreSQL's percentile_cont): at fraction p of n sorted
    values the position h = (n - 1) p, interpolated between the values either side.
    SQLite has no percentile function, so there each value is ranked by a window
    function and the two values either side of h are weighted and summed.
    Columns are labelled k0, k1 ... and p50, p90 ...
    """
    where = [*where, value.is_not(None)]
    labels = [f"p{round(p * 100)}" for p in points]
    keyed = [k.label(f"k{i}") for i, k in enumerate(keys)]
    if is_postgresql(session):
        return (select(*keyed, *[func.percentile_cont(p).within_group(value).label(name)
                                 for p, name in zip(points, labels, strict=True)])
                .where(*where).group_by(*keys))
    partition = list(keys) or None
    ranked = select(
        *keyed, value.label("v"),
        (func.row_number().over(partition_by=partition, order_by=value) - 1).label("r"),
        func.count().over(partition_by=partition).label("n"),
    ).where(*where).subquery()
    figures = []
    for p, name in zip(points, labels, strict=True):
        h = (ranked.c.n - 1) * literal(p)
        low = cast(h, Integer)  # floor: h is never negative
        frac = h - low
        figures.append(func.sum(case(
            (ranked.c.r == low, ranked.c.v * (1 - frac)),
            (ranked.c.r == low + 1, ranked.c.v * frac),
            else_=0.0)).label(name))
    key_columns = [ranked.c[f"k{i}"] for i in range(len(keys))]
    # Without keys an empty input still gives one row (of NULLs), as on PostgreSQL.
    return select(*key_columns, *figures).group_by(*key_columns)


# --- the wallboard's figures -----------------------------------------------------------


@dataclass(frozen=True)
class QueueFigures:
    handled: int
    sla_attainment: float | None  # None: no target stopped in the window
    first_response_median_seconds: float | None  # None: no first response in the window


def queue_figures(session: Session, since: datetime, until: datetime,
                  queue_ids: Iterable[int]) -> dict[int, QueueFigures]:
    """Per queue, over [since, until): cases handled, SLA attainment (sla_counts) and the
    median first response. Every asked-for queue has an entry (zeros and Nones if idle)."""
    ids = list(queue_ids)
    if not ids:
        return {}
    in_queues = Case.queue_id.in_(ids)
    counted = {row.queue_id: row for row in session.execute(
        select(Case.queue_id, *volume_counts(since, until), *sla_counts(since, until))
        .where(in_queues, (within(Case.resolved_at, since, until)
                           | first_responded_in(since, until)))
        .group_by(Case.queue_id))}
    medians = {row.k0: row.p50 for row in session.execute(percentiles(
        session, [Case.__table__.c.queue_id], FIRST_RESPONSE_SECONDS,
        [in_queues, first_responded_in(since, until)], points=(0.5,)))}
    figures = {}
    for queue_id in ids:
        row = counted.get(queue_id)
        median = medians.get(queue_id)
        figures[queue_id] = QueueFigures(
            handled=int(row.handled) if row else 0,
            sla_attainment=float(row.sla_attainment) if row and row.sla_targets else None,
            first_response_median_seconds=float(median) if median is not None else None)
    return figures
