"""Group commit: writes that arrive at the same moment in one process share a statement.

A web process accepts webhook deliveries on many threads at once, and what one delivery
costs is mostly per statement (pool checkout, execution, a round trip, the GIL handed
back and forth), not per row. So the first caller becomes the leader and writes what is
waiting in one go, including what queued up while it worked; the others sleep until the
leader hands them their outcome, or hands them the lead for the next batch. A caller
alone (tests, a quiet moment) writes its own item at once, as if there were no batching.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class _Waiting(Generic[Item, Outcome]):
    __slots__ = ("item", "outcome", "error", "done", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None
        self.done = False
        # A bare lock as a one-shot signal: cheaper than an Event, which builds a Condition.
        self.wake = threading.Lock()
        self.wake.acquire()


class GroupCommit(Generic[Item, Outcome]):
    """`write(items)` returns one outcome per item, in order; an item's own failure should
    be its outcome. Should `write` raise anyway, every caller of that batch gets the error.
    A batch is never larger than `max_batch`."""

    def __init__(self, write: Callable[[Sequence[Item]], list[Outcome]],
                 max_batch: int = 100) -> None:
        self._write = write
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiting[Item, Outcome]] = []
        self._leading = False

    def submit(self, item: Item) -> Outcome:
        me: _Waiting[Item, Outcome] = _Waiting(item)
        with self._lock:
            self._queue.append(me)
            lead = not self._leading
            self._leading = True
        if not lead:
            me.wake.acquire()  # until a leader wrote this item, or handed over the lead
        if not me.done:
            self._lead()  # the queue starts with this item: it is in the batch
        if me.error is not None:
            raise me.error
        return me.outcome  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._lock:
            batch = self._queue[:self._max_batch]
            del self._queue[:self._max_batch]
        try:
            outcomes = self._write([waiting.item for waiting in batch])
            for waiting, outcome in zip(batch, outcomes, strict=True):
                waiting.outcome = outcome
        except BaseException as exc:
            for waiting in batch:
                waiting.error = exc
        finally:
            # Nobody is left asleep: the first in line leads the next batch, or the lead
            # lapses and the next caller takes it.
            with self._lock:
                following = self._queue[0] if self._queue else None
                self._leading = following is not None
            for waiting in batch:
                waiting.done = True
                waiting.wake.release()
            if following is not None:
                following.wake.release()
