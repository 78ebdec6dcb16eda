"""Omnichannel contact-centre social inbox: the application factory."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when an app is made: `inbox web` patches the standard
    # library for gevent before anything imports ssl, sockets or threads
    from flask import Flask
    from flask_smorest import Api

from inbox.resources import FRONTEND


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    """Build the web application. Nothing connects at import time; this does it once."""
    from flask import Flask

    from inbox import runtime
    from inbox.api import auth, errors
    from inbox.api.base import API_PREFIX, DatabaseId, InboxApi
    from inbox.realtime import socket
    from inbox.web import signin_limits
    from inbox.web.json_provider import OrjsonProvider

    rt = runtime.start(overrides)
    app = Flask(
        __name__,
        instance_path=str(rt.settings.instance_path),
        template_folder=str(FRONTEND / "templates"),
        static_folder=str(FRONTEND / "static"),
    )
    # Ids in URLs fit the database's integer columns: a larger one is simply not found
    # (PostgreSQL would refuse to compare it), never a 500.
    app.url_map.converters["int"] = DatabaseId
    app.json = OrjsonProvider(app)
    app.config.update(
        SECRET_KEY=rt.settings.secret_key,
        MAX_CONTENT_LENGTH=rt.settings.max_webhook_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=rt.settings.production,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=rt.settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        API_TITLE="Social inbox API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        INBOX_SETTINGS=rt.settings,
    )
    auth.init_app(app)
    signin_limits.init_app(app, rt.redis_url)
    api = InboxApi(app)
    _declare_security(api)
    _register_blueprints(app, api, API_PREFIX)
    errors.register(app)  # after flask-smorest, whose own handler this replaces
    _tag_requests(app)
    socket.init_app(app, rt.redis_url)
    return app


def _tag_requests(app: Flask) -> None:
    """Each request gets an id for its log lines, the caller's X-Request-Id if it sent one,
    and the answer says which; admin changes it makes record the caller's address."""
    from flask import g, request

    from inbox.logs import new_request_id
    from inbox.services.admin.audit import change_origin

    @app.before_request
    def _name_request() -> None:
        g.request_id = new_request_id(request.headers.get("X-Request-Id"))
        change_origin.set((request.remote_addr or "")[:64] or None)

    @app.after_request
    def _say_request(response: Any) -> Any:
        response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
        return response


def _declare_security(api: Api) -> None:
    """How API callers prove who they are; each operation names which it accepts
    (inbox.api.authorization)."""
    api.spec.components.security_scheme(
        "bearerToken", {"type": "http", "scheme": "bearer",
                        "description": "an API token (inbox tokens, or the admin page)"})
    api.spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": "session",
                          "description": "the desk's signed-in session"})
    api.spec.components.security_scheme(
        "csrfHeader", {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                       "description": "with the session cookie, on every change"})


def _register_blueprints(app: Flask, api: Api, prefix: str) -> None:
    from inbox.api import (
        admin,
        approvals,
        cases,
        classifier,
        contacts,
        crisis,
        event_webhooks,
        health,
        listening,
        queues,
        replies,
        reports,
        routing,
        sla,
        team,
        wallboard,
    )
    from inbox.web import admin as admin_page
    from inbox.web import approvals as approvals_page
    from inbox.web import editors as editors_page
    from inbox.web import listening as listening_page
    from inbox.web import pages
    from inbox.web import reports as reports_page
    from inbox.web import wallboard as wallboard_page
    from inbox.webhooks import receivers

    for blueprint in (cases.blp, contacts.blp, queues.blp, routing.blp, sla.blp,
                      listening.blp, admin.blp, replies.blp, team.blp, reports.blp,
                      event_webhooks.blp, wallboard.blp, crisis.blp, classifier.blp,
                      approvals.blp):
        api.register_blueprint(blueprint, url_prefix=prefix)
    app.register_blueprint(health.blp)
    app.register_blueprint(pages.blp)
    app.register_blueprint(admin_page.blp)
    app.register_blueprint(reports_page.blp)
    app.register_blueprint(editors_page.blp)
    app.register_blueprint(wallboard_page.blp)
    app.register_blueprint(listening_page.blp)
    app.register_blueprint(approvals_page.blp)
    app.register_blueprint(receivers.blp)
