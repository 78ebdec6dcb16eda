"""People, teams and queues managed from the admin page, and what that does to desks."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from playwright.sync_api import expect

from tests.browser.admin import AdminPage
from tests.browser.desk import PASSWORD, case_whose_subject_has, post_review, wait_for


def test_a_new_agent_in_a_team_sees_the_cases_of_the_teams_queue(
    open_desk: Any, admin_ada: Any, server: Any, workspace: Any
) -> None:
    admin = AdminPage(open_desk(admin_ada)).open()
    teams = admin.section("teams")
    admin.form("team").get_by_label("Team name").fill("Billing")
    admin.form("team").get_by_role("button", name="Create team").click()
    expect(admin.row("team", "Billing")).to_contain_text("0")

    admin.section("people")
    form = admin.form("user")
    form.get_by_label("Email", exact=True).fill("nia@example.com")
    form.get_by_label("Full name").fill("Nia Agent")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Teams").fill("Billing")
    form.get_by_label("Skills").fill("french, invoices")
    form.get_by_label("Email capacity").fill("3")
    form.get_by_label("Email", exact=True).press("Enter")  # Enter sends, like the button
    nia = admin.row("user", "nia@example.com")
    expect(nia).to_contain_text("Billing")
    expect(nia).to_contain_text("french, invoices")
    expect(nia).to_contain_text("Email 3")

    admin.section("queues")
    queue_form = admin.form("queue")
    queue_form.get_by_label("Queue name").fill("Invoices")
    queue_form.get_by_label("Worked by teams").fill("Billing")
    queue_form.get_by_role("button", name="Create queue").click()
    expect(admin.row("queue", "Invoices")).to_contain_text("Billing")
    admin.row("queue", "Invoices").get_by_role("button", name="Edit").click()
    queue_form.get_by_label("Description").fill("Refunds and invoices")
    queue_form.get_by_role("button", name="Save changes").click()
    expect(admin.row("queue", "Invoices")).to_contain_text("Refunds and invoices")
    admin.row("queue", "Invoices").get_by_role("button", name="Edit").click()
    queue_form.get_by_label("Description").fill("")  # emptied: the description goes
    queue_form.get_by_role("button", name="Save changes").click()
    expect(admin.row("queue", "Invoices")).not_to_contain_text("Refunds and invoices")
    admin.section("teams")
    expect(admin.row("team", "Billing").locator("td").nth(1)).to_have_text("1")
    expect(teams).to_be_visible()

    post_review(server.url, workspace.reviews, "inv-1", "Invoice 7781 charged me twice")
    post_review(server.url, workspace.reviews, "gen-1", "Nice shop, slow delivery")
    invoice = wait_for(case_whose_subject_has("Invoice 7781"), what="the invoice case")
    other = wait_for(case_whose_subject_has("slow delivery"), what="the other case")
    [queue] = [q for q in admin.desk.api("GET", "/queues/all")["body"] if q["name"] == "Invoices"]
    moved = admin.desk.api("POST", f"/cases/{invoice.id}/transfer", {"queue_id": queue["id"]})
    assert moved["status"] == 200, moved

    desk = open_desk(SimpleNamespace(email="nia@example.com"))
    expect(desk.page.locator("#queue-list")).to_contain_text("Invoices", timeout=15_000)
    expect(desk.row(invoice.id)).to_be_visible(timeout=15_000)
    expect(desk.row(other.id)).to_have_count(0)  # the default queue is not Billing's


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(
    open_desk: Any, admin_ada: Any, workspace: Any
) -> None:
    bob = open_desk(workspace.bob)
    admin = AdminPage(open_desk(admin_ada)).open()
    admin.section("people")
    row = admin.row("user", "bob@example.com")
    row.get_by_role("button", name="Deactivate").click()
    expect(row).to_contain_text("Deactivated")
    expect(row.get_by_role("button", name="Reactivate")).to_be_visible()
    # His desk's connection is cut and refused, so it goes to the sign-in page by itself.
    expect(bob.page).to_have_url(re.compile(r"/login"), timeout=30_000)
    bob.page.get_by_label("Email").fill(workspace.bob.email)
    bob.page.get_by_label("Password").fill(PASSWORD)
    bob.page.get_by_role("button", name="Sign in").click()
    expect(bob.page.get_by_role("alert")).to_contain_text("Wrong email or password")


def test_agents_have_no_admin_page_and_supervisors_only_read_it(
    open_desk: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    expect(alice.page.get_by_role("link", name="Administration")).to_have_count(0)
    answer = alice.page.goto(f"{alice.base_url}/admin")
    assert answer is not None and answer.status == 403
    expect(alice.page.get_by_role("alert")).to_contain_text(
        "Only supervisors and admins can open this page")

    sam = AdminPage(open_desk(workspace.sam)).open()
    sam.section("channels")
    expect(sam.row("channel", "Reviews")).to_contain_text("Active")
    expect(sam.form("channel")).to_be_hidden()
    expect(sam.row("channel", "Reviews").get_by_role("button")).to_have_count(0)
    sam.section("people")
    expect(sam.row("user", "alice@example.com")).to_contain_text("agent")
    expect(sam.page.get_by_role("link", name="Recent changes")).to_have_count(0)
