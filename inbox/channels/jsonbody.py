"""Reading JSON webhook bodies and headers the same careful way in every adapter."""

from __future__ import annotations

import json
from typing import Any

from inbox.channels.base import ParseFailed

# Small defensive readers: hostile JSON may put any type anywhere.


def as_text(value: Any) -> str | None:
    """A str (or int id) as str, else None. Lone surrogates (from bad \\u escapes) are
    replaced and NULs dropped, so the text can always be stored."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # NUL is valid JSON but no PostgreSQL text can hold it: dropped, like bad surrogates.
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return None


def as_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def printable(value: Any) -> str:
    """Short printable form of an untrusted value for `ignored` descriptions."""
    text = as_text(value)
    return "?" if text is None else text[:40]


def load_json_object(body: bytes) -> dict[str, Any]:
    """Decode a webhook body into a JSON object, or raise ParseFailed (never anything else)."""
    try:
        text = bytes(body).decode("utf-8")
    except (UnicodeDecodeError, TypeError):
        raise ParseFailed("body is not valid UTF-8") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseFailed("body JSON is nested too deeply") from None
    except ValueError as exc:
        raise ParseFailed(f"body is not valid JSON: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise ParseFailed(f"body JSON is a {type(data).__name__}, not an object")
    return data


def header(headers: dict[str, str], name: str) -> str | None:
    # Names should arrive lower-cased (InboundRequest); tolerate callers that did not.
    return next((value for key, value in headers.items() if key.lower() == name), None)
