"""The most urgent work first, whatever the volume: the list comes in the queue's order from
the server and `n` takes what the server says is next; a slow answer for a view the agent
has left never replaces the view they are in; search, deep links and live rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from inbox.models import Case, utcnow
from inbox.services import unit_of_work
from tests.browser.desk import CHANNEL_SECRET, case_whose_subject_has, post_review, wait_for
from tests.factories import make_channel

# Holds back the first answer to a URL containing window.__slowNext (then forgets it): a
# slow server for one request, while every other request goes at its own pace.
SLOW_ONE_ANSWER = """
(() => {
  const realFetch = window.fetch.bind(window);
  window.__slowNext = null;
  window.fetch = async (...args) => {
    const slow = window.__slowNext && String(args[0]).includes(window.__slowNext);
    if (slow) window.__slowNext = null;
    const response = await realFetch(...args);
    if (slow) await new Promise((done) => setTimeout(done, 2500));
    return response;
  };
})();
"""


def add_cases(queue_id: int, channel_id: int, rows: list[dict[str, Any]]) -> list[int]:
    with unit_of_work() as session:
        cases = [Case(queue_id=queue_id, channel_id=channel_id, status=row.pop("status", "queued"),
                      subject=row.pop("subject", "Where is my parcel?"), **row) for row in rows]
        session.add_all(cases)
        session.flush()
        return [c.id for c in cases]


def test_the_oldest_p1_of_150_open_cases_is_first_and_n_takes_it(
    open_desk: Any, workspace: Any
) -> None:
    now = utcnow()
    [p1] = add_cases(workspace.tier2, workspace.x, [{
        "priority": 1, "subject": "Outage for a whole town", "created_at": now - timedelta(hours=3),
        "sla_due_at": now + timedelta(minutes=4)}])
    add_cases(workspace.social, workspace.reviews, [
        {"priority": 2 + n % 3, "subject": f"Question {n}",
         "sla_due_at": now + timedelta(minutes=30 + n)} for n in range(149)])
    alice = open_desk(workspace.alice)
    page = alice.page
    first_row = page.locator("#case-list .case-row").first
    expect(first_row).to_have_attribute("data-case-id", str(p1))
    expect(page.locator("#case-count")).to_have_text("150 open")
    expect(page.locator("#load-more")).to_have_text("Load more (100 of 150 shown)")
    expect(page.locator("#queue-list [data-queue-id=all]")).to_contain_text("150 waiting")
    page.keyboard.press("n")  # from "All my queues": the P1, though Social care has 149
    expect(page.locator("#case-view")).to_have_attribute("data-case-id", str(p1))
    expect(page.locator("#case-holder")).to_have_text("Yours")
    alice.screenshot("urgency-p1-first")


def test_a_slow_answer_for_the_view_left_never_replaces_mine(
    open_desk: Any, workspace: Any
) -> None:
    mine = add_cases(workspace.social, workspace.reviews, [
        {"priority": 3, "status": "assigned", "assignee_id": workspace.alice.id,
         "subject": f"Alice's own {n}"} for n in range(2)])
    others = add_cases(workspace.social, workspace.reviews, [
        {"priority": 2, "subject": f"Waiting {n}"} for n in range(6)])
    alice = open_desk(workspace.alice, init_script=SLOW_ONE_ANSWER)
    page = alice.page
    expect(alice.row(others[0])).to_be_visible()
    view = page.locator("#view")
    view.select_option("resolved")
    expect(page.locator("#case-count")).to_have_text("0 resolved")
    page.evaluate("window.__slowNext = 'status=open&limit=100'")
    view.select_option("open")  # this answer is held back 2.5 s …
    view.select_option("mine")  # … while this one comes at once
    expect(page.locator("#case-count")).to_have_text("2 mine")
    page.wait_for_function("window.__slowNext === null")  # the slow request was made
    page.wait_for_timeout(3500)  # and its answer has come and gone
    expect(page.locator("#case-count")).to_have_text("2 mine")
    rows = page.locator("#case-list .case-row")
    expect(rows).to_have_count(2)
    assert sorted(int(rows.nth(i).get_attribute("data-case-id") or 0) for i in range(2)) == mine


def test_search_by_handle_and_number_and_links_to_a_case_while_the_desk_is_open(
    open_desk: Any, workspace: Any
) -> None:
    from tests.browser.desk import post_x_mention

    alice = open_desk(workspace.alice)
    page = alice.page
    post_x_mention(alice.base_url, "1890000000000000001", "@AcmeSupport my router is dead",
                   handle="ritag")
    ritas = wait_for(case_whose_subject_has("router is dead"), what="Rita's case")
    post_review(alice.base_url, workspace.reviews, "r-search-1", "Lovely shop, slow delivery")
    review = wait_for(case_whose_subject_has("slow delivery"), what="the review's case")
    expect(alice.row(review.id)).to_be_visible()
    search = page.locator("#search")
    search.fill("@ritag")
    expect(alice.row(ritas.id)).to_be_visible()
    expect(alice.row(review.id)).to_have_count(0)
    search.fill(f"#{review.id}")
    expect(alice.row(review.id)).to_be_visible()
    expect(alice.row(ritas.id)).to_have_count(0)
    search.fill("")
    page.evaluate(f"window.location.hash = '#case-{ritas.id}'")  # a link followed in the desk
    expect(page.locator("#case-view")).to_have_attribute("data-case-id", str(ritas.id))


def test_a_row_from_a_channel_made_after_the_desk_loaded_shows_its_kind(
    open_desk: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice)
    forum = make_channel("generic", "Community forum", secret=CHANNEL_SECRET)
    post_review(alice.base_url, forum.id, "f-1", "Forum post about a broken kettle")
    case = wait_for(case_whose_subject_has("broken kettle"), what="the forum's case")
    icon = alice.row(case.id).locator(".channel-icon")
    expect(icon).to_have_attribute("aria-label", "Reviews and forums")
    expect(icon).to_have_attribute("title", "Community forum")


def test_a_supervisor_releases_an_agents_pending_case_from_the_desk(
    open_desk: Any, workspace: Any
) -> None:
    [held] = add_cases(workspace.social, workspace.reviews, [{
        "priority": 2, "status": "pending", "assignee_id": workspace.alice.id,
        "pending_since": utcnow() - timedelta(minutes=5), "subject": "Waiting on the customer"}])
    alice = open_desk(workspace.alice)
    sam = open_desk(workspace.sam)
    expect(alice.row(held)).to_contain_text("Yours")
    sam.row(held).click()  # a case with no message yet: its timeline has only its events
    expect(sam.page.locator("#case-view")).to_have_attribute("data-case-id", str(held))
    release = sam.action("release")
    expect(release).to_be_enabled()
    release.click()
    expect(sam.page.locator("#case-status [data-status]")).to_have_text("queued")
    expect(alice.row(held)).to_contain_text("Waiting in Social care")
