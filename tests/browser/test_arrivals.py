"""Two agents watch one queue: a webhook's case reaches both desks within a second."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import case_whose_subject_has, post_review, wait_for


def test_a_webhook_case_reaches_both_agents_within_a_second(open_desk: Any, server: Any,
                                                           workspace: Any) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    post_review(server.url, workspace.reviews, "r-1", "The delivery never came and nobody answers")
    case = wait_for(case_whose_subject_has("delivery never came"), what="the case")
    existed_at = time.monotonic()
    for desk in (alice, bob):
        left_ms = max(1.0, 1000 - (time.monotonic() - existed_at) * 1000)
        expect(desk.row(case.id)).to_be_visible(timeout=left_ms)
    assert time.monotonic() - existed_at < 1.0
    expect(alice.row(case.id)).to_contain_text("delivery never came")
    alice.screenshot("arrival-alice")
    assert alice.errors == [] and bob.errors == []
