"""What the simulator sends, in order: a deterministic, endless stream of planned deliveries.

The Planner keeps a memory of what it already "posted" (page posts, tweets, mails, calls,
forum threads) so later items can reply in those threads, and occasionally re-sends an
earlier payload exactly (a provider's redelivery) or starts a burst on one topic. Given a
seed, the targets and the start time, the stream is always the same.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping

from inbox.simulator import content as c
from inbox.simulator.base import PlannedDelivery, Target, demo_targets
from inbox.simulator.direct import DirectStreams
from inbox.simulator.social import SocialStreams

__all__ = ["PLAN_EPOCH", "PlannedDelivery", "Planner", "Target", "demo_targets", "plan",
           "provider_of"]

# plan()'s fixed clock (2026-01-01T00:00:00Z), so two plans for one seed compare equal.
PLAN_EPOCH = 1_767_225_600.0
DUPLICATE_SHARE = 0.05
BURST_CHANCE = 0.006
MIN_SLOTS_BETWEEN_BURSTS = 60
BURST_SPACING = 0.4  # seconds between burst items when the normal pace is slower

# (stream, channel kind it needs, weight)
STREAMS: tuple[tuple[str, str, int], ...] = (
    ("fb:comment", "facebook", 8), ("fb:reply", "facebook", 5), ("fb:post", "facebook", 2),
    ("fb:echo", "facebook", 1), ("fb:dm", "facebook", 5),
    ("ig:comment", "instagram", 6), ("ig:reply", "instagram", 3), ("ig:dm", "instagram", 4),
    ("x:mention", "x", 10), ("x:reply", "x", 6), ("x:quote", "x", 3), ("x:dm", "x", 5),
    ("email:mailgun", "email", 7), ("email:raw", "email", 5),
    ("voice:missed", "voice", 4), ("voice:voicemail", "voice", 3), ("voice:call", "voice", 2),
    ("voice:callback", "voice", 2),
    ("generic:review", "generic", 5), ("generic:forum", "generic", 3),
    ("generic:blog", "generic", 2), ("generic:mention", "generic", 4),
)
# The first deliveries touch every endpoint once, each one a case opener, so even a run of a
# few seconds exercises every provider.
WARMUP = ("fb:comment", "ig:comment", "x:mention", "email:mailgun", "email:raw",
          "voice:missed", "generic:review")
# Which provider endpoints a channel kind feeds (for the report's "skipped" lines).
KIND_PROVIDERS = {"facebook": "meta", "instagram": "meta", "x": "x",
                  "email": "mailgun, email_raw", "voice": "voice", "generic": "generic"}


def provider_of(stream: str) -> str:
    """The webhook provider a stream posts to ("fb:dm" -> "meta", "email:raw" -> "email_raw")."""
    prefix = stream.split(":")[0]
    if prefix == "email":
        return "mailgun" if stream == "email:mailgun" else "email_raw"
    return {"fb": "meta", "ig": "meta"}.get(prefix, prefix)


class Planner(SocialStreams, DirectStreams, Iterator[PlannedDelivery]):
    """The endless stream; `exclude` names providers that cannot be sent (no secret)."""

    def __init__(self, seed: int, targets: Mapping[str, Target], *, start: float,
                 spacing: float, exclude: Collection[str] = ()) -> None:
        super().__init__(seed, targets, start=start, spacing=spacing)
        self.streams = [(name, weight) for name, kind, weight in STREAMS
                        if kind in targets and provider_of(name) not in exclude]
        self.warmup = deque(n for n in WARMUP if any(n == s for s, _ in self.streams))
        self.slot = 0
        self.last_burst = -MIN_SLOTS_BETWEEN_BURSTS
        self.queued: deque[PlannedDelivery] = deque()  # the rest of a burst
        self.history: deque[PlannedDelivery] = deque(maxlen=300)  # duplicates come from here

    # --- the stream ---------------------------------------------------------------------------

    def __next__(self) -> PlannedDelivery:
        if not self.streams:
            raise StopIteration
        if self.queued:
            return self._remember(self.queued.popleft())
        at = self.slot * self.spacing
        self.slot += 1
        rng = self.rng
        if self.warmup:
            return self._remember(self._make(self.warmup.popleft(), at))
        if len(self.history) >= 5 and rng.random() < DUPLICATE_SHARE:
            earlier = rng.choice(self.history)
            return dataclasses.replace(earlier, at=at, duplicate=True)
        if self.slot - self.last_burst >= MIN_SLOTS_BETWEEN_BURSTS and rng.random() < BURST_CHANCE:
            self.last_burst = self.slot
            burst = self._burst(at)
            self.queued.extend(burst[1:])
            return self._remember(burst[0])
        names, weights = zip(*self.streams, strict=True)
        return self._remember(self._make(rng.choices(names, weights=weights)[0], at))

    def _remember(self, item: PlannedDelivery) -> PlannedDelivery:
        self.history.append(item)
        return item

    def _make(self, stream: str, at: float) -> PlannedDelivery:
        builder = getattr(self, "_" + stream.replace(":", "_"))
        item: PlannedDelivery = builder(at, stream)
        return item

    def _burst(self, at: float) -> list[PlannedDelivery]:
        """Several authors on one topic within seconds (an outage, a billing bug)."""
        rng = self.rng
        topic = rng.choice(sorted(c.BURSTS))
        tag, lines = c.BURSTS[topic]
        count = rng.randint(5, 9)
        items = self._many_authors(at, count, min(self.spacing, BURST_SPACING),
                                   lambda: c.fill(rng.choice(lines), rng, tag=tag))
        self.slot += count - 1  # the burst used these slots: the average rate holds
        return [dataclasses.replace(item, topic=topic) for item in items]

    def spike(self, term: str, count: int, gap: float) -> list[PlannedDelivery]:
        """`inbox simulate --spike`: `count` public complaints naming `term`, `gap`
        seconds apart, from as many different authors as there are personas."""
        rng = self.rng
        items = self._many_authors(0.0, count, gap,
                                   lambda: c.fill(rng.choice(c.SPIKE_LINES), rng, tag=term))
        return [dataclasses.replace(item, topic=term) for item in items]

    def _many_authors(self, at: float, count: int, gap: float,
                      text: Callable[[], str]) -> list[PlannedDelivery]:
        rng = self.rng
        kinds = [s for s in ("x:mention", "fb:comment", "ig:comment", "generic:mention")
                 if any(s == name for name, _ in self.streams)]
        people = rng.sample(c.PERSONAS, min(count, len(c.PERSONAS)))
        items = []
        for index in range(count):
            line = text()  # before the stream is chosen: a seed's plan stays as it was
            items.append(self._make_with(rng.choice(kinds), at + index * gap,
                                         people[index % len(people)], line))
        return items

    def _make_with(self, stream: str, at: float, persona: c.Persona, text: str) -> PlannedDelivery:
        self._forced = (persona, text)
        try:
            return self._make(stream, at)
        finally:
            self._forced = None


def plan(seed: int, n: int, *, targets: Mapping[str, Target] | None = None,
         start: float = PLAN_EPOCH, rate: float = 1.0) -> list[PlannedDelivery]:
    """The first `n` deliveries a simulation with this seed would send, without sending.

    Same seed, targets, start and rate: the same list, byte for byte.
    """
    planner = Planner(seed, demo_targets() if targets is None else targets, start=start,
                      spacing=1.0 / rate)
    return [item for _, item in zip(range(n), planner, strict=False)]
