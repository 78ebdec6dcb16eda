"""Business-hours arithmetic: frozen, explicit aware datetimes only (no wall clock).

Semantics pinned here (see inbox/services/sla/business_hours.py):

* Open time is the union of the weekly periods, in real (UTC) elapsed time: a 09:00-17:00
  day is 8 real hours even on a DST day; an overnight period spanning a change is one
  hour shorter (spring forward) or longer (fall back).
* A period is [opening, closing): open at the opening instant, closed at the closing one.
* A holiday removes the periods that START on that local date. An overnight period that
  started the evening before still runs into the holiday; the holiday's own evening
  period is gone.
* add_business_seconds(start, s) is the earliest moment at which s seconds of open time
  have elapsed, so it may be a closing instant (09:00 + 8h on a 09-17 day is 17:00 that
  day). With s == 0 it is `start` itself if open, else the next opening. The result is
  in start's time zone; negative seconds and naive datetimes raise ValueError.
* No calendar, or an empty weekly_hours, is 24x7 (holidays are then ignored; a calendar
  open 00:00-24:00 every day honours holidays).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from inbox.models import BusinessCalendar
from inbox.services.sla.business_hours import (
    add_business_seconds,
    business_seconds_between,
    is_open,
)

pytestmark = pytest.mark.no_backends

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
H = 3600
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = (*WEEKDAYS, "sat", "sun")


def lt(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
       micro: int = 0, fold: int = 0, year: int = 2026) -> datetime:
    """London local time (2026-06-01 is a Monday, BST)."""
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=LONDON, fold=fold)


def ny(month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _every(days: tuple[str, ...], *periods: tuple[str, str]) -> dict[str, list[list[str]]]:
    return {day: [list(p) for p in periods] for day in days}


def _calendar(hours: dict[str, list[list[str]]], tz: str = "Europe/London",
              holidays: tuple[str, ...] = ()) -> BusinessCalendar:
    return BusinessCalendar(name="test", timezone=tz, weekly_hours=hours,
                            holidays=list(holidays))


TUE = "2026-06-02"
CALENDARS: dict[str, BusinessCalendar | None] = {
    "none": None,
    "empty": _calendar({}),
    "empty_with_holiday": _calendar({}, holidays=(TUE,)),
    "office": _calendar(_every(WEEKDAYS, ("09:00", "17:00"))),
    "office_ny": _calendar(_every(WEEKDAYS, ("09:00", "17:00")), tz="America/New_York"),
    "office_tue_holiday": _calendar(_every(WEEKDAYS, ("09:00", "17:00")), holidays=(TUE,)),
    "lunch": _calendar(_every(WEEKDAYS, ("09:00", "12:00"), ("13:00", "17:00"))),
    "lunch_unsorted": _calendar(_every(WEEKDAYS, ("13:00", "17:00"), ("09:00", "12:00"))),
    "adjacent": _calendar(_every(WEEKDAYS, ("09:00", "12:00"), ("12:00", "17:00"))),
    "night": _calendar(_every(WEEKDAYS, ("22:00", "06:00"))),
    "night_tue_holiday": _calendar(_every(WEEKDAYS, ("22:00", "06:00")), holidays=(TUE,)),
    "daily": _calendar(_every(EVERY_DAY, ("09:00", "17:00"))),
    "daily_ny": _calendar(_every(EVERY_DAY, ("09:00", "17:00")), tz="America/New_York"),
    "nightly": _calendar(_every(EVERY_DAY, ("22:00", "06:00"))),
    "nightly_ny": _calendar(_every(EVERY_DAY, ("22:00", "06:00")), tz="America/New_York"),
    "till_midnight": _calendar({"mon": [["18:00", "24:00"]]}),
    "round_the_clock_tue_holiday": _calendar(_every(EVERY_DAY, ("00:00", "24:00")),
                                             holidays=(TUE,)),
    "overlap": _calendar({"mon": [["09:00", "17:00"], ["12:00", "18:00"]]}),
    "duplicate": _calendar({"mon": [["09:00", "17:00"], ["09:00", "17:00"]]}),
    "overnight_overlap": _calendar({"mon": [["22:00", "06:00"]], "tue": [["05:00", "09:00"]]}),
}

SIXTIETH_FRIDAY = date(2026, 6, 1) + timedelta(weeks=59, days=4)

ADD_CASES = [
    # one period, spilling, weekends, boundaries
    ("office", lt(6, 1, 10), H, lt(6, 1, 11), "inside-one-period"),
    ("office", lt(6, 1, 9), 8 * H, lt(6, 1, 17), "fills-the-day-ends-at-closing-instant"),
    ("office", lt(6, 1, 16), 2 * H, lt(6, 2, 10), "spills-to-next-day"),
    ("office", lt(6, 5, 16), 2 * H, lt(6, 8, 10), "friday-spills-over-weekend"),
    ("office", lt(6, 6, 12), H, lt(6, 8, 10), "starts-on-saturday"),
    ("office", lt(6, 1, 7), H, lt(6, 1, 10), "before-opening"),
    ("office", lt(6, 1, 9), H, lt(6, 1, 10), "exactly-at-opening"),
    ("office", lt(6, 1, 17), H, lt(6, 2, 10), "exactly-at-closing"),
    ("office", lt(6, 1, 20), H, lt(6, 2, 10), "after-closing"),
    ("office", lt(6, 1, 16, 59, 59), 2, lt(6, 2, 9, 0, 1), "seconds-across-the-night"),
    ("office", lt(6, 1, 9), 40 * H, lt(6, 5, 17), "a-working-week"),
    ("office", lt(6, 1, 9), 40 * H + 1, lt(6, 8, 9, 0, 1), "a-working-week-and-a-second"),
    ("office", utc(2026, 6, 1, 8), H, lt(6, 1, 10), "utc-start-is-0900-bst"),
    ("office_ny", utc(2026, 6, 1, 12), H, ny(6, 1, 10), "utc-start-is-0800-edt"),
    ("office", lt(6, 1, 9), 300 * 8 * H,
     lt(SIXTIETH_FRIDAY.month, SIXTIETH_FRIDAY.day, 17, year=SIXTIETH_FRIDAY.year),
     "sixty-working-weeks-more-than-a-year-ahead"),
    # split day (lunch gap)
    ("lunch", lt(6, 1, 11), 2 * H, lt(6, 1, 14), "across-lunch-gap"),
    ("lunch", lt(6, 1, 12, 30), H, lt(6, 1, 14), "starts-in-lunch-gap"),
    ("lunch", lt(6, 1, 9), 7 * H, lt(6, 1, 17), "split-day-is-seven-hours"),
    ("lunch", lt(6, 1, 16), 2 * H, lt(6, 2, 10), "split-day-spills"),
    ("lunch_unsorted", lt(6, 1, 11), 2 * H, lt(6, 1, 14), "periods-listed-out-of-order"),
    # overnight 22:00-06:00 Mon-Fri nights
    ("night", lt(6, 1, 23), 2 * H, lt(6, 2, 1), "crosses-midnight"),
    ("night", lt(6, 2, 3), H, lt(6, 2, 4), "inside-yesterdays-overnight-period"),
    ("night", lt(6, 2, 5), 2 * H, lt(6, 2, 23), "overnight-end-then-next-evening"),
    ("night", lt(6, 1, 21), 8 * H, lt(6, 2, 6), "whole-night"),
    ("night", lt(6, 6, 5), 2 * H, lt(6, 8, 23), "friday-night-into-saturday-then-monday"),
    ("night", lt(6, 7, 23), H, lt(6, 8, 23), "no-sunday-night-period"),
    # holidays remove the periods starting on that local date
    ("office_tue_holiday", lt(6, 1, 16), 2 * H, lt(6, 3, 10), "holiday-skipped"),
    ("office_tue_holiday", lt(6, 2, 10), H, lt(6, 3, 10), "start-on-holiday"),
    ("night_tue_holiday", lt(6, 2, 3), H, lt(6, 2, 4), "monday-night-runs-into-holiday"),
    ("night_tue_holiday", lt(6, 2, 5), 2 * H, lt(6, 3, 23), "holiday-evening-removed"),
    ("night_tue_holiday", lt(6, 1, 21), 9 * H, lt(6, 3, 23), "only-holiday-night-removed"),
    ("round_the_clock_tue_holiday", lt(6, 1, 23), 2 * H, lt(6, 3, 1), "24h-days-honour-holiday"),
    # DST in Europe/London: 2026-03-29 spring forward, 2026-10-25 fall back
    ("daily", lt(3, 29, 9), 8 * H, lt(3, 29, 17), "london-spring-day-is-8h"),
    ("daily", lt(3, 28, 16), 2 * H, lt(3, 29, 10), "london-spill-into-spring-day"),
    ("daily", lt(10, 25, 9), 8 * H, lt(10, 25, 17), "london-fall-day-is-8h"),
    ("daily", lt(10, 24, 16), 2 * H, lt(10, 25, 10), "london-spill-into-fall-day"),
    ("nightly", lt(3, 28, 22), 7 * H, lt(3, 29, 6), "london-spring-night-is-7h"),
    ("nightly", lt(3, 28, 22), 8 * H, lt(3, 29, 23), "london-spring-night-8h-spills"),
    ("nightly", lt(3, 28, 23), 3 * H, lt(3, 29, 3), "london-0200-does-not-exist"),
    ("nightly", lt(10, 24, 22), 8 * H, lt(10, 25, 5), "london-fall-night-8h-inside"),
    ("nightly", lt(10, 24, 22), 9 * H, lt(10, 25, 6), "london-fall-night-is-9h"),
    ("nightly", lt(10, 24, 23), 2 * H, lt(10, 25, 1, fold=0), "london-0100-first-pass"),
    ("nightly", lt(10, 24, 23), 3 * H, lt(10, 25, 1, fold=1), "london-0100-second-pass"),
    ("nightly", lt(10, 24, 23), 4 * H, lt(10, 25, 2), "london-after-repeated-hour"),
    # DST in America/New_York: 2026-03-08 spring forward, 2026-11-01 fall back
    ("daily_ny", ny(3, 8, 9), 8 * H, ny(3, 8, 17), "ny-spring-day-is-8h"),
    ("daily_ny", ny(11, 1, 9), 8 * H, ny(11, 1, 17), "ny-fall-day-is-8h"),
    ("nightly_ny", ny(3, 7, 22), 7 * H, ny(3, 8, 6), "ny-spring-night-is-7h"),
    ("nightly_ny", ny(3, 7, 23), 3 * H, ny(3, 8, 3), "ny-0200-does-not-exist"),
    ("nightly_ny", ny(10, 31, 22), 9 * H, ny(11, 1, 6), "ny-fall-night-is-9h"),
    ("nightly_ny", ny(10, 31, 23), 3 * H, ny(11, 1, 1, fold=1), "ny-0100-second-pass"),
    # 24x7 counts real elapsed time, whatever the start's zone
    ("none", lt(6, 1, 3), H, lt(6, 1, 4), "no-calendar"),
    ("empty", lt(6, 6, 3), H, lt(6, 6, 4), "empty-weekly-hours"),
    ("empty_with_holiday", lt(6, 2, 3), H, lt(6, 2, 4), "empty-weekly-hours-ignores-holidays"),
    ("none", lt(3, 28, 12), 24 * H, lt(3, 29, 13), "24x7-spring-forward-real-hours"),
    ("none", lt(10, 24, 12), 24 * H, lt(10, 25, 11), "24x7-fall-back-real-hours"),
    ("empty", ny(3, 7, 12), 24 * H, ny(3, 8, 13), "24x7-ny-spring-forward-real-hours"),
    # odd but valid period shapes
    ("till_midnight", lt(6, 1, 17), 7 * H, lt(6, 8, 19), "period-ending-24:00"),
    ("overlap", lt(6, 1, 9), 9 * H, lt(6, 1, 18), "overlapping-periods-are-a-union"),
    ("overlap", lt(6, 1, 9), 10 * H, lt(6, 8, 10), "overlapping-periods-spill"),
    ("duplicate", lt(6, 1, 9), 9 * H, lt(6, 8, 10), "duplicate-period-counted-once"),
    ("overnight_overlap", lt(6, 1, 22), 11 * H, lt(6, 2, 9), "overnight-overlaps-next-morning"),
]


@pytest.mark.parametrize(("key", "start", "seconds", "expected"),
                         [c[:4] for c in ADD_CASES], ids=[c[4] for c in ADD_CASES])
def test_add_business_seconds(key: str, start: datetime, seconds: int,
                              expected: datetime) -> None:
    result = add_business_seconds(CALENDARS[key], start, seconds)
    # Compare instants in UTC: equality within one zone ignores `fold`.
    assert result.astimezone(UTC) == expected.astimezone(UTC)


ZERO_CASES = [
    ("office", lt(6, 1, 10), lt(6, 1, 10), "open-returns-start"),
    ("office", lt(6, 1, 9), lt(6, 1, 9), "at-opening-returns-start"),
    ("office", lt(6, 1, 7), lt(6, 1, 9), "before-opening-returns-opening"),
    ("office", lt(6, 1, 17), lt(6, 2, 9), "at-closing-returns-next-opening"),
    ("office", lt(6, 1, 20), lt(6, 2, 9), "after-closing-returns-next-opening"),
    ("office", lt(6, 6, 12), lt(6, 8, 9), "weekend-returns-monday-opening"),
    ("lunch", lt(6, 1, 12), lt(6, 1, 13), "lunch-returns-afternoon-opening"),
    ("adjacent", lt(6, 1, 12), lt(6, 1, 12), "adjacent-periods-have-no-gap"),
    ("night", lt(6, 2, 3), lt(6, 2, 3), "inside-overnight-period"),
    ("office_tue_holiday", lt(6, 2, 10), lt(6, 3, 9), "holiday-returns-next-opening"),
    ("daily", lt(3, 29, 8), lt(3, 29, 9), "spring-forward-morning"),
    ("none", lt(6, 6, 3), lt(6, 6, 3), "24x7-returns-start"),
]


@pytest.mark.parametrize(("key", "start", "expected"), [c[:3] for c in ZERO_CASES],
                         ids=[c[3] for c in ZERO_CASES])
def test_zero_seconds_is_start_if_open_else_next_opening(
        key: str, start: datetime, expected: datetime) -> None:
    calendar = CALENDARS[key]
    result = add_business_seconds(calendar, start, 0)
    assert result.astimezone(UTC) == expected.astimezone(UTC)
    assert is_open(calendar, result)
    assert (result == start) is is_open(calendar, start)


@pytest.mark.parametrize("start", [
    utc(2026, 6, 1, 10), lt(6, 1, 10), lt(10, 24, 23), ny(3, 7, 23),
    datetime(2026, 6, 1, 10, tzinfo=timezone(timedelta(hours=5, minutes=30))),
], ids=["utc", "london", "london-fall-back", "new-york-spring-forward", "fixed-offset"])
@pytest.mark.parametrize("key", ["none", "office", "nightly"])
def test_result_is_in_the_start_time_zone(key: str, start: datetime) -> None:
    result = add_business_seconds(CALENDARS[key], start, 4 * H)
    assert result.tzinfo is start.tzinfo


BETWEEN_CASES = [
    ("office", lt(6, 1, 9), lt(6, 1, 17), 8 * H, "one-day"),
    ("office", lt(6, 1, 8), lt(6, 1, 18), 8 * H, "closed-edges-not-counted"),
    ("office", lt(6, 1, 10, 30), lt(6, 1, 10, 45), 15 * 60, "inside-one-period"),
    ("office", lt(6, 5, 16), lt(6, 8, 10), 2 * H, "over-a-weekend"),
    ("office", lt(6, 1), lt(6, 8), 40 * H, "a-week"),
    ("office", lt(6, 6), lt(6, 8), 0, "weekend-only"),
    ("office", lt(6, 1, 10), lt(6, 1, 10, 0, 1, 999999), 1, "partial-seconds-truncated"),
    ("office", lt(6, 1, 17), lt(6, 1, 9), 0, "end-before-start"),
    ("office", utc(2026, 6, 1, 8), utc(2026, 6, 1, 16), 8 * H, "utc-moments-bst-day"),
    ("lunch", lt(6, 1), lt(6, 2), 7 * H, "split-day"),
    ("night", lt(6, 1), lt(6, 2, 12), 8 * H, "overnight-period"),
    ("night", lt(6, 2, 3), lt(6, 2, 23), 4 * H, "end-of-one-night-start-of-next"),
    ("night", lt(6, 6), lt(6, 8), 6 * H, "friday-night-spills-into-saturday"),
    ("office_tue_holiday", lt(6, 1), lt(6, 4), 16 * H, "holiday"),
    ("night_tue_holiday", lt(6, 2), lt(6, 4), 8 * H, "holiday-inside-overnight"),
    ("round_the_clock_tue_holiday", lt(6, 1), lt(6, 4), 48 * H, "24h-days-honour-holiday"),
    ("daily", lt(3, 28), lt(3, 30), 16 * H, "london-spring-weekend"),
    ("daily", lt(3, 29), lt(3, 30), 8 * H, "london-spring-day"),
    ("daily", lt(10, 25), lt(10, 26), 8 * H, "london-fall-day"),
    ("nightly", lt(6, 1, 12), lt(6, 2, 12), 8 * H, "ordinary-night"),
    ("nightly", lt(3, 28, 12), lt(3, 29, 12), 7 * H, "london-spring-night"),
    ("nightly", lt(10, 24, 12), lt(10, 25, 12), 9 * H, "london-fall-night"),
    ("nightly", lt(10, 24, 23), lt(10, 25, 2), 4 * H, "london-local-moments-over-fall-back"),
    ("nightly", lt(10, 25, 1, 45), lt(10, 25, 1, 30, fold=1), 45 * 60, "inside-repeated-hour"),
    ("daily_ny", ny(3, 8), ny(3, 9), 8 * H, "ny-spring-day"),
    ("daily_ny", ny(11, 1), ny(11, 2), 8 * H, "ny-fall-day"),
    ("nightly_ny", ny(3, 7, 12), ny(3, 8, 12), 7 * H, "ny-spring-night"),
    ("nightly_ny", ny(10, 31, 12), ny(11, 1, 12), 9 * H, "ny-fall-night"),
    ("none", lt(6, 1, 3), lt(6, 1, 5), 2 * H, "no-calendar"),
    ("empty", lt(6, 6), lt(6, 7), 24 * H, "empty-weekly-hours"),
    ("none", lt(3, 28, 12), lt(3, 29, 12), 23 * H, "24x7-london-spring"),
    ("none", lt(10, 24, 12), lt(10, 25, 12), 25 * H, "24x7-london-fall"),
    ("none", lt(6, 1, 5), lt(6, 1, 3), 0, "24x7-end-before-start"),
    ("till_midnight", lt(6, 1), lt(6, 2), 6 * H, "period-ending-24:00"),
    ("overlap", lt(6, 1), lt(6, 2), 9 * H, "overlapping-periods-are-a-union"),
    ("duplicate", lt(6, 1), lt(6, 2), 8 * H, "duplicate-period-counted-once"),
    ("overnight_overlap", lt(6, 1), lt(6, 3), 11 * H, "overnight-overlaps-next-morning"),
]


@pytest.mark.parametrize(("key", "start", "end", "expected"),
                         [c[:4] for c in BETWEEN_CASES], ids=[c[4] for c in BETWEEN_CASES])
def test_business_seconds_between(key: str, start: datetime, end: datetime,
                                  expected: int) -> None:
    assert business_seconds_between(CALENDARS[key], start, end) == expected


PROPERTY_STARTS = [
    lt(6, 1, 7), lt(6, 1, 9), lt(6, 1, 12, 30), lt(6, 1, 17), lt(6, 2, 3, 17, 11),
    lt(6, 5, 23), lt(3, 28, 21, 30), lt(10, 24, 23, 59), lt(10, 25, 1, 30, fold=1),
    ny(3, 7, 23), ny(10, 31, 20),
]
PROPERTY_SECONDS = [0, 1, 59 * 60, 3 * H, 7 * H, 8 * H, 8 * H + 1, 30 * H + 17, 100 * H]


@pytest.mark.parametrize("start", PROPERTY_STARTS, ids=lambda d: d.isoformat())
@pytest.mark.parametrize("key", ["none", "office", "office_ny", "lunch", "night",
                                 "night_tue_holiday", "nightly", "nightly_ny", "daily",
                                 "overlap", "overnight_overlap"])
def test_between_mirrors_add(key: str, start: datetime) -> None:
    calendar = CALENDARS[key]
    for seconds in PROPERTY_SECONDS:
        end = add_business_seconds(calendar, start, seconds)
        assert end >= start
        assert business_seconds_between(calendar, start, end) == seconds, seconds


IS_OPEN_CASES = [
    ("office", lt(6, 1, 9), True, "at-opening-instant"),
    ("office", lt(6, 1, 8, 59, 59, 999999), False, "just-before-opening"),
    ("office", lt(6, 1, 16, 59, 59, 999999), True, "just-before-closing"),
    ("office", lt(6, 1, 17), False, "at-closing-instant"),
    ("office", lt(6, 6, 12), False, "saturday"),
    ("office", utc(2026, 6, 1, 8), True, "utc-0800-is-0900-bst"),
    ("office", utc(2026, 6, 1, 16), False, "utc-1600-is-1700-bst"),
    ("lunch", lt(6, 1, 11, 59, 59), True, "before-lunch"),
    ("lunch", lt(6, 1, 12), False, "lunch-starts"),
    ("lunch", lt(6, 1, 13), True, "lunch-ends"),
    ("adjacent", lt(6, 1, 12), True, "adjacent-periods"),
    ("night", lt(6, 1, 21, 59, 59), False, "before-night"),
    ("night", lt(6, 1, 22), True, "night-opens"),
    ("night", lt(6, 2, 0), True, "midnight-inside-overnight"),
    ("night", lt(6, 2, 5, 59, 59), True, "end-of-night"),
    ("night", lt(6, 2, 6), False, "night-closes"),
    ("night", lt(6, 6, 5), True, "friday-night-on-saturday"),
    ("night", lt(6, 7, 23), False, "no-sunday-night"),
    ("night", lt(6, 8, 3), False, "monday-early-has-no-sunday-night"),
    ("office_tue_holiday", lt(6, 2, 10), False, "holiday"),
    ("office_tue_holiday", lt(6, 3, 10), True, "day-after-holiday"),
    ("night_tue_holiday", lt(6, 2, 3), True, "monday-night-runs-into-holiday"),
    ("night_tue_holiday", lt(6, 2, 23), False, "holiday-night-removed"),
    ("night_tue_holiday", lt(6, 3, 3), False, "holiday-night-second-half-removed"),
    ("daily", utc(2026, 3, 29, 8), True, "london-spring-0900-bst"),
    ("daily", utc(2026, 3, 29, 7, 59), False, "london-spring-0859-bst"),
    ("daily", utc(2026, 3, 29, 16), False, "london-spring-1700-bst"),
    ("daily", utc(2026, 10, 25, 9), True, "london-fall-0900-gmt"),
    ("daily", utc(2026, 10, 25, 8, 59), False, "london-fall-0859-gmt"),
    ("daily", utc(2026, 10, 25, 16, 59), True, "london-fall-1659-gmt"),
    ("nightly", lt(3, 29, 5, 59), True, "london-spring-night-end"),
    ("nightly", lt(3, 29, 6), False, "london-spring-night-closed"),
    ("nightly", lt(10, 25, 1, 30, fold=1), True, "london-repeated-hour"),
    ("daily_ny", utc(2026, 3, 9, 13), True, "ny-monday-0900-edt"),
    ("daily_ny", utc(2026, 3, 9, 12, 59), False, "ny-monday-0859-edt"),
    ("till_midnight", lt(6, 1, 23, 59, 59), True, "before-24:00"),
    ("till_midnight", lt(6, 2), False, "at-24:00"),
    ("none", lt(6, 6, 3), True, "no-calendar"),
    ("empty", lt(6, 6, 3), True, "empty-weekly-hours"),
]


@pytest.mark.parametrize(("key", "at", "expected"), [c[:3] for c in IS_OPEN_CASES],
                         ids=[c[3] for c in IS_OPEN_CASES])
def test_is_open(key: str, at: datetime, expected: bool) -> None:
    assert is_open(CALENDARS[key], at) is expected


NO_OPEN_TIME = {
    "empty-day-lists": _calendar({"mon": [], "tue": []}),
    "unknown-day-names-only": _calendar({"monday": [["09:00", "17:00"]]}),
    "every-day-a-holiday": _calendar(
        _every(EVERY_DAY, ("09:00", "17:00")),
        holidays=tuple((date(2026, 6, 1) + timedelta(days=n)).isoformat() for n in range(400)),
    ),
}


@pytest.mark.parametrize("calendar", NO_OPEN_TIME.values(), ids=NO_OPEN_TIME.keys())
def test_calendar_without_open_time(calendar: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="no open time"):
        add_business_seconds(calendar, lt(6, 1, 10), 0)
    with pytest.raises(ValueError, match="no open time"):
        add_business_seconds(calendar, lt(6, 1, 10), H)
    assert business_seconds_between(calendar, lt(6, 1), lt(6, 15)) == 0
    assert not is_open(calendar, lt(6, 1, 10))


@pytest.mark.parametrize("key", ["none", "office"])
def test_negative_seconds_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_seconds(CALENDARS[key], lt(6, 1, 10), -1)


NAIVE = lt(6, 1, 10).replace(tzinfo=None)
AWARE = lt(6, 1, 12)


@pytest.mark.parametrize("call", [
    lambda c: add_business_seconds(c, NAIVE, H),
    lambda c: business_seconds_between(c, NAIVE, AWARE),
    lambda c: business_seconds_between(c, AWARE, NAIVE),
    lambda c: is_open(c, NAIVE),
], ids=["add", "between-start", "between-end", "is_open"])
@pytest.mark.parametrize("key", ["none", "office"])
def test_naive_datetimes_are_refused(key: str, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="naive"):
        call(CALENDARS[key])
