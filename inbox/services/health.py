"""Backend checks for readiness probes."""

from __future__ import annotations

from typing import Any

from redis import Redis
from sqlalchemy import text

from inbox.runtime import current


def backend_status() -> dict[str, dict[str, Any]]:
    runtime = current()
    checks: dict[str, dict[str, Any]] = {}
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    probe = Redis.from_url(runtime.redis_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        checks["redis"] = {"ok": bool(probe.ping())}
    except Exception as exc:
        checks["redis"] = {"ok": False, "error": type(exc).__name__}
    finally:
        probe.close()
    return checks
