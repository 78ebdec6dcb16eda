"""Who is calling: a Bearer token (integrations) or the browser session (desk, with CSRF)."""

from __future__ import annotations

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from inbox.models import User
from inbox.services.access_snapshots import user_for_sign_in, user_for_token

login_manager = LoginManager()
csrf = CSRFProtect()

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class Unauthenticated(Exception):
    pass


# "Keep me signed in": the sign-in's id and a one-use secret (inbox.services.admin.sign_ins).
REMEMBER_COOKIE = "inbox_remember"
SIGN_IN_KEY = "sign_in"  # in the session: which sign-in this browser is


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The session's user, while the sign-in the session names is open."""
    sign_in = session.get(SIGN_IN_KEY)
    if not isinstance(sign_in, int) or not user_id.isdigit():
        return None  # a session from before sign-ins were recorded: sign in again
    return user_for_sign_in(sign_in, int(user_id))


@login_manager.request_loader
def _load_remembered(_request: Request) -> User | None:
    """No session: a remember-me cookie opens one, and is traded for a new cookie."""
    cookie = request.cookies.get(REMEMBER_COOKIE)
    if not cookie or request.path.startswith("/webhooks/"):
        return None
    from inbox.runtime import unit_of_work
    from inbox.services.admin.sign_ins import do_remembered

    with unit_of_work() as db:
        remembered = do_remembered(db, cookie)
        if remembered is None:
            g.forget_remember_cookie = True
            return None
        row, g.remember_cookie = remembered
        sign_in_id, user_id = row.id, row.user_id
    user = user_for_sign_in(sign_in_id, user_id)
    if user is not None:
        session[SIGN_IN_KEY] = sign_in_id
        login_user(user)
    return user


def set_remember_cookie(response: Response, value: str) -> None:
    from inbox.services.admin.sign_ins import REMEMBER_LIFETIME

    response.set_cookie(REMEMBER_COOKIE, value, max_age=int(REMEMBER_LIFETIME.total_seconds()),
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def _remember_cookie_changes(response: Response) -> Response:
    if getattr(g, "remember_cookie", None):
        set_remember_cookie(response, g.remember_cookie)
    elif getattr(g, "forget_remember_cookie", False):
        response.delete_cookie(REMEMBER_COOKIE)
    return response


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
    app.after_request(_remember_cookie_changes)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked where a session authenticates
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(app)
