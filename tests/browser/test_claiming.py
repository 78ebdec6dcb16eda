"""Claiming: one agent takes a case, every other desk shows it taken and refuses it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for


def _arrived(open_desk: Any, server: Any, workspace: Any, text: str) -> tuple[Any, Any, Any]:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    post_review(server.url, workspace.reviews, f"r-{abs(hash(text))}", text)
    case = wait_for(case_whose_subject_has(text), what="the case")
    for desk in (alice, bob):
        expect(desk.row(case.id)).to_be_visible()
    return alice, bob, case


def test_a_claim_shows_as_taken_on_the_other_desk_which_cannot_claim_it(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice, bob, case = _arrived(open_desk, server, workspace, "Charged twice for one order")
    alice.open(case.id)
    bob.open(case.id)
    alice.page.keyboard.press("c")
    expect(alice.page.locator("#case-holder")).to_have_text("Yours")
    expect(bob.row(case.id)).to_contain_text("Taken by Alice Agent")
    expect(bob.page.locator("#case-holder")).to_have_text("Taken by Alice Agent")
    expect(bob.action("claim")).to_be_disabled()
    bob.page.keyboard.press("c")
    expect(bob.page.locator(".toast")).to_contain_text("Alice Agent holds it")
    refused = bob.api("POST", f"/cases/{case.id}/claim")
    assert refused["status"] == 409
    assert refused["body"]["error"]["assignee_id"] == workspace.alice.id
    bob.screenshot("claimed-by-alice-seen-by-bob")


def test_the_composer_refuses_a_reply_to_a_case_someone_else_holds(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice, bob, case = _arrived(open_desk, server, workspace, "Wrong size delivered")
    alice.open(case.id)
    alice.action("claim").click()
    bob.open(case.id)
    expect(bob.page.locator("#reply-held")).to_contain_text("Alice Agent holds this case")
    expect(bob.page.locator("#reply-text")).to_be_disabled()
    expect(bob.page.locator("#reply-send")).to_be_disabled()
    refused = bob.api("POST", f"/cases/{case.id}/reply",
                      {"text": "I can help", "visibility": "public"})
    assert refused["status"] == 409
    assert refused["body"]["error"]["code"] == "held_by_other"
