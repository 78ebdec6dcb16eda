"""Conversation first: at 1440×900 the timeline has the room, opens at the newest message,
reads older pages as the agent scrolls up, brings a reply just sent into view, and the
action bar and the composer fold away from the keyboard (docs/desk.md)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import Desk, case_whose_subject_has, post_x_mention, wait_for
from tests.fakes.conversations import Seeded, add_history

MENTION_ID = "1874500000000000401"
HISTORY = 119  # and the mention: 120 messages, the detail's page is 50

# Where an item is, seen from the timeline: "above", "below" or "in" its visible box.
WHERE = """(el) => {
    const list = document.getElementById('timeline').getBoundingClientRect();
    const box = el.getBoundingClientRect();
    if (box.bottom <= list.top + 1) return 'above';
    if (box.top >= list.bottom - 1) return 'below';
    return 'in';
}"""


def long_conversation(server: Any) -> int:
    """Rita's mention (the newest message) after two days of back and forth."""
    post_x_mention(server.url, MENTION_ID, "@AcmeSupport still no refund after two days")
    case = wait_for(case_whose_subject_has("still no refund"), what="the case")
    assert case.contact_id is not None
    add_history(Seeded(case.channel_id, case.id, 0, case.contact_id), HISTORY)
    return int(case.id)


def open_long_conversation(open_desk: Any, server: Any, workspace: Any) -> tuple[Desk, int]:
    """Alice's desk at 1440×900 with the long conversation open."""
    alice = open_desk(workspace.alice)
    alice.page.set_viewport_size({"width": 1440, "height": 900})
    case_id = long_conversation(server)
    alice.open(case_id)
    return alice, case_id


def timeline_height(desk: Desk) -> float:
    return float(desk.page.locator("#timeline").evaluate("el => el.clientHeight"))


def test_the_timeline_has_the_room_opens_at_the_newest_and_loads_older_on_scroll(
    open_desk: Any, server: Any, workspace: Any,
) -> None:
    alice, case_id = open_long_conversation(open_desk, server, workspace)
    page = alice.page
    timeline = page.locator("#timeline")
    newest = timeline.locator(".msg", has_text="still no refund after two days")
    expect(newest).to_be_visible()
    assert newest.evaluate(WHERE) == "in"  # opened at the newest, not part-way through
    assert timeline_height(alice) >= 450, timeline_height(alice)
    alice.screenshot("conversation-1440x900")
    messages = timeline.locator(".msg")
    expect(messages).to_have_count(50)  # the newest page only
    expect(timeline.locator("#timeline-older")).to_be_visible()

    # Scrolling up reads the page before, and what the agent was reading stays in view.
    oldest_read = timeline.locator(".msg", has_text="history 69")
    timeline.evaluate("el => { el.scrollTop = 0; }")
    expect(messages).to_have_count(100)
    assert oldest_read.evaluate(WHERE) == "in"
    timeline.evaluate("el => { el.scrollTop = 0; }")
    expect(messages).to_have_count(120)
    expect(timeline.locator("#timeline-older")).to_have_count(0)  # the start: nothing more
    expect(timeline.locator(".msg").first).to_contain_text("history 0")
    assert alice.errors == [], alice.state()


def test_a_reply_just_sent_is_scrolled_into_view(
    open_desk: Any, server: Any, workspace: Any, platform_api: Any,
) -> None:
    alice, case_id = open_long_conversation(open_desk, server, workspace)
    page = alice.page
    timeline = page.locator("#timeline")
    timeline.evaluate("el => { el.scrollTop = el.scrollHeight / 3; }")  # reading back
    newest = timeline.locator(".msg", has_text="still no refund after two days")
    expect(newest).not_to_be_in_viewport()
    page.locator("#reply-text").fill("The refund went out this morning, sorry for the wait.")
    page.keyboard.press("Control+Enter")
    sent = timeline.locator(".msg[data-direction=out]", has_text="The refund went out")
    expect(sent).to_be_visible()
    wait_for(lambda: sent.evaluate(WHERE) == "in", what="the sent reply in view")
    expect(sent.locator(".send-status")).to_have_attribute("data-send-status", "sent",
                                                           timeout=30_000)
    # Still there once sent: the case re-renders, and on a busy machine the pin to the
    # newest lands a frame later (ResizeObserver), so the end state is what is checked.
    wait_for(lambda: sent.evaluate(WHERE) == "in", what="the sent reply in view once sent")


def test_the_action_bar_and_the_composer_fold_from_the_keyboard(
    open_desk: Any, server: Any, workspace: Any,
) -> None:
    alice, case_id = open_long_conversation(open_desk, server, workspace)
    page = alice.page
    page.locator("#timeline").focus()
    unfolded = timeline_height(alice)
    actions, composer = page.locator("#toggle-actions"), page.locator("#toggle-composer")

    page.keyboard.press("a")
    expect(actions).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#case-actions")).to_be_hidden()
    page.keyboard.press("w")
    expect(composer).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#reply-text")).to_be_hidden()
    folded = timeline_height(alice)
    assert folded >= unfolded + 150, (unfolded, folded)
    newest = page.locator("#timeline .msg", has_text="still no refund after two days")
    assert newest.evaluate(WHERE) == "in"  # still at the newest with the room grown
    alice.screenshot("conversation-folded")

    page.reload()  # the choice is remembered in this browser
    alice.wait_live()
    alice.open(case_id)
    expect(actions).to_have_attribute("aria-expanded", "false")
    expect(composer).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("r")  # replying opens the composer again
    expect(composer).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#reply-text")).to_be_focused()
    actions.click()
    expect(page.locator("#case-actions")).to_be_visible()

    page.locator("#timeline").focus()
    page.keyboard.press("?")
    shortcuts = page.locator("#shortcut-list")
    expect(shortcuts).to_contain_text("show or hide the case actions")
    expect(shortcuts).to_contain_text("show or hide the composer")
