"""The supervisors' wallboard page, /supervisor (docs/wallboard.md). A server-rendered
shell: the page paints from GET /api/v1/wallboard, then follows `wallboard.updated`, and
acts through the case API like the desk."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.web.console import STAFF
from inbox.web.pages import bundle_version, security_headers

blp = Blueprint("wallboard", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/wallboard.js"


@blp.get("/supervisor")
@login_required
def page() -> str | tuple[str, int]:
    if current_user.role not in STAFF:
        return render_template("forbidden.html", user=current_user), 403
    bootstrap = {"me": {"id": current_user.id, "name": current_user.name,
                        "role": current_user.role}}
    return render_template("wallboard.html", user=current_user, bootstrap=bootstrap,
                           bundle=BUNDLE, bundle_version=bundle_version(BUNDLE))
