"""The supervisors' wallboard, live: a case arrives, is claimed and breaches, and the
wallboard follows without a reload; a supervisor reassigns a breached case from the
drill-down and the agents' desks show it. How fast is bench/wallboard.py's to measure."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for
from tests.browser.wallboard import WallboardPage, breach
from tests.conftest import WAIT


def test_the_wallboard_follows_arrival_claim_and_breach(open_desk: Any, server: Any,
                                                        workspace: Any) -> None:
    board = WallboardPage(open_desk(workspace.sam)).open()
    alice = open_desk(workspace.alice)
    board.expect_figure(workspace.social, "waiting", "0")
    post_review(server.url, workspace.reviews, "w-1", "The engineer never came round")
    case = wait_for(case_whose_subject_has("engineer never came"), what="the case")
    assert case.queue_id == workspace.social
    board.expect_figure(workspace.social, "waiting", "1")
    assert alice.api("POST", f"/cases/{case.id}/claim")["status"] == 200
    board.expect_figure(workspace.social, "waiting", "0")
    breach(case.id)
    board.expect_figure(workspace.social, "breached", "1")
    expect(board.breached_case(case.id)).to_contain_text("Alice Agent",
                                                         timeout=WAIT * 1000)
    # All of it live: the page was never reloaded.
    assert board.page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert board.desk.errors == []


def test_a_supervisor_reassigns_from_the_drill_down_and_the_desks_follow(
        open_desk: Any, server: Any, workspace: Any) -> None:
    alice, bob = open_desk(workspace.alice), open_desk(workspace.bob)
    board = WallboardPage(open_desk(workspace.sam)).open()
    post_review(server.url, workspace.reviews, "w-2", "Billed twice for one month")
    case = wait_for(case_whose_subject_has("Billed twice"), what="the case")
    assert alice.api("POST", f"/cases/{case.id}/claim")["status"] == 200
    breach(case.id)
    row = board.breached_case(case.id)
    expect(row).to_contain_text("Alice Agent", timeout=WAIT * 1000)
    row.locator("select[data-action=reassign]").select_option(label="Bob Agent")
    expect(board.page.locator(".toast")).to_contain_text(f"Case #{case.id} reassigned")
    # Bob's desk shows the case as his, Alice's as taken by him: live, no reload.
    expect(bob.row(case.id)).to_contain_text("Yours", timeout=WAIT * 1000)
    expect(alice.row(case.id)).to_contain_text("Taken by Bob Agent", timeout=WAIT * 1000)
    expect(row).to_contain_text("Bob Agent", timeout=WAIT * 1000)
    row.locator("select[data-action=priority]").select_option(label="P1")
    expect(bob.row(case.id).locator(".prio")).to_have_text("P1", timeout=WAIT * 1000)
    assert board.desk.errors == [] and bob.errors == [] and alice.errors == []
