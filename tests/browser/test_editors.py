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


def fill_in(form: Any, values: dict[str, str], submit: str) -> None:
    """Type `values` into the inputs labelled so, then press the button `submit`."""
    for label, value in values.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=submit).click()


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
    fill_in(form, {"Text": "Hi {{contact.first_name}}, your refund is on its way.",
                   "Tags": "billing"}, "Add canned response")
    row = page.locator("#canned-rows tr", has_text="Refund on its way")
    expect(row).to_contain_text("billing")
    row.get_by_role("button", name="Edit").click()
    fill_in(form, {"Title": "Refund sent"}, "Save changes")
    expect(page.locator("#canned-rows tr", has_text="Refund sent")).to_be_visible()
    alice = _x_case(open_desk, server, workspace, "1874500000000000911",
                    "@AcmeSupport where is my refund")
    alice.page.get_by_role("button", name="Canned responses").click()
    items = alice.page.locator("#canned-list .canned-item")
    expect(items.filter(has_text="Refund sent")).to_have_count(1)
    items.filter(has_text="Refund sent").click()
    expect(alice.page.locator("#reply-text")).to_have_value(
        "Hi Rita, your refund is on its way.")


def test_an_admin_edits_a_calendar_with_a_split_shift_and_a_holiday(
        open_desk: Any, admin_ada: Any, workspace: Any) -> None:
    page = open_editors(open_desk(admin_ada), "Business calendars")
    form = page.locator("#calendar-form")
    fill_in(form, {"Name": "Support hours", "Time zone": "Europe/London",
                   "Monday": "08:00-12:00"}, "Add calendar")
    row = page.locator("#calendar-rows tr", has_text="Support hours")
    expect(row).to_contain_text("mon 08:00-12:00")
    row.get_by_role("button", name="Edit").click()
    fill_in(form, {"Monday": "08:00-12:00, 11:00-18:00"}, "Save changes")
    expect(page.locator("#calendar-weekly_hours-mon-error")).to_have_text("overlaps 08:00-12:00")
    fill_in(form, {"Monday": "08:00-12:00, 13:30-18:00", "Holidays": "2026-12-25"},
            "Save changes")
    expect(row).to_contain_text("mon 08:00-12:00, 13:30-18:00")
    expect(row).to_contain_text("2026-12-25")
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
    expect(page.locator("#calendar-rows tr", has_text="Support hours")).to_contain_text(
        "13:30-18:00")


def test_a_supervisor_sees_calendars_without_the_form(open_desk: Any, workspace: Any) -> None:
    page = open_editors(open_desk(workspace.sam), "Business calendars")
    expect(page.locator("#calendar-rows")).to_be_visible()
    expect(page.locator("#calendar-form")).to_be_hidden()


def test_an_admin_adds_and_edits_an_sla_policy_and_a_bad_target_is_told(
        open_desk: Any, admin_ada: Any, workspace: Any) -> None:
    desk = open_desk(admin_ada)
    made = desk.api("POST", "/calendars", {"name": "Weekdays", "timezone": "Europe/London",
                                           "weekly_hours": {"mon": [["09:00", "17:00"]]}})
    assert made["status"] == 201, made
    page = open_editors(desk, "SLA policies")
    form = page.locator("#sla-policy-form")
    form.get_by_label("Name").fill("Gold care")
    form.get_by_label("Calendar").select_option(label="Weekdays")
    fill_in(form, {"P1 first response": "15", "P1 resolution": "480"}, "Add policy")
    row = page.locator("#sla-policy-rows tr", has_text="Gold care")
    expect(row).to_contain_text("Weekdays")
    expect(row).to_contain_text("P1: first response 15 min, resolution 8 h")
    row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("P1 first response")).to_have_value("15")
    fill_in(form, {"P1 first response": "-5"}, "Save changes")
    expect(page.locator("#sla-policy-targets-1-first_response-error")).to_contain_text(
        "positive number")
    fill_in(form, {"P1 first response": "30", "P2 first response": "60"}, "Save changes")
    expect(row).to_contain_text("P1: first response 30 min, resolution 8 h; P2: first response 1 h")
    policies = desk.api("GET", "/sla-policies")["body"]
    gold = next(p for p in policies if p["name"] == "Gold care")
    assert gold["targets"]["1"] == {"first_response": 1800, "resolution": 28800}


def test_a_supervisor_sees_sla_policies_without_the_form(open_desk: Any, workspace: Any) -> None:
    page = open_editors(open_desk(workspace.sam), "SLA policies")
    expect(page.locator("#sla-policy-rows")).to_be_visible()
    expect(page.locator("#sla-policy-form")).to_be_hidden()
