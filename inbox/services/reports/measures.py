"""What each reported figure means, defined once as SQL (docs/reports.md).

The reports, the API, the CSV export and the wallboard all read their figures from the
definitions here, so a number means the same wherever it is shown. Everything is
counted by the database (GROUP BY, percentiles) — case rows are never loaded into Python.

A case belongs to a window [since, until) by the moment that finishes what is measured,
its *anchor*: first responses by `first_responded_at`, resolutions (handled, resolution
and handle time, community-answered share) by `resolved_at`, arrivals (created,
escalation rate) by `created_at`. A reopened case has no `resolved_at` until it is
resolved again. Each query filters on one anchor, so it can use that anchor's index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from inbox.models import Case
from inbox.services.dbutil import is_postgresql

COMMUNITY_ANSWERED = "answered_by_community"  # the disposition listening resolves with
MERGED = "merged"  # a merged duplicate: resolved, but not handled on its own
PERCENTILES = (0.5, 0.9)

cases = Case.__table__.c  # plain columns: typed as SQL expressions, not ORM attributes


class seconds_between(FunctionElement[float]):  # noqa: N801 - reads as the SQL it is
    """later - earlier, in seconds (a float), on PostgreSQL and SQLite alike."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_between_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # date_part is a double; EXTRACT is numeric since PostgreSQL 14, several times slower
    # to sort for a percentile.
    return f"date_part('epoch', {later} - {earlier})"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def within(moment: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    """The half-open window [since, until): consecutive windows never count a case twice."""
    return and_(moment >= since, moment < until)


# --- per-case values -------------------------------------------------------------------

#: Wall-clock seconds from the case's creation to the first agent reply (public or private).
FIRST_RESPONSE_SECONDS: ColumnElement[Any] = cases.first_response_seconds
#: Wall-clock seconds from creation to resolution.
RESOLUTION_SECONDS: ColumnElement[float] = seconds_between(cases.resolved_at, cases.created_at)
#: Seconds an agent had the case in hand: from the first agent reply to resolution, less
#: the time it waited on the customer (pending). None without a reply.
HANDLE_SECONDS: ColumnElement[float] = (
    seconds_between(cases.resolved_at, cases.first_responded_at) - cases.paused_seconds)

NOT_MERGED = cases.disposition.is_distinct_from(MERGED)


# --- what is counted -------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The cases whose `anchor` falls in the window and that meet `condition`."""

    name: str
    anchor: ColumnElement[Any]
    condition: ColumnElement[bool] | None = None


@dataclass(frozen=True)
class Ratio:
    """sum(numerator tallies) / sum(denominator tallies); None when the denominator is 0."""

    name: str
    numerator: tuple[Tally, ...]
    denominator: tuple[Tally, ...]

    def of(self, counts: dict[str, int]) -> float | None:
        whole = sum(counts.get(t.name, 0) for t in self.denominator)
        part = sum(counts.get(t.name, 0) for t in self.numerator)
        return part / whole if whole else None


@dataclass(frozen=True)
class Duration:
    """A per-case number of seconds, for the cases whose anchor falls in the window."""

    name: str
    anchor: ColumnElement[Any]
    value: ColumnElement[Any]
    condition: ColumnElement[bool] | None = None


CREATED = Tally("created", cases.created_at)
#: Resolved in the window, merged duplicates excepted (the case they joined is handled).
HANDLED = Tally("handled", cases.resolved_at, NOT_MERGED)
#: Created in the window and standing escalated (level above 0).
ESCALATED = Tally("escalated", cases.created_at, cases.escalation_level > 0)
COMMUNITY = Tally("community_answered", cases.resolved_at,
                  and_(NOT_MERGED, cases.disposition == COMMUNITY_ANSWERED))
# SLA targets stop when their clock stops: first response at the first agent reply,
# resolution at resolution. Only targets a policy set count (met is not NULL).
FIRST_RESPONSE_TARGETS = Tally("first_response_targets", cases.first_responded_at,
                               cases.first_response_met.is_not(None))
FIRST_RESPONSE_MET = Tally("first_response_met", cases.first_responded_at,
                           cases.first_response_met.is_(True))
RESOLUTION_TARGETS = Tally("resolution_targets", cases.resolved_at,
                           cases.resolution_met.is_not(None))
RESOLUTION_MET = Tally("resolution_met", cases.resolved_at, cases.resolution_met.is_(True))

#: Met targets / targets that stopped in the window; a case contributes up to two.
SLA_ATTAINMENT = Ratio("sla_attainment", (FIRST_RESPONSE_MET, RESOLUTION_MET),
                       (FIRST_RESPONSE_TARGETS, RESOLUTION_TARGETS))
ESCALATION_RATE = Ratio("escalation_rate", (ESCALATED,), (CREATED,))
COMMUNITY_SHARE = Ratio("community_share", (COMMUNITY,), (HANDLED,))

FIRST_RESPONSE = Duration("first_response", cases.first_responded_at, FIRST_RESPONSE_SECONDS)
RESOLUTION = Duration("resolution", cases.resolved_at, RESOLUTION_SECONDS, NOT_MERGED)
HANDLE = Duration("handle", cases.resolved_at, HANDLE_SECONDS, NOT_MERGED)

#: A grouping: the key column for a query anchored on the given moment.
KeyFor = Callable[[ColumnElement[Any]], ColumnElement[Any]]


def count_tallies(session: Session, tallies: Sequence[Tally], since: datetime,
                  until: datetime, key: KeyFor | None = None,
                  where: Iterable[ColumnElement[bool]] = ()) -> dict[Any, dict[str, int]]:
    """{group key: {tally name: count}} — one GROUP BY query per anchor among `tallies`.
    Without `key` everything is one group, keyed None."""
    where = list(where)
    counts: dict[Any, dict[str, int]] = {}
    anchors: dict[str, list[Tally]] = {}
    for tally in tallies:
        anchors.setdefault(str(tally.anchor), []).append(tally)
    for group in anchors.values():
        anchor = group[0].anchor
        keys = [key(anchor).label("k")] if key else []
        sums = [func.coalesce(func.sum(case((t.condition if t.condition is not None
                                             else true(), 1), else_=0)), 0).label(t.name)
                for t in group]
        stmt = select(*keys, *sums).where(within(anchor, since, until), *where)
        for row in session.execute(stmt.group_by(*keys[:1]) if keys else stmt):
            found = counts.setdefault(row.k if key else None, {})
            found.update({t.name: int(getattr(row, t.name)) for t in group})
    return counts


def percentiles(session: Session, keys: Sequence[ColumnElement[Any]],
                value: ColumnElement[Any], where: Iterable[ColumnElement[bool]],
                points: Sequence[float] = PERCENTILES) -> Select[Any]:
    """SELECT keys..., n, p50, p90 ... of `value` over the rows matching `where`, per key.

    The continuous percentile (PostgreSQL's percentile_cont): at fraction p of n sorted
    values the position h = (n - 1) p, interpolated between the values either side.
    SQLite has no percentile function, so there each value is ranked by a window
    function and the two values either side of h are weighted and summed.
    Columns are labelled k0, k1 ..., n (how many values) and p50, p90 ...
    """
    where = [*where, value.is_not(None)]
    labels = [f"p{round(p * 100)}" for p in points]
    keyed = [k.label(f"k{i}") for i, k in enumerate(keys)]
    if is_postgresql(session):
        # The values are picked out first (a materialized CTE: one sequential scan), else
        # the planner walks a (queue_id, ...) index for the GROUP BY order and fetches the
        # rows at random — three times slower over a million cases.
        picked = (select(*keyed, value.label("v")).where(*where)
                  .cte("report_values").prefix_with("MATERIALIZED"))
        key_columns = [picked.c[f"k{i}"] for i in range(len(keys))]
        return (select(*key_columns, func.count(picked.c.v).label("n"),
                       *[func.percentile_cont(p).within_group(picked.c.v).label(name)
                         for p, name in zip(points, labels, strict=True)])
                .group_by(*key_columns))
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
    return select(*key_columns, func.count().label("n"), *figures).group_by(*key_columns)


def duration_percentiles(session: Session, duration: Duration, since: datetime,
                         until: datetime, key: KeyFor | None = None,
                         where: Iterable[ColumnElement[bool]] = (),
                         points: Sequence[float] = PERCENTILES) -> dict[Any, Any]:
    """{group key: row with n, p50, p90 ...} of a duration over the window."""
    conditions = [within(duration.anchor, since, until), *where]
    if duration.condition is not None:
        conditions.append(duration.condition)
    keys = [key(duration.anchor)] if key else []
    rows = session.execute(percentiles(session, keys, duration.value, conditions, points))
    return {(row.k0 if key else None): row for row in rows}


# --- the wallboard's figures -----------------------------------------------------------


@dataclass(frozen=True)
class QueueFigures:
    handled: int
    sla_attainment: float | None  # None: no SLA target stopped in the window
    first_response_median_seconds: float | None  # None: no first response in the window


def queue_figures(session: Session, since: datetime, until: datetime,
                  queue_ids: Iterable[int]) -> dict[int, QueueFigures]:
    """Per queue, over [since, until): cases HANDLED, SLA_ATTAINMENT and the median
    FIRST_RESPONSE. Every asked-for queue has an entry (0, None, None when idle)."""
    ids = list(queue_ids)
    if not ids:
        return {}
    by_queue: KeyFor = lambda _anchor: cases.queue_id  # noqa: E731
    in_queues = [cases.queue_id.in_(ids)]
    counts = count_tallies(session, [HANDLED, *SLA_ATTAINMENT.numerator,
                                     *SLA_ATTAINMENT.denominator],
                           since, until, by_queue, in_queues)
    medians = duration_percentiles(session, FIRST_RESPONSE, since, until, by_queue,
                                   in_queues, points=(0.5,))
    figures = {}
    for queue_id in ids:
        found = counts.get(queue_id, {})
        median = medians[queue_id].p50 if queue_id in medians else None
        figures[queue_id] = QueueFigures(
            handled=found.get(HANDLED.name, 0),
            sla_attainment=SLA_ATTAINMENT.of(found),
            first_response_median_seconds=float(median) if median is not None else None)
    return figures
