"""Crisis: a synthetic spike (`inbox simulate --spike`) raises the banner on a
supervisor's desk, live; while it is active a new matching case lands in the crisis
queue at P1; clearing it from the banner hides it and is recorded."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from inbox.models import AdminChange
from inbox.services import unit_of_work
from tests.browser.desk import case_whose_subject_has, post_review, wait_for
from tests.conftest import ROOT, WAIT


def test_a_spike_raises_the_banner_and_routes_new_matching_cases(
        open_desk: Any, server: Any, workspace: Any, backend_env: dict[str, str]) -> None:
    sam, alice = open_desk(workspace.sam), open_desk(workspace.alice)
    settings = sam.api("PATCH", "/crisis/settings", {"queue_id": workspace.tier2,
                                                     "priority": 1, "min_volume": 5})
    assert settings["status"] == 200, settings
    banner = sam.page.locator("#crisis-banner")
    expect(banner).to_be_hidden()
    # The "notify" action (on by default): a desktop notification too, recorded here.
    sam.page.evaluate("""() => {
        window.notices = [];
        window.Notification = class { static permission = "granted";
            constructor(title, options) { window.notices.push([title, options.body]); } };
    }""")
    spike = subprocess.run(
        [sys.executable, "-m", "inbox.cli", "simulate", "--url", server.url, "--spike",
         "flatline", "--spike-count", "8", "--spike-gap", "0.05", "--seed", "3"],
        env=backend_env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert spike.returncode == 0, spike.stderr
    assert "crisis alerts raised: none" not in spike.stdout, spike.stdout
    # Live: the desk was never reloaded.
    expect(banner).to_contain_text("“flatline”", timeout=WAIT * 1000)
    assert sam.page.evaluate("performance.getEntriesByType('navigation').length") == 1
    expect(alice.page.locator("#crisis-banner")).to_be_hidden()  # agents see no alerts
    notices = sam.page.evaluate("window.notices")
    assert any(title == "Crisis alert" and "“flatline”" in body for title, body in notices), notices

    post_review(server.url, workspace.reviews, "cr-1", "The flatline again, app dead, refund!")
    case = wait_for(case_whose_subject_has("flatline again"), what="the matching case")
    assert (case.queue_id, case.priority) == (workspace.tier2, 1)
    assert "crisis" in case.tags

    rows = banner.locator(".crisis-alert")
    raised = rows.count()  # the term's, and the channels' the spike flooded
    for left in range(raised - 1, -1, -1):
        rows.first.get_by_role("button", name="Clear").click()
        expect(rows).to_have_count(left, timeout=WAIT * 1000)
    expect(banner).to_be_hidden(timeout=WAIT * 1000)
    with unit_of_work() as session:
        cleared = session.scalars(select(AdminChange).where(
            AdminChange.action == "crisis_alert.clear")).all()
    assert len(cleared) == raised and {c.actor_id for c in cleared} == {workspace.sam.id}
    assert sam.errors == [] and alice.errors == []
