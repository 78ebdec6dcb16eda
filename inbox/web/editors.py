"""The editors page (docs/editors.md): supervisors' settings — the watch list, and the
rules, SLA policies, calendars and canned responses — each a section of one
server-rendered shell that works through the REST API like the admin page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.web.pages import bundle_version, security_headers

blp = Blueprint("editors", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/editors.js"
VIEWERS = ("supervisor", "admin")


def editors_bootstrap(user: Any) -> dict[str, Any]:
    return {"me": {"id": user.id, "name": user.name, "role": user.role,
                   "is_admin": user.role == "admin"}}


@blp.get("/editors")
@login_required
def page() -> str | tuple[str, int]:
    if current_user.role not in VIEWERS:
        return render_template("forbidden.html", user=current_user), 403
    return render_template("editors.html", user=current_user,
                           bootstrap=editors_bootstrap(current_user),
                           bundle=BUNDLE, bundle_version=bundle_version(BUNDLE))
