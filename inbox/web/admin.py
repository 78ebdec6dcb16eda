"""The admin page: channels, people, teams, queues, API tokens and the record of changes
(docs/admin.md). A server-rendered shell; the page itself works through the REST API
(/api/v1/channels, /users, /teams, /queues, /tokens, /admin/changes) like the desk.

What each kind of channel takes comes from the service's own profiles, so the forms
ask for exactly what the API validates.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from inbox.models import ROLES
from inbox.realtime.events import WEBHOOK_EVENTS
from inbox.services.admin.channel_profiles import PROFILES
from inbox.services.admin.team import CHANNEL_CAPACITY_KINDS
from inbox.web.pages import bundle_version, security_headers

blp = Blueprint("admin_page", __name__)
blp.after_request(security_headers)

BUNDLE = "dist/admin.js"
VIEWERS = ("supervisor", "admin")  # supervisors read what the API lets them read

# How the forms present a setting or credential: (label, input, hint). A name missing
# here still gets a text input under its own name, so a new one is never unsettable.
FIELDS: dict[str, tuple[str, str, str]] = {
    "reply_url": ("Reply URL", "url", "replies are POSTed here, signed with the channel's secret"),
    "reply_visibilities": ("Replies accepted", "visibilities",
                           "which kinds of answer the source takes"),
    "from_name": ("Sender name", "text", "shown as the From name of replies"),
    "sms_enabled": ("Text messages (SMS)", "boolean", "replies by SMS from this number"),
    "sms_from": ("SMS sender number", "tel", "E.164, e.g. +14155550100"),
    "retention_days": ("Keep messages for (days)", "integer",
                       "older messages of finished cases lose their text; empty: for ever"),
    "join_open_case_hours": ("Join an open case within (hours)", "integer",
                             "a customer's new conversation joins their open case on this "
                             "channel if it had a message within this many hours; 0: off"),
    "access_token": ("Access token", "secret", "the page or account access token"),
    "bearer_token": ("Bearer token", "secret", "an OAuth 2 user-context token"),
    "account_sid": ("Account SID", "secret", "Twilio's account SID"),
    "auth_token": ("Auth token", "secret", "Twilio's auth token"),
}


def channel_kinds() -> dict[str, dict[str, Any]]:
    """Per kind: what its external id is, its settings and its write-only credentials."""
    return {
        kind: {"label": p.label, "named": p.named, "external_id": p.external_id,
               "settings": list(p.settings), "credentials": list(p.credentials),
               "signed_by_channel": p.signed_by_channel}
        for kind, p in PROFILES.items()
    }


def admin_bootstrap(user: Any) -> dict[str, Any]:
    return {
        "me": {"id": user.id, "name": user.name, "role": user.role,
               "is_admin": user.role == "admin"},
        "kinds": channel_kinds(),
        "fields": {name: {"label": label, "input": kind, "hint": hint}
                   for name, (label, kind, hint) in FIELDS.items()},
        "roles": list(ROLES),
        "capacity_kinds": list(CHANNEL_CAPACITY_KINDS),
    }


@blp.get("/admin")
@login_required
def admin() -> str | tuple[str, int]:
    if current_user.role not in VIEWERS:
        return render_template("forbidden.html", user=current_user, page="Administration"), 403
    return render_template("admin.html", user=current_user, webhook_events=WEBHOOK_EVENTS,
                           bootstrap=admin_bootstrap(current_user),
                           bundle=BUNDLE, bundle_version=bundle_version(BUNDLE))
