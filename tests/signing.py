"""Signing requests the way each provider does, for tests: the adapters' own signing."""

from __future__ import annotations

import json
import os
from typing import Any

from inbox.channels import generic, meta, x


def generic_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    return {**generic.signed_headers(body, secret, timestamp), "Content-Type": "application/json"}


def meta_headers(body: bytes, secret: str | None = None) -> dict[str, str]:
    return {**meta.signed_headers(body, secret or os.environ["META_APP_SECRET"]),
            "Content-Type": "application/json"}


def x_headers(body: bytes, secret: str | None = None) -> dict[str, str]:
    return {**x.signed_headers(body, secret or os.environ["X_CONSUMER_SECRET"]),
            "Content-Type": "application/json"}


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()
