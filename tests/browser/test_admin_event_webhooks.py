"""Event webhooks from the admin page: an admin subscribes a local recorder, a case
arrives and the recorder gets the signed event, the log says delivered; a failing
endpoint shows its failed attempt, and Replay sends the same delivery again."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from inbox.sandbox import Reply, SandboxPlatform
from tests.browser.admin import AdminPage
from tests.browser.desk import post_review
from tests.conftest import wait_until

HOOK = "/crm/inbox-events"


@pytest.fixture
def recorder() -> Iterator[SandboxPlatform]:
    with SandboxPlatform() as fake:
        fake.script("POST", HOOK, Reply(200, {"ok": True}))
        yield fake


def signed_with(secret: str, call: Any) -> bool:
    timestamp = call.headers["x-inbox-timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + call.body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(call.headers["x-inbox-signature"], f"sha256={expected}")


def delivery_row(admin: AdminPage, status: str) -> Any:
    """The newest delivery once it has `status` (the log is read again until then)."""
    section = admin.section("event-webhooks")
    rows = section.locator("#delivery-rows tr")

    def shown() -> bool:
        section.get_by_role("button", name="Filter").click()
        admin.page.wait_for_timeout(300)
        return rows.first.get_attribute("data-status") == status

    wait_until(shown, f"a delivery {status} in the log")
    return rows.first


def test_an_admin_subscribes_and_the_recorder_gets_signed_events_with_replay(
        open_desk: Any, admin_ada: Any, server: Any, workspace: Any,
        recorder: SandboxPlatform) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("event-webhooks")
    form = admin.form("subscription")
    form.get_by_label("URL", exact=True).fill(recorder.url + HOOK)
    form.get_by_label("case.created").check()
    form.get_by_label("Description").fill("CRM")
    form.get_by_role("button", name="Add subscription").click()
    expect(section.locator(".once")).to_contain_text("shown this once")
    secret = admin.shown_once(section)
    expect(admin.row("subscription", "CRM")).to_contain_text("Enabled")

    post_review(server.url, workspace.reviews, "hook-1", "Where is my parcel?")
    [call] = wait_until(lambda: recorder.calls("POST", HOOK), "the recorder to get the event")
    assert call.headers["x-inbox-event"] == "case.created" and signed_with(secret, call)
    row = delivery_row(admin, "delivered")
    expect(row).to_contain_text("case.created")
    expect(row).to_contain_text(call.headers["x-inbox-delivery"])

    recorder.script("POST", HOOK, Reply(503, {"error": "maintenance"}))
    admin.row("subscription", "CRM").get_by_role("button", name="Send test event").click()
    failed = delivery_row(admin, "failed")
    expect(failed).to_contain_text("HTTP 503")
    expect(failed).to_contain_text("ping")
    ping_id = failed.locator("code").inner_text()

    recorder.script("POST", HOOK, Reply(200, {"ok": True}))
    failed.get_by_role("button", name="Replay").click()
    replayed = delivery_row(admin, "delivered")
    expect(replayed).to_contain_text(ping_id)
    pings = [c for c in recorder.calls("POST", HOOK) if c.headers["x-inbox-event"] == "ping"]
    assert [c.headers["x-inbox-delivery"] for c in pings] == [ping_id, ping_id]
    assert all(signed_with(secret, c) for c in pings)

    admin.row("subscription", "CRM").get_by_role("button", name="Disable").click()
    expect(admin.row("subscription", "CRM")).to_contain_text("Disabled")
