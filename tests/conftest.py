"""Shared fixtures: real backends (embedded default, or DATABASE_URL/REDIS_URL), the app,
named personas, API clients, a live web process and a captured-events helper."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest
import redis
import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# Every wait for a process or a server gives up only after this long: on a busy
# machine a web process can take tens of seconds to answer. INBOX_TEST_WAIT overrides it.
WAIT = float(os.environ.get("INBOX_TEST_WAIT", "60"))
# What "not yet" looks like while a server starts: refused, reset, timed out...
NOT_YET: tuple[type[BaseException], ...] = (requests.RequestException, OSError,
                                            redis.RedisError)

# One temp folder for the run, removed at its end: the instance folder shared with the
# processes tests start, and every process log.
RUN_DIR = Path(tempfile.mkdtemp(prefix="inbox-test-"))
_INSTANCE = RUN_DIR / "instance"
LOGS = RUN_DIR / "logs"
_INSTANCE.mkdir()
os.environ["INBOX_INSTANCE_PATH"] = str(_INSTANCE)
# Inherited by every process the run starts, so the end of the run can find survivors.
RUN_MARK, RUN_ID = "INBOX_TEST_RUN", RUN_DIR.name
os.environ[RUN_MARK] = RUN_ID
os.environ.setdefault("META_APP_SECRET", "test_meta_app_secret_9f2c1e")
os.environ.setdefault("META_VERIFY_TOKEN", "cc-inbox-verify-7d41")
os.environ.setdefault("X_CONSUMER_SECRET", "test_x_consumer_secret_Q8m2Lr7Tz1")
os.environ.setdefault("TWILIO_AUTH_TOKEN", "test_twilio_auth_token_5e8a1c")
os.environ.setdefault("MAILGUN_SIGNING_KEY", "test-mailgun-webhook-signing-key-4c1d")
# The tests' stand-in platforms and receivers listen on loopback, which outbound calls
# to admin-given URLs otherwise refuse (a test of that refusal narrows this).
os.environ.setdefault("INBOX_OUTBOUND_ALLOW", "127.0.0.1/32,localhost")


@pytest.fixture(scope="session")
def runtime() -> Iterator[Any]:
    """This process's backends, migrated from empty once per run."""
    from inbox import migrate
    from inbox import runtime as runtime_module

    rt = runtime_module.start()
    os.environ["REDIS_URL"] = rt.redis_url  # child processes share the same Redis
    migrate.upgrade(rt.settings.database_url)
    try:
        yield rt
    finally:
        from inbox.backends import stop_embedded_redis

        stop_embedded_redis()  # ours, if embedded: gone before the leftover check


def _clean_database(rt: Any) -> None:
    from inbox.models import Base

    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with rt.db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our names
    if rt.db.deliveries_apart:  # the embedded default keeps them in a file of their own
        with rt.db.deliveries_engine.begin() as connection:
            connection.execute(text("DELETE FROM deliveries"))


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables and an empty Redis database."""
    if request.node.get_closest_marker("no_backends"):
        yield
        return
    from inbox.services.ingest.deliveries import forget_channel_keys

    rt = request.getfixturevalue("runtime")
    _clean_database(rt)
    forget_channel_keys()  # ids start again at 1: a remembered secret would be another's
    rt.redis.flushdb()
    yield


@pytest.fixture(scope="session")
def app(runtime: Any) -> Any:
    from inbox import create_app

    flask_app = create_app()
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def db_session(runtime: Any) -> Iterator[Any]:
    with runtime.db.session() as session:
        yield session


def make_user(email: str, role: str, name: str, teams: list[str] | None = None) -> Any:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_add_user

    with unit_of_work() as session:
        return do_add_user(session, email, role, name=name, password="correct-horse-battery",
                           teams=teams)


def _person(email: str, role: str, name: str) -> Any:
    """A fixture: a user of this role, made once the runtime is up."""

    @pytest.fixture
    def person(runtime: Any) -> Any:
        return make_user(email, role, name)

    return person


agent_alice = _person("alice@example.com", "agent", "Alice Agent")
agent_bob = _person("bob@example.com", "agent", "Bob Agent")
supervisor_sam = _person("sam@example.com", "supervisor", "Sam Supervisor")
admin_ada = _person("ada@example.com", "admin", "Ada Admin")


def token_for(user: Any) -> str:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_create_token

    with unit_of_work() as session:
        return do_create_token(session, user, "test")


class ApiClient:
    """A Flask test client that authenticates every call with a user's Bearer token."""

    def __init__(self, flask_client: Any, user: Any) -> None:
        self.client = flask_client
        self.user = user
        self.token = token_for(user)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self._headers(), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(path, json=json if json is not None else {},
                                headers=self._headers(), **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.put(path, json=json, headers=self._headers(), **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.patch(path, json=json, headers=self._headers(), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self._headers(), **kwargs)


@pytest.fixture
def api_as(app: Any) -> Any:
    """api_as(user) -> a client acting as that user."""
    return lambda user: ApiClient(app.test_client(), user)


@pytest.fixture
def captured_events() -> Iterator[list[Any]]:
    from inbox.realtime.publish import capture_events

    with capture_events() as events:
        yield events


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], T], what: str, timeout: float = WAIT,
               errors: tuple[type[BaseException], ...] = NOT_YET) -> T:
    """Poll `check` until it returns something truthy; its `errors` mean "not yet"."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except errors:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def stop_process_group(process: subprocess.Popen[Any], grace: float = 10.0) -> bool:
    """SIGTERM to the process's group, SIGKILL to what is left after `grace` seconds.
    True once nothing of the group runs (gunicorn's workers die with their master)."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            process.poll()  # reaps the leader, or the group never empties
            if not _group_running(process.pid):
                return True
            time.sleep(0.1)
    process.poll()
    return False


def _group_running(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Orphans' zombies stay in the group until init reaps them, which here is not at once.
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                return True
        except (OSError, psutil.Error):
            continue
    return False


_LOG_NUMBERS = itertools.count(1)
_STARTED: list[LiveProcess] = []  # every process the run started, in order
_FIRST_OF_TEST = pytest.StashKey[int]()


class LiveProcess:
    """A child process of the run: `inbox ARGS...` (or any argv), logging to the run's
    log folder, in its own process group so stopping it stops everything it forked.

    The processes a test starts are stopped when it ends, whatever happened, and the
    logs of a failed test's processes are printed with its failure."""

    def __init__(self, args: list[str], env: dict[str, str],
                 argv: list[str] | None = None, cwd: Path = ROOT) -> None:
        self.args = args
        self.argv = argv or [sys.executable, "-m", "inbox.cli", *args]
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self.name = args[0] if args else "script"
        self.description = " ".join(["inbox", *args] if args else self.argv[:2])
        self.log = LOGS / f"{next(_LOG_NUMBERS):03d}-{self.name}.log"

    @classmethod
    def script(cls, code: str, env: dict[str, str]) -> LiveProcess:
        """A `python -c CODE` process (a worker loop written in the test)."""
        return cls([], env, argv=[sys.executable, "-c", code])

    def start(self) -> LiveProcess:
        LOGS.mkdir(parents=True, exist_ok=True)
        if self not in _STARTED:
            _STARTED.append(self)
        self._stopped = False
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, cwd=self.cwd,
                                            start_new_session=True)
        return self

    def wait(self, timeout: float = WAIT) -> int:
        """The exit status once it finishes; stopped (and the test failed) if it does not."""
        assert self.process is not None, "not started"
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"{self.name} did not finish in {timeout:.0f} s:\n"
                                 f"{self.output()[-3000:]}")

    def stop(self) -> None:
        # Pids are recycled (32768 of them): a group whose leader has exited is signalled
        # only while processes of this run are still in it.
        if self.process is None or self._stopped:
            return
        if self.process.poll() is not None and not any(
            _group_of(proc) == self.process.pid for proc in leftover_processes()
        ):
            self._stopped = True
            return
        self._stopped = stop_process_group(self.process)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


def _group_of(proc: psutil.Process) -> int | None:
    try:
        return os.getpgid(proc.pid)
    except OSError:
        return None


def web_args(port: int) -> list[str]:
    """`inbox web` as the tests start it: the one place its command line is written."""
    return ["web", "--port", str(port)]


class LiveServer(LiveProcess):
    """`inbox web` on a free port; `start()` returns once `/healthz` answers."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(web_args(self.port), env)

    def start(self) -> LiveServer:
        super().start()
        try:
            wait_until(self._answers, f"the web process at {self.url}")
        except BaseException as error:
            self.stop()
            raise RuntimeError(f"web process did not answer ({error}):\n"
                               f"{self.output()[-5000:]}") from error
        return self

    def _answers(self) -> bool:
        if not self.running():
            raise RuntimeError("the web process exited")
        return requests.get(self.url + "/healthz", timeout=5).status_code == 200


def wait_registered(worker: LiveProcess, connection: Any) -> LiveProcess:
    """Return once the RQ worker process is registered in Redis (it listens then)."""
    from rq import Worker

    def registered() -> bool:
        if not worker.running():
            raise RuntimeError(f"the worker exited:\n{worker.output()[-3000:]}")
        return any(w.pid == worker.process.pid  # type: ignore[union-attr]
                   for w in Worker.all(connection=connection))

    wait_until(registered, "the worker to register")
    return worker


def process_env(runtime: Any, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["REDIS_URL"] = runtime.redis_url
    env["INBOX_INSTANCE_PATH"] = str(runtime.settings.instance_path)
    env["DATABASE_URL"] = runtime.settings.database_url
    env.update(extra)
    return env


@pytest.fixture
def live_server(runtime: Any) -> Iterator[LiveServer]:
    server = LiveServer(process_env(runtime)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _stop_what_the_test_started() -> Iterator[None]:
    """Whatever a test started is stopped when it ends, passed or failed (this runs
    after the test's own fixtures have had their turn)."""
    first = len(_STARTED)
    try:
        yield
    finally:
        for process in _STARTED[first:]:
            process.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    item.stash[_FIRST_OF_TEST] = len(_STARTED)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """A failed test's report carries the logs of the processes it started (the log
    files themselves go with the run's temp folder)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for process in _STARTED[item.stash.get(_FIRST_OF_TEST, len(_STARTED)):]:
            report.sections.append((f"log of {process.description} ({process.log.name})",
                                    process.output()[-8000:] or "(empty)"))


def leftover_processes() -> list[psutil.Process]:
    """Live processes carrying this run's mark in their environment, but this one."""
    found = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            if (proc.environ().get(RUN_MARK) == RUN_ID
                    and proc.status() != psutil.STATUS_ZOMBIE):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails if it leaves a process behind (they are killed, then named)."""
    try:
        wait_until(lambda: not leftover_processes(), "the run's processes to exit", timeout=10)
        return
    except AssertionError:
        pass
    described = []
    for proc in leftover_processes():
        try:
            described.append(f"  {proc.pid} {' '.join(proc.cmdline())[:200]}")
            proc.kill()
        except psutil.Error:
            continue
    if described:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("processes left running by the test run (now killed):",
                                red=True)
            for line in described:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_report_header(config: pytest.Config) -> str:
    return f"instance folder and process logs: {RUN_DIR} (removed at the end of the run)"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(RUN_DIR, ignore_errors=True)
