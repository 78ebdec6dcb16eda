"""Every report: its columns and how its rows are counted (by the measures, in SQL).

A report's rows are one per group (queue, channel, agent, policy, day or hour, or one
row for all), each named by `group` and keyed by `key` (the id, or the day itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from inbox.services.errors import NotFound
from inbox.services.reports import measures as m
from inbox.services.reports.backlog import backlog_rows
from inbox.services.reports.query import ReportQuery, group_names

Row = dict[str, Any]


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[str, ...]  # after "group"
    rows: Callable[[Session, ReportQuery], list[Row]]


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _ordered(found: dict[Any, Any]) -> list[Any]:
    return sorted(found, key=lambda k: (k is None, k))


def _named(session: Session, query: ReportQuery, found: dict[Any, Any],
           shape: Callable[[Any], Row]) -> list[Row]:
    names = group_names(session, query.group, list(found))
    return [{"group": names[k], "key": k, **shape(found[k])} for k in _ordered(found)]


def duration_report(name: str, title: str, duration: m.Duration) -> Report:
    def rows(session: Session, query: ReportQuery) -> list[Row]:
        found = m.duration_percentiles(session, duration, query.since, query.until,
                                       query.key(), query.where())
        return _named(session, query, found, lambda r: {
            "count": int(r.n), "median_seconds": _seconds(r.p50), "p90_seconds": _seconds(r.p90)})

    return Report(name, title, ("count", "median_seconds", "p90_seconds"), rows)


def counts_report(name: str, title: str, tallies: Sequence[m.Tally],
                  ratios: Sequence[m.Ratio] = ()) -> Report:
    def rows(session: Session, query: ReportQuery) -> list[Row]:
        found = m.count_tallies(session, tallies, query.since, query.until, query.key(),
                                query.where())
        if query.key() is None and not found:
            found = {None: {}}  # "all" is one row, even of zeros

        def shape(counts: dict[str, int]) -> Row:
            row: Row = {t.name: counts.get(t.name, 0) for t in tallies}
            for ratio in ratios:
                share = ratio.of(counts)
                row[ratio.name] = None if share is None else round(share, 4)
            return row

        return _named(session, query, found, shape)

    columns = (*(t.name for t in tallies), *(r.name for r in ratios))
    return Report(name, title, columns, rows)


REPORTS: dict[str, Report] = {report.name: report for report in (
    duration_report("first-response", "First response time", m.FIRST_RESPONSE),
    duration_report("resolution", "Resolution time", m.RESOLUTION),
    duration_report("handle-time", "Handle time", m.HANDLE),
    counts_report("sla", "SLA attainment",
                  (m.FIRST_RESPONSE_TARGETS, m.FIRST_RESPONSE_MET, m.RESOLUTION_TARGETS,
                   m.RESOLUTION_MET), (m.SLA_ATTAINMENT,)),
    counts_report("volumes", "Volumes", (m.CREATED, m.HANDLED)),
    counts_report("escalation", "Escalation rate", (m.CREATED, m.ESCALATED),
                  (m.ESCALATION_RATE,)),
    counts_report("community", "Community-answered share", (m.HANDLED, m.COMMUNITY),
                  (m.COMMUNITY_SHARE,)),
    Report("backlog", "Backlog over time", ("created", "resolved", "open"), backlog_rows),
)}


def report_named(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise NotFound(f"no report named {name!r}") from None


def run_report(session: Session, name: str, query: ReportQuery) -> dict[str, Any]:
    report = report_named(name)
    return {"report": report.name, "title": report.title, "since": query.since,
            "until": query.until, "group": query.group, "filters": query.filters,
            "columns": ["group", *report.columns], "rows": report.rows(session, query)}
