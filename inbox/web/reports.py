"""The reports page (docs/reports.md): a server-rendered shell whose figures come from
/api/v1/reports, the same rows the API and the CSV export give."""

from __future__ import annotations

from typing import Any

from inbox.services import unit_of_work
from inbox.services.reports.catalogue import REPORTS
from inbox.services.reports.query import GROUPS, filter_choices
from inbox.web.console import staff_screen


def report_choices() -> dict[str, Any]:
    """The reports, their groupings and the filters' choices (queues, channels, agents...)."""
    with unit_of_work(read_only=True) as session:
        choices = filter_choices(session)
    return {"reports": [{"name": r.name, "title": r.title, "columns": list(r.columns)}
                        for r in REPORTS.values()],
            "groups": list(GROUPS), "choices": choices}


blp = staff_screen("reports", "/reports", "Reports", report_choices)
