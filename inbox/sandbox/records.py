"""What the sandbox received: raw HTTP requests (for tests to inspect byte for byte) and
one summary line per reply (for the page, and for the customers who answer back)."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

KEPT = 500  # a demo left running all day must not grow without bound


@dataclass(frozen=True)
class Reply:
    """How the sandbox answers one request (scripted by tests, or its platform default)."""

    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    """One HTTP request exactly as it arrived."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass(frozen=True)
class Received:
    """One reply that reached the sandbox, in the words of the desk.

    `channel` is the channel kind (facebook, instagram, x, voice, email, generic; "meta"
    when a Graph call does not say which), `platform_id` the id the sandbox gave it (the
    service records it as the message's external id), `answers` what it replies to (a
    comment or tweet id) and `to` the person it was addressed to, where the call names one.
    """

    number: int
    channel: str
    what: str
    text: str
    platform_id: str
    to: str = ""
    answers: str = ""
    subject: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    answer: str = ""  # what the customer did about it, filled in later

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "channel": self.channel, "what": self.what,
                "text": self.text, "platform_id": self.platform_id, "to": self.to,
                "answers": self.answers, "subject": self.subject,
                "at": self.at.isoformat(timespec="seconds"), "answer": self.answer}


Listener = Callable[[Received], None]


class Ledger:
    """The replies received, newest last; thread-safe (HTTP and SMTP threads write)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Received] = deque(maxlen=KEPT)
        self._count = 0
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add(self, **fields: Any) -> Received:
        with self._lock:
            self._count += 1
            entry = Received(number=self._count, **fields)
            self._entries.append(entry)
        for listener in self._listeners:
            listener(entry)
        return entry

    def note_answer(self, number: int, answer: str) -> None:
        with self._lock:
            for index, entry in enumerate(self._entries):
                if entry.number == number:
                    self._entries[index] = replace(entry, answer=answer)

    def entries(self) -> list[Received]:
        with self._lock:
            return list(self._entries)
