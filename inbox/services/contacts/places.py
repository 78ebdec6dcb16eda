"""The tables behind a contact's geography: regions, and the place names people write.

Country names and codes come from pycountry (ISO 3166-1, with its translations for the
languages our customers write in); what it cannot know is written here: the nicknames
("USA", "UK", "Holland"), the parts of a country people name as if it were one
("England", "Scotland") and the cities a profile most often gives alone ("Berlin", "NYC").
The regions are ours: named groupings a team routes on. See docs/geography.md.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache
from typing import Any

import pycountry

from inbox.models import Contact

# Every ISO 3166-1 country belongs to one region (a test holds the table to it); the
# named European groupings come first, the rest of Europe is "Europe".
REGIONS: dict[str, tuple[str, ...]] = {
    "DACH": ("DE", "AT", "CH", "LI"),
    "Nordics": ("SE", "NO", "DK", "FI", "IS", "FO", "GL", "AX", "SJ"),
    "Benelux": ("BE", "NL", "LU"),
    "UK&I": ("GB", "IE", "IM", "JE", "GG"),
    "Iberia": ("ES", "PT", "AD", "GI"),
    "Europe": ("FR", "MC", "IT", "SM", "VA", "MT", "GR", "CY", "PL", "CZ", "SK", "HU",
               "SI", "HR", "BA", "RS", "ME", "MK", "AL", "BG", "RO", "MD", "UA", "BY",
               "LT", "LV", "EE", "RU", "TR", "GE", "AM", "AZ"),
    "NA": ("US", "CA", "PM", "BM", "UM"),
    "LATAM": ("MX", "GT", "BZ", "SV", "HN", "NI", "CR", "PA", "CU", "DO", "HT", "JM", "PR",
              "BS", "BB", "TT", "AG", "DM", "GD", "KN", "LC", "VC", "AI", "AW", "BQ", "CW",
              "SX", "MF", "BL", "GP", "MQ", "KY", "TC", "VG", "VI", "MS", "CO", "VE", "EC",
              "PE", "BO", "CL", "AR", "UY", "PY", "BR", "GY", "SR", "GF", "FK", "GS"),
    "APAC": ("CN", "HK", "MO", "TW", "JP", "KR", "KP", "MN", "IN", "PK", "BD", "LK", "NP",
             "BT", "MV", "AF", "MM", "TH", "LA", "KH", "VN", "MY", "SG", "ID", "BN", "PH",
             "TL", "AU", "NZ", "PG", "FJ", "SB", "VU", "NC", "PF", "WS", "TO", "TV", "KI",
             "NR", "FM", "MH", "PW", "GU", "MP", "AS", "CK", "NU", "TK", "WF", "NF", "PN",
             "CX", "CC", "HM", "IO", "KZ", "KG", "TJ", "TM", "UZ"),
    "MEA": ("AE", "SA", "QA", "KW", "BH", "OM", "YE", "IR", "IQ", "SY", "JO", "LB", "IL",
            "PS", "EG", "LY", "TN", "DZ", "MA", "EH", "SD", "SS", "ER", "ET", "DJ", "SO",
            "KE", "UG", "RW", "BI", "TZ", "MZ", "MW", "ZM", "ZW", "BW", "NA", "ZA", "LS",
            "SZ", "AO", "CD", "CG", "GA", "GQ", "CM", "CF", "TD", "NE", "NG", "BJ", "TG",
            "GH", "CI", "BF", "ML", "MR", "SN", "GM", "GW", "GN", "SL", "LR", "CV", "ST",
            "MG", "MU", "SC", "KM", "YT", "RE", "SH", "TF", "BV"),
}
# Antarctica has no customers' region: a country without one is still a country.
REGION_OF: dict[str, str] = {code: name for name, codes in REGIONS.items() for code in codes}


def region_of(country: str | None) -> str | None:
    return REGION_OF.get(country) if country else None


def fold(text: str) -> str:
    """Lower case without accents or dots: "Österreich" and "osterreich", "U.S." and "us"."""
    if text.isascii():  # most of them, and ten times quicker
        return " ".join(text.lower().replace(".", "").split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace(".", "").split())


# Names of a country people write that ISO does not list (keys are folded).
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "great britain": "GB", "britain": "GB", "united kingdom": "GB",
    "holland": "NL", "the netherlands": "NL", "korea": "KR", "south korea": "KR",
    "north korea": "KP", "russia": "RU", "czech republic": "CZ", "uae": "AE",
    "emirates": "AE", "ksa": "SA", "vietnam": "VN", "turkey": "TR", "turkiye": "TR",
    "ivory coast": "CI", "brasil": "BR", "mexico": "MX", "espana": "ES", "schweiz": "CH",
    "suisse": "CH", "svizzera": "CH", "deutschland": "DE", "osterreich": "AT",
    "nederland": "NL", "belgie": "BE", "sverige": "SE", "norge": "NO", "danmark": "DK",
    "suomi": "FI", "polska": "PL", "italia": "IT", "eire": "IE", "hong kong": "HK",
    "taiwan": "TW", "macau": "MO", "palestine": "PS", "bolivia": "BO", "iran": "IR",
    "syria": "SY", "laos": "LA", "moldova": "MD", "tanzania": "TZ", "venezuela": "VE",
}
# Parts of a country named as if they were one: (country, ISO 3166-2 subdivision).
NATIONS: dict[str, tuple[str, str]] = {
    "england": ("GB", "GB-ENG"), "scotland": ("GB", "GB-SCT"), "wales": ("GB", "GB-WLS"),
    "northern ireland": ("GB", "GB-NIR"),
}
# Cities a profile often gives alone, with their ISO 3166-2 subdivision where it is one
# people would route on (a state, a Land, a nation of the UK). Keys are folded.
CITIES: dict[str, tuple[str, str | None]] = {
    "berlin": ("DE", "DE-BE"), "munich": ("DE", "DE-BY"), "munchen": ("DE", "DE-BY"),
    "hamburg": ("DE", "DE-HH"), "cologne": ("DE", "DE-NW"), "koln": ("DE", "DE-NW"),
    "frankfurt": ("DE", "DE-HE"), "stuttgart": ("DE", "DE-BW"), "dusseldorf": ("DE", "DE-NW"),
    "leipzig": ("DE", "DE-SN"), "dresden": ("DE", "DE-SN"), "vienna": ("AT", "AT-9"),
    "wien": ("AT", "AT-9"), "graz": ("AT", "AT-6"), "salzburg": ("AT", "AT-5"),
    "zurich": ("CH", "CH-ZH"), "geneva": ("CH", "CH-GE"), "geneve": ("CH", "CH-GE"),
    "basel": ("CH", "CH-BS"), "bern": ("CH", "CH-BE"), "lausanne": ("CH", "CH-VD"),
    "london": ("GB", "GB-ENG"), "manchester": ("GB", "GB-ENG"),
    "birmingham": ("GB", "GB-ENG"), "liverpool": ("GB", "GB-ENG"), "leeds": ("GB", "GB-ENG"),
    "bristol": ("GB", "GB-ENG"), "glasgow": ("GB", "GB-SCT"), "edinburgh": ("GB", "GB-SCT"),
    "cardiff": ("GB", "GB-WLS"), "belfast": ("GB", "GB-NIR"), "dublin": ("IE", None),
    "cork": ("IE", None), "paris": ("FR", None), "lyon": ("FR", None),
    "marseille": ("FR", None), "madrid": ("ES", None), "barcelona": ("ES", None),
    "valencia": ("ES", None), "seville": ("ES", None), "lisbon": ("PT", None),
    "lisboa": ("PT", None), "porto": ("PT", None), "rome": ("IT", None), "roma": ("IT", None),
    "milan": ("IT", None), "milano": ("IT", None), "naples": ("IT", None),
    "amsterdam": ("NL", None), "rotterdam": ("NL", None), "the hague": ("NL", None),
    "utrecht": ("NL", None), "brussels": ("BE", None), "antwerp": ("BE", None),
    "luxembourg city": ("LU", None), "stockholm": ("SE", None), "gothenburg": ("SE", None),
    "oslo": ("NO", None), "copenhagen": ("DK", None), "helsinki": ("FI", None),
    "reykjavik": ("IS", None), "warsaw": ("PL", None), "krakow": ("PL", None),
    "prague": ("CZ", None), "budapest": ("HU", None), "athens": ("GR", None),
    "istanbul": ("TR", None), "moscow": ("RU", None), "kyiv": ("UA", None),
    "new york": ("US", "US-NY"), "new york city": ("US", "US-NY"), "nyc": ("US", "US-NY"),
    "brooklyn": ("US", "US-NY"), "los angeles": ("US", "US-CA"), "la": ("US", "US-CA"),
    "san francisco": ("US", "US-CA"), "sf": ("US", "US-CA"), "bay area": ("US", "US-CA"),
    "chicago": ("US", "US-IL"), "boston": ("US", "US-MA"), "seattle": ("US", "US-WA"),
    "austin": ("US", "US-TX"), "houston": ("US", "US-TX"), "dallas": ("US", "US-TX"),
    "miami": ("US", "US-FL"), "atlanta": ("US", "US-GA"), "denver": ("US", "US-CO"),
    "philadelphia": ("US", "US-PA"), "washington dc": ("US", "US-DC"), "dc": ("US", "US-DC"),
    "toronto": ("CA", "CA-ON"), "montreal": ("CA", "CA-QC"), "vancouver": ("CA", "CA-BC"),
    "mexico city": ("MX", None), "cdmx": ("MX", None), "sao paulo": ("BR", None),
    "rio de janeiro": ("BR", None), "buenos aires": ("AR", None), "bogota": ("CO", None),
    "lima": ("PE", None), "santiago": ("CL", None), "tokyo": ("JP", None),
    "osaka": ("JP", None), "seoul": ("KR", None), "beijing": ("CN", None),
    "shanghai": ("CN", None), "singapore": ("SG", None), "mumbai": ("IN", None),
    "delhi": ("IN", None), "new delhi": ("IN", None), "bangalore": ("IN", None),
    "bengaluru": ("IN", None), "sydney": ("AU", "AU-NSW"), "melbourne": ("AU", "AU-VIC"),
    "auckland": ("NZ", None), "dubai": ("AE", None), "abu dhabi": ("AE", None),
    "riyadh": ("SA", None), "tel aviv": ("IL", None), "cairo": ("EG", None),
    "lagos": ("NG", None), "nairobi": ("KE", None), "johannesburg": ("ZA", None),
    "cape town": ("ZA", None),
    # Cities of countries whose code is also a US state's ("Casablanca, MA" is Morocco,
    # not Massachusetts): the city decides.
    "casablanca": ("MA", None), "rabat": ("MA", None), "marrakech": ("MA", None),
    "tunis": ("TN", None), "jakarta": ("ID", None), "jerusalem": ("IL", None),
    "haifa": ("IL", None), "panama city": ("PA", None), "valletta": ("MT", None),
    "chisinau": ("MD", None), "ulaanbaatar": ("MN", None), "podgorica": ("ME", None),
    "tirana": ("AL", None), "khartoum": ("SD", None), "niamey": ("NE", None),
    "medellin": ("CO", None), "cali": ("CO", None), "vientiane": ("LA", None),
    "libreville": ("GA", None), "rosario": ("AR", None),
    "kolkata": ("IN", None), "chennai": ("IN", None), "hyderabad": ("IN", None),
    "pune": ("IN", None), "noumea": ("NC", None),
}
# The languages whose ISO names we read back ("Deutschland", "Allemagne", "Alemania").
NAME_LOCALES = ("de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb_NO", "fi", "pl", "tr")


@cache
def country_names() -> dict[str, str]:
    """Folded country name (ISO's, its translations, our nicknames) -> alpha-2."""
    names: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                        languages=[locale], fallback=True)
                    for locale in NAME_LOCALES]
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            names.setdefault(fold(name), country.alpha_2)
            for translation in translations:
                names.setdefault(fold(translation.gettext(name)), country.alpha_2)
    names.update(COUNTRY_ALIASES)
    return names


@cache
def us_states() -> dict[str, str]:
    """Folded US state name or postal code -> ISO 3166-2 code ("texas"/"tx" -> US-TX)."""
    states: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="US") or ():
        states[fold(sub.name)] = sub.code
        states[fold(sub.code.split("-", 1)[1])] = sub.code
    return states


@cache
def subdivisions_of(country: str) -> dict[str, str]:
    """Folded subdivision name -> ISO 3166-2 code, for one country ("bayern" -> DE-BY)."""
    return {fold(sub.name): sub.code
            for sub in pycountry.subdivisions.get(country_code=country) or ()}


@cache
def _alpha_2_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def known_country(code: str) -> bool:
    return code.upper() in _alpha_2_codes()


def warm_up() -> None:
    """Read the country and state names (about 0.3 s; a worker does it at start)."""
    country_names()
    us_states()
    _alpha_2_codes()


def country_name(code: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return getattr(country, "common_name", None) or getattr(country, "name", None)


def place_card(contact: Contact) -> dict[str, Any]:
    """The contact's place for the panel: codes, the country's name, and the source."""
    return {"country": contact.country, "country_name": country_name(contact.country),
            "region": contact.region, "subdivision": contact.subdivision,
            "location_source": contact.location_source}


def geography_catalogue() -> dict[str, Any]:
    """Every country (code, name, region) and every region, for pickers and filters."""
    countries = sorted(({"code": c.alpha_2, "name": country_name(c.alpha_2) or c.name,
                         "region": region_of(c.alpha_2)} for c in pycountry.countries),
                       key=lambda c: str(c["name"]))
    return {"countries": countries,
            "regions": [{"name": name, "countries": list(codes)}
                        for name, codes in REGIONS.items()]}
