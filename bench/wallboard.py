"""Wallboard benchmark: a change -> every supervisor's `wallboard.updated`, and what one
update costs, with 1 and with N supervisors watching.

    .venv/bin/python bench/wallboard.py [--watchers 50] [--rounds 30]
        [--pg-admin-url postgresql://postgres@127.0.0.1:5432/test]
        [--redis-url redis://127.0.0.1:6379/8]

On a fresh PostgreSQL database and the given Redis, with `inbox web` (which runs the
wallboard's ticker): a workspace of --queues queues, --agents agents holding cases,
--open open cases and --handled resolved today. Then:
1. Compute: the snapshot computed in this process --computes times (ms each).
2. Push, with 1 and with --watchers supervisors connected (light Socket.IO clients,
   bench/sockets.py): --rounds times, one case enters a queue (a committed service call);
   the time from just before the commit to each supervisor's next `wallboard.updated`,
   p50/p95; computations per change (the payload's `sequence`); and the web process's
   CPU per update (computing plus sending to every watcher).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `inbox` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DEFAULT_PG_ADMIN_URL,
    Process,
    child_env,
    free_port,
    fresh_database,
    percentile,
    wait_http_ok,
)
from bench.sockets import SocketClients  # noqa: E402

HOST = "127.0.0.1"


@dataclass
class Workspace:
    queue_ids: list[int]
    channel_id: int
    supervisor_tokens: list[str]


@dataclass
class Push:
    watchers: int
    latencies_ms: list[float]
    missing: int
    computations: int
    changes: int
    cpu_ms_per_update: float

    def summary(self) -> str:
        return (f"{self.watchers} watcher(s), {self.changes} changes: change -> supervisor "
                f"p50 {percentile(self.latencies_ms, 50):.0f} ms, "
                f"p95 {percentile(self.latencies_ms, 95):.0f} ms, "
                f"max {max(self.latencies_ms, default=float('nan')):.0f} ms, "
                f"{self.missing} missing; {self.computations / max(self.changes, 1):.2f} "
                f"computations per change; web CPU {self.cpu_ms_per_update:.1f} ms per update")


def arrange(args: argparse.Namespace) -> Workspace:
    from inbox.models import Case, Channel, Queue, User, utcnow
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_add_user, do_create_token

    now = utcnow()
    with unit_of_work() as session:
        queues = [Queue(name=f"Queue {n}") for n in range(args.queues)]
        channel = Channel(kind="x", name="X", external_id="bench", secrets={})
        session.add_all([*queues, channel])
        session.flush()
        agents = [do_add_user(session, f"agent{n}@bench.example", "agent", name=f"Agent {n}",
                              password="bench-password-1") for n in range(args.agents)]
        session.flush()
        for agent in agents:
            session.get(User, agent.id).presence = "online"  # type: ignore[union-attr]
        rows = []
        for n in range(args.open):
            queue = queues[n % len(queues)]
            holder = agents[n % len(agents)].id if n % 3 == 0 else None
            rows.append(Case(queue_id=queue.id, channel_id=channel.id, subject=f"open {n}",
                             status="assigned" if holder else "queued", assignee_id=holder,
                             created_at=now - timedelta(minutes=n % 120),
                             sla_due_at=now + timedelta(minutes=(n % 90) - 30)))
        for n in range(args.handled):
            at = now - timedelta(minutes=n % 300)
            rows.append(Case(queue_id=queues[n % len(queues)].id, channel_id=channel.id,
                             subject=f"done {n}", status="resolved", created_at=at,
                             first_responded_at=at, first_response_seconds=60 + n % 600,
                             first_response_met=n % 4 != 0, resolved_at=at,
                             resolution_met=n % 5 != 0))
        session.add_all(rows)
        supervisors = [do_add_user(session, f"sup{n}@bench.example", "supervisor",
                                   name=f"Supervisor {n}", password="bench-password-1")
                       for n in range(args.watchers)]
        tokens = [do_create_token(session, s, "bench") for s in supervisors]
        return Workspace([q.id for q in queues], channel.id, tokens)


def measure_compute(times: int) -> list[float]:
    from inbox.services import unit_of_work
    from inbox.services.supervision.wallboard import wallboard_snapshot

    spent = []
    for _ in range(times):
        started = time.perf_counter()
        with unit_of_work(read_only=True) as session:
            wallboard_snapshot(session)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def change(ws: Workspace, n: int) -> None:
    """One case enters a queue: committed through the state machine, as routing does."""
    from inbox.models import Case
    from inbox.services import unit_of_work
    from inbox.services.cases.states import do_enqueue

    with unit_of_work() as session:
        case = Case(queue_id=ws.queue_ids[n % len(ws.queue_ids)], channel_id=ws.channel_id,
                    subject=f"arrival {n}", status="new")
        session.add(case)
        session.flush()
        do_enqueue(session, case)


def measure_push(args: argparse.Namespace, ws: Workspace, url: str, web: Process,
                 watchers: int, first: int) -> Push:
    import psutil

    from inbox import runtime
    from inbox.realtime.wallboard_ticker import SEQUENCE

    redis = runtime.current().redis
    clients = SocketClients("socketio", url, tokens=ws.supervisor_tokens[:watchers],
                            processes=1 if watchers < 10 else 2,
                            events=("wallboard.updated",), key="sequence")
    try:
        ready = clients.wait_ready()
        if ready.failed:
            raise RuntimeError(f"{ready.failed} supervisors could not connect: {ready.errors}")
        change(ws, first)  # unmeasured: every client sees one board before the rounds
        time.sleep(1.0)
        clients.collect()
        web_process = psutil.Process(web.popen.pid)  # type: ignore[union-attr]

        def web_cpu() -> float:  # gunicorn's master and its worker
            return sum(sum(p.cpu_times()[:2])
                       for p in [web_process, *web_process.children(recursive=True)])

        cpu_before = web_cpu()
        seq_before = int(redis.get(SEQUENCE) or 0)
        latencies: list[float] = []
        missing = 0
        for n in range(args.rounds):
            seq = int(redis.get(SEQUENCE) or 0)
            started = time.time()
            change(ws, first + 1 + n)
            deadline = time.monotonic() + 10
            firsts: list[float] = []
            while time.monotonic() < deadline:
                time.sleep(0.05)
                firsts += [at for key, at in clients.collect()[0] if int(key) > seq]
                if len(firsts) >= watchers:
                    break
            latencies += [(at - started) * 1000 for at in firsts[:watchers]]
            missing += max(0, watchers - len(firsts))
            time.sleep(args.pause)  # the next change lands in a later tick
        computations = int(redis.get(SEQUENCE) or 0) - seq_before
        cpu_ms = (web_cpu() - cpu_before) * 1000
        return Push(watchers, latencies, missing, computations, args.rounds,
                    cpu_ms / max(computations, 1))
    finally:
        clients.stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--computes", type=int, default=30)
    parser.add_argument("--queues", type=int, default=8)
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--open", type=int, default=600)
    parser.add_argument("--handled", type=int, default=3000)
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    instance = tempfile.mkdtemp(prefix="bench-wallboard-")
    with fresh_database(args.pg_admin_url, "wallboard") as database_url:
        env = child_env(DATABASE_URL=database_url, REDIS_URL=args.redis_url,
                        INBOX_INSTANCE_PATH=instance)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL",
                                                "INBOX_INSTANCE_PATH")})
        from inbox import migrate, runtime
        from inbox.realtime import wallboard_ticker

        migrate.upgrade(database_url, "head")
        rt = runtime.start()
        rt.redis.delete(wallboard_ticker.DIRTY, wallboard_ticker.FRESH, wallboard_ticker.SEQUENCE)
        ws = arrange(args)
        print(f"workspace: {args.queues} queues, {args.agents} agents, {args.open} open and "
              f"{args.handled} handled cases", flush=True)
        compute = measure_compute(args.computes)
        print(f"compute (in-process): p50 {percentile(compute, 50):.1f} ms, "
              f"p95 {percentile(compute, 95):.1f} ms per snapshot", flush=True)
        port = free_port()
        web = Process.inbox("web", ["web", "--port", str(port)], env).start()
        try:
            wait_http_ok(HOST, port, "/healthz", web, 90)
            url = f"http://{HOST}:{port}"
            for n, watchers in enumerate(sorted({1, args.watchers})):
                push = measure_push(args, ws, url, web, watchers, first=10_000 * (n + 1))
                print(push.summary(), flush=True)
        finally:
            web.stop()
            web.remove_log()
        rt.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
