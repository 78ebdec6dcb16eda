"""Log lines say which request or job they belong to; INBOX_LOG_FORMAT=json makes each
line one JSON object for a log pipeline."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest

from inbox.logs import configure_logging


def test_a_request_keeps_the_callers_id_or_gets_one(client: Any) -> None:
    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a"}).headers[
        "X-Request-Id"] == "lb-7f3a"
    made = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz", headers={"X-Request-Id": "bad id"}).headers[
        "X-Request-Id"] != "bad id"


def test_json_lines_carry_the_request_id(
        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    monkeypatch.setenv("INBOX_LOG_FORMAT", "json")
    try:
        configure_logging()
        stream = io.StringIO()
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        with app.test_request_context("/", headers={"X-Request-Id": "req-42"}):
            app.preprocess_request()
            logging.getLogger("inbox.test").warning("case %s claimed", 7)
        logging.getLogger("inbox.test").warning("outside any request")
    finally:
        root.handlers[:], level = kept
        root.setLevel(level)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "case 7 claimed" and inside["request_id"] == "req-42"
    assert inside["level"] == "WARNING" and inside["logger"] == "inbox.test"
    assert inside["job_id"] == "-" and outside["request_id"] == "-"
