"""The reports page filters by where the contacts are: a region, then a country in it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.test_reports import DAY_D, cell, open_reports
from tests.conftest import WAIT
from tests.reports_data import arrange, locate_cases


def test_a_supervisor_narrows_the_reports_to_a_region_and_a_country(
        open_desk: Any, workspace: Any) -> None:
    arrange(workspace.alice, workspace.bob)
    locate_cases()  # c1 Germany, c2 France, c8 Austria
    page = open_reports(open_desk(workspace.sam), f"{DAY_D}&group=all")
    expect(cell(page, "volumes", "all", "created")).to_have_text("7")
    country = page.locator("#report-country")
    expect(country.locator("option")).to_have_text(["Any", "Austria", "France", "Germany"])
    page.locator("#report-region").select_option("DACH")
    page.locator("#report-apply").click()
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    expect(cell(page, "volumes", "all", "created")).to_have_text("2")  # c1 and c8
    expect(cell(page, "volumes", "all", "handled")).to_have_text("1")  # c1
    country.select_option(label="Austria")
    page.locator("#report-apply").click()
    expect(cell(page, "volumes", "all", "created")).to_have_text("1")
    expect(cell(page, "volumes", "all", "handled")).to_have_text("0")
    assert "region=DACH" in page.url and "country=AT" in page.url
