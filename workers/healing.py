"""RQ worker and cron processes that outlive Redis and database outages (docs/operations.md).

RQ's worker retries a lost Redis only around its wait for jobs, logs every attempt, and
quits on a lost connection anywhere else; its cron quits on the first one. Here a lost
Redis ends the current worker (or cron) run quietly, the process waits with backoff,
logging once, and starts a new run: a fresh worker registers itself in `rq:workers` again
(the old entry was lost with Redis or expires). A job that fails because the database is
down does not end the worker: it waits for the database, then asks for a drain.

Jobs whose worker died stay in `rq:wip:<queue>` until their heartbeat lapses; RQ's own
maintenance (`clean_registries`) then fails them as abandoned. In-process jobs get a
heartbeat thread with a short lease so that happens within seconds, not minutes; the
deliveries such a job held are still pending and the next drain or the sweep takes them.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.worker_registration import register
from sqlalchemy.exc import DBAPIError, OperationalError

from inbox.outage import Outage, redis_outage

log = logging.getLogger("inbox.worker")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)

# An in-process job renews its lease in rq:wip every few seconds; a job whose worker died
# is abandoned once its lease lapses, and the maintenance pass that fails it runs this often.
JOB_LEASE_SECONDS = 20
JOB_HEARTBEAT_SECONDS = 5
MAINTENANCE_SECONDS = 10


class RedisLost(StopRequested):
    """Ends a worker run without RQ's "unhandled exception" log: the outage is ours to log."""


class _Stop(Exception):
    """SIGTERM or Ctrl-C while waiting for a backend."""


def database_is_down(exc: BaseException) -> bool:
    """A failure of the connection to the database, not of the statement."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


class HealingQueue(Queue):
    @classmethod
    def dequeue_any(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dequeue_any(*args, **kwargs)
        except REDIS_DOWN as exc:
            raise RedisLost() from exc


class QuietScheduler(RQScheduler):
    """The delayed-job scheduler (its own process) ends quietly on a lost Redis; the
    worker starts a new one with its next run, or at its next maintenance pass."""

    def work(self) -> None:
        try:
            super().work()
        except REDIS_DOWN:
            return


class PromptWorker(SimpleWorker):
    """RQ's in-process worker, whose end does not wait out its command listener.

    RQ stops redis-py's listener thread (for commands such as stop-job) with no bound on
    the wait; a listener stopped before it saw its own subscription first sleeps out its
    60 s poll, so a short run (`--burst`, or a run ended by a lost Redis) could take a
    minute to end. The listener is a daemon thread that closes its connection when it
    wakes: nothing needs to wait for it."""

    def unsubscribe(self) -> None:
        if self.pubsub_thread:
            self.pubsub.unsubscribe()
            self.pubsub_thread.stop(timeout=1.0)
            self.pubsub_thread = None


class HealingWorker(PromptWorker):
    queue_class = HealingQueue

    def __init__(self, *args: Any, database: Outage, on_database_back: Callable[[], object],
                 probe_database: Callable[[], object], **kwargs: Any) -> None:
        kwargs.setdefault("queue_class", HealingQueue)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        self.database = database
        self._on_database_back = on_database_back
        self._probe_database = probe_database
        self.lost_redis: BaseException | None = None

    # --- Redis: any lost connection ends this run (see run_healing_worker) ----------

    def _redis(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except RedisLost as exc:
            self.lost_redis = exc.__cause__ or exc
            raise
        except REDIS_DOWN as exc:
            self.lost_redis = exc
            raise RedisLost() from exc

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:
            super().heartbeat(timeout, pipeline)
            return

        def beat() -> None:
            with self.connection.pipeline() as batch:
                super(HealingWorker, self).heartbeat(timeout, batch)
                register(self, batch)  # back in rq:workers if a restarted Redis forgot us
                created = batch.execute()[0]
            if created:  # our hash was gone: write all of it again
                self.connection.hset(self.key, mapping=self.serialize())
                self.connection.expire(self.key, (timeout or self.worker_ttl + 60))
                log.info("worker %s registered again", self.name)

        self._redis(beat)

    def check_for_suspension(self, burst: bool) -> None:
        self._redis(lambda: super(HealingWorker, self).check_for_suspension(burst))

    def run_maintenance_tasks(self) -> None:
        self._redis(super().run_maintenance_tasks)

    def dequeue_job_and_maintain_ttl(self, timeout: int | None,
                                     max_idle_time: int | None = None) -> Any:
        if self.database.down:
            self._wait_for_database()
        return self._redis(
            lambda: super(HealingWorker, self).dequeue_job_and_maintain_ttl(timeout,
                                                                            max_idle_time))

    def execute_job(self, job: Job, queue: Queue) -> None:
        lease = _JobLease(self, job)
        try:
            self._redis(lambda: super(HealingWorker, self).execute_job(job, queue))
        finally:
            lease.stop()

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return JOB_LEASE_SECONDS

    def _pubsub_exception_handler(self, exc: Exception, pubsub: Any, thread: Any) -> None:
        """RQ's, without a log line per attempt; the thread only carries RQ's commands to
        this worker, and redis-py resubscribes once Redis is back."""
        if isinstance(exc, (*REDIS_DOWN, RedisError)):
            threading.Event().wait(1.0)
            return
        raise exc

    def teardown(self) -> None:
        """RQ's, but a Redis that is gone cannot stop the rest of it."""
        if self.is_horse:
            return
        if self.scheduler:
            self.stop_scheduler()
        with contextlib.suppress(*REDIS_DOWN, RedisError):
            self.register_death()
        with contextlib.suppress(*REDIS_DOWN, RedisError):
            self.unsubscribe()

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         *args: Any, **kwargs: Any) -> None:
        if burst:
            super()._start_scheduler(burst, logging_level, *args, **kwargs)
            return
        self.scheduler = QuietScheduler(
            self.queues, connection=self.connection, serializer=self.serializer,
            logging_level=logging_level if logging_level is not None else self.log.level)
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.start()

    # --- the database: a job failing on it waits for it instead of the next job -----

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        exc = exc_info[1]
        if exc is not None and database_is_down(exc):
            self.database.lost(exc)  # once per outage, not a traceback per job
            return
        super().handle_exception(job, *exc_info)

    def _wait_for_database(self) -> None:
        self.database.wait_until_up(self._probe_database, (DBAPIError,))
        # Deliveries stored before the outage stay pending; take them now rather than
        # at the next sweep.
        with contextlib.suppress(*REDIS_DOWN, RedisError):
            self._on_database_back()


class _JobLease:
    """Renews an in-process job's entry in rq:wip while it runs (RQ does this only for
    forked jobs), so a short lease marks the job abandoned soon after a crash."""

    def __init__(self, worker: HealingWorker, job: Job) -> None:
        self._stopped = threading.Event()
        self._worker = worker
        self._job = job
        self._thread = threading.Thread(target=self._run, name="rq-job-lease", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(JOB_HEARTBEAT_SECONDS):
            execution = self._worker.execution
            if execution is None:
                continue
            # A lost Redis is noticed and logged by the worker's own loop.
            with contextlib.suppress(*REDIS_DOWN, RedisError):
                self._worker.maintain_heartbeats(self._job, execution)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=JOB_HEARTBEAT_SECONDS + 1)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop()


def _wait_for_redis(redis: Redis, outage: Outage) -> None:
    # RQ's handlers (installed by the last run) would act on a run that has ended.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    outage.wait_until_up(redis.ping, REDIS_DOWN)


def run_healing_worker(make_worker: Callable[[], HealingWorker], redis: Redis, *,
                       burst: bool, with_scheduler: bool) -> None:
    """Runs workers one after another until stopped: each run ends on a lost Redis."""
    outage = redis_outage()
    try:
        while True:
            _wait_for_redis(redis, outage)
            worker = make_worker()
            try:
                worker.work(burst=burst, with_scheduler=with_scheduler,
                            logging_level="WARNING")
            except REDIS_DOWN as exc:  # registering the new run's birth
                outage.lost(exc)
                continue
            if worker.lost_redis is not None and not worker._stop_requested:
                outage.lost(worker.lost_redis)
                continue
            return
    except _Stop:
        log.info("worker stopped while waiting for a backend")


def run_healing_cron(make_scheduler: Callable[[], Any], redis: Redis) -> None:
    """RQ's cron scheduler, started again (same schedule, same name) after a lost Redis."""
    from rq import cron_scheduler_registry

    outage = redis_outage()
    scheduler = make_scheduler()
    try:
        while True:
            _wait_for_redis(redis, outage)
            # A Redis that kept its data still lists this scheduler: its death was never
            # recorded. Unregister it so the new start can register again.
            with contextlib.suppress(Exception):
                cron_scheduler_registry.unregister(scheduler)
            try:
                scheduler.start()  # returns on SIGTERM / Ctrl-C
                return
            except REDIS_DOWN as exc:
                outage.lost(exc)
    except (_Stop, StopRequested):
        logging.getLogger("inbox.cron").info("cron stopped while waiting for Redis")
