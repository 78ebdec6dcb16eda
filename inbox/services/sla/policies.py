"""SLA policies and business-hours calendars (admin resources)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import BusinessCalendar, SlaPolicy, User
from inbox.services.admin.audit import differences, record_change
from inbox.services.errors import NotFound, ValidationFailed
from inbox.services.sla.business_hours import DAYS
from inbox.services.sla.clocks import TARGETS, recompute_open_cases

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
BREACH_ACTIONS = ("escalate", "raise_priority", "move_queue", "notify")


def check_calendar(data: dict[str, Any]) -> None:
    problems: dict[str, str] = {}
    if "timezone" in data:
        try:
            ZoneInfo(str(data["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            problems["timezone"] = "an IANA time zone such as Europe/London"
    for day, periods in (data.get("weekly_hours") or {}).items():
        if day not in DAYS:
            problems[f"weekly_hours.{day}"] = f"a day: one of {', '.join(DAYS)}"
            continue
        if not isinstance(periods, list):
            problems[f"weekly_hours.{day}"] = "a list of [start, end] periods"
            continue
        for index, period in enumerate(periods):
            if (not isinstance(period, list) or len(period) != 2
                    or not all(isinstance(p, str) and HHMM.match(p) for p in period)
                    or period[0] == period[1]):
                problems[f"weekly_hours.{day}.{index}"] = '["HH:MM", "HH:MM"], start != end'
        if not any(key.startswith(f"weekly_hours.{day}.") for key in problems):
            problems.update(_overlapping_shifts(day, periods))
    for index, holiday in enumerate(data.get("holidays") or []):
        try:
            date.fromisoformat(str(holiday))
        except ValueError:
            problems[f"holidays.{index}"] = "a date YYYY-MM-DD"
    if problems:
        raise ValidationFailed("the calendar is not valid", fields=problems)


def _overlapping_shifts(day: str, periods: list[list[str]]) -> dict[str, str]:
    """Split shifts on one day must not overlap (an overnight one is left to the next day).
    "HH:MM" strings compare as times do."""
    same_day = sorted((start, end, index) for index, (start, end) in enumerate(periods)
                      if start < end)
    return {f"weekly_hours.{day}.{index}": f"overlaps {start_before}-{end_before}"
            for (start_before, end_before, _), (start, _end, index)
            in zip(same_day, same_day[1:], strict=False) if start < end_before}


def check_policy(data: dict[str, Any]) -> None:
    problems: dict[str, str] = {}
    for priority, targets in (data.get("targets") or {}).items():
        if priority not in ("1", "2", "3", "4", "default"):
            problems[f"targets.{priority}"] = "a priority 1-4 or 'default'"
            continue
        if not isinstance(targets, dict):
            problems[f"targets.{priority}"] = "an object of seconds per target"
            continue
        for name, seconds in targets.items():
            if name not in TARGETS:
                problems[f"targets.{priority}.{name}"] = f"one of {', '.join(TARGETS)}"
            elif not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
                problems[f"targets.{priority}.{name}"] = "a positive number of seconds"
    if "warn_ratio" in data and not 0 < float(data["warn_ratio"]) < 1:
        problems["warn_ratio"] = "between 0 and 1, e.g. 0.75"
    for index, action in enumerate(data.get("breach_actions") or []):
        if not isinstance(action, dict) or action.get("action") not in BREACH_ACTIONS:
            problems[f"breach_actions.{index}"] = f"action: one of {', '.join(BREACH_ACTIONS)}"
    if problems:
        raise ValidationFailed("the SLA policy is not valid", fields=problems)


def list_calendars(session: Session) -> list[BusinessCalendar]:
    return list(session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.id)))


CALENDAR_FIELDS = ("name", "timezone", "weekly_hours", "holidays")
POLICY_FIELDS = ("name", "calendar_id", "targets", "warn_ratio", "breach_actions")


def _fields(thing: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(thing, name) for name in names}


def do_save_calendar(session: Session, data: dict[str, Any],
                     calendar_id: int | None = None, by: User | None = None) -> BusinessCalendar:
    check_calendar(data)
    if calendar_id is None:
        calendar = BusinessCalendar(name=data["name"])
        session.add(calendar)
    else:
        found = session.get(BusinessCalendar, calendar_id)
        if found is None:
            raise NotFound(f"calendar {calendar_id} not found")
        calendar = found
    before = _fields(calendar, CALENDAR_FIELDS) if calendar_id is not None else {}
    for name in CALENDAR_FIELDS:
        if name in data:
            setattr(calendar, name, data[name])
    session.flush()
    record_change(session, by, "calendar.create" if calendar_id is None else "calendar.edit",
                  "calendar", calendar.id, differences(before, _fields(calendar, CALENDAR_FIELDS)))
    if calendar_id is not None:  # hours changed: every policy on it moves its cases
        for policy in session.scalars(select(SlaPolicy).where(
                SlaPolicy.calendar_id == calendar.id)):
            recompute_open_cases(session, policy)
    return calendar


def list_policies(session: Session) -> list[SlaPolicy]:
    return list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.id)))


def do_save_policy(session: Session, data: dict[str, Any], policy_id: int | None = None,
                   by: User | None = None) -> tuple[SlaPolicy, int]:
    """Create or change a policy; a change recomputes its open cases' due times.
    Returns the policy and how many cases were recomputed."""
    check_policy(data)
    if data.get("calendar_id") is not None and session.get(
            BusinessCalendar, data["calendar_id"]) is None:
        raise ValidationFailed("no such calendar", fields={"calendar_id": "unknown calendar"})
    if policy_id is None:
        policy = SlaPolicy(name=data["name"])
        session.add(policy)
    else:
        found = session.get(SlaPolicy, policy_id)
        if found is None:
            raise NotFound(f"SLA policy {policy_id} not found")
        policy = found
    before = _fields(policy, POLICY_FIELDS) if policy_id is not None else {}
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    session.flush()
    record_change(session, by, "sla_policy.create" if policy_id is None else "sla_policy.edit",
                  "sla_policy", policy.id, differences(before, _fields(policy, POLICY_FIELDS)))
    session.refresh(policy)  # the calendar relationship follows calendar_id
    recomputed = recompute_open_cases(session, policy) if policy_id is not None else 0
    return policy, recomputed
