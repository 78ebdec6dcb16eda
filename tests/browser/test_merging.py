"""One case per customer problem: merging a customer's two cases from the desk moves the
messages and keeps one SLA clock (the earliest), and Undo puts everything back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from inbox.models import Case
from inbox.services import unit_of_work
from tests.browser.desk import case_whose_subject_has, post_x_mention, wait_for


def _case(case_id: int) -> Case:
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def test_merge_moves_the_messages_keeps_one_sla_clock_and_undo_restores(
    open_desk: Any, server: Any, workspace: Any,
) -> None:
    # Rita wrote twice on X: an outage (P1, first response due in 15 minutes) and a
    # question (P3, due in 4 hours): two cases of one customer.
    post_x_mention(server.url, "1874500000000000701", "@AcmeSupport is there an outage in Leeds?")
    urgent = wait_for(case_whose_subject_has("outage in Leeds"), what="the outage case")
    post_x_mention(server.url, "1874500000000000702", "@AcmeSupport and my bill doubled")
    other = wait_for(case_whose_subject_has("bill doubled"), what="the billing case")
    assert urgent.contact_id == other.contact_id and urgent.id != other.id
    assert urgent.first_response_due_at is not None and other.first_response_due_at is not None
    assert other.first_response_due_at - urgent.first_response_due_at > timedelta(hours=3)

    alice = open_desk(workspace.alice)
    page = alice.page
    alice.open(other.id)
    first_response = page.locator("#sla-clocks [data-target=first_response]")
    expect(first_response).to_have_attribute("data-sla", "ok")  # hours left
    alice.open(urgent.id)

    page.keyboard.press("m")
    dialog = page.locator("#merge-dialog")
    expect(dialog).to_be_visible()
    choice = dialog.get_by_role("radio", name=f"#{other.id}")
    expect(choice).to_be_checked()  # the only other open case of hers
    expect(dialog.locator(".merge-candidate")).to_have_count(1)
    alice.screenshot("merge-dialog")
    dialog.get_by_role("button", name="Merge").click()

    view = page.locator("#case-view")
    expect(view).to_have_attribute("data-case-id", str(other.id))
    timeline = page.locator("#timeline")

    def own(text: str) -> Any:  # a message of the case in view (the timeline shows all hers)
        return timeline.locator(".msg:not(.msg--other-case)", has_text=text)

    expect(own("outage in Leeds")).to_be_visible()
    expect(own("my bill doubled")).to_be_visible()
    expect(timeline).to_contain_text(
        f"Case #{urgent.id} merged in by Alice Agent (1 message moved)")
    # One clock: the outage's 15 minutes now run on the merged case.
    expect(first_response).to_have_attribute("data-sla", "warning")
    expect(page.locator("#case-status .prio")).to_have_text("P1")
    expect(alice.row(urgent.id)).to_have_count(0)  # no longer an open case
    merged = _case(other.id)
    assert merged.first_response_due_at == urgent.first_response_due_at
    assert _case(urgent.id).sla_due_at is None
    alice.screenshot("merged-case-with-undo")

    toast = page.locator(".toast", has_text=f"Case #{urgent.id} merged into #{other.id}")
    toast.get_by_role("button", name="Undo").click()
    expect(view).to_have_attribute("data-case-id", str(urgent.id))
    expect(page.locator("#case-status [data-status]")).to_have_text("queued")
    expect(own("outage in Leeds")).to_be_visible()
    expect(own("my bill doubled")).to_have_count(0)
    expect(alice.row(urgent.id)).to_be_visible()
    alice.open(other.id)
    expect(first_response).to_have_attribute("data-sla", "ok")
    expect(own("outage in Leeds")).to_have_count(0)
    assert _case(other.id).first_response_due_at == other.first_response_due_at
    assert alice.errors == [], alice.state()


def test_a_merged_case_says_where_it_went(open_desk: Any, server: Any, workspace: Any) -> None:
    post_x_mention(server.url, "1874500000000000711", "@AcmeSupport my parcel is lost")
    first = wait_for(case_whose_subject_has("parcel is lost"), what="the first case")
    post_x_mention(server.url, "1874500000000000712", "@AcmeSupport still nothing")
    second = wait_for(case_whose_subject_has("still nothing"), what="the second case")
    sam = open_desk(workspace.sam)
    answer = sam.api("POST", f"/cases/{first.id}/merge", {"into_case_id": second.id})
    assert answer["status"] == 200, answer
    sam.page.goto(f"{server.url}/#case-{first.id}")
    sam.page.reload()  # a deep link is read at page load
    sam.wait_live()
    notice = sam.page.locator(".merged-notice")
    expect(notice).to_contain_text(f"Merged into case #{second.id}")
    expect(sam.action("merge")).to_be_disabled()
    notice.get_by_role("button", name=f"Open #{second.id}").click()
    expect(sam.page.locator("#case-view")).to_have_attribute("data-case-id", str(second.id))
    expect(sam.page.locator("#contact-panel #merge-contact")).to_be_visible()
    expect(sam.page.locator("#contact-panel")).not_to_contain_text("null")


def test_a_supervisor_merges_two_contacts_from_the_contact_panel(
    open_desk: Any, server: Any, workspace: Any,
) -> None:
    post_x_mention(server.url, "1874500000000000721", "@AcmeSupport my router blinks red",
                   handle="rita_alt", name="@rita_alt", user_id="34567890")
    alt = wait_for(case_whose_subject_has("router blinks red"), what="the second account's case")
    post_x_mention(server.url, "1874500000000000722", "@AcmeSupport any news on the router?")
    main = wait_for(case_whose_subject_has("news on the router"), what="Rita's case")
    assert alt.contact_id != main.contact_id
    sam = open_desk(workspace.sam)
    sam.open(alt.id)
    panel = sam.page.locator("#contact-panel")
    expect(panel.locator("[data-fact=contact-id]")).to_have_text(f"#{alt.contact_id}")
    panel.get_by_role("button", name="Merge contact…").click()
    dialog = sam.page.locator("#merge-contact-dialog")
    dialog.get_by_label("Into contact number").fill(str(main.contact_id))
    dialog.get_by_role("button", name="Merge contacts").click()
    expect(sam.page.locator(".toast", has_text=f"merged into #{main.contact_id}")).to_be_visible()
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Rita Gómez")
    expect(panel.locator(".identities")).to_contain_text("@rita_alt")
    expect(panel.locator(".identities")).to_contain_text("@ritag")
    expect(panel.locator(".earlier-cases")).to_contain_text(f"#{main.id}")
    # The two cases are now one customer's: the merge dialog offers the other one.
    sam.page.keyboard.press("m")
    expect(sam.page.locator("#merge-dialog").get_by_role("radio", name=f"#{main.id}")
           ).to_be_visible()
