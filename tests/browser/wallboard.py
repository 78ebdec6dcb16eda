"""The wallboard as a page object, for the browser tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from inbox.models import Case, utcnow
from inbox.services import unit_of_work
from inbox.services.sla.sweep import sweep
from tests.browser.desk import Desk
from tests.conftest import WAIT


class WallboardPage:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.page = desk.page

    def open(self) -> WallboardPage:
        self.page.goto(f"{self.desk.base_url}/supervisor")
        self.page.wait_for_selector("body[data-ready=true]", timeout=WAIT * 1000)
        self.page.wait_for_selector("#wallboard-live[data-state=live]", state="attached",
                                    timeout=WAIT * 1000)
        return self

    def figure(self, queue_id: int, name: str) -> Any:
        return self.page.locator(f"#queue-rows tr[data-queue-id='{queue_id}'] "
                                 f"[data-figure={name}]")

    def expect_figure(self, queue_id: int, name: str, value: str) -> None:
        expect(self.figure(queue_id, name)).to_have_text(value, timeout=WAIT * 1000)

    def breached_case(self, case_id: int) -> Any:
        return self.page.locator(f"#breached-cases li[data-case-id='{case_id}']")


def breach(case_id: int) -> None:
    """The case's SLA falls due and the sweep (cron's job) marks it breached."""
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.sla_due_at = utcnow() - timedelta(minutes=1)
        case.sla_warned_at = utcnow() - timedelta(minutes=5)
    sweep()
