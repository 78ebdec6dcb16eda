"""Living through a backend outage: one log line when it is lost, one when it is back,
and retries spaced by a capped, jittered exponential backoff in between
(docs/operations.md, "Outages").

Workers, cron and the web process share these; what each does while waiting is its own.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("inbox.outage")

# The first retry comes quickly (a blip), later ones no further apart than the cap, so
# a process resumes within a few seconds of its backend's return however long it was gone.
FIRST_DELAY_SECONDS = 0.2
MAX_DELAY_SECONDS = 5.0


class Backoff:
    """Delays doubling from `first` up to `cap`, each drawn from [delay/2, delay] so
    that processes which lost a backend together do not retry in step."""

    def __init__(self, first: float = FIRST_DELAY_SECONDS, cap: float = MAX_DELAY_SECONDS) -> None:
        self.first = first
        self.cap = cap
        self.attempts = 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * 2 ** self.attempts)
        self.attempts += 1
        return random.uniform(delay / 2, delay)

    def reset(self) -> None:
        self.attempts = 0


class Outage:
    """The state of one backend as this process sees it. Thread-safe: the web process's
    threads report to one instance, and only the first to notice logs."""

    def __init__(self, backend: str, *, logger: logging.Logger = log) -> None:
        self.backend = backend
        self.log = logger
        self.backoff = Backoff()
        self._lock = threading.Lock()
        self._since: float | None = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._since is not None

    def lost(self, error: BaseException) -> None:
        """The backend failed; logged only if it was thought up until now."""
        with self._lock:
            now = time.monotonic()
            if self._since is None:
                self._since = now
                self.log.warning("%s unreachable (%s: %s); retrying with backoff",
                                 self.backend, type(error).__name__, _first_line(error))
            self._next_try = now + self.backoff.next_delay()

    def back(self) -> None:
        """The backend answered; logged only if it was thought down."""
        if self._since is None:  # the common case, without the lock
            return
        with self._lock:
            if self._since is None:
                return
            self.log.warning("%s reachable again after %.1f s", self.backend,
                             time.monotonic() - self._since)
            self._since = None
            self._next_try = 0.0
            self.backoff.reset()

    def worth_trying(self) -> bool:
        """While down, only once the backoff delay has passed (a caller that can skip its
        call, such as the web's drain request, asks this first)."""
        return self._since is None or time.monotonic() >= self._next_try

    def seconds_to_next_try(self) -> float:
        return max(0.0, self._next_try - time.monotonic())

    def wait_until_up(self, probe: Callable[[], object],
                      errors: tuple[type[BaseException], ...]) -> None:
        """Block until `probe` succeeds, sleeping with backoff between failures. A signal
        handler that raises (a stop request) ends the wait."""
        while True:
            try:
                probe()
            except errors as exc:
                self.lost(exc)
                time.sleep(self.seconds_to_next_try())
                continue
            self.back()
            return


_shared: dict[str, Outage] = {}
_shared_lock = threading.Lock()


def outage_of(backend: str) -> Outage:
    """This process's one view of a backend, so the worker loop, the web's drain requests
    and after-commit follow-ups that all hit the same outage log it once between them."""
    with _shared_lock:
        if backend not in _shared:
            _shared[backend] = Outage(backend)
        return _shared[backend]


def redis_outage() -> Outage:
    return outage_of("Redis")


def report_if_redis_down(error: BaseException) -> bool:
    """True if `error` is a lost Redis connection, now reported to the process's Redis
    outage (logged once); the caller then skips its own traceback."""
    if isinstance(error, (RedisConnectionError, RedisTimeoutError)):
        redis_outage().lost(error)
        return True
    return False


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else "-"
