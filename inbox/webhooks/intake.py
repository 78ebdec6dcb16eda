"""Bounded memory under large webhook bodies.

A body is read once, into one bytes object that the service stores as it is. What
bounds the web process is how many large bodies are being read and stored at once:
each costs several times its size while the database driver encodes it. So a request
whose body is large (over `LARGE_BODY`, or of undeclared length) first takes one of
`INBOX_LARGE_BODIES_AT_ONCE` slots, waiting up to `SLOT_WAIT` seconds for one; with none
free it is answered 503 with Retry-After, and the provider sends it again — better than
swapping. An oversized body is refused (413) from its Content-Length before any of it is
read, and while reading one sent chunked (werkzeug stops at MAX_CONTENT_LENGTH).

When the last large body in flight is done, freed memory is handed back to the system
(glibc's malloc_trim): otherwise the heap keeps its peak after a burst.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge

log = logging.getLogger(__name__)

LARGE_BODY = 64 * 1024
CHUNK = 64 * 1024
SLOT_WAIT = 5.0  # seconds a large body waits for a slot before 503
RETRY_AFTER = 2  # seconds
M_ARENA_MAX = -8  # glibc's mallopt parameter


class NoRoom(RuntimeError):
    """Too many large bodies in flight: come back after RETRY_AFTER seconds."""


class _Slots:
    def __init__(self, count: int) -> None:
        self.free = threading.BoundedSemaphore(count)  # gevent's, once patched
        self.lock = threading.Lock()
        self.busy = 0


_slots: _Slots | None = None
_libc: ctypes.CDLL | None = None


def _the_slots() -> _Slots:
    global _slots
    if _slots is None:  # made at first use: after `inbox web` patched threading
        _slots = _Slots(max(1, int(os.environ.get("INBOX_LARGE_BODIES_AT_ONCE", "2"))))
    return _slots


def _c_library() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        name = ctypes.util.find_library("c")
        try:
            _libc = ctypes.CDLL(name) if name else None
        except OSError:
            _libc = None
    return _libc


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Fewer glibc arenas (as MALLOC_ARENA_MAX=2): memory freed by one thread is reused by
    the next instead of staying in an arena of its own."""
    libc = _c_library()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, arenas)


def _trim() -> None:
    libc = _c_library()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def is_large(content_length: int | None) -> bool:
    return content_length is None or content_length > LARGE_BODY


@contextmanager
def body_slot(content_length: int | None) -> Iterator[None]:
    """Around reading and storing one body: a slot if it is large, else nothing."""
    if not is_large(content_length):
        yield
        return
    slots = _the_slots()
    if not slots.free.acquire(timeout=SLOT_WAIT):
        raise NoRoom(f"{slots.busy} large bodies are being received; retry shortly")
    with slots.lock:
        slots.busy += 1
    try:
        yield
    finally:
        with slots.lock:
            slots.busy -= 1
            last = slots.busy == 0
        slots.free.release()
        if last:
            _trim()


def read_body(environ: dict[str, Any], content_length: int | None, limit: int) -> bytes:
    """The raw body (signatures are over these bytes exactly), at most `limit` bytes: a
    longer one is refused 413 from its Content-Length, or, sent chunked, as soon as
    reading passes the limit — never cut short and passed on."""
    if content_length is not None and content_length > limit:
        raise RequestEntityTooLarge()
    stream = environ["wsgi.input"]
    wanted = limit + 1 if content_length is None else content_length
    chunks, got = [], 0
    while got < wanted:
        chunk = stream.read(min(CHUNK, wanted - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > limit:
        raise RequestEntityTooLarge()
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
