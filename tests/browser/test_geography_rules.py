"""The rules editor offers the contact's country and region: a rule for the DACH team is
tried on recent cases (the Viennese customer's matches, the Chicagoan's does not), a
region we do not have is told beside the field, and the rule is saved."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from inbox.models import RoutingRule
from inbox.services import unit_of_work
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for
from tests.browser.test_editors import open_editors


def test_a_supervisor_routes_the_dach_region_from_the_rules_editor(
        open_desk: Any, server: Any, workspace: Any) -> None:
    post_x_mention(server.url, "1874500000000000911", "@AcmeSupport my bill is wrong, Vienna",
                   user_id="4001", handle="wien1", location="Wien, Österreich")
    post_x_mention(server.url, "1874500000000000912", "@AcmeSupport my bill is wrong, Chicago",
                   user_id="4002", handle="chi1", location="Chicago, IL")
    vienna = wait_for(case_whose_subject_has("wrong, Vienna"), what="the Vienna case")
    chicago = wait_for(case_whose_subject_has("wrong, Chicago"), what="the Chicago case")
    page = open_editors(open_desk(workspace.sam), "Rules")
    form = page.locator("#rule-form")
    form.get_by_label("Name").fill("DACH team")
    form.get_by_label("Contact's regions").fill("Mars")
    form.get_by_label("Queue").select_option(label="Tier 2")
    form.get_by_role("button", name="Add rule").click()
    expect(page.locator("#rule-conditions-region-error")).to_contain_text("unknown region Mars")

    form.get_by_label("Contact's regions").fill("DACH")
    page.locator("#rule-dry-run").click()
    expect(page.locator(f"#dry-run-case-{vienna.id}")).to_contain_text("matches")
    expect(page.locator(f"#dry-run-case-{vienna.id}")).to_contain_text("Tier 2")
    expect(page.locator(f"#dry-run-case-{chicago.id}")).not_to_contain_text("matches")
    form.get_by_role("button", name="Add rule").click()
    expect(page.locator("#rule-rows tr", has_text="DACH team")).to_contain_text("region DACH")
    with unit_of_work() as session:
        rule = session.scalars(select(RoutingRule).where(RoutingRule.name == "DACH team")).one()
        assert rule.conditions == {"region": ["DACH"]}
