"""Working together: escalations reach supervisors, desks show who else is in a case,
and an @mention in an internal note notifies the colleague named."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for


def _case(server: Any, workspace: Any, item_id: str, text: str) -> Any:
    post_review(server.url, workspace.reviews, item_id, text)
    return wait_for(case_whose_subject_has(text), what="the case")


def test_an_escalation_reaches_the_supervisor_desk_with_its_reason(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    sam = open_desk(workspace.sam)
    alice = open_desk(workspace.alice)
    case = _case(server, workspace, "r-esc", "Your engineer damaged my wall")
    alice.open(case.id)
    alice.action("claim").click()
    expect(alice.page.locator("#case-holder")).to_have_text("Yours")
    alice.page.keyboard.press("e")
    dialog = alice.page.locator("#escalate-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Why").fill("Property damage: needs a claims specialist")
    dialog.get_by_label("Send to").select_option(label="Tier 2")
    dialog.get_by_role("button", name="Escalate").click()
    expect(dialog).to_be_hidden()
    expect(sam.page.locator(".toast")).to_contain_text(
        f"Case #{case.id} escalated to level 1 by Alice Agent")
    expect(sam.row(case.id).locator(".badge--escalated")).to_have_text("Escalated L1")
    expect(sam.row(case.id)).to_contain_text("Waiting in Tier 2")
    sam.open(case.id)
    expect(sam.page.locator("#timeline")).to_contain_text(
        "Escalated to level 1 by Alice Agent because Property damage: needs a claims specialist, "
        "moved to Tier 2")
    sam.screenshot("escalation-seen-by-supervisor")


def test_desks_show_who_else_is_viewing_and_typing_in_a_case(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    case = _case(server, workspace, "r-view", "Parcel left in the rain")
    alice.open(case.id)
    bob.open(case.id)
    viewers = alice.page.locator("#viewers")
    expect(viewers).to_have_text("Bob Agent is also viewing")
    expect(bob.page.locator("#viewers")).to_have_text("Alice Agent is also viewing")
    bob.page.locator("#tab-note").click()
    bob.page.locator("#note-text").press_sequentially("Checking the courier")
    expect(viewers).to_have_text("Bob Agent is typing…")
    expect(viewers).to_have_text("Bob Agent is also viewing", timeout=6000)  # paused
    bob.page.goto("about:blank")  # Bob closes the desk
    expect(viewers).to_have_text("")


def test_an_at_mention_in_a_note_notifies_that_agent(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    case = _case(server, workspace, "r-note", "Refund promised twice, still nothing")
    alice.open(case.id)
    alice.page.locator("#tab-note").click()
    note = alice.page.locator("#note-text")
    note.press_sequentially("Promised on the phone, see call log. @Bo")
    option = alice.page.get_by_role("option", name="Bob Agent")
    expect(option).to_be_visible()
    note.press("Enter")
    expect(note).to_have_value("Promised on the phone, see call log. @Bob Agent ")
    note.press_sequentially("can you confirm?")
    alice.page.get_by_role("button", name="Add note").click()
    expect(alice.page.locator("#timeline .note")).to_contain_text("can you confirm?")
    expect(alice.page.locator("#timeline .note")).to_contain_text("Mentioned: Bob Agent")
    toast = bob.page.locator(".toast", has_text="Alice Agent mentioned you")
    expect(toast).to_contain_text(f"case #{case.id}")
    toast.get_by_role("button", name="Open").click()
    expect(bob.page.locator("#case-view")).to_have_attribute("data-case-id", str(case.id))
    expect(bob.page.locator("#timeline .note")).to_contain_text("@Bob Agent can you confirm?")
