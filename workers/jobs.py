"""RQ jobs: thin — one service call each, IDs and plain values only."""

from __future__ import annotations

import logging

from rq import get_current_job

log = logging.getLogger(__name__)

SWEEP_AFTER_SECONDS = 10  # a delivery pending this long has lost its job


def _job_id() -> str:
    job = get_current_job()
    return job.id if job else "-"


def drain_deliveries() -> int:
    """Ingest everything pending; ask for a second worker when a batch comes back full."""
    from inbox.services.ingest.drain import drain
    from inbox.services.ingest.trigger import request_drain

    taken = drain(on_full_batch=request_drain)  # once: the flag holds until a job starts
    log.info("job %s ingested %d deliveries", _job_id(), taken)
    return taken


def sweep_unprocessed_deliveries() -> int:
    """Re-trigger ingestion for deliveries whose job was lost (killed worker, flushed Redis)."""
    from inbox.runtime import unit_of_work
    from inbox.services.ingest.deliveries import pending_older_than
    from inbox.services.ingest.trigger import request_drain

    with unit_of_work() as session:
        stuck = pending_older_than(session, SWEEP_AFTER_SECONDS)
    if stuck:
        request_drain(force=True)
        log.info("job %s: %d deliveries were waiting; drain requested", _job_id(), stuck)
    return stuck



def sweep_sla() -> int:
    """Raise SLA warnings and apply breach actions for what is due."""
    from inbox.services.sla.sweep import sweep

    changed = sweep()
    if changed:
        log.info("job %s: SLA sweep changed %d cases", _job_id(), changed)
    return changed


def dispatch_offers() -> int:
    """Push mode: expire stale offers and offer waiting cases to agents."""
    from inbox.services.cases.offers import dispatch

    return dispatch()


def send_message(message_id: int) -> str:
    """Send one outbound message through its channel; a retry schedules its own job."""
    from inbox.services.sending.outbound import send

    outcome = send(message_id)
    log.info("job %s: message %s %s", _job_id(), message_id, outcome)
    return outcome


def sweep_outbound() -> dict[str, int]:
    """Outbound messages whose job was lost or cut short."""
    from inbox.services.sending.outbound import sweep_stuck

    return sweep_stuck()
