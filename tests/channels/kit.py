"""What the adapters' tests share: recorded fixtures by provider, and for a JSON provider
signed with one HMAC header (Meta, X) signing, the request a receiver would see, parsing,
and hostile variants of a payload."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from inbox.channels import generic
from inbox.channels.base import NormalizedMessage, ParseResult
from inbox.channels.inbound import InboundRequest

FIXTURES_ROOT = Path(__file__).resolve().parent.parent / "fixtures"
JSON_HEADERS = {"content-type": "application/json"}


@dataclass(frozen=True)
class Fixtures:
    """One provider's recorded requests, in tests/fixtures/<folder>."""

    folder: str

    def names(self, suffix: str = ".json") -> list[str]:
        return sorted(p.name for p in (FIXTURES_ROOT / self.folder).glob(f"*{suffix}"))

    def read(self, name: str) -> bytes:
        return (FIXTURES_ROOT / self.folder / name).read_bytes()

    def fields(self, name: str) -> dict[str, str]:
        """A form-posting provider's fixture: its fields, kept as JSON."""
        fields: dict[str, str] = json.loads(self.read(name).decode("utf-8"))
        return fields


@dataclass(frozen=True)
class JsonWebhook:
    adapter_module: ModuleType  # has sign(body, secret) and adapter
    fixtures: Fixtures
    signature_header: str
    path: str  # where the provider posts, e.g. /webhooks/meta
    secret: str

    def load(self, name: str) -> bytes:
        return self.fixtures.read(name)

    def sign(self, body: bytes, secret: str | None = None) -> str:
        return str(self.adapter_module.sign(body, self.secret if secret is None else secret))

    def post(self, body: bytes, signature: str | None) -> InboundRequest:
        headers = dict(JSON_HEADERS)
        if signature is not None:
            headers[self.signature_header] = signature
        return InboundRequest("POST", f"https://inbox.example.com{self.path}", headers, body)

    def parse(self, name_or_body: str | bytes) -> ParseResult:
        body = self.load(name_or_body) if isinstance(name_or_body, str) else name_or_body
        result: ParseResult = self.adapter_module.adapter.parse(body, dict(JSON_HEADERS))
        return result


def only(result: ParseResult) -> NormalizedMessage:
    assert len(result.messages) == 1, result
    return result.messages[0]


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


HOSTILE_VALUES: list[Any] = [None, "", "x", 0, -1, 10**30, 1.5, True, [], {}, ["x"], {"id": {}}]


def _nodes(node: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key) for every node of a payload."""
    if isinstance(node, dict):
        for key in list(node):
            yield node, key
            yield from _nodes(node[key])
    elif isinstance(node, list):
        for index in range(len(node)):
            yield node, index
            yield from _nodes(node[index])


def hostile_variants(original: Any) -> Iterator[Any]:
    """Each payload made from `original` by putting one hostile value in one node."""
    count = sum(1 for _ in _nodes(copy.deepcopy(original)))
    for position in range(count):
        for hostile in HOSTILE_VALUES:
            payload = copy.deepcopy(original)
            container, key = list(_nodes(payload))[position]
            container[key] = hostile
            yield payload


@dataclass(frozen=True)
class ChannelSigned:
    """A source signed with its channel's own secret (generic, raw email): X-Inbox-* headers."""

    url: str
    content_type: str
    secret: str
    now: int

    def sign(self, body: bytes, timestamp: int | str | None = None,
             secret: str | None = None) -> dict[str, str]:
        stamp = str(self.now if timestamp is None else timestamp)
        mac = generic.sign(self.secret if secret is None else secret, stamp, body)
        return {"x-inbox-timestamp": stamp, "x-inbox-signature": f"sha256={mac}"}

    def request(self, body: bytes, headers: dict[str, str]) -> InboundRequest:
        return InboundRequest(method="POST", url=self.url,
                              headers={"content-type": self.content_type, **headers}, body=body)
