"""/api/v1/contacts/<id>: the person behind a case, across every channel."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from inbox.api.auth import current_api_user
from inbox.api.authorization import ADMINS, ANYONE, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.contacts import (
    ContactMergeIn,
    ContactOut,
    ErasureIn,
    ErasureOut,
    GeographyOut,
    PlaceIn,
)
from inbox.services import unit_of_work
from inbox.services.contacts.merging import merge_contacts
from inbox.services.contacts.places import geography_catalogue
from inbox.services.contacts.privacy import contact_export, do_erase_contact
from inbox.services.contacts.queries import contact_profile
from inbox.services.contacts.whereabouts import do_correct_place

blp = protected_blueprint("contacts", __name__, "Contacts and their cross-channel timeline")


@blp.route("/contacts/<int:contact_id>", allow=ANYONE)
@blp.response(200, ContactOut)
def get_contact(contact_id: int) -> Any:
    with unit_of_work() as session:
        return contact_profile(session, current_api_user(), contact_id)


@blp.route("/contacts/<int:contact_id>/export", allow=SUPERVISORS)
@blp.response(200)
def export_contact(contact_id: int) -> Response:
    """Everything held about the person, as one JSON file (a data subject's request)."""
    with unit_of_work(read_only=True) as session:
        response = jsonify(contact_export(session, contact_id))
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{contact_id}.json"'
    return response


@blp.route("/contacts/<int:contact_id>/erase", methods=["POST"], allow=ADMINS)
@blp.arguments(ErasureIn)
@blp.response(200, ErasureOut)
def erase_contact(body: dict[str, Any], contact_id: int) -> dict[str, int]:
    """Erase a person: profile and identities gone, their messages and notes redacted,
    case figures kept; the erasure is recorded."""
    with unit_of_work() as session:
        return do_erase_contact(session, contact_id, current_api_user())


@blp.route("/contacts/<int:contact_id>/merge", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(ContactMergeIn)
@blp.response(200, ContactOut)
def merge(body: dict[str, Any], contact_id: int) -> Any:
    """Merge this contact into another (supervisors and admins); answers the target."""
    with unit_of_work() as session:
        user = current_api_user()
        target = merge_contacts(session, user, contact_id, body["into_contact_id"])
        return contact_profile(session, user, target.id)


@blp.route("/contacts/<int:contact_id>/place", methods=["PUT"], allow=ANYONE)
@blp.arguments(PlaceIn)
@blp.response(200, ContactOut)
def correct_place(body: dict[str, Any], contact_id: int) -> Any:
    """Say where the contact is (wins over every guess; audited), or send a null country
    to go back to guessing (docs/geography.md)."""
    with unit_of_work() as session:
        user = current_api_user()
        do_correct_place(session, user, contact_id, body["country"], body["subdivision"])
        return contact_profile(session, user, contact_id)


@blp.route("/geography", allow=ANYONE)
@blp.response(200, GeographyOut)
def geography() -> dict[str, Any]:
    """Every country (code, name, region) and region, for pickers, rules and filters."""
    return geography_catalogue()
