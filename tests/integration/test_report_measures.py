"""The figures' definitions (inbox.services.reports.measures) on a hand-computed data set."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from inbox.models import Case
from inbox.services.reports.measures import (
    FIRST_RESPONSE_SECONDS,
    QueueFigures,
    percentiles,
    queue_figures,
)
from tests.reports_data import DAY, DAY_BEFORE, NEXT_DAY, arrange


def test_queue_figures_over_a_day(db_session: Any) -> None:
    data = arrange()
    figures = queue_figures(db_session, DAY, NEXT_DAY, [data.social, data.email, 999])
    # Social care: handled c1 c2 c3 c6 (c7 merged is not); targets stopped on D:
    # first response c1 c2 c3 c4 (2 met), resolution c1 c2 c3 c6 (3 met) -> 5 / 8;
    # first replies on D: 60 120 300 600 1200 -> median 300.
    assert figures[data.social] == QueueFigures(4, 0.625, 300.0)
    assert figures[data.email] == QueueFigures(0, 1.0, 30.0)
    assert figures[999] == QueueFigures(0, None, None)


def test_a_day_without_activity_has_no_attainment_nor_median(db_session: Any) -> None:
    data = arrange()
    before = queue_figures(db_session, DAY_BEFORE - (DAY - DAY_BEFORE), DAY_BEFORE,
                           [data.social])
    assert before[data.social] == QueueFigures(0, None, None)


@pytest.mark.parametrize(("values", "p50", "p90"), [
    ([60, 120, 300, 600, 1200], 300.0, 960.0),  # h = 2 and 3.6: 600 + 0.6 * 600
    ([10, 20, 30, 40], 25.0, 37.0),  # h = 1.5 and 2.7: 30 + 0.7 * 10
    ([7], 7.0, 7.0),
])
def test_percentiles_interpolate_like_percentile_cont(db_session: Any, values: list[int],
                                                      p50: float, p90: float) -> None:
    from tests.factories import make_case, make_queue

    queue = make_queue()
    for seconds in reversed(values):
        make_case(queue, first_response_seconds=seconds)
    make_case(queue)  # no first response: not a value
    row = db_session.execute(percentiles(db_session, [Case.queue_id], FIRST_RESPONSE_SECONDS,
                                         [Case.queue_id == queue.id])).one()
    assert (row.k0, pytest.approx(row.p50), pytest.approx(row.p90)) == (queue.id, p50, p90)


def test_percentiles_without_keys_give_one_row_even_when_empty(db_session: Any) -> None:
    rows = db_session.execute(percentiles(db_session, [], FIRST_RESPONSE_SECONDS,
                                          [Case.id > 0])).all()
    assert [(r.p50, r.p90) for r in rows] == [(None, None)]
    assert db_session.execute(select(Case.id)).all() == []
