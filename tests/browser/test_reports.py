"""The reports page shows the hand-computed figures of tests/reports_data.py, and the CSV
it offers has the same numbers. Also docs/reports.png (INBOX_UPDATE_DOCS_SCREENSHOT=1)."""

from __future__ import annotations

import csv
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_docs_screenshot import keep_for_docs
from tests.conftest import WAIT
from tests.reports_data import arrange

DAY_D = "since=2026-11-02&until=2026-11-02"


def open_reports(desk: Any, query: str) -> Any:
    desk.page.goto(f"{desk.base_url}/reports?{query}")
    desk.page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    return desk.page


def cell(page: Any, report: str, group: str, column: str) -> Any:
    return page.locator(f"#report-{report} tr[data-group='{group}'] td[data-column={column}]")


def test_the_page_shows_the_hand_computed_figures(open_desk: Any, workspace: Any) -> None:
    arrange(workspace.alice, workspace.bob)
    page = open_reports(open_desk(workspace.sam), f"{DAY_D}&group=queue")
    # first replies 60 120 300 600 1200 s: median 5 min, p90 960 s.
    expect(cell(page, "first-response", "Social care", "median_seconds")).to_have_text("5m 00s")
    expect(cell(page, "first-response", "Social care", "p90_seconds")).to_have_text("16m 00s")
    expect(cell(page, "sla", "Social care", "sla_attainment")).to_have_text("62.5 %")  # 5 / 8
    expect(cell(page, "escalation", "Social care", "escalation_rate")).to_have_text("33.3 %")
    expect(cell(page, "community", "Social care", "community_share")).to_have_text("25.0 %")
    expect(cell(page, "volumes", "Social care", "handled")).to_have_text("4")
    # The backlog is by day whatever the grouping: c6 open overnight, then c4 c5 c8.
    expect(cell(page, "backlog", "2026-11-02", "open")).to_have_text("3")
    expect(page.locator("#report-volumes canvas")).to_be_visible()
    keep_for_docs(_screenshot(page))


def _screenshot(page: Any) -> Any:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "reports.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_the_csv_from_the_page_has_the_same_numbers(open_desk: Any, workspace: Any) -> None:
    arrange(workspace.alice, workspace.bob)
    page = open_reports(open_desk(workspace.sam), f"{DAY_D}&group=queue")
    with page.expect_download() as download:
        page.locator("#report-sla a.export").click()
    with open(download.value.path(), newline="") as opened:
        table = {row["group"]: row for row in csv.DictReader(opened)}
    assert table["Social care"]["sla_attainment"] == "0.625"
    assert (table["Social care"]["first_response_targets"],
            table["Social care"]["first_response_met"]) == ("4", "2")
    assert table["Email"]["sla_attainment"] == "1.0"


def test_agents_get_the_forbidden_page(open_desk: Any, workspace: Any) -> None:
    alice = open_desk(workspace.alice)
    expect(alice.page.get_by_role("link", name="Reports")).to_have_count(0)
    answer = alice.page.goto(f"{alice.base_url}/reports")
    assert answer is not None and answer.status == 403
