"""Two agents watch one queue: a webhook's case reaches both desks live, with no reload.
How fast is measured where speed belongs, in bench/realtime.py (webhook -> event p50/p95
/p99 with traffic in the background); a timed browser test would fail on a busy machine."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for
from tests.conftest import WAIT


def test_a_webhook_case_reaches_both_agents_live(open_desk: Any, server: Any,
                                                workspace: Any) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    post_review(server.url, workspace.reviews, "r-1", "The delivery never came and nobody answers")
    case = wait_for(case_whose_subject_has("delivery never came"), what="the case")
    for desk in (alice, bob):
        # Live: the row came while the page stayed as it was (never reloaded).
        expect(desk.row(case.id)).to_be_visible(timeout=WAIT * 1000)
        assert desk.page.evaluate("performance.getEntriesByType('navigation').length") == 1
    expect(alice.row(case.id)).to_contain_text("delivery never came")
    alice.screenshot("arrival-alice")
    assert alice.errors == [] and bob.errors == []
