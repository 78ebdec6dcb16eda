"""API tokens from the admin page: made with a name and shown once, listed by prefix with
their last use, revoked; and the record of admin changes says who did it."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from tests.browser.admin import AdminPage
from tests.conftest import WAIT


def test_a_token_is_shown_once_works_until_revoked_and_the_changes_say_so(
    open_desk: Any, admin_ada: Any, server: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("tokens")
    admin.form("token").get_by_label("Token name").fill("CRM sync")
    admin.form("token").get_by_role("button", name="Create token").click()
    expect(section.locator(".once")).to_contain_text("Token “CRM sync” — shown this once")
    token = admin.shown_once(section)
    row = admin.row("token", "CRM sync")
    expect(row).to_contain_text("never")
    expect(row).to_contain_text("ada@example.com")
    prefix = row.locator("code").inner_text().rstrip("…")
    assert token.startswith(prefix) and len(prefix) < len(token)

    bearer = {"Authorization": f"Bearer {token}"}
    used = requests.get(f"{server.url}/api/v1/cases", headers=bearer, timeout=WAIT)
    assert used.status_code == 200
    admin.page.reload()
    admin.page.wait_for_selector("body[data-ready=true]")
    expect(admin.row("token", "CRM sync")).not_to_contain_text("never")
    expect(admin.page.locator(".once code.secret")).to_have_count(0)  # not shown again

    admin.row("token", "CRM sync").get_by_role("button", name="Revoke…").click()
    admin.page.locator("#confirm-dialog").get_by_role("button", name="Revoke token").click()
    expect(admin.row("token", "CRM sync")).to_contain_text("Revoked")
    refused = requests.get(f"{server.url}/api/v1/cases", headers=bearer, timeout=WAIT)
    assert refused.status_code == 401

    changes = admin.section("changes")
    expect(changes.locator("#change-rows tr").first).to_contain_text("token.revoke")
    expect(changes).to_contain_text("token.create")
    expect(changes).to_contain_text("ada@example.com")
    filters = changes.locator("#change-filters")
    filters.get_by_label("What").fill("token.create")
    filters.get_by_role("button", name="Filter").click()
    expect(changes.locator("#change-rows")).not_to_contain_text("token.revoke")
    expect(changes.locator("#change-rows")).to_contain_text("token.create")
    assert token not in admin.page.content()


def test_a_refused_person_names_the_field_at_fault(open_desk: Any, admin_ada: Any) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    admin.section("people")
    form = admin.form("user")
    form.get_by_label("Email", exact=True).fill("zed@example.com")
    form.get_by_label("Password").fill("short")
    form.get_by_role("button", name="Add person").click()
    expect(form.locator('[data-field="password"] .field-error')).to_contain_text("8")
    expect(form.locator(".form-error")).to_contain_text("not valid")
    expect(admin.row("user", "zed@example.com")).to_have_count(0)


def test_an_admin_signs_an_agent_out_of_a_browser_and_that_desk_goes_to_sign_in(
    open_desk: Any, admin_ada: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    admin = AdminPage(open_desk(admin_ada)).open()
    section = admin.section("sign-ins")
    row = admin.row("sign-in", "alice@example.com")
    expect(row).to_be_visible()
    expect(admin.row("sign-in", "ada@example.com")).to_contain_text("this browser")
    row.get_by_role("button", name="Sign out…").click()
    admin.page.locator("#confirm-dialog").get_by_role("button", name="Sign out").click()
    expect(section.locator("#sign-in-rows")).not_to_contain_text("alice@example.com")
    alice.page.wait_for_url("**/login**", timeout=WAIT * 1000)  # by itself, no reload
