"""Many light real-time clients in a few processes: Socket.IO desks, or raw Redis subscribers.

python-socketio's client costs a thread or two per connection; a desk here is one asyncio
task speaking Engine.IO 4 / Socket.IO 5 over a WebSocket (`websockets`): connect with
the desk's token as the auth payload, answer pings, note when each event arrives.
The same processes can instead hold raw Redis pub/sub subscribers, the baseline for
fan-out.

A process is driven over stdin/stdout, one JSON object a line:
  -> {"ready": connected, "failed": n, "errors": {...}, "seconds": s}   once connected
  <- "collect"  -> {"received": [[key, t], ...], "open": n}    arrivals since last time
  <- "quit"     -> closes everything and exits
`key` is a field of the event's payload (`--key`, its id by default) or the Redis
message; `t` is time.time() when it arrived.

Run by SocketClients below, never by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONNECTS_AT_ONCE = 25  # a desk reconnecting storm is not what this measures


# --- the client process -----------------------------------------------------------------


class Tally:
    def __init__(self, events: set[str]) -> None:
        self.events = events
        self.received: list[tuple[Any, float]] = []
        self.open = 0
        self.errors: Counter[str] = Counter()


async def _desk(url: str, token: str, key_field: str, tally: Tally,
                connected: asyncio.Event) -> None:
    """One desk until cancelled. It waits on its socket, never polls: a thousand desks
    waking every second would take a core from the server they measure."""
    import websockets

    try:
        async with websockets.connect(url, open_timeout=30, ping_interval=None,
                                      close_timeout=2, max_size=None) as ws:
            opening = await asyncio.wait_for(ws.recv(), 30)
            if not str(opening).startswith("0"):
                raise ConnectionError(f"unexpected Engine.IO opening {str(opening)[:40]}")
            await ws.send("40" + json.dumps({"token": token}))
            answer = str(await asyncio.wait_for(ws.recv(), 30))
            if not answer.startswith("40"):
                raise ConnectionError(f"refused: {answer[:60]}")
            tally.open += 1
            connected.set()
            try:
                async for message in ws:
                    frame = str(message)
                    if frame == "2":  # Engine.IO ping
                        await ws.send("3")
                    elif frame.startswith("42"):
                        now = time.time()
                        name, *args = json.loads(frame[2:])
                        if name in tally.events:
                            payload = args[0] if args else None
                            key = (payload.get(key_field) if isinstance(payload, dict)
                                   else payload)
                            tally.received.append((key, now))
                tally.errors["closed by the server"] += 1
            finally:
                tally.open -= 1
    except Exception as exc:  # noqa: BLE001 - counted and reported, the others go on
        tally.errors[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
    finally:
        connected.set()


async def _subscriber(redis_url: str, channel: str, tally: Tally,
                      connected: asyncio.Event) -> None:
    from redis import asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url)
    try:
        async with client.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            tally.open += 1
            connected.set()
            try:
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        tally.received.append((message["data"].decode(), time.time()))
            finally:
                tally.open -= 1
    except Exception as exc:  # noqa: BLE001
        tally.errors[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
    finally:
        connected.set()
        await client.aclose()


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    tally = Tally(set(args.events))
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    tasks: list[asyncio.Task[None]] = []

    async def one(start: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        connected = asyncio.Event()  # set once connected or failed
        async with gate:
            task = asyncio.create_task(start(connected))
            await connected.wait()
        await task

    began = time.monotonic()
    starts: list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]]
    if args.mode == "socketio":
        tokens = Path(args.tokens).read_text().split()
        url = args.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        starts = [functools.partial(_desk, url, t, args.key, tally) for t in tokens]
    else:
        starts = [functools.partial(_subscriber, args.url, args.channel, tally)
                  for _ in range(args.count)]
    tasks = [asyncio.create_task(one(start)) for start in starts]
    # Ready once every client is connected or has failed (each connect has its timeouts).
    deadline = time.monotonic() + args.connect_timeout
    while time.monotonic() < deadline:
        if tally.open + sum(tally.errors.values()) >= len(starts):
            break
        await asyncio.sleep(0.05)
    _say({"ready": tally.open, "failed": sum(tally.errors.values()),
          "errors": dict(tally.errors.most_common(5)), "seconds": time.monotonic() - began})

    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_commands() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, "quit")  # our parent went away

    threading.Thread(target=read_commands, daemon=True).start()
    while True:
        command = (await lines.get()).strip()
        if command == "collect":
            received, tally.received = tally.received, []
            _say({"received": received, "open": tally.open,
                  "errors": dict(tally.errors.most_common(5))})
        elif command in ("quit", ""):
            break
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks, timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("socketio", "redis"), required=True)
    parser.add_argument("--url", required=True, help="web base URL, or the Redis URL")
    parser.add_argument("--tokens", help="a file of API tokens, one desk each (socketio)")
    parser.add_argument("--channel", help="the channel to subscribe to (redis)")
    parser.add_argument("--count", type=int, default=0, help="subscribers (redis)")
    parser.add_argument("--events", nargs="*", default=["case.created"])
    parser.add_argument("--key", default="id", help="the payload field that names an event")
    parser.add_argument("--connect-timeout", type=float, default=120.0)
    asyncio.run(_serve(parser.parse_args()))


# --- driving them from a benchmark ------------------------------------------------------


@dataclass
class Ready:
    connected: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)


class SocketClients:
    """`processes` client processes sharing the clients out; stop() is safe twice."""

    def __init__(self, mode: str, url: str, *, tokens: list[str] | None = None,
                 count: int = 0, channel: str = "", processes: int = 2,
                 events: tuple[str, ...] = ("case.created",), key: str = "id",
                 connect_timeout: float = 90.0) -> None:
        self.connect_timeout = connect_timeout
        self.procs: list[subprocess.Popen[str]] = []
        self.replies: list[queue.Queue[dict[str, Any]]] = []
        self.files: list[Path] = []
        total = len(tokens) if tokens is not None else count
        processes = max(1, min(processes, total))
        for n in range(processes):
            argv = [sys.executable, str(ROOT / "bench" / "sockets.py"), "--mode", mode,
                    "--url", url, "--key", key, "--connect-timeout", str(connect_timeout),
                    "--events", *events]
            if tokens is not None:
                fd, path = tempfile.mkstemp(prefix="bench-tokens-")
                os.write(fd, "\n".join(tokens[n::processes]).encode())
                os.close(fd)
                self.files.append(Path(path))
                argv += ["--tokens", path]
            else:
                argv += ["--channel", channel, "--count",
                         str(total // processes + (n < total % processes))]
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True, cwd=ROOT)
            replies: queue.Queue[dict[str, Any]] = queue.Queue()
            threading.Thread(target=self._read, args=(proc, replies), daemon=True).start()
            self.procs.append(proc)
            self.replies.append(replies)

    @staticmethod
    def _read(proc: subprocess.Popen[str], replies: queue.Queue[dict[str, Any]]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                replies.put(json.loads(line))
        replies.put({"exited": proc.poll()})

    def _reply(self, n: int, timeout: float) -> dict[str, Any]:
        try:
            reply = self.replies[n].get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"socket client process {n} did not answer in {timeout}s")
        if "exited" in reply:
            raise RuntimeError(f"socket client process {n} exited ({reply['exited']})")
        return reply

    def wait_ready(self) -> Ready:
        """Once every client has connected or failed, or the connect timeout is over."""
        ready = Ready()
        for n in range(len(self.procs)):
            reply = self._reply(n, self.connect_timeout + 30)
            ready.connected += reply["ready"]
            ready.failed += reply["failed"]
            ready.seconds = max(ready.seconds, reply["seconds"])
            ready.errors.update(reply["errors"])
        return ready

    def collect(self, timeout: float = 30.0) -> tuple[list[tuple[Any, float]], int]:
        """(every (key, arrival time) since the last collect, clients still open)."""
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write("collect\n")
            proc.stdin.flush()
        received: list[tuple[Any, float]] = []
        still_open = 0
        for n in range(len(self.procs)):
            reply = self._reply(n, timeout)
            received += [(key, at) for key, at in reply["received"]]
            still_open += reply["open"]
        return received, still_open

    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.write("quit\n")
                    proc.stdin.close()
                except OSError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for path in self.files:
            path.unlink(missing_ok=True)
        self.files = []


if __name__ == "__main__":
    main()
