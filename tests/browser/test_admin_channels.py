"""Channels managed from the admin page: connected per kind, shown with whether replies
can go out, edited with write-only credentials, disabled, rotated, deleted."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.admin import AdminPage
from tests.browser.desk import (
    CHANNEL_SECRET,
    case_whose_subject_has,
    post_review,
    wait_for,
)
from tests.conftest import WAIT
from tests.signing import compact, generic_headers

PAGE_ID = "104859392837465"


def test_a_generic_channel_with_a_reply_url_can_send(
    open_desk: Any, admin_ada: Any, platform_api: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("channels")
    admin.connect_channel("generic", "Forum", fields={"Reply URL": platform_api.url + "/replies"})
    row = admin.row("channel", "Forum")
    expect(row).to_contain_text("Can send")
    expect(row).to_contain_text("Active")
    expect(section.locator(".once")).to_contain_text("Signing secret of Forum — shown this once")
    assert len(admin.shown_once(section)) >= 16
    section.get_by_role("button", name="I have saved it").click()
    expect(section.locator(".once")).to_be_hidden()
    admin.page.reload()
    admin.page.wait_for_selector("body[data-ready=true]")
    expect(admin.row("channel", "Forum")).to_contain_text("Can send")
    expect(admin.page.locator(".once code.secret")).to_have_count(0)  # never again


def test_a_facebook_page_is_missing_its_access_token_until_one_is_saved(
    open_desk: Any, admin_ada: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("channels")
    admin.connect_channel("facebook", "Brand page", PAGE_ID)
    row = admin.row("channel", "Brand page")
    expect(row).to_contain_text("Missing access_token")
    expect(section.locator(".once")).to_be_hidden()  # a Meta page signs with the app secret
    row.get_by_role("button", name="Edit").click()
    form = admin.form("channel")
    token = form.get_by_label("Access token")
    expect(token).to_have_attribute("type", "password")
    expect(token).to_have_value("")
    token.fill("EAAB-page-token-77")
    form.get_by_role("button", name="Save changes").click()
    expect(row).to_contain_text("Can send")
    expect(row).to_contain_text("access_token")  # among the credentials set, by name
    assert "EAAB-page-token-77" not in admin.page.content()
    row.get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Access token")).to_have_attribute(
        "placeholder", "set — type a new one to replace it")
    form.get_by_label("Remove").check()  # the saved token taken away again
    form.get_by_role("button", name="Save changes").click()
    expect(row).to_contain_text("Missing access_token")


def test_what_the_api_refuses_is_named_beside_its_field(
    open_desk: Any, admin_ada: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    admin.section("channels")
    form = admin.form("channel")
    admin.connect_channel("voice", "Hotline", "0800 123")
    external = form.locator('[data-field="external_id"]')
    expect(external.locator(".field-error")).to_contain_text("E.164")
    expect(form.get_by_label("External id")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("External id").fill("+14155550100")
    form.get_by_label("SMS sender number").fill("555")
    form.get_by_role("button", name="Connect channel").click()
    expect(form.locator('[data-field="settings.sms_from"] .field-error')).to_contain_text(
        "E.164")
    expect(external.locator(".field-error")).to_be_hidden()
    form.get_by_label("SMS sender number").fill("+14155550101")
    form.get_by_role("button", name="Connect channel").click()
    expect(admin.row("channel", "Hotline")).to_contain_text("+14155550100")


def test_a_disabled_channel_refuses_its_webhooks_until_enabled_again(
    open_desk: Any, admin_ada: Any, server: Any, workspace: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    admin.section("channels")
    row = admin.row("channel", "Reviews")
    row.get_by_role("button", name="Disable").click()
    expect(row).to_contain_text("Disabled")
    expect(row).to_have_attribute("data-state", "disabled")
    body = compact({"id": "off-1", "type": "review", "text": "anyone there?",
                    "author": {"id": "a-1"}})
    refused = requests.post(f"{server.url}/webhooks/generic/{workspace.reviews}", data=body,
                            headers=generic_headers(body, CHANNEL_SECRET), timeout=WAIT)
    assert refused.status_code == 403
    row.get_by_role("button", name="Enable").click()
    expect(row).to_contain_text("Active")
    post_review(server.url, workspace.reviews, "on-1", "back again")


def test_rotating_a_secret_shows_the_new_one_once_and_the_old_one_lasts_its_grace(
    open_desk: Any, admin_ada: Any, server: Any, workspace: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("channels")
    admin.row("channel", "Reviews").get_by_role("button", name="Rotate secret…").click()
    dialog = admin.page.locator("#rotate-dialog")
    expect(dialog).to_contain_text("Rotate the signing secret of Reviews")
    dialog.get_by_label("Grace period (hours, 0 to 168)").fill("2")
    dialog.get_by_role("button", name="Rotate secret").click()
    once = section.locator(".once")
    expect(once).to_contain_text("New signing secret of Reviews — shown this once")
    expect(once).to_contain_text("The old secret is still accepted until")
    secret = admin.shown_once(section)
    post_review(server.url, workspace.reviews, "old-1", "signed the old way")  # grace
    body = compact({"id": "new-1", "type": "review", "text": "signed anew",
                    "author": {"id": "a-2"}})
    answer = requests.post(f"{server.url}/webhooks/generic/{workspace.reviews}", data=body,
                           headers=generic_headers(body, secret), timeout=WAIT)
    assert answer.status_code == 200, answer.text
    section.get_by_role("button", name="I have saved it").click()
    expect(section.locator(".once code.secret")).to_have_count(0)


def test_a_channel_in_use_is_not_deleted_and_the_page_says_why(
    open_desk: Any, admin_ada: Any, server: Any, workspace: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("channels")
    post_review(server.url, workspace.reviews, "used-1", "A review that makes a case")
    wait_for(case_whose_subject_has("makes a case"), what="the case")
    admin.row("channel", "Reviews").get_by_role("button", name="Delete…").click()
    admin.page.locator("#confirm-dialog").get_by_role("button", name="Delete channel").click()
    expect(section.locator(".section-error")).to_contain_text("disable it instead")
    expect(admin.row("channel", "Reviews")).to_have_count(1)
    admin.connect_channel("generic", "Spare")
    admin.row("channel", "Spare").get_by_role("button", name="Delete…").click()
    admin.page.locator("#confirm-dialog").get_by_role("button", name="Delete channel").click()
    expect(admin.row("channel", "Spare")).to_have_count(0)
    expect(section.locator(".section-error")).to_be_empty()
