"""The supervisors' wallboard page, /supervisor (docs/wallboard.md). A server-rendered
shell: the page paints from GET /api/v1/wallboard, then follows `wallboard.updated`, and
acts through the case API like the desk."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from inbox.web.console import staff_page
from inbox.web.pages import security_headers

blp = Blueprint("wallboard", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/wallboard.js"


@blp.get("/supervisor")
@login_required
def page() -> str | tuple[str, int]:
    return staff_page("wallboard.html", BUNDLE, "The wallboard")
