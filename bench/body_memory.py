"""Memory of the web process under large webhook bodies: 100 generic deliveries of about
1 MB, 16 at a time, then the same number of small ones as the baseline. Prints the web
worker's resident memory (psutil, sampled every 20 ms) before, at its peak and after (a
few seconds after the burst), and how the requests were answered.

    .venv/bin/python -m bench.body_memory [--n 100] [--concurrency 16] [--size 1000000]

Runs on the embedded backend unless DATABASE_URL is set (see bench/stack.py). No worker
runs: the bodies are only received and stored, which is what the web process does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.stack import HOST, add_stack_arguments, backend, create_workspace, running
from inbox.channels import generic


def body_of(index: int, size: int) -> bytes:
    """A generic review whose text makes the body about `size` bytes."""
    item = {"id": f"big-{size}-{index}", "type": "review", "text": "",
            "author": {"id": f"reviewer-{index}", "name": "Reviewer"}}
    item["text"] = "x" * max(size - len(json.dumps(item)), 1)
    return json.dumps(item, separators=(",", ":")).encode()


class Sampler:
    """The web worker's RSS every 20 ms, in a thread of its own."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> float:
        return float(self.process.memory_info().rss) / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __enter__(self) -> Sampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def send(port: int, path: str, body: bytes, secret: str) -> int:
    headers = {"Content-Type": "application/json", **generic.signed_headers(body, secret)}
    for _ in range(20):  # a 503 asks to come back: do, as a provider would
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 503:
                return response.status
            time.sleep(float(response.getheader("Retry-After") or 1))
        finally:
            conn.close()
    return 503


def burst(port: int, channel: int, secret: str, n: int, concurrency: int, size: int,
          pid: int, settle: float) -> None:
    path = f"/webhooks/generic/{channel}"
    bodies = [body_of(i, size) for i in range(n)]
    with Sampler(pid) as sampler:
        before = sampler.rss()
        started = time.monotonic()
        with ThreadPoolExecutor(concurrency) as pool:
            answers = Counter(pool.map(lambda b: send(port, path, b, secret), bodies))
        took = time.monotonic() - started
        time.sleep(settle)
        after = sampler.rss()
    print(f"  {n} bodies of {size / 1e6:.3f} MB, {concurrency} at a time: {took:.1f} s, "
          f"answers {dict(answers)}")
    print(f"  web RSS: before {before:.0f} MB, peak {sampler.peak:.0f} MB, "
          f"after {after:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000, help="the baseline's body size")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds after a burst before 'after' is read")
    add_stack_arguments(parser)
    args = parser.parse_args()
    with backend(args.redis_url, args.empty_database) as be, running(be) as stack:
        ws = create_workspace(desks=0, readers=0, observers=0)
        stack.start_web()
        _, pid = stack.web_pids()
        print(f"backend: {be.kind}; web worker pid {pid}", flush=True)
        print("small bodies (baseline):")
        burst(stack.port, ws.storm_channel, ws.storm_secret, args.n, args.concurrency,
              args.small, pid, args.settle)
        print("large bodies:")
        burst(stack.port, ws.storm_channel, ws.storm_secret, args.n, args.concurrency,
              args.size, pid, args.settle)


if __name__ == "__main__":
    main()
