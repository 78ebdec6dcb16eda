"""The editors page as a supervisor uses it: the watch list edited, its validation shown
beside the field. Also docs/editors.png (INBOX_UPDATE_DOCS_SCREENSHOT=1)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.test_docs_screenshot import keep_page_for_docs
from tests.conftest import WAIT


def open_editors(desk: Any, section: str) -> Any:
    desk.page.get_by_role("link", name="Editors").click()
    desk.page.wait_for_url(f"{desk.base_url}/editors")
    desk.page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    desk.page.get_by_role("navigation", name="Editors").get_by_role("link", name=section).click()
    return desk.page


def test_a_watch_term_added_here_is_listed_and_a_bad_one_is_told(
        open_desk: Any, workspace: Any) -> None:
    page = open_editors(open_desk(workspace.sam), "Watch terms")
    form = page.locator("#watch-term-form")
    form.get_by_label("Term or #hashtag").fill("#AcmeFail")
    form.get_by_role("button", name="Watch", exact=True).click()
    row = page.locator("#watch-term-rows tr", has_text="#AcmeFail")
    expect(row).to_contain_text("Hashtag")
    form.get_by_label("Term or #hashtag").fill("#AcmeFail")
    form.get_by_role("button", name="Watch", exact=True).click()
    expect(page.locator("#watch-term-term-error")).to_have_text("taken")
    form.get_by_label("Term or #hashtag").fill("#")
    form.get_by_role("button", name="Watch", exact=True).click()
    expect(page.locator("#watch-term-term-error")).not_to_be_empty()
    # Reloaded, the term is still there (it was saved, not only drawn).
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    expect(page.locator("#watch-term-rows tr", has_text="#AcmeFail")).to_be_visible()
    row = page.locator("#watch-term-rows tr", has_text="#AcmeFail")
    row.get_by_role("button", name="Stop watching #AcmeFail").click()
    expect(page.locator("#watch-term-rows")).to_contain_text("Nothing watched yet.")
    page.get_by_label("Term or #hashtag").fill("Acme Rocket")
    page.get_by_role("button", name="Watch", exact=True).click()
    expect(page.locator("#watch-term-rows tr", has_text="Acme Rocket")).to_contain_text("Term")
    keep_page_for_docs(page, "editors")

