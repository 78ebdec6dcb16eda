"""Login, logout and the desk page (the admin page is inbox/web/admin.py). The desk
itself talks REST and Socket.IO (docs/desk.md).

The desk's JavaScript is bundled by esbuild from frontend/src into frontend/static/dist
(`npm run build`, which `./dev run` and `./dev test` do when needed). Without the bundle
the page still renders and says, in words, how to build it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from inbox.api.auth import REMEMBER_COOKIE, SIGN_IN_KEY, csrf, set_remember_cookie
from inbox.services import unit_of_work
from inbox.services.admin.sign_ins import do_end_sign_in, do_open_sign_in
from inbox.services.admin.users import authenticate_password
from inbox.services.cases.viewing import desk_directory
from inbox.services.metrics import count_signin_failure
from inbox.web.console import console_links
from inbox.web.signin_limits import (
    ACCOUNT_FAILURES,
    ADDRESS_FAILURES,
    ADDRESS_FLOOD,
    account_key,
    failed,
    limiter,
)

blp = Blueprint("frontend", __name__)

BUNDLE = "dist/desk.js"

# Defence in depth behind rendering customer content as text: no inline or foreign
# script can run, and nothing is loaded from elsewhere (links still open in new tabs).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would hand a phishing page our login.
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("frontend.desk")


def bundle_version(bundle: str | None = None) -> str | None:
    """A bundle's modification time (a cache-busting version), or None if unbuilt."""
    path = Path(current_app.static_folder or "") / (bundle or BUNDLE)
    return str(int(path.stat().st_mtime)) if path.is_file() else None


@blp.after_request
def security_headers(response: WerkzeugResponse) -> WerkzeugResponse:
    """The page headers of every server-rendered page (the desk, login, admin)."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # production: served over https only
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response


@blp.app_context_processor
def console_pages() -> dict[str, Any]:
    """Every page's header links the pages its user may open (inbox/web/console.py)."""
    return {"console_links": console_links}


@blp.get("/favicon.ico")
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico whatever the page says: the same icon, cached a day."""
    response = current_app.send_static_file("favicon.svg")
    response.cache_control.max_age = 86_400
    return response


@blp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_FLOOD, methods=["POST"])
@limiter.limit(ACCOUNT_FAILURES, key_func=account_key, methods=["POST"], deduct_when=failed)
@limiter.limit(ADDRESS_FAILURES, methods=["POST"], deduct_when=failed)
def login() -> str | WerkzeugResponse | tuple[str, int]:
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("frontend.desk"))
        return render_template("login.html", error=None, email="")
    csrf.protect()
    email = request.form.get("email", "")
    remember = bool(request.form.get("remember"))
    with unit_of_work() as db:
        user = authenticate_password(db, email, request.form.get("password", ""))
        if user is None:
            count_signin_failure()
            return render_template("login.html", error="Wrong email or password.",
                                   email=email), 401
        sign_in, remember_cookie = do_open_sign_in(
            db, user, remember=remember, user_agent=request.user_agent.string,
            address=request.remote_addr or "")
        sign_in_id = sign_in.id
    session.clear()  # nothing of an earlier session carries over into this one
    session[SIGN_IN_KEY] = sign_in_id
    login_user(user)
    response = redirect(_safe_next(request.args.get("next")))
    if remember_cookie is not None:
        set_remember_cookie(response, remember_cookie)
    return response


@blp.post("/logout")
def logout() -> WerkzeugResponse:
    """Signing out ends this browser's sign-in: a copy of its cookies no longer works."""
    csrf.protect()
    sign_in = session.get(SIGN_IN_KEY)
    if isinstance(sign_in, int) and current_user.is_authenticated:
        with unit_of_work() as db:
            do_end_sign_in(db, sign_in, current_user._get_current_object())  # type: ignore[attr-defined]
    logout_user()
    session.clear()
    response = redirect(url_for("frontend.login"))
    response.delete_cookie(REMEMBER_COOKIE)
    return response


@blp.get("/")
@login_required
def desk() -> str:
    with unit_of_work() as db:
        user = db.merge(current_user._get_current_object(), load=True)  # type: ignore[attr-defined]
        directory = desk_directory(db, user)
    return render_template("desk.html", user=current_user, directory=directory,
                           bundle=BUNDLE, bundle_version=bundle_version())
