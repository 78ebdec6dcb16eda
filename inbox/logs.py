"""How every process logs: plain lines by default, or one JSON object a line
(INBOX_LOG_FORMAT=json) for a log pipeline. Either way each record carries the request
id of the HTTP request it belongs to (X-Request-Id, taken from the caller or made here,
and sent back) and the RQ job id of the job it belongs to ("-" outside one)."""

from __future__ import annotations

import logging
import os
import uuid

PLAIN = "%(asctime)s %(process)d %(name)s %(levelname)s [%(request_id)s %(job_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(process)d %(name)s %(levelname)s %(request_id)s %(job_id)s %(message)s"


class _Context(logging.Filter):
    """Adds request_id and job_id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id()
        record.job_id = _job_id()
        return True


def _request_id() -> str:
    try:
        from flask import g, has_request_context

        return str(g.get("request_id", "-")) if has_request_context() else "-"
    except ImportError:
        return "-"


def _job_id() -> str:
    try:
        from rq import get_current_job

        job = get_current_job()
        return job.id if job is not None else "-"
    except Exception:  # no Redis connection bound, outside a worker: not a job
        return "-"


def configure_logging() -> None:
    """Root logging for this process, from LOG_LEVEL and INBOX_LOG_FORMAT."""
    handler = logging.StreamHandler()
    handler.addFilter(_Context())
    if os.environ.get("INBOX_LOG_FORMAT", "plain").lower() == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={
            "asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(PLAIN))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def new_request_id(offered: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token, else a new one."""
    if offered and len(offered) <= 128 and offered.isprintable() and " " not in offered:
        return offered
    return uuid.uuid4().hex
