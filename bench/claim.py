"""Claiming benchmark on PostgreSQL + Redis.

1. 50 concurrent agents take cases from a queue of 2,000 over HTTP (POST
   /queues/<id>/next until none is left): claims/s, p50/p95 latency, double
   assignments (must be 0). Baseline in the same run: the same server answering
   GET /healthz at the same concurrency.
2. Contention: the same agents all POST /cases/<id>/claim on the same cases in the
   same order: exactly one winner per case, every loser a 409.
3. Next-case selection with 1,000,000 cases in the database (most of them closed,
   spread over queues): p50/p95 of one selection + claim (rolled back), against the
   same on a database of 2,000 cases as baseline. Target p95 < 20 ms.

Run: .venv/bin/python bench/claim.py [--agents 50] [--cases 2000] [--big 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_REDIS_URL,
    Process,
    Request,
    child_env,
    free_port,
    fresh_database,
    percentile,
    run_load,
    wait_http_ok,
)

HOST = "127.0.0.1"


def setup_workspace(n_cases: int, n_agents: int) -> tuple[int, list[tuple[int, str]]]:
    """A queue of open cases and agents with tokens; returns (queue id, [(user, token)])."""
    from inbox.models import Case, Channel, Queue
    from inbox.runtime import unit_of_work
    from inbox.services.admin.users import do_add_user, do_create_token

    with unit_of_work() as session:
        queue = Queue(name="Social care")
        channel = Channel(kind="x", name="X", external_id="1", secrets={})
        session.add_all([queue, channel])
        session.flush()
        session.bulk_insert_mappings(Case, [  # type: ignore[arg-type]
            {"queue_id": queue.id, "channel_id": channel.id, "status": "queued",
             "priority": random.Random(n).randint(1, 4), "subject": f"case {n}"}
            for n in range(n_cases)])
        agents = []
        for n in range(n_agents):
            user = do_add_user(session, f"agent{n}@bench.example", "agent",
                               capacity={"x": 100000, "generic": 100000})
            user.presence = "online"
            agents.append((user.id, do_create_token(session, user, "bench")))
        return queue.id, agents


def take_all(port: int, queue_id: int, agents: list[tuple[int, str]]) -> dict[str, object]:
    """Every agent calls next until the queue is empty."""
    import http.client

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    claimed: list[tuple[int, int]] = []
    lock = threading.Lock()

    def agent(user_id: int, token: str) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Length": "0"}
        mine: list[float] = []
        for _ in range(100000):
            began = time.perf_counter()
            conn.request("POST", f"/api/v1/queues/{queue_id}/next", headers=headers)
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - began)
            with lock:
                statuses[response.status] += 1
                if response.status == 200:
                    claimed.append((json.loads(body)["id"], user_id))
            if response.status != 200:
                break
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=agent, args=a) for a in agents]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    seconds = time.perf_counter() - began
    return {"claims": len(claimed), "seconds": seconds, "latencies": latencies,
            "statuses": dict(statuses), "claimed": claimed}


def contention(port: int, agents: list[tuple[int, str]], case_ids: list[int]) -> Counter[int]:
    """All agents claim the same cases in the same order."""
    requests = [Request("POST", f"/api/v1/cases/{case_id}/claim",
                        headers={"Authorization": f"Bearer {token}", "Content-Length": "0"})
                for case_id in case_ids for _, token in agents]
    result = run_load(HOST, port, requests, concurrency=len(agents), label="contention")
    return result.statuses


def double_assignments() -> tuple[int, int]:
    """(cases claimed more than once per the event log, cases with no single owner)."""
    from sqlalchemy import func, select

    from inbox.models import Case, CaseEvent
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        doubles = session.scalar(select(func.count()).select_from(
            select(CaseEvent.case_id).where(CaseEvent.kind == "claim")
            .group_by(CaseEvent.case_id).having(func.count() > 1).subquery())) or 0
        ownerless = session.scalar(select(func.count(Case.id)).where(
            Case.status == "assigned", Case.assignee_id.is_(None))) or 0
    return doubles, ownerless


def load_big(database_url: str, total: int, queues: int, label: str) -> int:
    """COPY `total` cases into the database: 1 % waiting, the rest resolved or closed."""
    import psycopg

    from inbox.models import Queue
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        ids = []
        for n in range(queues):
            queue = Queue(name=f"{label} {n}")
            session.add(queue)
            session.flush()
            ids.append(queue.id)
    rng = random.Random(42)
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    columns = ("queue_id, status, priority, subject, escalation_level, tags, required_skills,"
               " paused_seconds, monitor_only, version, created_at, updated_at,"
               " next_response_misses, sla_due_at")
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        with cursor.copy(f"COPY cases ({columns}) FROM STDIN") as copy:
            for n in range(total):
                status = "queued" if rng.random() < 0.01 else rng.choice(("resolved",
                                                                          "closed"))
                due = "\\N" if rng.random() < 0.3 else f"2026-12-{rng.randint(1, 28):02d}"
                copy.write_row((ids[n % queues], status, rng.randint(1, 4), f"case {n}", 0,
                                "[]", "[]", 0, False, 1, "2026-11-01", "2026-11-01", 0,
                                None if due == "\\N" else due))
        conn.execute("ANALYZE cases")
    return ids[0]


def time_next(queue_id: int, agent_id: int, rounds: int) -> list[float]:
    """One next-case selection + claim per round, rolled back so the queue stays full."""
    from inbox.models import User
    from inbox.runtime import current
    from inbox.services.cases.queues import next_case_for

    timings = []
    for _ in range(rounds):
        session = current().db.sessions()
        try:
            agent = session.get(User, agent_id)
            began = time.perf_counter()
            case = next_case_for(session, agent, queue_id)  # type: ignore[arg-type]
            session.flush()
            timings.append(time.perf_counter() - began)
            assert case is not None
        finally:
            session.rollback()
            session.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL",
                                                             DEFAULT_REDIS_URL))
    args = parser.parse_args()
    from redis import Redis

    from inbox import migrate, runtime

    Redis.from_url(args.redis_url).flushdb()
    figures: dict[str, str] = {}
    with fresh_database(prefix="bench_claim") as url:
        os.environ.update(DATABASE_URL=url, REDIS_URL=args.redis_url,
                          INBOX_INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-claim-"))
        migrate.upgrade(url)
        runtime.start()
        queue_id, agents = setup_workspace(args.cases, args.agents)
        port = free_port()
        web = Process.inbox("web", ["web", "--port", str(port)],
                            child_env()).start()
        try:
            wait_http_ok(HOST, port, "/healthz", web, timeout=60)
            health = run_load(HOST, port, [Request("GET", "/healthz")] * (args.agents * 40),
                              concurrency=args.agents, label="baseline GET /healthz")
            taken = take_all(port, queue_id, agents)
            latencies = taken["latencies"]
            assert isinstance(latencies, list)
            claims_per_s = int(taken["claims"]) / float(taken["seconds"])  # type: ignore[arg-type]
            doubles, ownerless = double_assignments()
            figures["next over HTTP"] = (
                f"{taken['claims']} claims by {args.agents} agents in "
                f"{float(taken['seconds']):.2f}s = {claims_per_s:,.0f} claims/s; "  # type: ignore[arg-type]
                f"p50 {percentile(latencies, 50) * 1000:.1f} ms, "
                f"p95 {percentile(latencies, 95) * 1000:.1f} ms; statuses {taken['statuses']}; "
                f"double assignments {doubles}, ownerless {ownerless}")
            figures["baseline"] = (f"{health.summary()}; next/healthz rate ratio "
                                   f"{claims_per_s / health.rate:.2f}")
            # Contention: new cases, everyone on the same ones.
            from inbox.models import Case
            from inbox.runtime import unit_of_work

            with unit_of_work() as session:
                session.bulk_insert_mappings(Case, [  # type: ignore[arg-type]
                    {"queue_id": queue_id, "status": "queued", "priority": 3,
                     "subject": f"contended {n}"} for n in range(40)])
            with unit_of_work() as session:
                from sqlalchemy import select

                contended = list(session.scalars(select(Case.id).where(
                    Case.subject.like("contended %")).order_by(Case.id)))
            statuses = contention(port, agents, contended)
            doubles, ownerless = double_assignments()
            figures["contention"] = (
                f"{len(contended)} cases x {args.agents} agents: statuses {dict(statuses)} "
                f"(expected {len(contended)} x 200); double assignments {doubles}")
        finally:
            web.stop()
        # Next-case selection on a small and on a big database.
        small_queue = load_big(url, args.cases, 1, "small")
        small = time_next(small_queue, agents[0][0], args.rounds)
        began = time.perf_counter()
        big_queue = load_big(url, args.big, 20, "big")
        loaded_in = time.perf_counter() - began
        big = time_next(big_queue, agents[0][0], args.rounds)
        figures["next-case selection"] = (
            f"{args.big:,} cases (loaded in {loaded_in:.0f}s): p50 "
            f"{percentile(big, 50) * 1000:.2f} ms, p95 {percentile(big, 95) * 1000:.2f} ms; "
            f"baseline {args.cases:,} cases: p50 {percentile(small, 50) * 1000:.2f} ms, "
            f"p95 {percentile(small, 95) * 1000:.2f} ms; p95 ratio "
            f"{percentile(big, 95) / percentile(small, 95):.2f}; target p95 < 20 ms: "
            f"{'met' if percentile(big, 95) < 0.020 else 'NOT met'}")
        runtime.current().db.dispose()
    print()
    for name, line in figures.items():
        print(f"{name:>22}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
