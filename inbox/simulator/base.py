"""The planner's shared state: the records it produces and the helpers every stream uses.

Streams (social.py, direct.py) remember what they "posted" here, so later items reply in
threads that exist; all randomness comes from one seeded generator, so a plan repeats.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from inbox.simulator import content as c
from inbox.simulator import payloads as p


@dataclass(frozen=True)
class Target:
    """A connected channel the simulator writes to (its secret never printed or compared)."""

    kind: str
    channel_id: int
    external_id: str | None
    name: str
    secret: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class PlannedDelivery:
    provider: str  # meta | x | mailgun | email_raw | voice | generic
    path: str  # /webhooks/...
    at: float  # seconds after the start when it is due
    label: str  # what it is: "x:reply", "voice:voicemail", ...
    body: bytes | None = None  # JSON or raw MIME; None for form posts
    form: p.FormPairs | None = None  # Mailgun/Twilio fields, signature fields added when sent
    content_type: str = "application/json"
    duplicate: bool = False  # an exact re-send of an earlier delivery's payload
    topic: str | None = None  # set on the items of a burst


def demo_targets() -> dict[str, Target]:
    """The demo workspace's channels (ids 1-6), for planning without a database."""
    from inbox.services.admin.workspace import DEMO_CHANNELS

    return {kind: Target(kind, index, external_id, name)
            for index, (kind, name, external_id) in enumerate(DEMO_CHANNELS, start=1)}


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")



class StreamState:
    def __init__(self, seed: int, targets: Mapping[str, Target], *, start: float,
                 spacing: float) -> None:
        self.rng = random.Random(seed)
        self.targets = dict(targets)
        self.start, self.spacing = start, spacing
        # Conversation memory, so replies land in threads that exist.
        self.page_posts: list[str] = []
        self.fb_comments: deque[tuple[str, str, c.Persona]] = deque(maxlen=40)
        self.ig_media: list[str] = []
        self.ig_comments: deque[tuple[str, str, c.Persona]] = deque(maxlen=40)
        self.tweets: deque[tuple[str, c.Persona]] = deque(maxlen=40)
        self.brand_tweets: list[str] = []
        self.mails: deque[tuple[str, str, c.Persona, list[str]]] = deque(maxlen=40)
        self.missed_calls: deque[tuple[str, c.Persona | None]] = deque(maxlen=20)
        self.threads: deque[tuple[str, str]] = deque(maxlen=30)  # forum (thread id, item id)
        self.dms: set[tuple[str, str]] = set()  # (stream, handle) pairs with a DM thread
        # High-reach accounts write less often than ordinary customers, as in life.
        self.weights = [0.3 if x.followers > 100_000 else 1.0 for x in c.PERSONAS]
        self._forced: tuple[c.Persona, str] | None = None  # a burst's author and text

    # --- small helpers ------------------------------------------------------------------------

    def _who(self) -> c.Persona:
        return self.rng.choices(c.PERSONAS, weights=self.weights)[0]

    def _num(self, digits: int) -> str:
        return str(self.rng.randrange(10 ** (digits - 1), 10 ** digits))

    def _hex(self, length: int) -> str:
        return f"{self.rng.getrandbits(length * 4):0{length}x}"

    def _opening(self) -> tuple[c.Persona, str]:
        """Who writes and what, unless a burst already decided both."""
        if self._forced is not None:
            return self._forced
        persona = self._who()
        return persona, c.opening_text(self.rng, persona, c.pick_intent(self.rng))

    def _followup(self) -> str:
        return c.fill(self.rng.choice(c.FOLLOWUPS), self.rng)

    def _rotating(self, pool: list[str], make: Callable[[], str]) -> str:
        # The brand publishes now and then; people comment mostly on the latest few posts.
        if not pool or self.rng.random() < 0.08:
            pool.append(make())
            del pool[:-4]  # an endless run must not grow without bound
        return self.rng.choice(pool)

    def _json(self, provider: str, path: str, at: float, label: str, payload: Any,
              ascii_only: bool = True) -> PlannedDelivery:
        return PlannedDelivery(provider, path, at, label,
                               body=p.compact_json(payload, ascii_only=ascii_only))

