"""The entry points RQ runs: thin, one service call each, IDs and plain values only.

Jobs the services ask for are declared beside their work (`inbox.jobs.job`) and named
here too, as RQ may know them by these names; the periodic ones are listed in
schedule.py. Each logs its RQ job id.
"""

from __future__ import annotations

import logging

from inbox.jobs import current_job_id
from inbox.services.cases.offers import dispatch as dispatch_offers
from inbox.services.classifier.versions import retrain_if_due, train_from_agents
from inbox.services.contacts.privacy import retention_sweep
from inbox.services.event_webhooks.sending import deliver as deliver_event
from inbox.services.event_webhooks.sending import sweep_due as sweep_event_deliveries
from inbox.services.ingest.trigger import drain_deliveries
from inbox.services.ingest.trigger import sweep_unprocessed as sweep_unprocessed_deliveries
from inbox.services.listening.crisis import detection_tick
from inbox.services.sending.outbound import send as send_message
from inbox.services.sending.outbound import sweep_stuck as sweep_outbound
from inbox.services.sla.sweep import sweep

log = logging.getLogger(__name__)

__all__ = ["apply_retention", "deliver_event", "detect_crises", "dispatch_offers",
           "drain_deliveries", "retrain_classifier", "send_message", "sweep_event_deliveries",
           "sweep_outbound", "train_from_agents", "sweep_sla", "sweep_unprocessed_deliveries"]


def apply_retention() -> dict[str, int]:
    """Messages past their channel's retention lose their content; old raw deliveries
    and finished event deliveries go."""
    done = retention_sweep()
    if any(done.values()):
        log.info("job %s: retention removed %d messages' content, %d deliveries, "
                 "%d event deliveries", current_job_id(), done["messages"],
                 done["deliveries"], done["event_deliveries"])
    return done


def retrain_classifier() -> int | None:
    """A new complaint model from the agents' labels, when enough new ones exist."""
    model_id = retrain_if_due()
    if model_id is not None:
        log.info("job %s: complaint model %d trained from agents' labels", current_job_id(),
                 model_id)
    return model_id


def detect_crises() -> list[int]:
    """Crisis detection: raise the alerts a term's, a channel's or a burst's volume calls for."""
    raised = detection_tick()
    if raised:
        log.info("job %s: crisis alerts raised %s", current_job_id(), raised)
    return raised


def sweep_sla() -> int:
    """Raise SLA warnings and apply breach actions for what is due."""
    changed = sweep()
    if changed:
        log.info("job %s: SLA sweep changed %d cases", current_job_id(), changed)
    return changed
