"""The editors page as a supervisor uses it: the watch list edited, its validation shown
beside the field; a rule tried on recent cases, saved and edited. Also docs/editors.png
(INBOX_UPDATE_DOCS_SCREENSHOT=1)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for
from tests.browser.test_composer import _x_case
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



def test_a_supervisor_tries_a_rule_on_recent_cases_then_saves_and_edits_it(
        open_desk: Any, server: Any, workspace: Any) -> None:
    post_review(server.url, workspace.reviews, "r-1", "I want a refund for the broken router")
    post_review(server.url, workspace.reviews, "r-2", "Lovely service, thank you")
    refund = wait_for(case_whose_subject_has("a refund"), what="the refund case")
    wait_for(case_whose_subject_has("Lovely service"), what="the other case")
    page = open_editors(open_desk(workspace.sam), "Rules")
    form = page.locator("#rule-form")
    form.get_by_label("Keywords").fill("refund")
    form.get_by_label("Queue").select_option(label="Tier 2")
    form.get_by_label("Priority").select_option(label="P1")
    # Saving without a name: the API's message shows beside the name.
    form.get_by_role("button", name="Add rule").click()
    expect(page.locator("#rule-name-error")).not_to_be_empty()
    page.locator("#rule-dry-run").click()
    matched = page.locator(f"#dry-run-case-{refund.id}")
    expect(matched).to_contain_text("matches")
    expect(matched).to_contain_text("Tier 2")
    expect(matched).to_contain_text("P1")
    expect(page.locator("#dry-run-rows tr", has_text="Lovely service")).not_to_contain_text(
        "matches")
    form.get_by_label("Name").fill("Refunds to tier 2")
    form.get_by_role("button", name="Add rule").click()
    row = page.locator("#rule-rows tr", has_text="Refunds to tier 2")
    expect(row).to_contain_text("keywords refund")
    expect(row).to_contain_text("queue Tier 2; P1")
    keep_page_for_docs(page, "editors")
    row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Keywords")).to_have_value("refund")
    form.get_by_label("Name").fill("Refunds first")
    form.get_by_label("Priority").select_option(label="P2")
    form.get_by_role("button", name="Save changes").click()
    row = page.locator("#rule-rows tr", has_text="Refunds first")
    expect(row).to_contain_text("queue Tier 2; P2")
    row.get_by_role("button", name="Disable").click()
    expect(row).to_contain_text("disabled")
    # The rule was saved: read again, it is still there as edited.
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    expect(page.locator("#rule-rows tr", has_text="Refunds first")).to_contain_text("disabled")


def test_a_canned_response_made_here_is_offered_in_the_desks_composer(
        open_desk: Any, server: Any, workspace: Any) -> None:
    page = open_editors(open_desk(workspace.sam), "Canned responses")
    form = page.locator("#canned-form")
    form.get_by_label("Title").fill("Refund on its way")
    form.get_by_role("button", name="Add canned response").click()
    expect(page.locator("#canned-body-error")).not_to_be_empty()  # the text is required
    form.get_by_label("Text").fill("Hi {{contact.first_name}}, your refund is on its way.")
    form.get_by_label("Tags").fill("billing")
    form.get_by_role("button", name="Add canned response").click()
    row = page.locator("#canned-rows tr", has_text="Refund on its way")
    expect(row).to_contain_text("billing")
    row.get_by_role("button", name="Edit").click()
    form.get_by_label("Title").fill("Refund sent")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#canned-rows tr", has_text="Refund sent")).to_be_visible()
    alice = _x_case(open_desk, server, workspace, "1874500000000000911",
                    "@AcmeSupport where is my refund")
    alice.page.get_by_role("button", name="Canned responses").click()
    items = alice.page.locator("#canned-list .canned-item")
    expect(items.filter(has_text="Refund sent")).to_have_count(1)
    items.filter(has_text="Refund sent").click()
    expect(alice.page.locator("#reply-text")).to_have_value(
        "Hi Rita, your refund is on its way.")
