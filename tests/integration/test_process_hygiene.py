"""The suite's own process handling: stopping a process stops what it forked, and the
end-of-run check sees every process the run started."""

from __future__ import annotations

import psutil
import pytest

from tests.conftest import (
    LiveProcess,
    leftover_processes,
    process_env,
    stop_process_group,
    wait_until,
)

# A parent that forks a child which ignores SIGTERM (as a stuck gunicorn worker might),
# then reports both pids and waits.
FORKING = (
    "import os, signal, subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', "
    "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
    "print(os.getpid(), child.pid, flush=True)\n"
    "time.sleep(600)\n"
)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.no_backends
def test_stopping_a_process_stops_its_whole_group_even_what_ignores_sigterm() -> None:
    import os

    family = LiveProcess.script(FORKING, dict(os.environ)).start()
    try:
        pids = wait_until(lambda: [int(p) for p in family.output().split()[:2]]
                          if len(family.output().split()) >= 2 else None, "the pids")
        assert all(_alive(pid) for pid in pids)
        assert {p.pid for p in leftover_processes()} >= set(pids)
        assert family.process is not None
        assert stop_process_group(family.process, grace=1)
        assert not any(_alive(pid) for pid in pids)
        assert not {p.pid for p in leftover_processes()} & set(pids)
    finally:
        family.stop()


def test_a_web_process_that_cannot_start_is_stopped_and_its_log_shown(runtime: object) -> None:
    from tests.conftest import LiveServer

    server = LiveServer(process_env(runtime, DATABASE_URL="nonsense://"))
    with pytest.raises(RuntimeError, match="web process did not answer") as raised:
        server.start()
    assert "nonsense" in str(raised.value)  # the process's own words, from its log
    assert not server.running()
