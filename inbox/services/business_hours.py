"""Business-hours arithmetic on a calendar: time zone, weekly periods, holidays.

A calendar's weekly_hours maps "mon".."sun" to periods [["09:00", "17:30"], ...];
a period ending at or before it starts runs overnight into the next day. An empty
mapping (or no calendar) means 24x7. Holidays are local dates ("2026-12-25").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from inbox.models import BusinessCalendar

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS_AHEAD = 370  # a calendar with no open time at all must not loop forever


def _parse(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours) % 24, int(minutes))


def _open_intervals(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The UTC intervals during which `day` (local) is open, overnight spill included."""
    zone = ZoneInfo(calendar.timezone or "UTC")
    holidays = set(calendar.holidays or [])
    intervals = []
    if day.isoformat() in holidays:
        return []
    for start_text, end_text in (calendar.weekly_hours or {}).get(DAYS[day.weekday()], []):
        start, end = _parse(start_text), _parse(end_text)
        local_start = datetime.combine(day, start, zone)
        end_day = day + timedelta(days=1) if (end <= start) else day
        local_end = datetime.combine(end_day, end, zone)
        # Arithmetic across DST is done in UTC: a local hour that does not exist or
        # repeats counts as the real elapsed time.
        intervals.append((local_start.astimezone(UTC), local_end.astimezone(UTC)))
    return intervals


def add_business_seconds(
    calendar: BusinessCalendar | None, start: datetime, seconds: int
) -> datetime:
    """The moment `seconds` of open time after `start`."""
    if calendar is None or not calendar.weekly_hours:
        return start + timedelta(seconds=seconds)
    zone = ZoneInfo(calendar.timezone or "UTC")
    remaining = timedelta(seconds=seconds)
    day = start.astimezone(zone).date() - timedelta(days=1)  # yesterday's overnight period
    for _ in range(MAX_DAYS_AHEAD):
        for open_at, close_at in sorted(_open_intervals(calendar, day)):
            begin = max(open_at, start)
            if begin >= close_at:
                continue
            available = close_at - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name!r} has no open time in the next year")


def business_seconds_between(
    calendar: BusinessCalendar | None, start: datetime, end: datetime
) -> int:
    """Open seconds between two moments (for elapsed-share warnings)."""
    if end <= start:
        return 0
    if calendar is None or not calendar.weekly_hours:
        return int((end - start).total_seconds())
    zone = ZoneInfo(calendar.timezone or "UTC")
    total = timedelta()
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        for open_at, close_at in _open_intervals(calendar, day):
            begin, finish = max(open_at, start), min(close_at, end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return int(total.total_seconds())


def is_open(calendar: BusinessCalendar | None, at: datetime) -> bool:
    if calendar is None or not calendar.weekly_hours:
        return True
    zone = ZoneInfo(calendar.timezone or "UTC")
    day = at.astimezone(zone).date()
    return any(
        open_at <= at < close_at
        for d in (day - timedelta(days=1), day)
        for open_at, close_at in _open_intervals(calendar, d)
    )
