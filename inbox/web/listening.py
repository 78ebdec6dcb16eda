"""The listening page, /listening (docs/listening.md): the monitored stream with its
filters and keys, the watch terms, the trends charts and the crisis alerts. A
server-rendered shell; everything comes from the listening and crisis APIs."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from inbox.web.console import staff_page
from inbox.web.pages import security_headers

blp = Blueprint("listening", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/listening.js"


@blp.get("/listening")
@login_required
def page() -> str | tuple[str, int]:
    return staff_page("listening.html", BUNDLE, "Listening")
