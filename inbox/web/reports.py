"""The reports page (docs/reports.md): a server-rendered shell whose figures come from
/api/v1/reports, the same rows the API and the CSV export give."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.services import unit_of_work
from inbox.services.reports.catalogue import REPORTS
from inbox.services.reports.query import GROUPS, filter_choices
from inbox.web.pages import bundle_version, security_headers

blp = Blueprint("reports", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/reports.js"
VIEWERS = ("supervisor", "admin")


@blp.get("/reports")
@login_required
def page() -> str | tuple[str, int]:
    if current_user.role not in VIEWERS:
        return render_template("forbidden.html", user=current_user), 403
    with unit_of_work(read_only=True) as session:
        choices = filter_choices(session)
    bootstrap = {
        "reports": [{"name": r.name, "title": r.title, "columns": list(r.columns)}
                    for r in REPORTS.values()],
        "groups": list(GROUPS), "choices": choices}
    return render_template("reports.html", user=current_user, bootstrap=bootstrap,
                           groups=GROUPS, choices=choices,
                           bundle=BUNDLE, bundle_version=bundle_version(BUNDLE))
