"""Real faults for the self-healing tests: a redis-server of the test's own that it can
kill -9 and start again on the same port, a TCP proxy in front of PostgreSQL that it
can cut and restore, and a steady stream of signed webhooks that counts what was
accepted."""

from __future__ import annotations

import contextlib
import json
import selectors
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
import requests

from tests.conftest import LiveProcess, LiveServer, free_port
from tests.signing import generic_headers

POLL_ERRORS = (requests.RequestException, OSError, redis.RedisError)


def wait_for(condition: Callable[[], Any], timeout: float, what: str,
             interval: float = 0.2) -> Any:
    """Poll until `condition()` is truthy; connection errors count as "not yet"."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except POLL_ERRORS as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}"
                         + (f" (last error: {last_error!r})" if last_error else ""))


class PatientServer(LiveServer):
    """A live web process whose start waits out a busy machine (any request error is
    "not yet") and stops the process if it never answers."""

    def start(self) -> PatientServer:
        LiveProcess.start(self)
        try:
            wait_for(lambda: self._answers(), 60, "the web process to answer /healthz")
        except AssertionError:
            self.stop()
            raise RuntimeError(f"web process did not answer:\n{self.output()[-4000:]}")
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"web process exited:\n{self.output()[-4000:]}")
        return requests.get(self.url + "/healthz", timeout=5).status_code == 200


class RedisServer:
    """A redis-server on a free loopback port, without persistence: a kill -9 loses
    everything in it, the harshest restart there is."""

    def __init__(self, directory: Path) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.client().ping(), 15, "redis-server to answer")
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    stop = kill

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)


class TcpProxy:
    """Forwards a loopback port to a target. `cut()` closes every connection and refuses
    new ones (the database is gone, as far as the client can tell); `restore()` accepts
    again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._running = False
        self._thread: threading.Thread | None = None

    def start(self) -> TcpProxy:
        self._running = True
        self._listen()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.1)
        with self._lock:
            self._listener = listener

    def _loop(self) -> None:
        while self._running:
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while self._running:
                for key, _ in selector.select(timeout=0.5):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            pairs, self._pairs = self._pairs, []
        if listener is not None:
            listener.close()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def restore(self) -> None:
        self._listen()

    def stop(self) -> None:
        self.cut()
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=5)


class WebhookStream:
    """Signed generic webhooks, each with a unique item id, from a few threads until
    stopped; remembers which ids were accepted (200) and every other answer."""

    def __init__(self, url: str, channel_id: int, secret: str, threads: int = 4) -> None:
        self.endpoint = f"{url}/webhooks/generic/{channel_id}"
        self.secret = secret
        self.threads = threads
        self.accepted: list[str] = []
        self.refused: list[tuple[str, int | str]] = []
        self.slowest = 0.0
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _item_id(self) -> str:
        with self._lock:
            self._next += 1
            return f"item-{self._next}"

    def _send_loop(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            item = self._item_id()
            body = json.dumps({"id": item, "type": "review", "text": f"Parcel {item} lost",
                               "author": {"id": f"author-{item}"}}).encode()
            started = time.monotonic()
            try:
                response = session.post(self.endpoint, data=body, timeout=30,
                                        headers=generic_headers(body, self.secret))
                outcome: int | str = response.status_code
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with self._lock:
                self.slowest = max(self.slowest, time.monotonic() - started)
                if outcome == 200:
                    self.accepted.append(item)
                else:
                    self.refused.append((item, outcome))
            time.sleep(0.01)

    def start(self) -> WebhookStream:
        for _ in range(self.threads):
            worker = threading.Thread(target=self._send_loop, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=35)
