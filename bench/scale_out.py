"""Scale-out benchmark: what a second web process and a second worker buy, on PostgreSQL + Redis.

    .venv/bin/python bench/scale_out.py [--n 3000] [--concurrency 32]

Starts two `inbox web` processes and two nginx instances from deploy/nginx.conf.template
(one in front of web 1 alone, one in front of both), all on loopback. Then:

1. GET /healthz through each nginx (what the proxy path costs without the app's work).
2. Accept rate of signed webhook deliveries: straight to web 1, through nginx to 1 web
   process, through nginx to 2 (no worker runs meanwhile; every delivery must be stored).
3. Ingest rate: the deliveries accepted through nginx drained by 1 worker, then (tables
   and Redis emptied, the same deliveries accepted again through nginx to 2 web processes)
   by 2 workers, each run checked for correctness.

Prints each figure, the 2-vs-1 ratios and CPU milliseconds per item by process, so the
ratio can be read against where the machine's cores went. Every phase is bounded by
--timeout; everything started is stopped, the database dropped and Redis flushed.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `deploy`, `inbox` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CpuUsage,
    LoadResult,
    Process,
    Request,
    add_storm_arguments,
    child_env,
    free_port,
    fresh_database,
    wait_http_ok,
)
from bench.ingest import (  # noqa: E402
    HOST,
    META_SECRET,
    Context,
    Drain,
    Workload,
    _flush_redis,
    build_workload,
    counts,
    drain,
    load_phase,
    reset_workspace,
    verify,
)
from deploy.nginx import Nginx, nginx_binary  # noqa: E402


def accept(ctx: Context, port: int, load: Workload, label: str, first: bool) -> LoadResult:
    """Empty workspace, then every delivery POSTed to `port`; all must be stored, pending."""
    from inbox.runtime import current

    reset_workspace(first)
    current().redis.flushdb()
    result = load_phase(dataclasses.replace(ctx, port=port), load, label)
    found = counts()
    if found.get("deliveries_pending", 0) != len(load.requests) or found["messages"]:
        raise RuntimeError(f"{label}: not every delivery stored and pending: {found}")
    return result


def ingest(ctx: Context, workers: int, load: Workload) -> tuple[Drain, bool]:
    result = drain(ctx, workers, load)
    usage = ctx.cpu[f"drain {workers}w"]
    print(f"  {result.summary()}\n    {usage.summary()}\n    "
          f"{usage.per_item_summary(result.messages, 'message')}", flush=True)
    ok, report = verify(load)
    print(f"  correctness {'OK' if ok else 'FAILED'}: {report}", flush=True)
    return result, ok


def _cpu_ms(usage: CpuUsage | None, items: int) -> str:
    if usage is None:
        return ""
    costs = usage.ms_per_item(items)
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in costs.items() if ms >= 0.01)
    return (f"\n      cpu {sum(costs.values()):.2f} ms/item ({parts}); "
            f"{usage.machine_cores:.2f} of {os.cpu_count()} cores busy, "
            f"others {usage.other_cores:.2f}")


def report(ctx: Context, health: dict[int, LoadResult], direct: LoadResult,
           accepted: dict[int, LoadResult], drains: dict[int, tuple[Drain, bool]]) -> None:
    args = ctx.args
    print(f"\n== scale-out benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} "
          f"cores, n={args.n}, concurrency={args.concurrency} ==")
    for webs, result in health.items():
        print(f"GET /healthz, nginx -> {webs} web: {result.rate:,.0f} req/s, "
              f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
              + _cpu_ms(ctx.cpu.get(result.label), result.count))
    print(f"accept, straight to 1 web:   {direct.rate:,.0f} deliveries/s, "
          f"p50 {direct.p50_ms:.1f} ms, p99 {direct.p99_ms:.1f} ms"
          + _cpu_ms(ctx.cpu.get(direct.label), direct.count))
    for webs, result in accepted.items():
        print(f"accept, nginx -> {webs} web:     {result.rate:,.0f} deliveries/s, "
              f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
              + _cpu_ms(ctx.cpu.get(result.label), result.count))
    for workers, (drained, ok) in drains.items():
        print(f"ingest, {workers} worker(s):       {drained.messages_per_s:,.0f} messages/s "
              f"(correct: {'yes' if ok else 'NO'})"
              + _cpu_ms(ctx.cpu.get(f"drain {workers}w"), drained.messages))
    print(f"\naccept rate, 2 web / 1 web behind nginx: "
          f"{accepted[2].rate / accepted[1].rate:.2f}x  "
          f"(healthz through nginx: {health[2].rate / health[1].rate:.2f}x)")
    print(f"ingest rate, 2 workers / 1 worker:       "
          f"{drains[2][0].messages_per_s / drains[1][0].messages_per_s:.2f}x")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_storm_arguments(parser, n=3000, timeout=300.0, quiet_wait=60.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if nginx_binary() is None:
        print("nginx is not installed (Debian: apt-get install nginx)", file=sys.stderr)
        return 2
    load = build_workload(args.n, args.warmup, args.duplicates, args.new_threads, args.seed)
    instance = Path(tempfile.mkdtemp(prefix="bench-scale-out-"))
    started: list[Process | Nginx] = []
    with fresh_database(args.pg_admin_url, "bench_scale_out") as url:
        try:
            os.environ.update(DATABASE_URL=url, REDIS_URL=args.redis_url,
                              INBOX_INSTANCE_PATH=str(instance), META_APP_SECRET=META_SECRET)
            from inbox import migrate, runtime

            migrate.upgrade(url)
            runtime.start().redis.flushdb()
            env = child_env(DATABASE_URL=url, REDIS_URL=args.redis_url,
                            INBOX_INSTANCE_PATH=str(instance), META_APP_SECRET=META_SECRET,
                            LOG_LEVEL="WARNING")
            webs: list[tuple[Process, int]] = []
            for n in (1, 2):
                port = free_port()
                # The web process as deployed: its own defaults for the worker class.
                web = Process.inbox(f"web{n}", ["web", "--host", HOST, "--port", str(port)],
                                    env)
                started.append(web)
                web.start()
                webs.append((web, port))
            for web, port in webs:
                wait_http_ok(HOST, port, "/healthz", web, timeout=60)
            addresses = [f"{HOST}:{port}" for _, port in webs]
            proxies: dict[int, Nginx] = {}
            for count in (1, 2):
                proxies[count] = Nginx(addresses[:count], free_port())
                started.append(proxies[count])
                proxies[count].start()
            ctx = Context(args, env, webs[0][1], url.rsplit("/", 1)[1], {})

            health: dict[int, LoadResult] = {}
            for count, proxy in proxies.items():
                health_load = Workload([Request("GET", "/healthz")] * (args.warmup + args.n),
                                       args.warmup, 0, 0, 0)
                health[count] = load_phase(dataclasses.replace(ctx, port=proxy.port),
                                           health_load, f"GET /healthz, nginx -> {count} web")
            direct = accept(ctx, webs[0][1], load, "accept, straight to 1 web", first=True)
            accepted: dict[int, LoadResult] = {}
            drains: dict[int, tuple[Drain, bool]] = {}
            for count, proxy in proxies.items():
                accepted[count] = accept(ctx, proxy.port, load,
                                         f"accept, nginx -> {count} web", first=False)
                drains[count] = ingest(ctx, count, load)
            report(ctx, health, direct, accepted, drains)
            return 0 if all(ok for _, ok in drains.values()) else 1
        finally:
            for process in reversed(started):
                process.stop()
                if isinstance(process, Process):
                    process.remove_log()
            _flush_redis(args.redis_url)
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
