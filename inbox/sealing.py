"""Channel credentials sealed at rest: Fernet (AES-128-CBC + HMAC-SHA256) with rotation.

The keys come from `INBOX_SECRETS_KEY`: comma-separated Fernet keys, the newest first.
The first seals; every one of them opens, so a new key can be put in front while rows
sealed with the old one are still read (then `inbox secrets rotate` re-seals them all
and the old key can go). A sealed value is stored as `{"sealed": "<token>"}` in the
same JSON column; a row written before sealing existed (a plain object) is read as it
is and sealed the next time it is written, or by the migration that introduced this.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

SEALED = "sealed"


class SealingError(RuntimeError):
    """No key to seal with, or a value no configured key opens."""


_keys: MultiFernet | None = None


def configure(keys: list[str]) -> None:
    global _keys
    try:
        _keys = MultiFernet([Fernet(key.strip().encode()) for key in keys if key.strip()])
    except (ValueError, TypeError) as exc:
        raise SealingError(
            "INBOX_SECRETS_KEY must hold Fernet keys (32 url-safe base64 bytes each, "
            "comma-separated): make one with `inbox secrets new-key`") from exc


def _configured() -> MultiFernet:
    if _keys is None:  # a process that has not started its runtime (a migration)
        from inbox.config import load_settings

        configure(load_settings().secrets_keys)
    if _keys is None:
        raise SealingError("no key to seal channel secrets with (INBOX_SECRETS_KEY)")
    return _keys


def new_key() -> str:
    return Fernet.generate_key().decode()


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, dict) and set(stored) == {SEALED}


def seal(values: dict[str, Any]) -> dict[str, str]:
    token = _configured().encrypt(json.dumps(values, separators=(",", ":")).encode())
    return {SEALED: token.decode()}


def unseal(stored: Any) -> dict[str, Any]:
    if not is_sealed(stored):
        return dict(stored or {})  # written before sealing existed
    try:
        opened = _configured().decrypt(str(stored[SEALED]).encode())
    except InvalidToken as exc:
        raise SealingError("channel secrets were sealed with a key that is not in "
                           "INBOX_SECRETS_KEY") from exc
    value = json.loads(opened)
    return value if isinstance(value, dict) else {}


def reseal(stored: Any) -> dict[str, str]:
    """The same values sealed with the newest key."""
    if not is_sealed(stored):
        return seal(dict(stored or {}))
    try:
        return {SEALED: _configured().rotate(str(stored[SEALED]).encode()).decode()}
    except InvalidToken as exc:
        raise SealingError("a value no key in INBOX_SECRETS_KEY opens") from exc
