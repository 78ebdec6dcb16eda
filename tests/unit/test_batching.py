"""Group commit: every caller gets its own outcome, whoever wrote it, and nobody hangs."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from inbox.services.ingest.batching import GroupCommit

pytestmark = pytest.mark.no_backends


def test_a_caller_alone_writes_its_own_item_at_once() -> None:
    batches: list[list[int]] = []

    def write(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        return [item * 10 for item in items]

    store = GroupCommit(write)
    assert [store.submit(n) for n in range(3)] == [0, 10, 20]
    assert batches == [[0], [1], [2]]


def test_concurrent_callers_share_batches_and_each_gets_its_outcome() -> None:
    batches: list[list[int]] = []

    def write(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        time.sleep(0.005)  # a round trip: others queue up meanwhile
        return [item * 10 for item in items]

    store = GroupCommit(write, max_batch=5)
    results: dict[int, int] = {}
    start = threading.Barrier(16)

    def caller(base: int) -> None:
        start.wait()
        for n in range(base, base + 20):
            results[n] = store.submit(n)

    threads = [threading.Thread(target=caller, args=(t * 100,)) for t in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert results == {n: n * 10 for n in results} and len(results) == 320
    assert sorted(n for batch in batches for n in batch) == sorted(results)
    assert max(len(batch) for batch in batches) > 1
    assert all(len(batch) <= 5 for batch in batches)


def test_a_write_that_raises_fails_its_batch_and_the_next_callers_still_go_through() -> None:
    def write(items: Sequence[int]) -> list[int]:
        if 13 in items:
            raise RuntimeError("boom")
        return list(items)

    store = GroupCommit(write)
    with pytest.raises(RuntimeError, match="boom"):
        store.submit(13)
    assert store.submit(14) == 14
