"""Reports over a million cases on PostgreSQL (docs/benchmarks.md, "Reports over a million
cases").

Loads 1,000,000 cases spread over eleven months (20 queues, 10 channels, 30 agents, 3 SLA
policies; most answered and resolved) into a database of its own with one INSERT ...
SELECT generate_series, then times every report (inbox.services.reports, as the API runs
them) over the full range and over one month, grouped by queue, against a plain
SELECT count(*) over the same table in the same run. Target: each report under 2 s.
Also prints the month's plans' scan nodes (EXPLAIN), to show the indexes used.

Run: .venv/bin/python bench/reports.py [--cases 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_REDIS_URL, fresh_database  # noqa: E402

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
MONTH = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
TARGET_SECONDS = 2.0

# Each case: created at a random moment of the eleven months; 97 % answered within two
# hours (80 % of those in time); 95 % resolved within about two days (85 % in time);
# 5 % escalated; 3 % answered by the community; 1 % merged.
LOAD = """
INSERT INTO cases (queue_id, channel_id, assignee_id, sla_policy_id, status, priority,
    subject, escalation_level, tags, required_skills, paused_seconds, monitor_only, version,
    created_at, updated_at, next_response_misses, first_responded_at,
    first_response_seconds, first_response_met, resolved_at, resolution_met, disposition)
SELECT :queue0 + g % 20, :channel0 + g % 10, :agent0 + g % 30, :policy0 + g % 3,
    CASE WHEN resolved THEN 'resolved' ELSE 'assigned' END, 1 + g % 4,
    'case ' || g, CASE WHEN r_escalated < 0.05 THEN 1 ELSE 0 END, '[]', '[]',
    CASE WHEN g % 10 = 0 THEN 600 ELSE 0 END, false, 1, created, created, 0,
    CASE WHEN answered THEN created + make_interval(secs => fr) END,
    CASE WHEN answered THEN fr END, CASE WHEN answered THEN fr < 5760 END,
    CASE WHEN resolved THEN created + make_interval(secs => fr + res) END,
    CASE WHEN resolved THEN res < 150000 END,
    CASE WHEN NOT resolved THEN NULL WHEN r_disposition < 0.03 THEN 'answered_by_community'
         WHEN r_disposition < 0.04 THEN 'merged' ELSE 'solved' END
FROM (SELECT g, :start + random() * (:end - :start) AS created,
             (random() * 7200)::int AS fr, (random() * 172800)::int AS res,
             random() < 0.97 AS answered, random() < 0.95 AS resolved,
             random() AS r_escalated, random() AS r_disposition
      FROM generate_series(1, :cases) g) AS drawn
"""


def load(cases: int) -> float:
    from sqlalchemy import text

    from inbox.models import Channel, Queue, SlaPolicy, User
    from inbox.runtime import unit_of_work

    began = time.perf_counter()
    with unit_of_work() as session:
        queues = [Queue(name=f"Queue {n}") for n in range(20)]
        channels = [Channel(kind="generic", name=f"Channel {n}", secrets={}) for n in range(10)]
        agents = [User(email=f"agent{n}@example.com", name=f"Agent {n}", role="agent")
                  for n in range(30)]
        policies = [SlaPolicy(name=f"Policy {n}", targets={}) for n in range(3)]
        session.add_all([*queues, *channels, *agents, *policies])
        session.flush()
        # Each kind's ids are consecutive in a fresh database.
        session.execute(text(LOAD), {
            "queue0": queues[0].id, "channel0": channels[0].id, "agent0": agents[0].id,
            "policy0": policies[0].id, "start": START, "end": END, "cases": cases})
    with unit_of_work() as session:
        session.execute(text("ANALYZE cases"))
    return time.perf_counter() - began


def timed(run: object, rounds: int) -> tuple[float, float]:
    """(first, median of the rounds) seconds of run(session)."""
    from inbox.runtime import unit_of_work

    timings = []
    for _ in range(rounds):
        with unit_of_work(read_only=True) as session:
            began = time.perf_counter()
            run(session)  # type: ignore[operator]
            timings.append(time.perf_counter() - began)
    return timings[0], median(timings)


def scans_of_the_month() -> list[str]:
    """The scan nodes of the month's queries (one per anchor), from EXPLAIN."""
    from sqlalchemy import text

    from inbox.runtime import unit_of_work

    lines = []
    with unit_of_work(read_only=True) as session:
        for anchor in ("created_at", "first_responded_at", "resolved_at"):
            plan = session.execute(text(
                f"EXPLAIN SELECT queue_id, count(*) FROM cases WHERE {anchor} >= :since "  # noqa: S608 - our names
                f"AND {anchor} < :until GROUP BY queue_id"),
                {"since": MONTH[0], "until": MONTH[1]}).scalars()
            lines += [f"{anchor}: {line.strip()}" for line in plan if "Scan" in line]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL",
                                                             DEFAULT_REDIS_URL))
    args = parser.parse_args()
    from sqlalchemy import text

    from inbox import migrate, runtime
    from inbox.services.reports.catalogue import REPORTS, run_report
    from inbox.services.reports.query import ReportQuery

    with fresh_database(prefix="bench_reports") as url:
        os.environ.update(DATABASE_URL=url, REDIS_URL=args.redis_url,
                          INBOX_INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-reports-"))
        migrate.upgrade(url)
        runtime.start()
        print(f"loaded {args.cases:,} cases in {load(args.cases):.1f}s")
        _, baseline = timed(lambda s: s.execute(text("SELECT count(*) FROM cases")).scalar(),
                            args.rounds)
        print(f"baseline SELECT count(*): {baseline * 1000:.0f} ms (median of {args.rounds})")
        worst = 0.0
        for window, (since, until) in (("full range", (START, END)), ("one month", MONTH)):
            for name in REPORTS:
                group = "day" if name == "backlog" else "queue"
                query = ReportQuery(since, until, group)
                first, typical = timed(lambda s, n=name, q=query: run_report(s, n, q),
                                       args.rounds)
                worst = max(worst, first, typical)
                print(f"{window:10} {name:15} by {group:5}: first {first * 1000:6.0f} ms, "
                      f"median {typical * 1000:6.0f} ms, {typical / baseline:5.1f}x count(*)")
        for line in scans_of_the_month():
            print(f"plan  {line}")
        verdict = "met" if worst < TARGET_SECONDS else "NOT met"
        print(f"slowest report {worst:.2f}s; target each < {TARGET_SECONDS:.0f} s: {verdict}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
