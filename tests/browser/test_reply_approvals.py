"""Four-eyes public replies from the screens: an admin sets a queue to four eyes, the
agent's public reply shows "awaiting approval", the supervisor approves it on the
approvals page, and only then does the platform receive it (docs/sending.md)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.admin import AdminPage
from tests.browser.desk import Desk, case_whose_subject_has, post_x_mention, wait_for
from tests.conftest import WAIT

APPROVE_LABEL = "Four eyes: agents' public replies wait for a supervisor's approval"


def four_eyes_from_the_admin_page(admin: AdminPage) -> None:
    admin.open()
    admin.section("queues")
    admin.row("queue", "Social care").get_by_role("button", name="Edit").click()
    admin.form("queue").get_by_label(APPROVE_LABEL).check()
    admin.form("queue").get_by_label("Approval target (minutes)").fill("20")
    admin.form("queue").get_by_role("button", name="Save changes").click()
    expect(admin.row("queue", "Social care")).to_contain_text("public replies approved (20 min)")


def open_approvals(desk: Desk) -> Any:
    page = desk.page
    page.get_by_role("link", name="Approvals").click()
    page.wait_for_url(f"{desk.base_url}/approvals")
    page.wait_for_selector("#approvals-live[data-state=live]", state="attached",
                           timeout=WAIT * 1000)
    return page


def submit_reply(alice: Desk, mention_id: str, text: str, reply: str) -> Any:
    post_x_mention(alice.base_url, mention_id, text)
    case = wait_for(case_whose_subject_has(text.split(" ", 1)[1][:20]), what="the case")
    alice.open(case.id)
    alice.page.locator("#reply-text").fill(reply)
    alice.page.keyboard.press("Control+Enter")
    return case


def test_a_public_reply_reaches_the_platform_only_once_a_supervisor_approves_it(
    open_desk: Any, admin_ada: Any, workspace: Any, platform_api: Any,
) -> None:
    four_eyes_from_the_admin_page(AdminPage(open_desk(admin_ada)))
    alice = open_desk(workspace.alice)
    case = submit_reply(alice, "1874500000000000401", "@AcmeSupport my bill doubled overnight",
                        "Sorry! We are checking your bill now.")
    status = alice.page.locator(".msg[data-direction=out] .send-status")
    expect(status).to_have_attribute("data-send-status", "awaiting_approval",
                                     timeout=WAIT * 1000)
    expect(status).to_contain_text("Awaiting approval")
    expect(alice.page.locator(".toast", has_text="waiting for a supervisor's approval")
           ).to_be_visible()

    sam = open_desk(workspace.sam)
    page = open_approvals(sam)
    item = page.locator(f"#approval-list li[data-case-id='{case.id}']")
    expect(item).to_contain_text("my bill doubled overnight", timeout=WAIT * 1000)
    expect(item).to_contain_text("Public reply by Alice Agent")
    expect(item.locator(".approval__due")).to_contain_text("left")
    assert platform_api.calls("POST", "/2/tweets") == []  # nothing went while it waited
    sam.screenshot("approval-pending")
    item.get_by_role("button", name="Approve").click()
    expect(page.locator(".toast--success", has_text=f"Case #{case.id}: reply approved")
           ).to_be_visible()
    expect(page.locator("#approvals-empty")).to_be_visible()

    [call] = wait_for(lambda: platform_api.calls("POST", "/2/tweets"), what="the X API call")
    assert call.json["text"] == "Sorry! We are checking your bill now."
    expect(status).to_have_attribute("data-send-status", "sent", timeout=WAIT * 1000)
    expect(status).to_have_text("Sent")
    expect(alice.page.locator(".event[data-kind=reply_approved]")).to_contain_text(
        "Reply approved by Sam Supervisor", timeout=WAIT * 1000)
    assert alice.errors == [] and sam.errors == []


def test_a_reply_sent_back_shows_the_comment_and_returns_to_the_composer(
    open_desk: Any, admin_ada: Any, workspace: Any, platform_api: Any,
) -> None:
    four_eyes_from_the_admin_page(AdminPage(open_desk(admin_ada)))
    alice = open_desk(workspace.alice)
    case = submit_reply(alice, "1874500000000000402", "@AcmeSupport parcel lost twice now",
                        "Not our fault, ask the courier.")
    sam = open_desk(workspace.sam)
    page = open_approvals(sam)
    item = page.locator(f"#approval-list li[data-case-id='{case.id}']")
    item.get_by_label("Comment for Alice Agent").fill("Apologise first, please.")
    item.get_by_role("button", name="Send back").click()
    expect(page.locator("#approvals-empty")).to_be_visible(timeout=WAIT * 1000)

    status = alice.page.locator(".msg[data-direction=out] .send-status")
    expect(status).to_have_attribute("data-send-status", "returned", timeout=WAIT * 1000)
    expect(status).to_contain_text("Sam Supervisor: “Apologise first, please.”")
    expect(alice.page.locator("#reply-text")).to_have_value("Not our fault, ask the courier.")
    expect(alice.page.locator(".toast--warning", has_text="Reply sent back")).to_be_visible()
    assert platform_api.calls("POST", "/2/tweets") == []
    assert alice.errors == [] and sam.errors == []
