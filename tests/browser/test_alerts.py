"""What must catch the eye: SLA countdowns (amber at warning, red at breach) and a
desktop notification for a new P1 case in my queues."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from inbox.models import utcnow
from tests.browser.desk import case_whose_subject_has, post_review, queue_row, wait_for
from tests.conftest import WAIT
from tests.factories import make_case

SOON_S = 8  # the countdowns change this long after the cases are made

RECORD_NOTIFICATIONS = """
window.__notifications = [];
const Original = window.Notification;
window.Notification = class extends Original {
  constructor(title, options) {
    super(title, options);
    window.__notifications.push({title, body: options && options.body});
  }
};
"""


def test_a_new_p1_case_in_my_queues_raises_a_desktop_notification(
    open_desk: Any, server: Any, workspace: Any
) -> None:
    alice = open_desk(workspace.alice, init_script=RECORD_NOTIFICATIONS,
                      permissions=["notifications"])
    post_review(server.url, workspace.reviews, "r-calm", "Lovely staff but slow delivery")
    calm = wait_for(case_whose_subject_has("Lovely staff"), what="the P3 case")
    expect(alice.row(calm.id)).to_be_visible()
    post_review(server.url, workspace.reviews, "r-p1", "Total outage in my street since noon")
    urgent = wait_for(case_whose_subject_has("Total outage"), what="the P1 case")
    assert urgent.priority == 1
    expect(alice.row(urgent.id).locator(".prio")).to_have_text("P1")
    notes = wait_for(lambda: alice.page.evaluate("window.__notifications"), timeout=5,
                     what="a desktop notification")
    assert notes == [{"title": f"New P1 case #{urgent.id}",
                      "body": "Total outage in my street since noon"}]
    toast = alice.page.locator(".toast", has_text=f"New P1 case #{urgent.id}")
    toast.get_by_role("button", name="Open").click()
    expect(alice.page.locator("#case-view")).to_have_attribute("data-case-id", str(urgent.id))


def test_sla_countdowns_turn_amber_at_warning_and_red_at_breach(
    open_desk: Any, workspace: Any
) -> None:
    social = queue_row(workspace.social)
    alice = open_desk(workspace.alice)  # signing in can take seconds on a busy machine...
    now = utcnow()  # ...so the clocks start after it, and a reload shows the cases

    def case(subject: str, started_ago: timedelta, due_in: timedelta) -> int:
        return make_case(social, subject=subject, created_at=now - started_ago,
                         sla_due_at=now + due_in, first_response_due_at=now + due_in).id

    soon = timedelta(seconds=SOON_S)
    calm = case("Plenty of time", timedelta(minutes=1), timedelta(hours=3))
    # A one-hour target warns at 75 %: 45 minutes in. This one gets there in SOON_S s.
    warns = case("About to warn", timedelta(minutes=45) - soon, timedelta(minutes=15) + soon)
    breaches = case("About to breach", timedelta(minutes=59), soon)
    late = case("Already late", timedelta(minutes=70), timedelta(minutes=-10))
    alice.page.reload()
    alice.wait_live()

    def sla(case_id: int) -> Any:
        return alice.row(case_id).locator(".sla")

    expect(sla(calm)).to_have_attribute("data-sla", "ok")
    expect(sla(late)).to_have_attribute("data-sla", "breach")
    expect(sla(late)).to_contain_text("SLA breached 10m")
    expect(sla(warns)).to_have_attribute("data-sla", "ok")
    expect(sla(breaches)).to_have_attribute("data-sla", "warning")
    expect(sla(warns)).to_have_attribute("data-sla", "warning", timeout=WAIT * 1000)
    expect(sla(breaches)).to_have_attribute("data-sla", "breach", timeout=WAIT * 1000)
    amber = sla(warns).evaluate("el => getComputedStyle(el).backgroundColor")
    red = sla(breaches).evaluate("el => getComputedStyle(el).backgroundColor")
    assert amber == "rgb(255, 244, 224)"  # --amber-bg
    assert red == "rgb(198, 40, 40)"  # --bad
    alice.screenshot("sla-countdowns")
