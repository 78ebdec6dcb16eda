"""A batch's read by pairs on the embedded default: `(channel, external id) IN (…)` written
bare against `dbutil.pairs_in`, on a messages table of growing size.

    .venv/bin/python bench/pairs_lookup.py [--rows 10000 100000 300000] [--batch 100]

For each size: a fresh SQLite database migrated to head, `--rows` messages on three
channels, then the lookup a batch of `--batch` arrivals makes (half of the pairs stored,
half not), repeated; prints milliseconds per lookup for both forms and their ratio. The
bare form is the baseline, run in the same process on the same file. See
docs/benchmarks.md ("Seventh round").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `inbox` importable
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, tuple_  # noqa: E402

from inbox import migrate  # noqa: E402
from inbox.models import Channel, Message  # noqa: E402
from inbox.services.dbutil import pairs_in  # noqa: E402

CHANNELS = 3


def seeded(folder: str, rows: int) -> Any:
    url = f"sqlite:///{Path(folder) / f'pairs-{rows}.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Channel), [{"kind": "generic", "name": f"Channel {n}",
                                              "secrets": {}} for n in range(CHANNELS)])
        for start in range(0, rows, 20_000):
            connection.execute(insert(Message), [
                {"channel_id": 1 + n % CHANNELS, "external_id": f"item-{n}",
                 "direction": "in", "visibility": "public", "kind": "review", "text": "",
                 "thread_key": f"t-{n}"}
                for n in range(start, min(rows, start + 20_000))])
    return engine


def per_lookup_ms(engine: Any, condition: Any, repeat: int) -> float:
    statement = select(Message.id, Message.channel_id, Message.external_id).where(condition)
    with engine.connect() as connection:
        connection.execute(statement).all()  # compiled and cached before timing
        started = time.perf_counter()
        for _ in range(repeat):
            connection.execute(statement).all()
        return (time.perf_counter() - started) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"pairs lookup on SQLite, a batch of {args.batch} (channel, external id) pairs")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            engine = seeded(folder, rows)
            step = max(1, rows // args.batch)
            pairs = [(1 + n % CHANNELS, f"item-{n}" if k % 2 else f"unknown-{n}")
                     for k, n in enumerate(range(0, rows, step))][:args.batch]
            bare = per_lookup_ms(engine, tuple_(Message.channel_id, Message.external_id)
                                 .in_(pairs), args.repeat)
            seeking = per_lookup_ms(engine, pairs_in(Message.channel_id, Message.external_id,
                                                     pairs), args.repeat)
            print(f"  {rows:>9,} messages: bare row-value IN {bare:8.2f} ms, pairs_in "
                  f"{seeking:6.2f} ms = {bare / seeking:6.1f}x faster")
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
