"""Sign-in that resists guessing: failed attempts are limited per account and per address
(Flask-Limiter, counted in Redis so every web process shares the count), answered 429 with
Retry-After; a flood of attempts from one address is cut off before any password is hashed.

Only failures count against the account and address limits, so a person who signs in
right is never slowed down by their own success; the flood limit counts every attempt.
Should Redis be unreachable, sign-in goes on unlimited (logged) rather than locking every
agent out of the desk.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

log = logging.getLogger(__name__)

# Wrong passwords an account may have before it is locked for the rest of the window, and
# what one address may try across accounts; the flood limit is every POST from an address.
ACCOUNT_FAILURES = "5 per 15 minutes"
ADDRESS_FAILURES = "30 per 15 minutes"
ADDRESS_FLOOD = "20 per minute"

limiter = Limiter(key_func=get_remote_address, strategy="moving-window",
                  headers_enabled=True, swallow_errors=True)


def account_key() -> str:
    """The account being tried, as the users table spells it."""
    return "account:" + request.form.get("email", "").strip().lower()


def failed(response: Response) -> bool:
    return response.status_code == 401


def limits_storage_uri(redis_url: str) -> str:
    """The limits library's name for the same Redis (a unix socket is redis+unix://)."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def too_many_attempts(exc: RateLimitExceeded) -> Response | RateLimitExceeded:
    """The sign-in page again, saying why and for how long; elsewhere the usual answer."""
    if request.endpoint != "frontend.login":
        return exc
    hit = limiter.current_limit
    retry_after = max(1, int(hit.reset_at - time.time())) if hit is not None else 60
    page = render_template(
        "login.html", email=request.form.get("email", ""),
        error=f"Too many sign-in attempts. Try again in {retry_after} seconds.")
    response = Response(page, status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask, redis_url: str) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", limits_storage_uri(redis_url))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "inbox-signin")
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_attempts)
