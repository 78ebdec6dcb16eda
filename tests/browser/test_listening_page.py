"""The listening page: the monitored stream fills live, j/k move and `p` promotes the
selected mention to a case; watch terms are added on the page; the trends charts draw.
Saves test-output/screenshots/listening.png; with INBOX_UPDATE_DOCS_SCREENSHOT=1 it
also replaces docs/listening.png."""

from __future__ import annotations

import os
import shutil
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from inbox.models import Case
from inbox.services import unit_of_work
from tests.browser.desk import ROOT, post_review
from tests.conftest import WAIT


def test_the_stream_promotes_with_p_and_watch_terms_are_edited(
        open_desk: Any, server: Any, workspace: Any) -> None:
    sam = open_desk(workspace.sam)
    page = sam.page
    page.goto(f"{server.url}/listening")
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    page.locator("#listening-term-form input[name=term]").fill("#AcmeLove")
    page.locator("#listening-term-form button[data-submit]").click()
    expect(page.locator("#listening-term-rows")).to_contain_text("#AcmeLove",
                                                                 timeout=WAIT * 1000)
    expect(page.locator("#filter-term")).to_contain_text("#AcmeLove")

    post_review(server.url, workspace.reviews, "l-1", "Saw the Acme van in town #AcmeLove",
                type="mention")
    post_review(server.url, workspace.reviews, "l-2", "Acme kettle is lovely, great buy",
                type="mention")
    mentions = page.locator("#stream .mention")
    expect(mentions).to_have_count(2, timeout=WAIT * 1000)  # live, no reload
    expect(mentions.first).to_have_attribute("aria-selected", "true")
    page.locator("body").press("j")
    expect(mentions.nth(1)).to_have_attribute("aria-selected", "true")
    promoted_text = mentions.nth(1).locator("p").inner_text()
    page.locator("body").press("p")
    expect(page.locator(".toast")).to_contain_text("opened from the mention", timeout=WAIT * 1000)
    expect(mentions).to_have_count(1, timeout=WAIT * 1000)
    with unit_of_work() as session:
        case = session.scalars(select(Case).where(Case.thread_key.like("promoted:%"))).one()
    assert case.subject == promoted_text and "listening" in case.tags

    page.locator("#stream-filters select[name=sentiment]").select_option("negative")
    expect(page.locator("#stream")).to_contain_text("Nothing monitored matches",
                                                    timeout=WAIT * 1000)
    page.locator("#stream-filters select[name=sentiment]").select_option("")
    expect(mentions).to_have_count(1, timeout=WAIT * 1000)
    # The charts drew from /api/v1/listening/trends (chart.js sizes its canvases).
    expect(page.locator("#complainers")).not_to_be_empty()
    assert page.evaluate("document.getElementById('chart-volume').width") > 0
    # Crisis settings on the page: a bad value is refused naming its field, a good one saved.
    settings = page.locator("#crisis-settings")
    settings.locator("input[name=multiple]").fill("0.5")
    settings.get_by_role("button", name="Save crisis settings").click()
    expect(settings.locator(".form-error")).to_contain_text("multiple", timeout=WAIT * 1000)
    settings.locator("input[name=multiple]").fill("4")
    settings.locator("input[name=min_volume]").fill("7")
    settings.locator("select[name=queue_id]").select_option(label="Tier 2")
    settings.get_by_role("button", name="Save crisis settings").click()
    expect(page.locator(".toast").last).to_contain_text("Crisis settings saved",
                                                        timeout=WAIT * 1000)
    saved = sam.api("GET", "/crisis/settings")["body"]
    assert (saved["multiple"], saved["min_volume"], saved["queue_id"]) == (4, 7, workspace.tier2)
    page.evaluate("window.scrollTo(0, 0)")
    shot = sam.screenshot("listening")
    if os.environ.get("INBOX_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copy(shot, ROOT / "docs" / "listening.png")
    assert sam.errors == [], sam.errors
