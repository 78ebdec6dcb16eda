"""The case view: the contact's history on every channel, the contact panel, and every
action from the toolbar (pending, resolve, reopen, transfer, release)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.desk import (
    case_whose_subject_has,
    earlier_email_case,
    post_review,
    post_x_mention,
    wait_for,
)


def test_the_timeline_spans_every_channel_and_the_panel_shows_the_contact(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    post_x_mention(server.url, "1874500000000000501", "@AcmeSupport the new router drops too")
    case = wait_for(case_whose_subject_has("new router drops"), what="the X case")
    assert case.contact_id is not None
    earlier = earlier_email_case(case.contact_id, workspace.email, workspace.email_queue)
    alice = open_desk(workspace.alice)
    alice.open(case.id)
    timeline = alice.page.locator("#timeline")

    mail = timeline.locator(".msg", has_text="My router died")
    expect(mail.get_by_role("img", name="Email")).to_be_visible()
    expect(mail.locator(".badge--private")).to_have_text("Private")
    expect(mail.locator(".msg__direction")).to_have_text("← from customer")
    expect(mail.get_by_role("button", name=f"case #{earlier}")).to_be_visible()
    expect(mail).to_have_class("msg msg--in msg--private msg--other-case")
    tweet = timeline.locator(".msg", has_text="the new router drops too")
    expect(tweet.get_by_role("img", name="X")).to_be_visible()
    expect(tweet.locator(".badge--public")).to_have_text("Public")
    expect(timeline).to_contain_text("Case opened from @AcmeSupport")

    panel = alice.page.locator("#contact-panel")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Rita Gómez")
    expect(panel.locator(".badge--verified")).to_have_text("✓ Verified")
    expect(panel.locator("[data-fact=followers]")).to_have_text("15,200")
    expect(panel.locator("[data-fact=influence] meter")).to_have_attribute("max", "100")
    expect(panel.locator(".identities")).to_contain_text("@ritag")
    expect(panel.locator(".trend figcaption")).to_contain_text("over 3 messages")
    panel.get_by_role("button", name=f"#{earlier} Router replacement").click()
    expect(alice.page.locator("#case-view")).to_have_attribute("data-case-id", str(earlier))
    expect(alice.page.locator("#case-status [data-status]")).to_have_text("resolved")


def test_pending_resolve_reopen_transfer_and_release_from_the_toolbar(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    bob = open_desk(workspace.bob)
    post_review(server.url, workspace.reviews, "r-tools", "The app logs me out every hour")
    case = wait_for(case_whose_subject_has("logs me out"), what="the case")
    alice.open(case.id)
    page = alice.page
    status = page.locator("#case-status [data-status]")

    alice.action("claim").click()
    expect(status).to_have_text("assigned")
    alice.action("pending").click()
    expect(status).to_have_text("pending")
    expect(page.locator("#sla-clocks [data-target=resolution]")).to_have_text("paused (pending)")

    alice.action("resolve").click()
    dialog = page.locator("#resolve-dialog")
    dialog.get_by_role("button", name="Resolve").click()  # a disposition is required
    expect(dialog).to_be_visible()
    disposition = dialog.get_by_label("Disposition")
    expect(disposition.locator("option")).to_have_count(8)  # a real choice, not an empty box
    disposition.select_option("answered")
    dialog.get_by_role("button", name="Resolve").click()
    expect(status).to_have_text("resolved")
    expect(page.locator("#timeline")).to_contain_text("Resolved by Alice Agent: answered")

    alice.action("reopen").click()
    page.locator("#reopen-dialog").get_by_label("Why").fill("The customer wrote back by phone")
    page.locator("#reopen-dialog").get_by_role("button", name="Reopen").click()
    expect(status).to_have_text("queued")
    expect(page.locator("#timeline")).to_contain_text(
        "Reopened by Alice Agent: The customer wrote back by phone")

    alice.action("claim").click()
    expect(status).to_have_text("assigned")
    alice.action("transfer").click()
    page.locator("#transfer-dialog").get_by_label("Or to an agent").select_option(
        label="Bob Agent (agent)")
    page.locator("#transfer-dialog").get_by_role("button", name="Transfer").click()
    expect(page.locator("#case-holder")).to_have_text("Taken by Bob Agent")
    bob_toast = bob.page.locator(".toast", has_text=f"Case #{case.id} was assigned to you")
    bob_toast.get_by_role("button", name="Open").click()
    expect(bob.page.locator("#case-holder")).to_have_text("Yours")
    bob.action("release").click()
    expect(bob.page.locator("#case-holder")).to_have_text("Waiting in Social care")
    expect(alice.row(case.id)).to_contain_text("Waiting in Social care")
