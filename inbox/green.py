"""Whether this process runs on gevent (the web process's gunicorn worker patched the
standard library), which decides how it may wait: on a greenlet, or a thread."""

from __future__ import annotations


def greenlets_share_the_thread() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return bool(monkey.is_module_patched("threading"))
