"""The right action one key away: j/k move, c claim, n next, r reply, e escalate, ? help."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import queue_row
from tests.fakes.conversations import connect_channel, seed_conversation


def test_keyboard_shortcuts_move_claim_take_next_reply_escalate_and_help(
    open_desk: Any, workspace: Any
) -> None:
    reviews = connect_channel("generic", None, name="Forum")
    social = queue_row(workspace.social)
    ids = [seed_conversation(reviews, external_id=f"k-{n}", thread_key=f"t-{n}",
                             visibility="public", kind="review", customer_id=f"c-{n}",
                             text=f"Keyboard case {n}", queue=social, priority=priority,
                             minutes_ago=10 - n).case_id
           for n, priority in ((1, 2), (2, 3), (3, 3))]
    alice = open_desk(workspace.alice)
    page = alice.page
    view = page.locator("#case-view")
    expect(alice.row(ids[2])).to_be_visible()

    page.keyboard.press("j")
    expect(view).to_have_attribute("data-case-id", str(ids[0]))  # P2 first
    page.keyboard.press("j")
    expect(view).to_have_attribute("data-case-id", str(ids[1]))
    page.keyboard.press("k")
    expect(view).to_have_attribute("data-case-id", str(ids[0]))
    expect(alice.row(ids[0])).to_have_attribute("aria-current", "true")

    page.keyboard.press("c")
    expect(page.locator("#case-holder")).to_have_text("Yours")

    page.keyboard.press("n")  # the best case left for me: the older of the two P3s
    expect(view).to_have_attribute("data-case-id", str(ids[1]))
    expect(page.locator("#case-holder")).to_have_text("Yours")

    page.keyboard.press("r")
    expect(page.locator("#reply-text")).to_be_focused()
    page.keyboard.type("j k c")  # typing is text, not shortcuts
    expect(page.locator("#reply-text")).to_have_value("j k c")
    expect(view).to_have_attribute("data-case-id", str(ids[1]))
    page.evaluate("document.activeElement.blur()")

    page.keyboard.press("?")
    help_dialog = page.locator("#help-dialog")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("claim the case")
    alice.screenshot("keyboard-help")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("e")
    expect(page.locator("#escalate-dialog")).to_be_visible()
    expect(page.get_by_label("Why (the supervisor reads this)")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#escalate-dialog")).to_be_hidden()
