"""Which conversation a reply the sandbox received belongs to, read from the service's
database (the sandbox runs beside the service with its environment, as the simulator
does): the channel, the customer, and the message the reply answered.

The reply is found by the id the sandbox gave it, which the outbound worker records as
the message's external id once the send succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from inbox.simulator.base import Target
from inbox.simulator.content import PERSONAS, Persona

# The ledger's channel -> the channel kinds it may be (a Graph call may not say).
_KINDS = {"meta": ("facebook", "instagram")}
# The identity a channel kind's customers have (as ingestion names it).
_IDENTITY_KINDS = {"voice": "phone"}


@dataclass(frozen=True)
class Conversation:
    channel: Target  # with the channel's signing secret, for the generic and raw email paths
    case_id: int
    persona: Persona
    identity: str  # the customer's id on the channel (generic sources: "<site>:<handle>")
    our_id: str  # the reply's platform id
    our_visibility: str
    subject: str
    parent_id: str | None  # the customer's message the reply answered
    parent_facts: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()  # email: the thread's message ids, oldest first


def persona_for(kind: str, identity: str) -> Persona | None:
    """The simulated customer behind an identity; None for anyone else (a real person,
    or one posted by hand), whom the sandbox never answers for."""
    for persona in PERSONAS:
        own = {"facebook": persona.fb_id, "instagram": persona.ig_id, "x": persona.x_id,
               "email": persona.email, "voice": persona.phone}.get(kind)
        if own == identity or (kind == "generic" and identity.endswith(":" + persona.handle)):
            return persona
    return None


def conversation_of(channel: str, platform_id: str) -> Conversation | None:
    """The conversation of the sent reply `platform_id`; None while it is not recorded
    (the send job has not finished) or when its customer is not a simulated one."""
    from inbox.models import Case, Channel, ContactIdentity, Message
    from inbox.runtime import unit_of_work

    kinds = _KINDS.get(channel, (channel,))
    with unit_of_work(read_only=True) as session:
        ours = session.scalars(
            select(Message).join(Channel, Message.channel_id == Channel.id)
            .where(Message.direction == "out", Message.external_id == platform_id,
                   Channel.kind.in_(kinds), Message.case_id.is_not(None))).first()
        if ours is None or ours.case_id is None:
            return None
        row = session.get(Channel, ours.channel_id)
        case = session.get(Case, ours.case_id)
        if row is None or case is None or case.contact_id is None:
            return None
        identity_kind = _IDENTITY_KINDS.get(row.kind, row.kind)
        if row.kind == "generic":
            identity_kind = f"generic:{row.id}"
        identity = session.scalars(select(ContactIdentity.external_id).where(
            ContactIdentity.contact_id == case.contact_id,
            ContactIdentity.kind == identity_kind)).first()
        persona = persona_for(row.kind, identity or "")
        if identity is None or persona is None:
            return None
        parent = session.scalars(select(Message).where(
            Message.channel_id == row.id,
            Message.external_id == ours.parent_external_id)).first() if (
            ours.parent_external_id) else None
        references: tuple[str, ...] = ()
        if row.kind == "email":
            references = tuple(session.scalars(
                select(Message.external_id).where(Message.case_id == case.id)
                .order_by(Message.sent_at, Message.id)))
        return Conversation(
            channel=Target(row.kind, row.id, row.external_id, row.name,
                           secret=str((row.secrets or {}).get("signing_secret") or "")),
            case_id=case.id, persona=persona, identity=identity, our_id=platform_id,
            our_visibility=ours.visibility, subject=ours.subject or case.subject or "",
            parent_id=ours.parent_external_id,
            parent_facts=dict(parent.facts or {}) if parent is not None else {},
            references=references,
        )
