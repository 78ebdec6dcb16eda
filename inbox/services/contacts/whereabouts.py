"""An agent's correction of where a contact is: it wins over every guess, and is
audited. The guessing itself is geography.py; see docs/geography.md."""

from __future__ import annotations

import pycountry
from sqlalchemy.orm import Session

from inbox.models import Contact, User
from inbox.services.admin.audit import differences, record_change
from inbox.services.contacts.geography import correction, guess
from inbox.services.contacts.queries import access_contact
from inbox.services.errors import ValidationFailed

PLACE_FIELDS = ("country", "region", "subdivision", "location_source")


def _checked(country: str | None, subdivision: str | None) -> tuple[str | None, str | None]:
    if country is None:
        if subdivision:
            raise ValidationFailed("a subdivision needs its country",
                                   fields={"subdivision": "give the country too"})
        return None, None
    code = country.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationFailed("not a country", fields={
            "country": f"{country!r} is not an ISO 3166-1 alpha-2 country code"})
    if subdivision:
        sub = pycountry.subdivisions.get(code=subdivision.strip().upper())
        if sub is None or sub.country_code != code:
            raise ValidationFailed("not a subdivision of that country", fields={
                "subdivision": f"{subdivision!r} is not an ISO 3166-2 subdivision of {code}"})
        return code, sub.code
    return code, None


def do_correct_place(session: Session, user: User, contact_id: int, country: str | None,
                     subdivision: str | None = None) -> Contact:
    """Set where a contact is (an agent's word wins over every guess from now on), or
    with no country go back to guessing from what they hold. Audited as contact.place."""
    code, sub = _checked(country, subdivision)
    contact = access_contact(session, user, contact_id)
    before = {name: getattr(contact, name) for name in PLACE_FIELDS}
    if code is None:  # back to the guess, from their profile, phone and email
        place = guess(contact.location, contact.email, contact.phone)
    else:
        place = correction(code, sub)
    contact.country = place.country if place else None
    contact.region = place.region if place else None
    contact.subdivision = place.subdivision if place else None
    contact.location_source = place.source if place else None
    after = {name: getattr(contact, name) for name in PLACE_FIELDS}
    record_change(session, user, "contact.place", "contact", contact.id,
                  differences(before, after))
    return contact
