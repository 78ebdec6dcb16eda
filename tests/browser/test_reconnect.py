"""An outage: the desk says so, reconnects by itself and catches up on what it missed."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from inbox.models import User
from inbox.services import unit_of_work
from tests.browser.desk import CHANNEL_SECRET, case_whose_subject_has, post_review, wait_for
from tests.signing import compact, generic_headers


def _deliver_while_the_web_process_is_down(client: Any, channel_id: int, text: str) -> None:
    """The webhook goes to another web process (this test's own app): ours is stopped."""
    body = compact({"id": "r-outage", "type": "review", "text": text,
                    "author": {"id": "author-outage", "name": "Kim Late"}})
    response = client.post(f"/webhooks/generic/{channel_id}", data=body,
                           headers=generic_headers(body, CHANNEL_SECRET))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_desk_shows_an_outage_reconnects_and_shows_what_arrived_meanwhile(
    open_desk: Any, server: Any, workspace: Any, client: Any
) -> None:
    alice = open_desk(workspace.alice)
    post_review(server.url, workspace.reviews, "r-before", "Before the outage: app crashes")
    before = wait_for(case_whose_subject_has("Before the outage"), what="the first case")
    expect(alice.row(before.id)).to_be_visible()

    server.stop()
    banner = alice.page.locator("#connection")
    expect(banner).to_have_attribute("data-state", "offline")
    expect(banner).to_contain_text("Connection lost — reconnecting")
    expect(banner).to_have_attribute("role", "status")
    alice.screenshot("outage-banner")

    _deliver_while_the_web_process_is_down(client, workspace.reviews,
                                           "During the outage: no refund")
    during = wait_for(case_whose_subject_has("During the outage"), what="the case made meanwhile")
    alice.page.wait_for_timeout(500)
    expect(alice.row(during.id)).to_have_count(0)  # nobody could have told the desk yet

    server.start()
    expect(banner).to_contain_text("Live again", timeout=15_000)
    expect(banner).to_contain_text("1 new case arrived meanwhile")
    expect(alice.row(during.id)).to_be_visible()
    expect(alice.row(before.id)).to_be_visible()
    alice.screenshot("reconnected-caught-up")

    # Live again for real: a new arrival comes by event, and presence was put back.
    post_review(server.url, workspace.reviews, "r-after", "After the outage: thanks")
    after = wait_for(case_whose_subject_has("After the outage"), what="the case after")
    expect(alice.row(after.id)).to_be_visible(timeout=2000)
    with unit_of_work() as session:
        user = session.get(User, workspace.alice.id)
        assert user is not None and user.presence == "online"
