"""The editors page (docs/editors.md): supervisors' settings — the watch list, and the
rules, SLA policies, calendars and canned responses — each a section of one
server-rendered shell that works through the REST API like the admin page."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from inbox.web.console import staff_page
from inbox.web.pages import security_headers

blp = Blueprint("editors", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/editors.js"


@blp.get("/editors")
@login_required
def page() -> str | tuple[str, int]:
    return staff_page("editors.html", BUNDLE, "The editors")
