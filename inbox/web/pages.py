"""Login, logout and the desk page. The desk itself talks REST and Socket.IO."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from inbox.api.auth import csrf
from inbox.services import unit_of_work
from inbox.services.users import authenticate_password

blp = Blueprint("frontend", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would hand a phishing page our login.
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("frontend.desk")


@blp.route("/login", methods=["GET", "POST"])
def login() -> str | WerkzeugResponse | tuple[str, int]:
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(url_for("frontend.desk"))
        return render_template("login.html", error=None, email="")
    csrf.protect()
    email = request.form.get("email", "")
    with unit_of_work() as session:
        user = authenticate_password(session, email, request.form.get("password", ""))
    if user is None:
        return render_template("login.html", error="Wrong email or password.", email=email), 401
    login_user(user, remember=bool(request.form.get("remember")))
    return redirect(_safe_next(request.args.get("next")))


@blp.post("/logout")
def logout() -> WerkzeugResponse:
    csrf.protect()
    logout_user()
    return redirect(url_for("frontend.login"))


@blp.get("/")
@login_required
def desk() -> str | Response:
    return render_template("desk.html", user=current_user)
