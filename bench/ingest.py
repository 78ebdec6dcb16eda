"""Ingestion benchmark: webhook accept rate, then end-to-end messages/s, on PostgreSQL + Redis.

    .venv/bin/python bench/ingest.py [--n 5000] [--concurrency 32]

Baselines measured in the same run: the same web server answering GET /healthz under the
same client load, and the no-op RQ job rate of one `inbox worker --burst` (SimpleWorker)
and of RQ's forking `rq worker --burst`. See docs/benchmarks.md for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `inbox` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CpuUsage,
    CpuWatch,
    JobRate,
    LoadResult,
    Process,
    Request,
    add_storm_arguments,
    child_env,
    free_port,
    fresh_database,
    noop_job_rate,
    rate,
    run_load,
    wait_http_ok,
    wait_until_quiet,
)
from inbox.channels import meta  # noqa: E402

PAGE_ID = "104859392837465"
META_SECRET = "bench-meta-app-secret-3b7f0c"
HOST = "127.0.0.1"
TEXTS = (
    "My order {n} never arrived and nobody answers, this is terrible",
    "Why was I charged twice for order {n}? Please fix this",
    "The app keeps crashing since the update, ticket {n} still open",
    "Can you tell me when my refund for {n} will be processed?",
    "Still waiting for a reply about my delivery {n}!!",
    "Your support chat has been down all day, case {n}",
)


# --- the workload -------------------------------------------------------------------------


@dataclass
class Workload:
    requests: list[Request]  # the first `warmup` are sent unmeasured
    warmup: int
    comments: int  # distinct comment ids = messages expected
    posts: int  # distinct post ids = cases expected
    duplicates: int  # exact re-sends of an earlier body


def meta_comment(comment: int, post: int, author: int, sent: int) -> bytes:
    text = TEXTS[comment % len(TEXTS)].format(n=comment)
    payload = {"object": "page", "entry": [{"id": PAGE_ID, "time": sent, "changes": [{
        "field": "feed", "value": {
            "from": {"id": f"9{author:07d}", "name": f"Customer {author}"},
            "item": "comment", "verb": "add", "post_id": f"{PAGE_ID}_{post}",
            "comment_id": f"{post}_{comment}", "parent_id": f"{PAGE_ID}_{post}",
            "created_time": sent, "message": text}}]}]}
    return json.dumps(payload, separators=(",", ":")).encode()


def signed(body: bytes) -> Request:
    return Request("POST", "/webhooks/meta", body, {
        "Content-Type": "application/json", **meta.signed_headers(body, META_SECRET)})


def build_workload(n: int, warmup: int, duplicate_share: float, new_thread_share: float,
                   seed: int) -> Workload:
    """n + warmup deliveries: comments on new posts, replies on existing posts, and
    exact duplicates (the same body again), shuffled.

    Every post's comments come from one customer (a customer may write under several
    posts), so one post is one case whether threads are kept per post or per customer
    under a post: the expected case count is the number of posts either way."""
    rng = random.Random(seed)
    total = n + warmup
    duplicates = round(total * duplicate_share)
    comments = total - duplicates
    posts = max(1, round(comments * new_thread_share))
    authors = max(10, posts // 2)
    sent = int(time.time())
    post_of = list(range(posts)) + [rng.randrange(posts) for _ in range(comments - posts)]
    author_of = [rng.randrange(authors) for _ in range(posts)]
    bodies = [meta_comment(1_000_000 + c, 5_000_000 + post_of[c], author_of[post_of[c]], sent)
              for c in range(comments)]
    bodies += [bodies[rng.randrange(comments)] for _ in range(duplicates)]
    rng.shuffle(bodies)
    return Workload([signed(b) for b in bodies], warmup, comments, posts, duplicates)


# --- the database ---------------------------------------------------------------------------


def reset_workspace(first: bool) -> None:
    """Empty every table (after the first run), then one queue and one Facebook page."""
    from sqlalchemy import text

    from inbox.models import Base, Channel, Queue
    from inbox.runtime import current, unit_of_work

    if not first:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with current().db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with unit_of_work() as session:
        session.add(Queue(name="Social care"))
        session.add(Channel(kind="facebook", name="Acme", external_id=PAGE_ID, secrets={}))


def counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from inbox.models import Case, Delivery, Message
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        found: dict[str, int] = {f"deliveries_{state}": int(number) for state, number in
                                 session.execute(select(Delivery.state, func.count())
                                                 .group_by(Delivery.state))}
        found["messages"] = session.scalar(select(func.count(Message.id))) or 0
        found["distinct_message_ids"] = session.scalar(
            select(func.count(func.distinct(Message.external_id)))) or 0
        found["cases"] = session.scalar(select(func.count(Case.id))) or 0
    found["deliveries"] = sum(v for k, v in found.items() if k.startswith("deliveries_"))
    return found


def progress() -> tuple[int, int]:
    """(pending deliveries, all deliveries): the cheap query polled while workers run."""
    from sqlalchemy import func, select

    from inbox.models import Delivery
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        row = session.execute(select(func.count().filter(Delivery.state == "pending"),
                                     func.count()).select_from(Delivery)).one()
    return int(row[0]), int(row[1])


def failure_reasons() -> dict[str, int]:
    """The first line of each distinct error of failed or unmatched deliveries."""
    from sqlalchemy import select

    from inbox.models import Delivery
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        errors = session.scalars(select(Delivery.error)
                                 .where(Delivery.state.in_(("failed", "unmatched"))))
        return dict(Counter(str(error).splitlines()[0][:160] for error in errors))


# --- phases ---------------------------------------------------------------------------------


@dataclass
class Context:
    args: argparse.Namespace
    env: dict[str, str]
    port: int
    database: str
    cpu: dict[str, CpuUsage]

    def quiet(self) -> None:
        """Wait (bounded) until other work on this shared machine calms down."""
        if self.args.quiet_wait <= 0:
            return
        busy = wait_until_quiet(self.args.quiet_wait, self.args.quiet_cores)
        if busy >= self.args.quiet_cores:
            print(f"  (machine still busy: {busy:.2f} cores used by others after "
                  f"{self.args.quiet_wait:.0f}s; measuring anyway)", flush=True)

    def watch(self) -> CpuWatch:
        return CpuWatch(self.database).start()


@dataclass
class Drain:
    workers: int
    deliveries: int
    messages: int
    seconds: float  # first job taken -> everything ingested
    wall_seconds: float  # worker processes started -> everything ingested

    @property
    def messages_per_s(self) -> float:
        return rate(self.messages, self.seconds)

    def summary(self) -> str:
        return (f"drain with {self.workers} worker(s): {self.messages} messages "
                f"({self.deliveries} deliveries) in {self.seconds:.2f}s = "
                f"{self.messages_per_s:,.0f} messages/s, "
                f"{rate(self.deliveries, self.seconds):,.0f} deliveries/s "
                f"(with process start-up: {rate(self.messages, self.wall_seconds):,.0f} "
                "messages/s)")


def load_phase(ctx: Context, load: Workload, label: str) -> LoadResult:
    warm = load.requests[:load.warmup]
    if warm:
        run_load(HOST, ctx.port, warm, ctx.args.concurrency, f"{label} warm-up")
    ctx.quiet()
    watch = ctx.watch()
    result = run_load(HOST, ctx.port, load.requests[load.warmup:], ctx.args.concurrency, label)
    ctx.cpu[label] = watch.stop()
    print(f"  {result.summary()}\n    {ctx.cpu[label].summary()}\n    "
          f"{ctx.cpu[label].per_item_summary(result.count, 'request')}", flush=True)
    if result.ok != result.count:
        raise RuntimeError(f"{label}: only {result.ok} of {result.count} answered 2xx")
    return result


def _summarise_errors(proc: Process) -> None:
    """A worker's tracebacks, counted by error line and by the relation PostgreSQL names."""
    log = proc.output(50_000_000)
    tracebacks = log.count("Traceback")
    if tracebacks:
        where = Counter(line.strip() for line in log.splitlines()
                        if line.startswith(("CONTEXT:", "sqlalchemy.exc.", "psycopg.")))
        print(f"  !! {proc.name} logged {tracebacks} traceback(s):", flush=True)
        for line, number in where.most_common(8):
            print(f"     {number:4d} x {line[:150]}", flush=True)


def drain(ctx: Context, workers: int, load: Workload) -> Drain:
    """Start `workers` ingest workers on the waiting drain job(s); poll the database until
    no delivery is pending."""
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(ctx.args.redis_url)
    ingest = Queue("ingest", connection=redis)
    waiting = ingest.count
    if waiting < 1:
        raise RuntimeError("no drain job is waiting after the accept phase")
    total = len(load.requests)
    procs = [Process.inbox(f"worker{i}", ["worker", "ingest"], ctx.env)
             for i in range(workers)]
    ctx.quiet()
    watch = ctx.watch()
    began = time.monotonic()
    first = done = 0.0
    try:
        for proc in procs:
            proc.start()
        deadline = began + ctx.args.timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            if not first and (ingest.count < waiting or ingest.started_job_registry.count):
                first = now
            pending, stored = progress()
            if pending == 0 and stored == total:
                done = now
                ctx.cpu[f"drain {workers}w"] = watch.stop()
                break
            for proc in procs:
                if not proc.running:
                    raise RuntimeError(f"{proc.name} exited:\n{proc.output()}")
            # 50 ms early on, then at most 1% of the elapsed time: precise yet light.
            time.sleep(min(0.25, max(0.05, (now - began) / 100)))
        else:
            raise RuntimeError(f"not ingested in {ctx.args.timeout}s: {counts()}")
    finally:
        for proc in procs:
            proc.stop()
            _summarise_errors(proc)
            proc.remove_log()
        redis.close()
    return Drain(workers, total, load.comments, done - (first or began), done - began)


def verify(load: Workload) -> tuple[bool, str]:
    found = counts()
    checks = {
        "messages == distinct comment ids": found["messages"] == load.comments,
        "no duplicate message rows": found["distinct_message_ids"] == found["messages"],
        "cases == distinct post ids": found["cases"] == load.posts,
        "every delivery processed": found.get("deliveries_processed", 0) == len(load.requests),
        "no delivery failed/unmatched": not (found.get("deliveries_failed", 0)
                                             or found.get("deliveries_unmatched", 0)),
    }
    ok = all(checks.values())
    lines = [f"{'ok ' if passed else 'BAD'} {name}" for name, passed in checks.items()]
    lines += [f"    {number} x {error}" for error, number in failure_reasons().items()]
    return ok, f"{found}\n    " + "\n    ".join(lines)


def run_ingest(ctx: Context, workers: int, load: Workload,
               first: bool) -> tuple[LoadResult, Drain, bool]:
    from inbox.runtime import current

    reset_workspace(first)
    current().redis.flushdb()
    print(f"run with {workers} worker(s): accepting {len(load.requests)} deliveries "
          f"({load.comments} comments on {load.posts} posts, {load.duplicates} duplicates), "
          "no worker running", flush=True)
    accepted = load_phase(ctx, load, f"accept POST /webhooks/meta ({workers}w run)")
    found = counts()
    if found.get("deliveries_pending", 0) != len(load.requests) or found["messages"]:
        raise RuntimeError(f"something was processed during the accept phase: {found}")
    result = drain(ctx, workers, load)
    usage = ctx.cpu[f"drain {workers}w"]
    print(f"  {result.summary()}\n    {usage.summary()}\n    "
          f"{usage.per_item_summary(result.messages, 'message')}", flush=True)
    ok, report = verify(load)
    print(f"  correctness {'OK' if ok else 'FAILED'}: {report}", flush=True)
    return accepted, result, ok


# --- report ---------------------------------------------------------------------------------


def report(ctx: Context, health: LoadResult, noops: list[JobRate],
           runs: list[tuple[LoadResult, Drain, bool]]) -> None:
    args = ctx.args
    simple = noops[0].rate
    accepted = runs[0][0]

    def cpu(usage: CpuUsage | None, items: int) -> str:
        if usage is None:
            return ""
        return (f"  [cpu {sum(usage.ms_per_item(items).values()):.2f} ms/item; "
                f"others used {usage.other_cores:.2f} cores]")

    rows = [("GET /healthz (trivial endpoint)",
             f"{health.rate:,.0f} req/s  p50 {health.p50_ms:.1f} ms  p99 {health.p99_ms:.1f} ms"
             + cpu(ctx.cpu.get("GET /healthz"), health.count))]
    rows += [(f"no-op RQ jobs, {n.label}", f"{n.rate:,.0f} jobs/s" + cpu(n.cpu, n.jobs))
             for n in noops]
    for acc, dr, ok in runs:
        label = f"accept POST /webhooks/meta ({dr.workers}w run)"
        rows.append((label, f"{acc.rate:,.0f} deliveries/s  p50 {acc.p50_ms:.1f} ms  "
                     f"p99 {acc.p99_ms:.1f} ms  = {acc.rate / health.rate:.2f}x healthz"
                     + cpu(ctx.cpu.get(label), acc.count)))
        rows.append((f"end to end, {dr.workers} ingest worker(s)",
                     f"{dr.messages_per_s:,.0f} messages/s  = {dr.messages_per_s / simple:.2f}x "
                     f"no-op job rate  (correct: {'yes' if ok else 'NO'})"
                     + cpu(ctx.cpu.get(f"drain {dr.workers}w"), dr.messages)))
    width = max(len(name) for name, _ in rows)
    print(f"\n== ingest benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} "
          f"cores, n={args.n}, concurrency={args.concurrency} ==")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    last = runs[-1][1]
    targets = [
        ("accept >= 0.5x healthz rate", accepted.rate >= 0.5 * health.rate),
        ("accept >= 1,000 deliveries/s", accepted.rate >= 1000),
        ("accept p99 < 50 ms", accepted.p99_ms < 50),
        (f"end to end >= 1,000 messages/s with {last.workers} workers",
         last.messages_per_s >= 1000),
        (f"end to end >= 5x no-op RQ job rate with {last.workers} workers",
         last.messages_per_s >= 5 * simple),
        ("correct in every run", all(ok for _, _, ok in runs)),
    ]
    print("\ntargets:")
    for name, met in targets:
        print(f"  {'MET   ' if met else 'MISSED'} {name}")


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_storm_arguments(parser, n=5000, timeout=600.0, quiet_wait=90.0)
    parser.add_argument("--noop-jobs", type=int, default=None,
                        help="no-op jobs for the SimpleWorker baseline (default: n)")
    parser.add_argument("--fork-jobs", type=int, default=500,
                        help="no-op jobs for the forking `rq worker` baseline (0: skip)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="ingest worker counts, one accept+drain run each")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = build_workload(args.n, args.warmup, args.duplicates, args.new_threads, args.seed)
    instance = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    web: Process | None = None
    with fresh_database(args.pg_admin_url, "bench_ingest") as url:
        try:
            os.environ.update(DATABASE_URL=url, REDIS_URL=args.redis_url,
                              INBOX_INSTANCE_PATH=str(instance), META_APP_SECRET=META_SECRET)
            from inbox import migrate, runtime

            migrate.upgrade(url)
            rt = runtime.start()
            rt.redis.flushdb()
            env = child_env(DATABASE_URL=url, REDIS_URL=args.redis_url,
                            INBOX_INSTANCE_PATH=str(instance), META_APP_SECRET=META_SECRET,
                            LOG_LEVEL="WARNING")
            port = free_port()
            web = Process.inbox("web", ["web", "--host", HOST, "--port", str(port)],
                                env).start()
            wait_http_ok(HOST, port, "/healthz", web, timeout=60)
            ctx = Context(args, env, port, url.rsplit("/", 1)[1], {})

            print(f"baselines (n={args.n}, concurrency={args.concurrency})", flush=True)
            health_reqs = [Request("GET", "/healthz")] * (args.warmup + args.n)
            health = load_phase(ctx, Workload(health_reqs, args.warmup, 0, 0, 0),
                                "GET /healthz")
            noops: list[JobRate] = []
            for label, argv, jobs in [
                ("inbox worker --burst (SimpleWorker)",
                 [sys.executable, "-m", "inbox.cli", "worker", "--burst"],
                 args.noop_jobs or args.n),
                ("rq worker --burst (forking Worker)",
                 [str(Path(sys.executable).with_name("rq")), "worker", "--burst",
                  "--url", args.redis_url, "--path", str(ROOT), "--quiet"], args.fork_jobs),
            ]:
                if jobs:
                    ctx.quiet()
                    noops.append(noop_job_rate(args.redis_url, jobs, label, argv, env,
                                               timeout=args.timeout, watch=ctx.watch()))
                    print("  " + noops[-1].summary(), flush=True)

            runs = [run_ingest(ctx, workers, load, first=i == 0)
                    for i, workers in enumerate(args.workers)]
            report(ctx, health, noops, runs)
            return 0 if all(ok for _, _, ok in runs) else 1
        finally:
            if web is not None:
                web.stop()
                if web.popen is not None and web.popen.returncode not in (0, -15, None):
                    print(f"web exited {web.popen.returncode}:\n{web.output()}")
                web.remove_log()
            _flush_redis(args.redis_url)
            shutil.rmtree(instance, ignore_errors=True)


def _flush_redis(url: str) -> None:
    from redis import Redis

    client: Any = Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
