"""The desk as docs/desk.md shows it: a busy queue, a case open with its contact's
history across channels, a reply sent, a note, a colleague typing. And the admin page as
docs/admin.md shows it: channels with what each still needs to send replies.

Saved to test-output/screenshots/{desk,admin}.png on every run; with
INBOX_UPDATE_DOCS_SCREENSHOT=1 they also replace docs/desk.png and docs/admin.png.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.admin import AdminPage
from tests.browser.desk import (
    ROOT,
    case_whose_subject_has,
    earlier_email_case,
    post_review,
    post_x_mention,
    wait_for,
)


def test_a_screenshot_of_the_desk_for_the_docs(
    open_desk: Any, server: Any, workspace: Any, platform_api: Any
) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    post_review(server.url, workspace.reviews, "d-1", "Two stars: the installer was late",
                rating=2)
    post_review(server.url, workspace.reviews, "d-2", "Total outage in Leeds since 9am")
    post_x_mention(server.url, "1874500000000000401",
                   "@AcmeSupport third time my router drops this week. Fix it or I leave!")
    case = wait_for(case_whose_subject_has("third time my router"), what="the X case")
    assert case.contact_id is not None
    earlier_email_case(case.contact_id, workspace.email, workspace.email_queue)
    wait_for(case_whose_subject_has("Total outage"), what="the P1 case")

    alice.page.reload()
    alice.wait_live()
    alice.open(case.id)
    alice.page.keyboard.press("c")
    expect(alice.page.locator("#case-holder")).to_have_text("Yours")
    alice.page.keyboard.press("r")
    alice.page.keyboard.type("So sorry, Rita. I have booked an engineer for tomorrow morning.")
    alice.page.keyboard.press("Control+Enter")
    expect(alice.page.locator(".msg[data-direction=out] .send-status")).to_have_text(
        "Sent", timeout=10_000)
    alice.page.locator("#tab-note").click()
    alice.page.locator("#note-text").fill(
        "Third drop this week: @Bob Agent can you check the line logs?")
    alice.page.get_by_role("button", name="Add note").click()
    expect(alice.page.locator("#timeline .note")).to_be_visible()
    alice.page.locator("#tab-reply").click()

    bob.open(case.id)
    bob.page.locator("#tab-note").click()
    bob.page.locator("#note-text").press_sequentially("Line logs show")
    expect(alice.page.locator("#viewers")).to_contain_text("Bob Agent is typing…")
    alice.page.locator("#reply-text").fill("Could you DM me your account number?")
    toasts = alice.page.locator(".toast__close")
    while toasts.count():
        toasts.first.click()

    keep_for_docs(alice.screenshot("desk"))


def keep_for_docs(path: Path) -> None:
    if os.environ.get("INBOX_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(path, ROOT / "docs" / path.name)


def keep_page_for_docs(page: Any, name: str) -> None:
    """The whole of `page` as test-output/screenshots/<name>.png (and docs/, when asked)."""
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    keep_for_docs(path)


def test_a_screenshot_of_the_admin_page_for_the_docs(
    open_desk: Any, admin_ada: Any, platform_api: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("channels")
    admin.connect_channel("facebook", "Acme on Facebook", "104859392837465")
    expect(admin.row("channel", "Acme on Facebook")).to_contain_text("Missing access_token")
    admin.connect_channel("generic", "Community forum",
                          fields={"Reply URL": platform_api.url + "/forum/replies"})
    expect(section.locator(".once")).to_contain_text("Community forum")
    admin.row("channel", "Reviews").get_by_role("button", name="Edit").click()
    expect(admin.form("channel").get_by_label("Reply URL")).to_be_visible()
    keep_for_docs(admin.desk.screenshot("admin"))


def test_a_screenshot_of_the_wallboard_for_the_docs(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    from tests.browser.wallboard import WallboardPage, breach

    alice, bob = open_desk(workspace.alice), open_desk(workspace.bob)
    for item, text in (("s-1", "Total outage in Leeds since 9am"),
                       ("s-2", "Installer late again, third visit"),
                       ("s-3", "Refund still not in my account"),
                       ("s-4", "App logs me out every hour")):
        post_review(server.url, workspace.reviews, item, text)
    late = wait_for(case_whose_subject_has("Installer late"), what="a case")
    refund = wait_for(case_whose_subject_has("Refund still"), what="a case")
    wait_for(case_whose_subject_has("logs me out"), what="a case")
    assert alice.api("POST", f"/cases/{late.id}/claim")["status"] == 200
    assert bob.api("POST", f"/cases/{refund.id}/claim")["status"] == 200
    breach(late.id)
    board = WallboardPage(open_desk(workspace.sam)).open()
    board.expect_figure(workspace.social, "breached", "1")
    expect(board.breached_case(late.id)).to_be_visible()
    keep_for_docs(board.desk.screenshot("wallboard"))
