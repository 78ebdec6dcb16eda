"""Where a contact is: each source normalised to a country and region, the most trusted winning."""

from __future__ import annotations

import pycountry
import pytest

from inbox.services.contacts.geography import (
    from_email,
    from_language,
    from_phone,
    from_profile,
    guess,
    trust,
)
from inbox.services.contacts.identities import ContactFacts, locate
from inbox.services.contacts.places import REGION_OF


@pytest.mark.parametrize(("text", "country", "region", "subdivision"), [
    ("Berlin", "DE", "DACH", "DE-BE"),
    ("NYC", "US", "NA", "US-NY"),
    ("London, UK", "GB", "UK&I", "GB-ENG"),
    ("Deutschland", "DE", "DACH", None),
    ("🇩🇪", "DE", "DACH", None),
    ("Munich, Bavaria", "DE", "DACH", "DE-BY"),
    ("München, Bayern", "DE", "DACH", "DE-BY"),
    ("Wien", "AT", "DACH", "AT-9"),
    ("Zürich, Schweiz", "CH", "DACH", "CH-ZH"),
    ("Austin, TX", "US", "NA", "US-TX"),
    ("Atlanta, Georgia", "US", "NA", "US-GA"),
    ("Berlin, DE", "DE", "DACH", "DE-BE"),
    ("Dover, DE", "US", "NA", "US-DE"),
    ("Toronto, ON", "CA", "NA", "CA-ON"),
    ("Edinburgh, Scotland", "GB", "UK&I", "GB-SCT"),
    ("living in Amsterdam 🌷", "NL", "Benelux", None),
    ("Allemagne", "DE", "DACH", None),
    ("São Paulo, Brasil", "BR", "LATAM", "BR-SP"),
    ("Tokyo", "JP", "APAC", "JP-13"),
    ("Bath, UK", "GB", "UK&I", None),
    ("Casablanca, MA", "MA", "MEA", "MA-CAS"),
    ("Boston, MA", "US", "NA", "US-MA"),
    ("Bangalore, IN", "IN", "APAC", None),
    ("Springfield, US", "US", "NA", None),
])
def test_profile_location_text_names_a_country_and_region(
        text: str, country: str, region: str, subdivision: str | None) -> None:
    place = from_profile(text)
    assert place is not None
    assert (place.country, place.region, place.source) == (country, region, "profile")
    assert place.subdivision == subdivision


@pytest.mark.parametrize("junk", ["", "   ", "she/her", "the moon", "everywhere 🌍", "asdf",
                                  "🇿🇿", "x" * 5000, "Here & there", None])
def test_junk_location_text_says_nothing(junk: str | None) -> None:
    assert from_profile(junk) is None


@pytest.mark.parametrize(("number", "country"), [
    ("+49 30 1234567", "DE"), ("0044 20 7946 0958", "GB"), ("+1 416 555 0123", "CA"),
    ("+1 (212) 555-0100", "US"), ("+41 44 668 18 00", "CH"),
])
def test_international_phone_number_names_its_country(number: str, country: str) -> None:
    place = from_phone(number)
    assert place is not None and place.country == country and place.source == "phone"


@pytest.mark.parametrize("number", ["030 1234567", "+999", "+", "not a number", "", None,
                                    "+800 1234 5678"])
def test_national_or_broken_phone_number_says_nothing(number: str | None) -> None:
    assert from_phone(number) is None


@pytest.mark.parametrize(("address", "country"), [
    ("kim@web.de", "DE"), ("kim@mail.co.uk", "GB"), ("kim@bluewin.ch", "CH"),
    ("KIM@Orange.FR", "FR"),
])
def test_country_code_email_domain_names_its_country(address: str, country: str) -> None:
    place = from_email(address)
    assert place is not None and place.country == country and place.source == "email"


@pytest.mark.parametrize("address", ["kim@gmail.com", "kim@startup.io", "kim@brand.co",
                                     "kim@x.eu", "no-at-sign.de", "", None])
def test_generic_or_vanity_email_domain_says_nothing(address: str | None) -> None:
    assert from_email(address) is None


def test_english_spanish_and_french_name_no_country() -> None:
    assert from_language("en") is None and from_language("es") is None
    assert from_language("fr") is None and from_language(None) is None


def test_german_names_only_the_dach_region_and_swedish_names_sweden() -> None:
    german, swedish = from_language("de"), from_language("sv")
    assert german is not None and (german.country, german.region) == (None, "DACH")
    assert swedish is not None and (swedish.country, swedish.region) == ("SE", "Nordics")


def test_the_profile_wins_over_phone_over_email_over_language() -> None:
    everything = guess("Vienna", "kim@web.de", "+41 44 668 18 00", "sv")
    assert everything is not None and (everything.country, everything.source) == ("AT", "profile")
    no_profile = guess("somewhere", "kim@web.de", "+41 44 668 18 00", "sv")
    assert no_profile is not None and (no_profile.country, no_profile.source) == ("CH", "phone")
    email = guess(None, "kim@web.de", None, "sv")
    assert email is not None and (email.country, email.source) == ("DE", "email")
    language = guess(None, "kim@gmail.com", None, "sv")
    assert language is not None and (language.country, language.source) == ("SE", "language")
    assert guess(None, "kim@gmail.com", "012345", "en") is None
    assert trust("agent") > trust("profile") > trust("phone") > trust("email") \
        > trust("language") > trust(None)


def test_an_agents_correction_is_never_replaced_by_a_guess() -> None:
    contact = ContactFacts(1, location="Berlin", country="FR", region="Europe",
                           location_source="agent")
    locate(contact, "de")
    assert (contact.country, contact.location_source) == ("FR", "agent")


def test_a_guess_that_finds_nothing_keeps_what_was_known() -> None:
    contact = ContactFacts(1, location="Berlin")
    locate(contact)
    assert (contact.country, contact.subdivision) == ("DE", "DE-BE")
    contact.location = "on the road"
    locate(contact, "en")
    assert (contact.country, contact.location_source) == ("DE", "profile")


def test_every_country_but_antarctica_has_a_region() -> None:
    unplaced = {c.alpha_2 for c in pycountry.countries} - set(REGION_OF)
    assert unplaced == {"AQ"}
    assert set(REGION_OF) <= {c.alpha_2 for c in pycountry.countries}
