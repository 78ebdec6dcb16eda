"""A reply's send state in plain sight: on the message, in a banner over the timeline with
Retry, and in toasts that say what happened; every send gives up after the retry schedule
(INBOX_SEND_RETRY_SCHEDULE, shortened here) — docs/desk.md, docs/sending.md."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from inbox.sandbox import Reply, SandboxPlatform
from tests.browser.conftest import X_TWEET_ID
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for
from tests.conftest import free_port

MENTION_ID = "1874500000000000301"
# Three waits of a second or two each: four attempts and "failed" within about ten seconds.
SCHEDULE = "1,1,1"
GAVE_UP = "gave up after 4 attempts: could not reach the platform"


@pytest.fixture
def x_port() -> int:
    """Where the worker calls X: nothing listens there until a test starts a platform."""
    return free_port()


@pytest.fixture
def backend_env(backend_env: dict[str, str], x_port: int) -> dict[str, str]:
    return {**backend_env, "INBOX_X_API_URL": f"http://127.0.0.1:{x_port}",
            "INBOX_SEND_RETRY_SCHEDULE": SCHEDULE}


def test_a_reply_to_an_unreachable_platform_fails_in_plain_sight_and_retry_sends_it(
    open_desk: Any, server: Any, workspace: Any, x_port: int,
) -> None:
    alice = open_desk(workspace.alice)
    page = alice.page
    post_x_mention(server.url, MENTION_ID, "@AcmeSupport my parcel tracking page is blank")
    case = wait_for(case_whose_subject_has("tracking page is blank"), what="the case")
    alice.open(case.id)
    page.locator("#reply-text").fill("Sorry! Checking the tracking for you now.")
    started = time.monotonic()
    page.keyboard.press("Control+Enter")
    expect(page.locator(".toast", has_text="Reply queued to send.")).to_be_visible()

    # On the message: queued, the attempts failing with the reason, then failed.
    status = page.locator(".msg[data-direction=out] .send-status")
    expect(status).to_have_attribute("data-send-status", "failed", timeout=30_000)
    assert time.monotonic() - started < 30  # within the schedule, not minutes later
    expect(status).to_contain_text("Not sent")
    expect(status).to_contain_text(GAVE_UP)
    expect(status.get_by_role("button", name="Retry")).to_be_visible()
    # Over the timeline, without scrolling: the banner with the reason and Retry.
    banner = page.locator("#send-failed")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("A reply was not sent.")
    expect(banner).to_contain_text(GAVE_UP)
    expect(banner).to_be_in_viewport()
    # The toast says what happened, with the reason.
    expect(page.locator(".toast--error", has_text=f"Reply not sent (case #{case.id}): "
                                                   f"{GAVE_UP}")).to_be_visible()
    alice.screenshot("send-failed")

    with SandboxPlatform(port=x_port) as platform:  # the platform is back
        platform.script("POST", "/2/tweets",
                        Reply(201, {"data": {"id": X_TWEET_ID, "text": "ok"}}))
        banner.get_by_role("button", name="Retry").click()
        expect(status).to_have_attribute("data-send-status", "sent", timeout=30_000)
        expect(status).to_have_text("Sent")
        expect(banner).to_be_hidden()
        expect(page.locator(".toast--success",
                            has_text=f"Reply sent (case #{case.id}).")).to_be_visible()
        [call] = platform.calls("POST", "/2/tweets")
    assert call.json["text"] == "Sorry! Checking the tracking for you now."
    # The case's record says it was sent again, and by whom.
    expect(page.locator(".event[data-kind=send_retried]")).to_contain_text(
        "sent again by Alice Agent")
    assert alice.errors == [], alice.state()

