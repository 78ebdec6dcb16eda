"""/healthz (the process answers) and /readyz (its database and Redis answer)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

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
