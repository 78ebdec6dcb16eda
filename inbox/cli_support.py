"""What every `inbox` command shares: service refusals shown as usage errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def service_errors_as_usage(func: F) -> F:
    """A refused admin command exits 1 with the service's reason, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from inbox.services.errors import ServiceError

        try:
            return func(*args, **kwargs)
        except ServiceError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise click.ClickException(f"{exc.message}" + (f" ({details})" if details else ""))

    return wrapper  # type: ignore[return-value]
