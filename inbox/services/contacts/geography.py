"""Where a contact is: a country (ISO 3166-1 alpha-2), a region to route on, and how we know.

Guessed from, in order of trust: what an agent set (a correction always wins), the
platform profile's location text, the phone number's country code, the email domain's
country, and last the language they write in, which names a country only where one
country has that language nearly to itself (see LANGUAGE_HINTS). The first source that
gives an answer is the guess; a later, weaker one never replaces it. See docs/geography.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from inbox.services.contacts.places import (
    CITIES,
    NATIONS,
    country_names,
    fold,
    known_country,
    region_of,
    subdivisions_of,
    us_states,
)

# Most trusted first. "agent" is a person's correction; the rest are guesses.
SOURCES = ("agent", "profile", "phone", "email", "language")
GUESSES = SOURCES[1:]


@dataclass(frozen=True)
class Place:
    country: str | None
    region: str | None
    subdivision: str | None = None
    source: str | None = None


def trust(source: str | None) -> int:
    """Higher is more trusted; an unknown or absent source is the least."""
    return len(SOURCES) - SOURCES.index(source) if source in SOURCES else 0


def place_of(country: str | None, subdivision: str | None, source: str) -> Place:
    return Place(country, region_of(country), subdivision, source)


# ------------------------------------------------------------------ profile text

_FLAG = re.compile("([\U0001F1E6-\U0001F1FF])([\U0001F1E6-\U0001F1FF])")
_PARTS = re.compile(r"[,/|•·;()\n]+|\s[-–—]\s")
_WORDS = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")


@dataclass(frozen=True)
class _Hint:
    rank: int  # 3: a country named, 2: a US state, 1: a city
    country: str
    subdivision: str | None = None
    other_country: str | None = None  # "DE", "CA", "Georgia": also a country's name


def _flag(text: str) -> str | None:
    for first, second in _FLAG.findall(text):
        code = chr(ord(first) - 0x1F1E6 + 65) + chr(ord(second) - 0x1F1E6 + 65)
        if known_country(code):
            return code
    return None


def _is_code(part: str) -> bool:
    return len(part) == 2 and part.isascii() and part.isalpha() and part.isupper()


def _named(key: str) -> _Hint | None:
    """A folded name: a nation of the UK, a US state, a country, a city."""
    if key in NATIONS:
        return _Hint(3, *NATIONS[key])
    states, names = us_states(), country_names()
    if key in states and len(key) > 2:
        return _Hint(2, "US", states[key], names.get(key))
    if key in names:
        return _Hint(3, names[key])
    if key in CITIES:
        return _Hint(1, *CITIES[key])
    return None


def _hint(part: str) -> _Hint | None:
    key = fold(part)
    if _is_code(part):  # a code: "TX", "DE" (Delaware or Germany?), "FR"; else "UK", "US"
        states = us_states()
        if key in states:
            return _Hint(2, "US", states[key], part if known_country(part) else None)
        if known_country(part):
            return _Hint(3, part)
    return _named(key)


def _scan(text: str) -> _Hint | None:
    """A place named inside free text ("living in Berlin"): runs of up to three words,
    longest first; short names are left out, as "us" or "la" would be any sentence."""
    words = [fold(word) for word in _WORDS.findall(text)]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            key = " ".join(words[start:start + size])
            if len(key) >= 4:
                hint = _named(key)
                if hint is not None:
                    return hint
    return None


def _choose(hints: list[_Hint]) -> _Hint:
    best = max(hints, key=lambda h: h.rank)
    if best.other_country:
        # "Berlin, DE" is Germany, "Atlanta, Georgia" the state: a city decides.
        cities = [h for h in hints if h.rank == 1]
        # Alone, the state: US profiles outnumber Georgian ones by far.
        if any(h.country == best.other_country for h in cities):
            return next(h for h in cities if h.country == best.other_country)
    return best


@lru_cache(maxsize=8192)  # the same profile comes back with each of its messages
def from_profile(text: str | None) -> Place | None:
    """"Berlin", "NYC", "London, UK", "Deutschland", "🇩🇪", "Munich, Bavaria" -> a place."""
    if not text or not text.strip():
        return None
    text = text[:200]
    flag = _flag(text)
    if flag:
        return place_of(flag, None, "profile")
    parts = [p.strip() for p in _PARTS.split(text) if p and p.strip()]
    hints = [h for h in map(_hint, parts) if h is not None]
    if not hints:
        scanned = _scan(text)
        if scanned is None:
            return None
        hints = [scanned]
    chosen = _choose(hints)
    subdivision = chosen.subdivision or next(
        (h.subdivision for h in hints if h.country == chosen.country and h.subdivision), None)
    if subdivision is None:
        local = subdivisions_of(chosen.country)
        subdivision = next((local[fold(p)] for p in parts if fold(p) in local), None)
    return place_of(chosen.country, subdivision, "profile")


# ------------------------------------------------------------------ phone, email, language

@lru_cache(maxsize=8192)
def from_phone(number: str | None) -> Place | None:
    """The country of an international number (+49…, 0049…); a national one says nothing."""
    if not number:
        return None
    digits = re.sub(r"[\s().-]", "", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+") or not digits[1:].isdigit() or len(digits) < 8:
        return None
    # A calling code of one country names it without reading the number (parsing costs
    # ~100 µs); a shared one (+1, +7, +44…) needs the number read.
    regions = next((phonenumbers.COUNTRY_CODE_TO_REGION_CODE[int(digits[1:size + 1])]
                    for size in (1, 2, 3)
                    if int(digits[1:size + 1]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE), ())
    if len(regions) == 1:
        country: str | None = regions[0]
    else:
        try:
            country = phonenumbers.region_code_for_number(phonenumbers.parse(digits, None))
        except phonenumbers.NumberParseException:
            return None
    if not country or not known_country(country):  # "001": a non-geographic number
        return None
    return place_of(country, None, "phone")


# Country-code domains sold to everyone (.io, .co, .tv, .me…) say nothing of where
# their users live.
VANITY_DOMAINS = frozenset({
    "ac", "ai", "am", "as", "cc", "cd", "co", "fm", "gg", "io", "is", "it", "la", "ly",
    "me", "ms", "nu", "sh", "so", "st", "tk", "to", "tv", "vc", "ws",
})


def from_email(address: str | None) -> Place | None:
    """The country of the address's country-code domain (.de, .co.uk); .com says nothing."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().rstrip(".").lower()
    tld = domain.rsplit(".", 1)[-1]
    if tld == "uk":
        return place_of("GB", None, "email")
    if len(tld) != 2 or tld in VANITY_DOMAINS or not known_country(tld):
        return None
    return place_of(tld.upper(), None, "email")


# ISO 639-1 -> (country, region). Only languages one country has nearly to itself name
# a country; German and Dutch name only their region (DE/AT/CH, NL/BE); English,
# Spanish, French, Portuguese, Arabic, Russian or Chinese are spoken in too many
# countries to say anything.
LANGUAGE_HINTS: dict[str, tuple[str | None, str]] = {
    "de": (None, "DACH"), "nl": (None, "Benelux"),
    **{language: (country, region_of(country) or "")
       for language, country in (
           ("sv", "SE"), ("da", "DK"), ("nb", "NO"), ("no", "NO"), ("nn", "NO"),
           ("fi", "FI"), ("is", "IS"), ("pl", "PL"), ("cs", "CZ"), ("sk", "SK"),
           ("hu", "HU"), ("ro", "RO"), ("bg", "BG"), ("el", "GR"), ("it", "IT"),
           ("sl", "SI"), ("hr", "HR"), ("lt", "LT"), ("lv", "LV"), ("et", "EE"),
           ("uk", "UA"), ("tr", "TR"), ("he", "IL"), ("ja", "JP"), ("ko", "KR"),
           ("th", "TH"), ("vi", "VN"))},
}


def from_language(language: str | None) -> Place | None:
    hint = LANGUAGE_HINTS.get((language or "").lower().split("-")[0])
    if hint is None:
        return None
    country, region = hint
    return Place(country, region, None, "language")


def guess(location: str | None = None, email: str | None = None, phone: str | None = None,
          language: str | None = None) -> Place | None:
    """The most trusted source's answer, or None when none of them says anything."""
    return (from_profile(location) or from_phone(phone) or from_email(email)
            or from_language(language))


def correction(country: str, subdivision: str | None = None) -> Place:
    """An agent's or supervisor's word: a country code, and optionally a subdivision."""
    return place_of(country, subdivision, "agent")
