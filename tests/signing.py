"""Signing requests the way each provider does, for tests and the simulator's checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from typing import Any


def generic_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Inbox-Timestamp": ts, "X-Inbox-Signature": f"sha256={digest}",
            "Content-Type": "application/json"}


def meta_headers(body: bytes, secret: str | None = None) -> dict[str, str]:
    key = (secret or os.environ["META_APP_SECRET"]).encode()
    digest = hmac.new(key, body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def x_headers(body: bytes, secret: str | None = None) -> dict[str, str]:
    key = (secret or os.environ["X_CONSUMER_SECRET"]).encode()
    digest = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
    return {"X-Twitter-Webhooks-Signature": f"sha256={digest}",
            "Content-Type": "application/json"}


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()
