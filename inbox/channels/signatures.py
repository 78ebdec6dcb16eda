"""The HMACs providers sign with, and the one check for a signed body in a header.

Each adapter signs and verifies its own scheme with these (meta.sign, x.sign,
generic.sign, mailgun.sign, voice.sign), so the simulator, the tests, the benchmarks
and the outbound generic sender all sign the way verification checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

from inbox.channels.inbound import InboundRequest, VerificationFailed
from inbox.channels.jsonbody import header as find_header


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def hmac_sha256_base64(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_sha1_base64(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def same(expected: str, given: str) -> bool:
    """Constant-time comparison of an expected signature with one as received."""
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8", "replace"))


@dataclass(frozen=True)
class BodySignature:
    """A provider's `sha256=<digest>` of the raw body in one header (Meta, X): the same
    check for both, each with its own digest encoding and header shape."""

    header: str  # as it is named in errors
    setting: str  # what is missing when it is not configured
    shape: re.Pattern[str]  # the header's value; group 1 is the digest
    shape_text: str
    sign: Callable[[bytes, str], str]  # (body, secret) -> the header's value
    fold_case: bool = False  # hex digests may come in either case

    def check(self, request: InboundRequest, secret: str | None) -> None:
        if not secret:
            raise VerificationFailed(f"{self.setting} is not configured", status=401)
        value = find_header(request.headers, self.header.lower())
        if value is None:
            raise VerificationFailed(f"missing {self.header} header", status=401)
        match = self.shape.fullmatch(value.strip())
        if match is None:
            raise VerificationFailed(
                f"malformed {self.header} header (expected {self.shape_text})", status=401)
        digest = match.group(1).lower() if self.fold_case else match.group(1)
        # HMAC the raw bytes: providers sign the wire form, re-encoding would not match.
        if not same(self.sign(bytes(request.body), secret), "sha256=" + digest):
            raise VerificationFailed(f"{self.header} does not match the body", status=401)
