"""Signing in and out, and the presence switch."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from inbox.models import User
from inbox.services import unit_of_work
from tests.browser.desk import PASSWORD


def _presence(user_id: int) -> str:
    with unit_of_work() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.presence


def test_sign_in_refuses_a_wrong_password_then_signs_in_and_out(
    chromium: Any, server: Any, workspace: Any
) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        expect(page).to_have_url(server.url + "/login?next=%2F")
        page.get_by_label("Email").fill("alice@example.com")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(server.url + "/")
        expect(page.locator(".who")).to_have_text("Alice Agent · agent")
        page.wait_for_selector("#connection[data-state=live]", state="attached")
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(server.url + "/login")
        page.goto(server.url + "/")
        expect(page).to_have_url(server.url + "/login?next=%2F")
        refused = page.request.get(server.url + "/api/v1/cases")
        assert refused.status == 401
    finally:
        context.close()


def test_the_presence_switch_sets_online_away_and_on_a_call(
    open_desk: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    switch = alice.page.get_by_label("Presence")
    expect(switch).to_have_value("online")  # opening the desk makes an agent available
    assert _presence(workspace.alice.id) == "online"
    switch.select_option("away")
    expect(switch).to_have_attribute("data-presence", "away")
    assert _presence(workspace.alice.id) == "away"
    alice.page.keyboard.press("n")  # away agents are given no work, and are told why
    expect(alice.page.locator(".toast")).to_contain_text("while you are away")
    switch.select_option("on_call")
    expect(switch).to_have_attribute("data-presence", "on_call")
    assert _presence(workspace.alice.id) == "on_call"

    second_tab = open_desk(workspace.alice)  # the same agent in another window
    second_tab.page.get_by_label("Presence").select_option("online")
    expect(switch).to_have_value("online")  # agent.presence reached the first tab
