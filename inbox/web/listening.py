"""The listening page, /listening (docs/listening.md): the monitored stream with its
filters and keys, the watch terms, the trends charts and the crisis alerts. A
server-rendered shell; everything comes from the listening and crisis APIs."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.web.console import STAFF
from inbox.web.pages import bundle_version, security_headers

blp = Blueprint("listening", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/listening.js"


@blp.get("/listening")
@login_required
def page() -> str | tuple[str, int]:
    if current_user.role not in STAFF:
        return render_template("forbidden.html", user=current_user), 403
    bootstrap = {"me": {"id": current_user.id, "name": current_user.name,
                        "role": current_user.role}}
    return render_template("listening.html", user=current_user, bootstrap=bootstrap,
                           bundle=BUNDLE, bundle_version=bundle_version(BUNDLE))
