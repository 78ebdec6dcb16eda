"""Business-hours arithmetic on a calendar: time zone, weekly periods, holidays.

A calendar's weekly_hours maps "mon".."sun" to periods [["09:00", "17:30"], ...];
a period ending at or before it starts runs overnight into the next day ("24:00" is
midnight at the end of the day). An empty mapping (or no calendar) means 24x7, and
holidays are then ignored. Holidays are local dates ("2026-12-25"); a holiday removes
the periods that START on that date, so an overnight period that began the evening
before still runs into it.

Open time is the union of the periods, measured in real elapsed time: a 09:00-17:00 day
is 8 hours even on a DST day, and an overnight period spanning a change is an hour
shorter or longer. A period is open at its opening instant and closed at its closing one.
add_business_seconds returns the earliest moment by which `seconds` of open time have
passed (it may be a closing instant); with 0 seconds that is `start` itself if open,
else the next opening. Results are in start's time zone. Every moment must be
timezone-aware, and seconds must not be negative (ValueError otherwise).
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


def _utc(moment: datetime) -> datetime:
    """Arithmetic is done in UTC: within one ZoneInfo zone Python adds and subtracts
    wall-clock time, which is wrong by an hour across a DST change."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; use timezone-aware datetimes")
    return moment.astimezone(UTC)


def _open_intervals(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    """The UTC intervals, in order, of the periods starting on `day` (local)."""
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
    return sorted(intervals)


def add_business_seconds(
    calendar: BusinessCalendar | None, start: datetime, seconds: int
) -> datetime:
    """The moment `seconds` of open time after `start` (in start's time zone)."""
    if seconds < 0:
        raise ValueError(f"negative business seconds: {seconds}")
    zone_of_start = start.tzinfo
    start = _utc(start)
    if calendar is None or not calendar.weekly_hours:
        return (start + timedelta(seconds=seconds)).astimezone(zone_of_start)
    zone = ZoneInfo(calendar.timezone or "UTC")
    remaining = timedelta(seconds=seconds)
    # Periods are visited in order of their start; `start` moves past each one used up,
    # so time covered by overlapping periods is counted once.
    day = start.astimezone(zone).date() - timedelta(days=1)  # yesterday's overnight period
    closed_days = 0  # consecutive days without open time, not days ahead in total
    while closed_days < MAX_DAYS_AHEAD:
        closed_days += 1
        for open_at, close_at in _open_intervals(calendar, day):
            begin = max(open_at, start)
            if begin >= close_at:
                continue
            closed_days = 0
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(zone_of_start)
            remaining -= available
            start = close_at
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name!r} has no open time in the next year")


def business_seconds_between(
    calendar: BusinessCalendar | None, start: datetime, end: datetime
) -> int:
    """Open seconds between two moments (for elapsed-share warnings)."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0
    if calendar is None or not calendar.weekly_hours:
        return int((end - start).total_seconds())
    zone = ZoneInfo(calendar.timezone or "UTC")
    total = timedelta()
    counted_to = start  # overlapping periods are counted once
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        for open_at, close_at in _open_intervals(calendar, day):
            begin, finish = max(open_at, counted_to), min(close_at, end)
            if finish > begin:
                total += finish - begin
            counted_to = max(counted_to, close_at)
        day += timedelta(days=1)
    return int(total.total_seconds())


def is_open(calendar: BusinessCalendar | None, at: datetime) -> bool:
    at = _utc(at)
    if calendar is None or not calendar.weekly_hours:
        return True
    zone = ZoneInfo(calendar.timezone or "UTC")
    day = at.astimezone(zone).date()
    return any(
        open_at <= at < close_at
        for d in (day - timedelta(days=1), day)
        for open_at, close_at in _open_intervals(calendar, d)
    )
