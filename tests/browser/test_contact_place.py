"""Where the contact is, on the desk: the panel shows the guessed country and how it was
guessed, and an agent corrects it (the correction is what is stored, and it stays)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from inbox.models import Contact
from inbox.services import unit_of_work
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for


def test_the_panel_shows_the_country_and_an_agent_corrects_it(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    post_x_mention(server.url, "1874500000000000901", "@AcmeSupport my invoice is wrong again",
                   location="München, Bayern")
    case = wait_for(case_whose_subject_has("invoice is wrong"), what="the case")
    alice = open_desk(workspace.alice)
    alice.open(case.id)
    place = alice.page.locator("#contact-panel [data-fact=place]")
    expect(place.locator("[data-place=where]")).to_have_text("🇩🇪 Germany · DE-BY · DACH")
    expect(place.locator("[data-place=source]")).to_have_text("(from their profile)")

    place.get_by_role("button", name="Correct").click()
    alice.page.locator("#place-country").select_option("AT")
    place.get_by_role("button", name="Save").click()
    expect(place.locator("[data-place=where]")).to_have_text("🇦🇹 Austria · DACH")
    expect(place.locator("[data-place=source]")).to_have_text("(set by an agent)")
    with unit_of_work() as session:
        contact = session.get(Contact, case.contact_id)
        assert contact is not None
        assert (contact.country, contact.location_source) == ("AT", "agent")

    alice.page.reload()  # what the desk shows is what is stored
    alice.open(case.id)
    expect(alice.page.locator("#contact-panel [data-fact=place] [data-place=where]")
           ).to_have_text("🇦🇹 Austria · DACH")
