"""Who is calling: a Bearer token (integrations) or the browser session (desk, with CSRF)."""

from __future__ import annotations

from flask import Flask, Request, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from inbox.models import User
from inbox.services.access_snapshots import active_user, user_for_token

login_manager = LoginManager()
csrf = CSRFProtect()

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class Unauthenticated(Exception):
    pass


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return active_user(int(user_id))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def authenticate_api_request() -> User:
    """The user behind this API request, or Unauthenticated (answered 401)."""
    token = bearer_token()
    if token is not None:
        user = user_for_token(token)
        if user is None:
            raise Unauthenticated("the API token is not valid or was revoked")
        g.auth_method = "token"
        return user
    if request.headers.get("Authorization"):
        raise Unauthenticated("use 'Authorization: Bearer <token>'")
    if current_user.is_authenticated:
        g.auth_method = "session"
        if request.method in UNSAFE_METHODS:
            csrf.protect()  # a session can be ridden by another site; a token cannot
        return current_user._get_current_object()  # type: ignore[attr-defined]
    raise Unauthenticated("authentication required: send a Bearer token or log in")


def current_api_user() -> User:
    return g.api_user  # type: ignore[no-any-return]


class SessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, except on webhooks: providers are authenticated by their
    signature and send no cookie, so nothing is loaded, signed or saved for them (a null
    session, which also refuses writes)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/webhooks/"):
            return None
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "frontend.login"
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked where a session authenticates
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(app)
