"""/api/v1/reports: figures on the hand-computed data set of tests/reports_data.py."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.reports_data import arrange

D = "since=2026-11-02&until=2026-11-02"  # the whole of day D
TWO_DAYS = "since=2026-11-01&until=2026-11-02"


@pytest.fixture
def sam(api_as: Any, supervisor_sam: Any, agent_alice: Any, agent_bob: Any) -> Any:
    arrange(agent_alice, agent_bob)
    return api_as(supervisor_sam)


def rows(client: Any, path: str) -> dict[str, dict[str, Any]]:
    answer = client.get(f"/api/v1/reports/{path}")
    assert answer.status_code == 200, answer.json
    return {row["group"]: {k: v for k, v in row.items() if k not in ("group", "key")}
            for row in answer.json["rows"]}


def test_first_response_median_and_p90_per_queue(sam: Any) -> None:
    # Social care: 60 120 300 600 1200 -> median 300; p90 at h = 3.6: 600 + 0.6 * 600.
    assert rows(sam, f"first-response?{D}&group=queue") == {
        "Social care": {"count": 5, "median_seconds": 300.0, "p90_seconds": 960.0},
        "Email": {"count": 1, "median_seconds": 30.0, "p90_seconds": 30.0}}


def test_first_response_over_everything(sam: Any) -> None:
    # 30 60 120 300 600 1200: median at h = 2.5 -> 210; p90 at h = 4.5 -> 900.
    assert rows(sam, f"first-response?{D}") == {
        "all": {"count": 6, "median_seconds": 210.0, "p90_seconds": 900.0}}


def test_resolution_time_leaves_out_merged_duplicates(sam: Any) -> None:
    # c3 1800, c1 3600, c2 7200, c6 97200 (created the day before): median 5400,
    # p90 at h = 2.7 -> 7200 + 0.7 * 90000. c7 (merged, 600 s) is not there.
    assert rows(sam, f"resolution?{D}&group=queue") == {
        "Social care": {"count": 4, "median_seconds": 5400.0, "p90_seconds": 70200.0}}


def test_handle_time_per_agent_less_time_pending(sam: Any) -> None:
    # alice: c1 3540, c2 7080 - 600 pending = 6480, c6 97140: median 6480,
    # p90 at h = 1.8 -> 6480 + 0.8 * 90660 = 79008; bob: c3 1500.
    assert rows(sam, f"handle-time?{D}&group=agent") == {
        "Alice Agent": {"count": 3, "median_seconds": 6480.0, "p90_seconds": 79008.0},
        "Bob Agent": {"count": 1, "median_seconds": 1500.0, "p90_seconds": 1500.0}}


def test_sla_attainment_counts_each_stopped_target(sam: Any) -> None:
    # Social care: first response c1 c2 (met) c3 c4 (missed); resolution c1 c3 c6 (met)
    # c2 (missed): 5 of 8. Email: c8's first response, met.
    assert rows(sam, f"sla?{D}&group=queue") == {
        "Social care": {"first_response_targets": 4, "first_response_met": 2,
                        "resolution_targets": 4, "resolution_met": 3,
                        "sla_attainment": 0.625},
        "Email": {"first_response_targets": 1, "first_response_met": 1,
                  "resolution_targets": 0, "resolution_met": 0, "sla_attainment": 1.0}}


def test_sla_attainment_per_policy_has_none_for_cases_without_targets(sam: Any) -> None:
    found = rows(sam, f"sla?{D}&group=policy")
    assert found["Standard"]["sla_attainment"] == round(6 / 9, 4)
    assert found["(none)"]["sla_attainment"] is None  # c5: no policy, no target


def test_volumes_per_day(sam: Any) -> None:
    # created: c6 on D-1, c1-c5 c7 c8 on D; handled on D: c1 c2 c3 c6 (c7 merged).
    assert rows(sam, f"volumes?{TWO_DAYS}&group=day") == {
        "2026-11-01": {"created": 1, "handled": 0},
        "2026-11-02": {"created": 7, "handled": 4}}


def test_escalation_rate_per_queue(sam: Any) -> None:
    assert rows(sam, f"escalation?{D}&group=queue") == {
        "Social care": {"created": 6, "escalated": 2, "escalation_rate": 0.3333},
        "Email": {"created": 1, "escalated": 0, "escalation_rate": 0.0}}


def test_community_answered_share(sam: Any) -> None:
    assert rows(sam, f"community?{D}") == {
        "all": {"handled": 4, "community_answered": 1, "community_share": 0.25}}


def test_backlog_at_the_end_of_each_day(sam: Any) -> None:
    # end of D-1: c6; during D seven arrive and five go (c7 merged goes too): c4 c5 c8.
    assert rows(sam, f"backlog?{TWO_DAYS}&group=day") == {
        "2026-11-01": {"created": 1, "resolved": 0, "open": 1},
        "2026-11-02": {"created": 7, "resolved": 5, "open": 3}}


def test_backlog_by_the_hour_starts_from_what_was_open(sam: Any) -> None:
    found = rows(sam, "backlog?since=2026-11-02T08:00:00Z&until=2026-11-02T11:00:00Z"
                      "&group=hour")
    assert found == {"2026-11-02T08:00": {"created": 0, "resolved": 0, "open": 1},
                     "2026-11-02T09:00": {"created": 6, "resolved": 2, "open": 5},
                     "2026-11-02T10:00": {"created": 1, "resolved": 1, "open": 5}}


def test_filters_narrow_the_cases(sam: Any, agent_alice: Any) -> None:
    # alice's: c1 c2 created on D (c6 the day before); c1 c2 c6 handled on D.
    assert rows(sam, f"volumes?{D}&agent={agent_alice.id}") == {
        "all": {"created": 2, "handled": 3}}
    assert rows(sam, f"first-response?{D}&priority=1") == {
        "all": {"count": 0, "median_seconds": None, "p90_seconds": None}}


def test_csv_has_the_json_figures(sam: Any) -> None:
    path = f"/api/v1/reports/sla?{D}&group=queue"
    as_json = sam.get(path).json
    answer = sam.get(path + "&format=csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="sla_2026-11-02_2026-11-03_queue.csv"')
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert list(table[0]) == as_json["columns"]
    assert [{k: str(v) for k, v in row.items() if k != "key"} for row in as_json["rows"]] == [
        dict(line) for line in table]


@pytest.mark.parametrize(("query", "field"), [
    ("since=yesterday", "since"),
    ("since=0001-01-01", "since"),
    ("until=9999-12-31", "until"),
    ("since=2026-11-03&until=2026-11-02", "until"),
    ("since=2026-11-02T10:00:00Z&until=2026-11-02T10:00:00Z", "until"),
    ("group=colour", "group"),
    ("queue=first", "queue"),
    ("format=xlsx", "format"),
    ("queue_id=1", "queue_id"),
])
def test_bad_queries_are_422_naming_the_field(sam: Any, query: str, field: str) -> None:
    answer = sam.get(f"/api/v1/reports/volumes?{query}")
    assert answer.status_code == 422
    assert field in answer.json["error"]["fields"]


def test_backlog_is_only_over_time(sam: Any) -> None:
    answer = sam.get(f"/api/v1/reports/backlog?{D}&group=queue")
    assert answer.status_code == 422
    assert "group" in answer.json["error"]["fields"]


def test_an_unknown_report_is_404(sam: Any) -> None:
    assert sam.get("/api/v1/reports/happiness").status_code == 404


def test_agents_may_not_read_reports(api_as: Any, agent_alice: Any) -> None:
    answer = api_as(agent_alice).get(f"/api/v1/reports/volumes?{D}")
    assert answer.status_code == 403
