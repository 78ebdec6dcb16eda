"""The reports page (docs/reports.md): a server-rendered shell whose figures come from
/api/v1/reports, the same rows the API and the CSV export give."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from inbox.services import unit_of_work
from inbox.services.reports.catalogue import REPORTS
from inbox.services.reports.query import GROUPS, filter_choices
from inbox.web.console import refused_unless_staff, staff_page
from inbox.web.pages import security_headers

blp = Blueprint("reports", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/reports.js"


@blp.get("/reports")
@login_required
def page() -> str | tuple[str, int]:
    if (refused := refused_unless_staff("Reports")) is not None:
        return refused  # before reading anything
    with unit_of_work(read_only=True) as session:
        choices = filter_choices(session)
    bootstrap = {
        "reports": [{"name": r.name, "title": r.title, "columns": list(r.columns)}
                    for r in REPORTS.values()],
        "groups": list(GROUPS), "choices": choices}
    return staff_page("reports.html", BUNDLE, "Reports", bootstrap, groups=GROUPS,
                      choices=choices)
