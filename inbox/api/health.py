"""/healthz (the process answers), /readyz (its database and Redis answer) and /metrics
(Prometheus: to loopback callers, or to any with INBOX_METRICS_TOKEN as Bearer token)."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, jsonify, request

from inbox.api.errors import error_response
from inbox.runtime import current
from inbox.services.health import backend_status

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz() -> Response:
    checks = backend_status()
    ready = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ready" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    return response


def _may_scrape() -> bool:
    token = current().settings.metrics_token
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(offered.encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@blp.get("/metrics")
def metrics() -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST

    from inbox.services.metrics import metrics_text

    if not _may_scrape():  # checked before anything is read
        return error_response(403, "forbidden", "metrics need INBOX_METRICS_TOKEN as a Bearer "
                              "token (or a call from this host when none is set)")
    return Response(metrics_text(), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Cache-Control": "no-store"})
