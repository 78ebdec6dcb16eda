"""Large bodies at the edge, against a real `inbox web`: an oversized body is refused 413
whether its length is declared or it is sent chunked, and nothing is stored; when the
large bodies the process takes at once are all being received, the next one is answered
503 with Retry-After instead of being held in memory, and goes through afterwards."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox.models import Delivery
from inbox.services import unit_of_work
from tests.conftest import WAIT, LiveServer, process_env
from tests.factories import make_channel
from tests.signing import generic_headers

SECRET = "edge-source-signing-secret"
LIMIT = 200_000  # INBOX_MAX_WEBHOOK_BYTES for these servers


@pytest.fixture
def server(runtime: Any) -> Iterator[LiveServer]:
    live = LiveServer(process_env(runtime, INBOX_MAX_WEBHOOK_BYTES=str(LIMIT),
                                  INBOX_LARGE_BODIES_AT_ONCE="1")).start()
    try:
        yield live
    finally:
        live.stop()


def review(size: int, item_id: str = "big-1") -> bytes:
    item = {"id": item_id, "type": "review", "text": "",
            "author": {"id": "reviewer-1", "name": "Reviewer"}}
    item["text"] = "x" * (size - len(json.dumps(item)))
    return json.dumps(item).encode()


def stored() -> int:
    with unit_of_work(read_only=True) as session:
        return int(session.scalar(select(func.count()).select_from(Delivery)) or 0)


def post(server: LiveServer, path: str, body: bytes, *, chunked: bool = False
         ) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    headers = {**generic_headers(body, SECRET)}
    if chunked:
        chunks = (body[i:i + 16_384] for i in range(0, len(body), 16_384))
        conn.request("POST", path, chunks, headers, encode_chunked=True)
    else:
        conn.request("POST", path, body, headers)
    try:
        return conn.getresponse()
    except (ConnectionError, http.client.HTTPException) as exc:  # closed while we sent
        raise AssertionError(f"no answer: {exc!r}") from exc


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_an_oversized_body_is_413_and_nothing_is_stored(
        runtime: Any, server: LiveServer, chunked: bool) -> None:
    channel = make_channel("generic", secret=SECRET)
    path = f"/webhooks/generic/{channel.id}"
    answer = post(server, path, review(LIMIT + 50_000), chunked=chunked)
    assert answer.status == 413, answer.read()
    assert stored() == 0
    fits = post(server, path, review(LIMIT - 1_000, "fits"), chunked=chunked)
    assert fits.status == 200, fits.read()
    assert stored() == 1


def test_a_large_body_with_no_room_is_503_with_retry_after_then_goes_through(
        runtime: Any, server: LiveServer) -> None:
    channel = make_channel("generic", secret=SECRET)
    path = f"/webhooks/generic/{channel.id}"
    slow_body = review(150_000, "slow")
    # A slow sender holds the one slot: its headers and half its body, then nothing.
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    head = "".join(f"{k}: {v}\r\n" for k, v in generic_headers(slow_body, SECRET).items())
    slow.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                 f"{len(slow_body)}\r\n{head}\r\n".encode() + slow_body[:75_000])
    try:
        refused = post(server, path, review(120_000, "waits"))
        assert refused.status == 503, refused.read()
        assert refused.getheader("Retry-After") == "2"
        small = post(server, path, review(2_000, "small"))  # small bodies never wait
        assert small.status == 200
        slow.sendall(slow_body[75_000:])
        assert b"200 OK" in slow.recv(4096)
    finally:
        slow.close()
    again = post(server, path, review(120_000, "waits"))
    assert again.status == 200, again.read()
    assert stored() == 3
