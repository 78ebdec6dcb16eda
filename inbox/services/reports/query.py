"""What a report is asked: a window, filters and a grouping, as SQL the measures use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from inbox.models import Channel, Contact, Queue, SlaPolicy, User
from inbox.services.contacts.places import REGIONS, country_name
from inbox.services.reports.measures import KeyFor, cases


class utc_day(FunctionElement[str]):  # noqa: N801 - reads as the SQL it is
    """The UTC day of a moment as text: '2026-11-02'."""

    type = String()
    inherit_cache = True
    name = "utc_day"


class utc_hour(FunctionElement[str]):  # noqa: N801
    """The UTC hour of a moment as text: '2026-11-02T09:00'."""

    type = String()
    inherit_cache = True
    name = "utc_hour"


def _formats(bucket: type[FunctionElement[str]], pg: str, sqlite: str) -> None:
    """How a bucket is written on each database (the pattern is ours, never data)."""

    @compiles(bucket, "postgresql")
    def _pg(element: Any, compiler: Any, **kw: Any) -> str:
        moment = compiler.process(list(element.clauses)[0], **kw)
        return f"to_char(timezone('UTC', {moment}), '{pg}')"

    @compiles(bucket, "sqlite")
    def _sqlite(element: Any, compiler: Any, **kw: Any) -> str:
        return f"strftime('{sqlite}', {compiler.process(list(element.clauses)[0], **kw)})"


_formats(utc_day, "YYYY-MM-DD", "%Y-%m-%d")
_formats(utc_hour, 'YYYY-MM-DD"T"HH24:00', "%Y-%m-%dT%H:00")
INTERVALS: dict[str, type[FunctionElement[str]]] = {"day": utc_day, "hour": utc_hour}


# The filters a report takes, and the case column each one names.
FILTERS: dict[str, ColumnElement[Any]] = {
    "queue": cases.queue_id, "channel": cases.channel_id, "agent": cases.assignee_id,
    "policy": cases.sla_policy_id, "priority": cases.priority}
# Filters on where the case's contact is (docs/geography.md): a code or a region's name.
PLACE_FILTERS: dict[str, ColumnElement[Any]] = {
    "country": Contact.__table__.c.country, "region": Contact.__table__.c.region}

# Groupings by a case's attribute, and where that attribute's name is found.
NAMED_GROUPS: dict[str, tuple[ColumnElement[Any], Any]] = {
    "queue": (cases.queue_id, Queue), "channel": (cases.channel_id, Channel),
    "agent": (cases.assignee_id, User), "policy": (cases.sla_policy_id, SlaPolicy)}
GROUPS = (*NAMED_GROUPS, *INTERVALS, "all")


@dataclass(frozen=True)
class ReportQuery:
    since: datetime
    until: datetime
    group: str = "all"
    filters: dict[str, int | str] = field(default_factory=dict)

    def where(self) -> list[ColumnElement[bool]]:
        return [FILTERS[name] == value if name in FILTERS
                else cases.contact_id.in_(select(Contact.__table__.c.id)
                                          .where(PLACE_FILTERS[name] == value))
                for name, value in sorted(self.filters.items())]

    def key(self) -> KeyFor | None:
        """Days (hours) are those of each query's anchor: a case resolved on Tuesday is handled
        on Tuesday, whenever it was created."""
        if self.group == "all":
            return None
        if self.group in INTERVALS:
            return INTERVALS[self.group]
        column = NAMED_GROUPS[self.group][0]
        return lambda _anchor: column


def group_names(session: Session, group: str, keys: list[Any]) -> dict[Any, str]:
    """The name shown for each group key: the queue's, channel's, agent's or policy's
    name, the day or hour itself, "all"; "(none)" for cases without one."""
    if group == "all":
        return {None: "all"}
    if group in INTERVALS:
        return {k: str(k) for k in keys}
    model = NAMED_GROUPS[group][1]
    found: dict[Any, str] = dict(session.execute(select(model.id, model.name)
                                 .where(model.id.in_([k for k in keys if k is not None]))).all())
    return {k: (found.get(k, f"#{k}") if k is not None else "(none)") for k in keys}


def filter_choices(session: Session) -> dict[str, list[dict[str, Any]]]:
    """What the report page offers to filter and group by: every queue, channel, agent
    (anyone who may hold a case) and policy, by name; the countries contacts are in, and
    every region."""
    def named(model: Any, *where: Any) -> list[dict[str, Any]]:
        return [{"id": i, "name": n} for i, n in session.execute(
            select(model.id, model.name).where(*where).order_by(model.name))]

    countries = session.scalars(select(Contact.country).where(Contact.country.is_not(None))
                                .distinct())
    return {"queue": named(Queue), "channel": named(Channel), "agent": named(User),
            "policy": named(SlaPolicy),
            "country": sorted(({"id": code, "name": country_name(code) or code}
                               for code in countries), key=lambda c: str(c["name"])),
            "region": [{"id": name, "name": name} for name in REGIONS]}
