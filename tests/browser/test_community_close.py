"""Community answers on the desk: once another member of the public answered in the
thread and the customer thanked them, the case view offers "Close as answered by the
community", which resolves the case with disposition `answered_by_community`."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, find_case, post_review, wait_for
from tests.conftest import WAIT


def _comment(server: Any, workspace: Any, item_id: str, text: str, author: str,
             in_reply_to: str | None = None) -> None:
    post_review(server.url, workspace.reviews, item_id, text, type="comment",
                thread_id="post-77", author={"id": author, "name": author.title()},
                **({"in_reply_to": in_reply_to} if in_reply_to else {}))


def test_the_desk_closes_a_case_answered_by_the_community(
        open_desk: Any, server: Any, workspace: Any) -> None:
    alice = open_desk(workspace.alice)
    _comment(server, workspace, "cq-1", "My router drops every hour, awful, help?", "pat")
    case = wait_for(case_whose_subject_has("router drops every hour"), what="the case")
    assert alice.api("POST", f"/cases/{case.id}/claim")["status"] == 200
    alice.open(case.id)
    button = alice.page.locator("#case-actions button[data-action=communityClose]")
    expect(button).to_be_hidden()
    _comment(server, workspace, "ca-1", "Update the firmware, fixed mine", "kim", "cq-1")
    _comment(server, workspace, "cq-2", "That worked, thanks Kim!", "pat", "ca-1")
    wait_for(lambda: "community_answer" in (find_case(id=case.id).tags or []) or None,
             what="the community suggestion")
    expect(button).to_be_visible(timeout=WAIT * 1000)  # live, the case view follows
    button.click()
    wait_for(lambda: find_case(id=case.id, status="resolved"), what="the case resolved")
    assert find_case(id=case.id).disposition == "answered_by_community"
    assert alice.errors == []
