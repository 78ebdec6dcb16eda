"""Shared fixtures: real backends (embedded default, or DATABASE_URL/REDIS_URL), the app,
named personas, API clients, a live web process and a captured-events helper."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent

# One instance folder for the whole run, shared with the processes tests start.
_INSTANCE = Path(tempfile.mkdtemp(prefix="inbox-test-"))
os.environ["INBOX_INSTANCE_PATH"] = str(_INSTANCE)
os.environ.setdefault("META_APP_SECRET", "test_meta_app_secret_9f2c1e")
os.environ.setdefault("META_VERIFY_TOKEN", "cc-inbox-verify-7d41")
os.environ.setdefault("X_CONSUMER_SECRET", "test_x_consumer_secret_Q8m2Lr7Tz1")
os.environ.setdefault("TWILIO_AUTH_TOKEN", "test_twilio_auth_token_5e8a1c")
os.environ.setdefault("MAILGUN_SIGNING_KEY", "test-mailgun-webhook-signing-key-4c1d")


@pytest.fixture(scope="session")
def runtime() -> Iterator[Any]:
    """This process's backends, migrated from empty once per run."""
    from inbox import migrate
    from inbox import runtime as runtime_module

    rt = runtime_module.start()
    os.environ["REDIS_URL"] = rt.redis_url  # child processes share the same Redis
    migrate.upgrade(rt.settings.database_url)
    yield rt


def _clean_database(rt: Any) -> None:
    from inbox.models import Base

    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with rt.db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our names


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables and an empty Redis database."""
    if request.node.get_closest_marker("no_backends"):
        yield
        return
    rt = request.getfixturevalue("runtime")
    _clean_database(rt)
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
    from inbox.services.users import do_add_user

    with unit_of_work() as session:
        return do_add_user(session, email, role, name=name, password="correct-horse-battery",
                           teams=teams)


@pytest.fixture
def agent_alice(runtime: Any) -> Any:
    return make_user("alice@example.com", "agent", "Alice Agent")


@pytest.fixture
def agent_bob(runtime: Any) -> Any:
    return make_user("bob@example.com", "agent", "Bob Agent")


@pytest.fixture
def supervisor_sam(runtime: Any) -> Any:
    return make_user("sam@example.com", "supervisor", "Sam Supervisor")


@pytest.fixture
def admin_ada(runtime: Any) -> Any:
    return make_user("ada@example.com", "admin", "Ada Admin")


def token_for(user: Any) -> str:
    from inbox.services import unit_of_work
    from inbox.services.users import do_create_token

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


class LiveProcess:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = args
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="inbox-proc-", suffix=".log")[1])

    def start(self) -> LiveProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inbox.cli", *self.args],
            env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, cwd=ROOT,
        )
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class LiveServer(LiveProcess):
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["web", "--port", str(self.port)], env)

    def start(self) -> LiveServer:
        super().start()
        deadline = time.monotonic() + float(os.environ.get("INBOX_TEST_START_DEADLINE", "120"))
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:  # refused, or booting past the timeout
                pass
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"web process exited:\n{self.output()}")
            time.sleep(0.1)
        raise RuntimeError(f"web process did not answer:\n{self.output()}")


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
    yield server
    server.stop()
