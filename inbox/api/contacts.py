"""/api/v1/contacts/<id>: the person behind a case, across every channel."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import ANYONE, allow
from inbox.api.base import protected_blueprint
from inbox.schemas.contacts import ContactMergeIn, ContactOut
from inbox.services import unit_of_work
from inbox.services.contacts.merging import merge_contacts
from inbox.services.contacts.queries import contact_profile

blp = protected_blueprint("contacts", __name__, "Contacts and their cross-channel timeline")


@blp.route("/contacts/<int:contact_id>")
@allow(ANYONE)
@blp.response(200, ContactOut)
def get_contact(contact_id: int) -> Any:
    with unit_of_work() as session:
        return contact_profile(session, current_api_user(), contact_id)


@blp.route("/contacts/<int:contact_id>/merge", methods=["POST"])
@blp.arguments(ContactMergeIn)
@blp.response(200, ContactOut)
def merge(body: dict[str, Any], contact_id: int) -> Any:
    """Merge this contact into another (supervisors and admins); answers the target."""
    with unit_of_work() as session:
        user = current_api_user()
        target = merge_contacts(session, user, contact_id, body["into_contact_id"])
        return contact_profile(session, user, target.id)
