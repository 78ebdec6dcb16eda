"""Calling a platform over HTTP: timeouts, Retry-After, and which failures are worth a retry."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from inbox.channels.senders import SendFailed
from inbox.channels.senders.destinations import UnsafeDestination, send_checked

MAX_RETRY_AFTER = 24 * 3600.0  # a platform asking for longer is treated as asking for a day


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return min(max((when - current).total_seconds(), 0.0), MAX_RETRY_AFTER)


def platform_error(response: requests.Response) -> str:
    """The platform's own words for what went wrong, short enough to show an agent."""
    try:
        body = response.json()
    except ValueError:
        body = None
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error")
        errors = body.get("errors")
        if isinstance(error, dict):  # Graph API
            message = error.get("error_user_msg") or error.get("message")
        elif isinstance(error, str):
            message = error
        if not message and isinstance(errors, list) and errors and isinstance(errors[0], dict):
            message = errors[0].get("message") or errors[0].get("detail")  # X v1.1 / v2
        message = message or body.get("detail") or body.get("message") or body.get("title")
    if not message:
        message = (response.text or response.reason or "").strip()[:300]
    return f"HTTP {response.status_code}: {str(message)[:500]}" if message else (
        f"HTTP {response.status_code}")


def request(method: str, url: str, *, timeout: float, admin_given: bool = False,
            production: bool = False, **kwargs: Any) -> requests.Response:
    """One call; unreachable or silent platforms are transient failures. An
    `admin_given` URL (not the operator's configuration) is checked before each hop
    (destinations.py): a refused one is a permanent failure that says why."""
    timeouts = (min(timeout, 10.0), timeout)
    try:
        if admin_given:
            return send_checked(method, url, production=production, timeout=timeouts, **kwargs)
        return requests.request(method, url, timeout=timeouts, **kwargs)
    except UnsafeDestination as exc:
        raise SendFailed(f"refused to call {url}: {exc}", permanent=True)
    except requests.Timeout:
        # The platform may have taken it; retrying risks a duplicate, giving up loses it.
        # We retry: an agent can delete a duplicate, a silently lost reply is worse.
        raise SendFailed("the platform did not answer in time")
    except requests.RequestException as exc:
        raise SendFailed(f"could not reach the platform ({type(exc).__name__})")


def check(response: requests.Response, *, transient: bool = False) -> None:
    """Raise SendFailed for an error answer: 429 and 5xx (or `transient`) are retried."""
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = platform_error(response)
    if status == 429 or status >= 500 or transient:
        raise SendFailed(reason, retry_after=retry_after_seconds(
            response.headers.get("Retry-After")))
    raise SendFailed(reason, permanent=True)


def json_object(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def need_id(value: Any, what: str) -> str:
    """The platform id from a success answer; an answer without one cannot be trusted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()[:255]
    raise SendFailed(f"the platform accepted the {what} but returned no id", permanent=True)
