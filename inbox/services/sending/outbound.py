"""Sending outbound messages: pending -> sending -> sent | failed, with retries.

The RQ job is `send(message_id)` (declared on the outbound queue), which works in three
steps so that no database transaction is open while a platform is called:

1. take the message: a conditional UPDATE pending -> sending (so two runs of one job
   cannot both send) and count the attempt; commit;
2. call the channel's sender (inbox/channels/senders);
3. record the outcome: sent with the platform's id (replacing "pending:<uuid>", so the
   echo coming back through the webhook deduplicates against it) and the SLA response
   clocks stopped; or pending again with the reason and a delayed job (429, 5xx,
   unreachable: the waits of the retry schedule, settings.send_retry_schedule — by
   default 30 s, 2 min, 10 min — then failed, "gave up after 4 attempts: <reason>"); or
   failed with the platform's reason (other 4xx). Every change publishes message.updated.

The schedule bounds every sender alike, email included: a platform's Retry-After is
honoured up to the longest wait of the schedule, never beyond, so a failing send always
ends within the schedule's total.

A delayed job (a retry) goes through RQ's scheduler: the worker serving "outbound" must
run with the scheduler on. See docs/sending.md.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from inbox.channels.senders import SendFailed, SendSettings, sender_for
from inbox.jobs import OUTBOUND, current_job_id, enqueue_after_commit, job
from inbox.models import Case, Channel, Message, User, utcnow
from inbox.realtime.payloads import message_updated_payload
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS
from inbox.runtime import current, unit_of_work
from inbox.services.access import access_case
from inbox.services.cases import states as case_states
from inbox.services.dbutil import for_update
from inbox.services.errors import Conflict, NotFound
from inbox.services.sla import clocks as sla

log = logging.getLogger(__name__)

RECORD_TRIES = 3  # recording the outcome again after losing a race (never sending again)


def _announce(session: Session, message: Message) -> None:
    case = session.get(Case, message.case_id) if message.case_id else None
    rooms = case_states.case_rooms(case) if case else [SUPERVISORS]
    publish(session, "message.updated", message_updated_payload(message), rooms)


def request_send(session: Session, message_id: int, delay_seconds: float = 0) -> None:
    """Enqueue the send job once `session` commits (never for a rolled-back reply)."""
    enqueue_after_commit(session, send, message_id, delay_seconds=delay_seconds,
                         description=f"send message {message_id}")


# ---------------------------------------------------------------- the job


def _take(message_id: int) -> tuple[Channel, Message, Message | None] | None:
    """Step 1: pending -> sending, counted; None when the message is not ours to send."""
    with unit_of_work() as session:
        taken = cast(CursorResult[Any], session.execute(
            update(Message)
            .where(Message.id == message_id, Message.direction == "out",
                   Message.send_status == "pending")
            .values(send_status="sending", send_attempts=Message.send_attempts + 1,
                    send_state_at=utcnow())
            .execution_options(synchronize_session=False)))
        if taken.rowcount != 1:
            return None
        message = session.get(Message, message_id)
        assert message is not None
        channel = session.get(Channel, message.channel_id)
        assert channel is not None
        parent = None
        if message.parent_external_id:
            parent = session.scalar(select(Message).where(
                Message.channel_id == message.channel_id,
                Message.external_id == message.parent_external_id))
        _announce(session, message)
        return channel, message, parent


def retry_schedule() -> tuple[float, ...]:
    """The waits between attempts (INBOX_SEND_RETRY_SCHEDULE, read at process start)."""
    return current().settings.send_retry_schedule


def max_attempts(schedule: tuple[float, ...]) -> int:
    return len(schedule) + 1


def _delay(attempt: int, failure: SendFailed, schedule: tuple[float, ...]) -> float:
    """The wait after attempt n (1-based) failed transiently; a platform's Retry-After
    wins up to the schedule's longest wait, so the schedule stays a bound."""
    if failure.retry_after is not None:
        return min(max(failure.retry_after, 0.5), max(schedule))
    return schedule[min(attempt, len(schedule)) - 1]


def _case_for_update(session: Session, case_id: int) -> Case | None:
    return session.scalar(for_update(session, select(Case).where(Case.id == case_id)))


def _record_sent(session: Session, message_id: int, platform_id: str) -> None:
    message = session.get(Message, message_id)
    assert message is not None
    case = None
    if message.case_id is not None:
        # Lock the case first: its SLA changes below must not lose a race with an agent.
        case = _case_for_update(session, message.case_id)
    # The echo of this very message may have come through the webhook before we got here:
    # it is the same message, so it goes and ours takes its id.
    session.execute(delete(Message).where(
        Message.channel_id == message.channel_id, Message.external_id == platform_id,
        Message.id != message.id, Message.direction == "out"))
    sent_at = utcnow()
    message.external_id = platform_id[:255]
    message.send_status, message.send_error, message.sent_at = "sent", None, sent_at
    message.send_state_at = sent_at
    session.flush()
    _announce(session, message)
    if case is not None and message.author_id is not None:  # an automatic note is no answer
        sla.agent_responded(session, case, sent_at)
        author = session.get(User, message.author_id) if message.author_id else None
        case_states.record_event(session, case, "agent_replied", actor=author,
                                 from_status=case.status,
                                 data={"message_id": message.id,
                                       "visibility": message.visibility})


def _record_failure(session: Session, message_id: int, failure: SendFailed) -> str:
    message = session.get(Message, message_id)
    assert message is not None
    attempt = message.send_attempts
    message.send_state_at = utcnow()
    schedule = retry_schedule()
    if failure.permanent or attempt >= max_attempts(schedule):
        message.send_status = "failed"
        message.send_error = failure.reason[:2000] if failure.permanent else (
            f"gave up after {attempt} attempts: {failure.reason}"[:2000])
        outcome = "failed"
        _record_send_failed(session, message)
    else:
        wait = _delay(attempt, failure, schedule)
        message.send_status = "pending"
        message.send_error = (f"attempt {attempt} of {max_attempts(schedule)} failed: "
                              f"{failure.reason}; retrying in {_duration(wait)}")[:2000]
        request_send(session, message_id, wait)
        outcome = "retrying"
    _announce(session, message)
    return outcome


def _record_send_failed(session: Session, message: Message) -> None:
    """The case's record says a reply did not go, and why (case event send_failed)."""
    case = _case_for_update(session, message.case_id) if message.case_id else None
    if case is not None:
        case_states.record_event(session, case, "send_failed", from_status=case.status,
                                 data={"message_id": message.id, "reason": message.send_error,
                                       "attempts": message.send_attempts})


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 1):.0f} s"
    return f"{seconds / 60:.0f} min"


def _record(message_id: int, platform_id: str | None, failure: SendFailed | None) -> str:
    for attempt in range(1, RECORD_TRIES + 1):
        try:
            with unit_of_work() as session:
                if platform_id is not None:
                    _record_sent(session, message_id, platform_id)
                    return "sent"
                assert failure is not None
                return _record_failure(session, message_id, failure)
        except (IntegrityError, StaleDataError):
            # An echo insert or a case change raced us; the platform call is not repeated.
            if attempt == RECORD_TRIES:
                raise
            log.warning("recording the outcome of message %s raced; again", message_id)
    raise AssertionError("unreachable")


@job(OUTBOUND, job_timeout=180, result_ttl=300, failure_ttl=86400)
def send(message_id: int) -> str:
    """Send one outbound message; returns sent, retrying, failed or skipped. A retry
    schedules its own job."""
    outcome = _send(message_id)
    log.info("job %s: message %s %s", current_job_id(), message_id, outcome)
    return outcome


def _send(message_id: int) -> str:
    taken = _take(message_id)
    if taken is None:
        return "skipped"  # already sent, failed, being sent, or not an outbound message
    channel, message, parent = taken
    settings = SendSettings.from_env(twilio_auth_token=current().settings.twilio_auth_token,
                                     production=current().settings.production)
    try:
        platform_id = sender_for(channel.kind).send(channel, message, parent, settings)
    except SendFailed as failure:
        log.info("message %s: %s (permanent=%s)", message_id, failure.reason, failure.permanent)
        return _record(message_id, None, failure)
    except Exception as exc:  # a bug must not leave the message "sending" for ever
        log.exception("message %s: the sender crashed", message_id)
        return _record(message_id, None, SendFailed(
            f"internal error while sending ({type(exc).__name__})", permanent=True))
    return _record(message_id, platform_id, None)


# ---------------------------------------------------------------- retry by hand


class NotOutbound(Conflict):
    code = "not_outbound"


class NotFailed(Conflict):
    code = "not_failed"


def check_retry(session: Session, user: User, message_id: int) -> tuple[Case, Message]:
    """The message and its case, if `user` may send it again: ours, and failed."""
    message = session.get(Message, message_id)
    if message is None or message.case_id is None:
        raise NotFound(f"message {message_id} not found")
    # The same 404 when the case is not theirs to see; locked, as the event below touches it.
    case = access_case(session, user, message.case_id, for_update=True)
    if message.direction != "out":
        raise NotOutbound(f"message {message_id} came from the customer: only our own "
                          "replies can be sent again", direction=message.direction)
    if message.send_status != "failed":
        raise NotFailed(f"message {message_id} is {message.send_status}, not failed: only a "
                        "failed reply can be sent again", send_status=message.send_status)
    return case, message


def do_retry(session: Session, user: User, case: Case, message: Message) -> Message:
    """Back to pending with a fresh count of attempts, and a new job after commit."""
    reason = message.send_error
    message.send_status, message.send_error, message.send_attempts = "pending", None, 0
    message.send_state_at = utcnow()
    session.flush()
    _announce(session, message)
    case_states.record_event(session, case, "send_retried", actor=user,
                             from_status=case.status,
                             data={"message_id": message.id, "reason": reason})
    request_send(session, message.id)
    return message


def retry(session: Session, user: User, message_id: int) -> Message:
    case, message = check_retry(session, user, message_id)
    return do_retry(session, user, case, message)


# ---------------------------------------------------------------- lost jobs

LOST_PENDING_AFTER = timedelta(minutes=15)  # at least; always longer than the longest wait
CUT_SHORT_AFTER = timedelta(minutes=10)  # longer than a send job may run


def lost_pending_after() -> timedelta:
    """How long a pending message waits before its job counts as lost: past the longest
    wait of the retry schedule, so a scheduled retry is never sent early beside it."""
    return max(LOST_PENDING_AFTER, timedelta(seconds=max(retry_schedule())) + CUT_SHORT_AFTER)


def sweep_stuck() -> dict[str, int]:
    """Re-enqueue pending messages whose job was lost (flushed Redis); fail those left
    'sending' by a killed worker — whether the platform got them is unknown, so the agent
    decides (retry button) rather than risking a double post."""
    now = utcnow()
    with unit_of_work() as session:
        lost = list(session.scalars(select(Message.id).where(
            Message.direction == "out", Message.send_status == "pending",
            Message.send_state_at < now - lost_pending_after())))
        cut_short = list(session.scalars(select(Message).where(
            Message.direction == "out", Message.send_status == "sending",
            Message.send_state_at < now - CUT_SHORT_AFTER)))
        for message in cut_short:
            message.send_status, message.send_state_at = "failed", now
            message.send_error = ("sending was interrupted (the worker stopped); check the "
                                  "platform before sending again")
            _announce(session, message)
            _record_send_failed(session, message)
        for message_id in lost:
            request_send(session, message_id)  # a duplicate job is harmless: step 1 gates
    return {"requeued": len(lost), "interrupted": len(cut_short)}
