"""Shared helpers for benchmarks: processes, a fresh PostgreSQL database, an HTTP load
generator, percentiles and the no-op RQ job baseline.

Nothing here imports the application at module level: RQ workers import this module to
run `noop`, and that must stay cheap.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
NOOP_JOB = "bench.common.noop"  # by name: a script's own module is not importable by workers


def add_quiet_arguments(parser: argparse.ArgumentParser, wait_seconds: float) -> None:
    """--quiet-wait / --quiet-cores: how long each phase waits for the machine to calm."""
    parser.add_argument("--quiet-wait", type=float, default=wait_seconds,
                        help="before each phase, wait up to this long for other work on the "
                             "machine to calm down (0: never wait)")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="'calm' means other processes keep fewer cores busy than this")


def add_storm_arguments(parser: argparse.ArgumentParser, n: int, timeout: float,
                        quiet_wait: float) -> None:
    """The webhook storm's shape (size, clients, duplicates, threads), its databases, and
    how long each phase may take."""
    parser.add_argument("--n", type=int, default=n, help="measured deliveries per phase")
    parser.add_argument("--concurrency", type=int, default=32, help="client connections")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured first requests")
    parser.add_argument("--duplicates", type=float, default=0.10, help="share re-sent")
    parser.add_argument("--new-threads", type=float, default=0.30,
                        help="share of distinct comments that start a new post thread")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=timeout, help="per phase, seconds")
    add_quiet_arguments(parser, quiet_wait)
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)


def noop() -> None:
    """The cheapest possible RQ job: what a worker costs per job before any work."""
    return None


# --- numbers ----------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (pct in 0..100) of unsorted values; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """One child process with its output in a log file; stop() is safe to call twice."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.popen: subprocess.Popen[bytes] | None = None
        fd, path = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")
        os.close(fd)
        self.log = Path(path)
        self.started_at = 0.0

    @classmethod
    def inbox(cls, name: str, args: list[str], env: dict[str, str]) -> Process:
        return cls(name, [sys.executable, "-m", "inbox.cli", *args], env)

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.started_at = time.monotonic()
            self.popen = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out,
                                          stderr=subprocess.STDOUT)
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def wait(self, timeout: float) -> int:
        assert self.popen is not None
        return self.popen.wait(timeout=timeout)

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=timeout)

    def output(self, tail: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def remove_log(self) -> None:
        self.log.unlink(missing_ok=True)


def child_env(**values: str) -> dict[str, str]:
    """The environment for app processes: ours, plus the repo on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env.update(values)
    return env


def wait_http_ok(host: str, port: int, path: str, process: Process, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running:
            raise RuntimeError(f"{process.name} exited:\n{process.output()}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not answer {path} in {timeout}s:\n"
                       f"{process.output()}")


# --- a shared machine -------------------------------------------------------------------


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(max_wait: float, busy_cores: float = 0.3) -> float:
    """Benchmarks share the machine: wait (at most max_wait seconds) until other work
    keeps fewer than `busy_cores` cores busy; returns the last reading."""
    deadline = time.monotonic() + max_wait
    while True:
        began, busy = time.monotonic(), _busy_seconds()
        time.sleep(1.0)
        reading = (_busy_seconds() - busy) / (time.monotonic() - began)
        if reading < busy_cores or time.monotonic() >= deadline:
            return reading


def settle(max_wait: float, busy_cores: float) -> None:
    """wait_until_quiet, saying so when the machine stayed busy (0: do not wait)."""
    if max_wait <= 0:
        return
    busy = wait_until_quiet(max_wait, busy_cores)
    if busy >= busy_cores:
        print(f"  (machine busy: {busy:.2f} cores used by others after {max_wait:.0f}s; "
              "measuring anyway)", flush=True)


@dataclass
class CpuUsage:
    seconds: float
    machine_cores: float  # cores busy on the whole machine, on average
    our_cores: float  # this process, its children, our database's backends, redis-server
    by_process: dict[str, float] = field(default_factory=dict)  # cores, by kind of process

    @property
    def other_cores(self) -> float:
        return max(0.0, self.machine_cores - self.our_cores)

    def summary(self) -> str:
        parts = ", ".join(f"{name} {cores:.2f}" for name, cores in
                          sorted(self.by_process.items(), key=lambda kv: -kv[1]) if cores >= 0.01)
        return (f"cpu: {self.machine_cores:.2f} of {os.cpu_count()} cores busy, "
                f"{self.our_cores:.2f} ours ({parts}), {self.other_cores:.2f} other processes")

    def ms_per_item(self, items: int) -> dict[str, float]:
        """CPU milliseconds each of our kinds of process spent per item: unlike a rate, this
        barely moves when other work shares the machine."""
        return {name: cores * self.seconds / items * 1000 for name, cores in
                sorted(self.by_process.items(), key=lambda kv: -kv[1]) if items}

    def per_item_summary(self, items: int, unit: str) -> str:
        costs = self.ms_per_item(items)
        parts = ", ".join(f"{name} {ms:.2f}" for name, ms in costs.items() if ms >= 0.005)
        return f"cpu ms per {unit}: {sum(costs.values()):.2f} ({parts})"


def _process_kind(cmdline: list[str], me: int, pid: int) -> str:
    if pid == me:
        return "bench"
    if any(arg.endswith("bench/sockets.py") for arg in cmdline):
        return "socket clients"
    if cmdline and cmdline[0].endswith("py-spy"):
        return "py-spy"
    if "inbox.cli" in cmdline:
        after = cmdline[cmdline.index("inbox.cli") + 1:]
        return f"inbox {after[0]}" if after else "inbox"
    joined = " ".join(cmdline)
    if joined.startswith("postgres"):
        return "postgres"
    if "redis-server" in joined:
        return "redis"
    if joined.startswith("nginx"):  # "nginx: worker process": nginx retitles itself
        return "nginx"
    return Path(cmdline[1] if len(cmdline) > 1 else cmdline[0]).name if cmdline else "?"


class CpuWatch:
    """How busy the machine was during a phase, and how much of that was not us."""

    def __init__(self, database: str | None = None,
                 labels: dict[int, str] | None = None) -> None:
        self.database = database
        self.labels = labels or {}  # pid -> name, to tell processes of one kind apart
        self.began = 0.0
        self.busy = 0.0
        self.ours: dict[int, tuple[str, float]] = {}

    def _our_processes(self) -> dict[int, tuple[str, float]]:
        import psutil

        me = psutil.Process()
        procs = [me, *me.children(recursive=True)]
        for proc in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(proc.info.get("cmdline") or ())
            if (self.database and self.database in cmdline
                    or (proc.info.get("name") or "").startswith("redis-server")):
                procs.append(proc)
        times: dict[int, tuple[str, float]] = {}
        for proc in procs:
            try:
                cpu = proc.cpu_times()
                kind = self.labels.get(proc.pid) or _process_kind(proc.cmdline(), me.pid,
                                                                  proc.pid)
            except psutil.Error:
                continue
            times[proc.pid] = (kind, cpu.user + cpu.system)
        return times

    def start(self) -> CpuWatch:
        self.ours = self._our_processes()
        self.began, self.busy = time.monotonic(), _busy_seconds()
        return self

    def stop(self) -> CpuUsage:
        seconds = max(time.monotonic() - self.began, 1e-6)
        machine = _busy_seconds() - self.busy
        by_process: dict[str, float] = {}
        for pid, (kind, cpu) in self._our_processes().items():
            used = max(0.0, cpu - self.ours.get(pid, (kind, 0.0))[1]) / seconds
            by_process[kind] = by_process.get(kind, 0.0) + used
        return CpuUsage(seconds, machine / seconds, sum(by_process.values()), by_process)


# --- PostgreSQL -------------------------------------------------------------------------


@contextmanager
def fresh_database(admin_url: str = DEFAULT_PG_ADMIN_URL,
                   prefix: str = "bench") -> Iterator[str]:
    """CREATE a uniquely named database, yield its SQLAlchemy URL, DROP it afterwards."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    url = f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield url
    finally:
        from inbox import runtime

        if runtime._current is not None:  # our own pooled connections first
            runtime._current.db.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- HTTP load --------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Generated(Sequence[Request]):
    """`size` requests, each made when asked for: bodies signed with a timestamp stay
    fresh however long the run, and a long run holds no list of them in memory."""

    def __init__(self, size: int, make: Callable[[int], Request]) -> None:
        self.size = size
        self.make = make

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Request: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Request]: ...

    def __getitem__(self, index: int | slice) -> Request | Sequence[Request]:
        if isinstance(index, slice):
            return [self.make(i) for i in range(*index.indices(self.size))]
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.make(index)


@dataclass
class LoadResult:
    label: str
    count: int  # requests sent (all of them, unless a duration cut the run short)
    seconds: float
    latencies: list[float]
    statuses: Counter[int]
    errors: Counter[str]
    # index -> wall-clock time (time.time()) just before the request went out, and its
    # answer's body: what a caller needs to match requests to effects elsewhere.
    sent_at: dict[int, float] = field(default_factory=dict)
    bodies: dict[int, bytes] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return rate(len(self.latencies), self.seconds)

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def summary(self) -> str:
        return (f"{self.label}: {self.count} requests in {self.seconds:.2f}s = "
                f"{self.rate:,.0f}/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, "
                f"statuses {dict(self.statuses)}"
                + (f", errors {dict(self.errors)}" if self.errors else ""))


def run_load(host: str, port: int, requests: Sequence[Request], concurrency: int,
             label: str, timeout: float = 300.0, *, duration: float | None = None,
             per_second: float | None = None, pause: float = 0.0,
             keep: Callable[[int], bool] | None = None,
             request_timeout: float = 30.0) -> LoadResult:
    """Send the requests in order from `concurrency` threads, each on its own keep-alive
    connection; a request that fails on the connection is counted, not retried.

    Closed loop by default (each client sends its next request when the last is
    answered). `per_second` paces the requests instead (request i leaves at start +
    i/per_second, or at once when late), the way deliveries arrive whatever the server
    does; `pause` is a client's think time between requests; `duration` stops sending
    after that many seconds. `keep(i)` says which requests' send times and bodies to
    keep in the result."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    sent_at: dict[int, float] = {}
    bodies: dict[int, bytes] = {}
    sent = 0
    began = time.perf_counter()
    deadline = time.monotonic() + (min(timeout, duration) if duration else timeout)

    def client() -> None:
        nonlocal sent
        conn = http.client.HTTPConnection(host, port, timeout=request_timeout)
        mine: list[float] = []
        my_statuses: Counter[int] = Counter()
        my_errors: Counter[str] = Counter()
        my_sent: dict[int, float] = {}
        my_bodies: dict[int, bytes] = {}
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter)
                if index >= len(requests):
                    break
                if per_second:
                    wait = began + index / per_second - time.perf_counter()
                    if wait > 0:
                        time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
                    if time.monotonic() >= deadline:
                        break
                req = requests[index]
                with lock:
                    sent += 1
                if keep is not None and keep(index):
                    my_sent[index] = time.time()
                start = time.perf_counter()
                try:
                    conn.request(req.method, req.path, body=req.body, headers=req.headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    my_errors[type(exc).__name__] += 1
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=request_timeout)
                    continue
                mine.append(time.perf_counter() - start)
                my_statuses[response.status] += 1
                if keep is not None and keep(index):
                    my_bodies[index] = body
                if pause:
                    time.sleep(pause)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                statuses.update(my_statuses)
                errors.update(my_errors)
                sent_at.update(my_sent)
                bodies.update(my_bodies)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic() + request_timeout + 5))
    seconds = time.perf_counter() - began
    if any(thread.is_alive() for thread in threads):
        errors["client_threads_still_running"] += 1
    count = sent if duration else len(requests)
    return LoadResult(label, count, seconds, latencies, statuses, errors, sent_at, bodies)


# --- RQ ---------------------------------------------------------------------------------


@dataclass
class JobRate:
    label: str
    jobs: int
    seconds: float  # first job taken -> last job finished (process start-up excluded)
    wall_seconds: float  # process start -> last job finished
    cpu: CpuUsage | None = None

    @property
    def rate(self) -> float:
        return rate(self.jobs, self.seconds)

    def summary(self) -> str:
        return (f"{self.label}: {self.jobs} no-op jobs in {self.seconds:.2f}s = "
                f"{self.rate:,.0f} jobs/s (with process start-up: "
                f"{rate(self.jobs, self.wall_seconds):,.0f} jobs/s)"
                + (f"\n    {self.cpu.summary()}\n    {self.cpu.per_item_summary(self.jobs, 'job')}"
                   if self.cpu else ""))


def noop_job_rate(redis_url: str, jobs: int, label: str, worker_argv: list[str],
                  env: dict[str, str], queue_name: str = "bench-noop",
                  timeout: float = 300.0, watch: CpuWatch | None = None) -> JobRate:
    """Enqueue `jobs` no-op jobs, start one burst worker and time it draining them."""
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(redis_url)
    queue = Queue(queue_name, connection=redis)
    queue.empty()
    for start in range(0, jobs, 1000):
        with redis.pipeline() as pipe:
            queue.enqueue_many([Queue.prepare_data(NOOP_JOB, result_ttl=600)
                                for _ in range(start, min(jobs, start + 1000))], pipeline=pipe)
            pipe.execute()
    assert queue.count == jobs, f"expected {jobs} queued no-op jobs, found {queue.count}"
    finished_before = queue.finished_job_registry.count
    if watch is not None:
        watch.start()
    worker = Process(label.replace(" ", "-"), [*worker_argv, queue_name], env).start()
    first = done = 0.0
    usage: CpuUsage | None = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            if not first and queue.count < jobs:
                first = now
            if queue.finished_job_registry.count - finished_before >= jobs:
                done = now
                usage = watch.stop() if watch is not None else None
                break
            if not worker.running and queue.count > 0:
                raise RuntimeError(f"{label} worker exited early:\n{worker.output()}")
            time.sleep(0.005)
        else:
            raise RuntimeError(f"{label}: {jobs} no-op jobs not done in {timeout}s")
        worker.wait(timeout=30)
    finally:
        worker.stop()
        worker.remove_log()
        queue.empty()
        redis.close()
    return JobRate(label, jobs, done - first, done - worker.started_at, usage)


# --- a Redis of our own -----------------------------------------------------------------


@contextmanager
def private_redis() -> Iterator[str]:
    """A redis-server of our own on a free loopback port, stopped afterwards.

    Pub/sub ignores database numbers: on a Redis shared with other runs, every web
    process would receive (and try to deliver) every other run's Socket.IO events."""
    folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    port = free_port()
    server = Process("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(folder),
                               "--maxclients", "20000"], dict(os.environ)).start()
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if not server.running or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{server.output()}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.stop()
        server.remove_log()
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()


# --- where the CPU goes -----------------------------------------------------------------


def start_profiles(pids: dict[str, int], seconds: float, folder: Path) -> list[Process]:
    """py-spy record of each named process for `seconds`, as speedscope files in
    `folder` (open them at speedscope.app); summarise them with `top_frames`."""
    py_spy = Path(sys.executable).with_name("py-spy")
    if not py_spy.exists():
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install -e '.[test]'")
    folder.mkdir(parents=True, exist_ok=True)
    return [Process(f"py-spy-{name}", [
        str(py_spy), "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
        "--rate", "100", "--nonblocking", "--format", "speedscope",
        "--output", str(folder / f"{name.replace(' ', '-')}.speedscope.json")],
        dict(os.environ)).start() for name, pid in pids.items()]


class Profiles:
    """py-spy of some processes for a while; `report()` waits for it and summarises."""

    def __init__(self, pids: dict[str, int], seconds: float, folder: Path,
                 top: int = 12) -> None:
        self.folder, self.top = folder, top
        self.names = list(pids)
        self.procs = start_profiles(pids, seconds, folder)

    def report(self) -> list[str]:
        lines: list[str] = []
        for name, proc in zip(self.names, self.procs, strict=True):
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                lines.append(f"py-spy of {name} did not finish")
            finally:
                proc.stop()
            path = self.folder / f"{name.replace(' ', '-')}.speedscope.json"
            if path.exists():
                lines += [f"py-spy {name} ({path}):",
                          *(f"  {line}" for line in top_frames(path, self.top))]
            else:
                lines.append(f"py-spy {name}: no profile\n{proc.output()}")
            proc.remove_log()
        return lines


def top_frames(path: Path, top: int = 12) -> list[str]:
    """The frames a speedscope profile spent most samples in: the innermost frame of each
    sample (self time) and, for frames of our own code, everything below them."""
    import json

    data = json.loads(path.read_text())
    frames = data["shared"]["frames"]
    own: Counter[int] = Counter()
    within: Counter[int] = Counter()
    total = 0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            total += weight
            if stack:
                own[stack[-1]] += weight
            for index in set(stack):
                within[index] += weight

    def name(index: int) -> str:
        frame = frames[index]
        where = str(frame.get("file", ""))
        for marker in ("site-packages/", "/inbox/", "/workers/", "/lib/python3"):
            if marker in where:
                where = where.split(marker, 1)[1] if marker != "/inbox/" else "inbox/" + \
                    where.split(marker, 1)[1]
                break
        return f"{frame['name']} ({where}:{frame.get('line', '?')})"

    if not total:
        return ["(no samples)"]
    lines = [f"{total:.1f} s of samples; self time:"]
    lines += [f"  {100 * n / total:5.1f}%  {name(i)}" for i, n in own.most_common(top)]
    ours = [(i, n) for i, n in within.most_common()
            if "/inbox/" in str(frames[i].get("file", ""))][:top]
    lines.append("inclusive, our code:")
    lines += [f"  {100 * n / total:5.1f}%  {name(i)}" for i, n in ours]
    return lines
