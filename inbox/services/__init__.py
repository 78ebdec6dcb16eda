"""The only layer that writes: check_* validates, do_* acts. Edges open a unit of work."""

from inbox.runtime import unit_of_work
from inbox.services import access_snapshots  # noqa: F401 - its commit hooks, in every process
from inbox.services.event_webhooks import outbox  # noqa: F401 - the outbox hook, likewise
from inbox.services.ingest import workspace_rules  # noqa: F401 - its commit hooks, likewise

__all__ = ["unit_of_work"]
