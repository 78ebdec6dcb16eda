"""What every ingest batch reads before its first message, kept per worker process.

The routing table (rules, queues, support hours, active crisis alerts), the watch terms
and the complaint model in force are the same for batch after batch: read afresh, they
were six statements before a one-message batch did any of its own work, most of a
message's time when messages come one at a time. A worker keeps them as a snapshot
trusted while the **ingest rules version** in Redis is the one it was read at; every
commit that writes one of their tables sets a new version right after it commits, so a
new rule, a paused queue's change or a crisis alert raised by cron applies from the next
batch in every worker. Without Redis nothing is trusted (read every batch); snapshots
also expire after `SNAPSHOT_SECONDS`, for changes made outside the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.models import WatchTerm
from inbox.services.classifier.active import active_scorer
from inbox.services.classifier.scoring import ComplaintScorer
from inbox.services.routing.decide import RoutingTable, load_routing_table
from inbox.services.shared_versions import SharedSnapshot

VERSION_KEY = "inbox:ingest-rules-version"
SNAPSHOT_SECONDS = 30.0
# Every table the snapshot is read from.
_TABLES = frozenset({"routing_rules", "queues", "business_calendars", "crisis_alerts",
                     "watch_terms", "complaint_models"})


@dataclass(frozen=True)
class IngestRules:
    """The workspace's rules as one batch applies them."""

    routing: RoutingTable
    watch_terms: list[str]
    scorer: ComplaintScorer | None


def read_ingest_rules(session: Session) -> IngestRules:
    """The rules as stored now, read in `session`."""
    return IngestRules(
        routing=load_routing_table(session),
        watch_terms=list(session.scalars(select(WatchTerm.term).order_by(WatchTerm.id))),
        scorer=active_scorer(session),
    )


_SNAPSHOT = SharedSnapshot(VERSION_KEY, _TABLES, read_ingest_rules, SNAPSHOT_SECONDS)
forget_ingest_rules = _SNAPSHOT.forget


def ingest_rules(session: Session) -> IngestRules:
    """The rules for a batch: this process's snapshot while the version holds, else read
    in `session`."""
    return _SNAPSHOT.get(session)
