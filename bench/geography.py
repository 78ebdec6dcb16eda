"""Geography benchmark: locating contacts (docs/geography.md) per second on one core,
for contacts seen for the first time and for ones seen again (the guess is cached by
the facts it reads, as the same profile comes back with each message).

    .venv/bin/python bench/geography.py [--n 20000]

Prints one JSON object: microseconds per contact, first seen and seen again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `inbox` importable
    sys.path.insert(0, str(ROOT))

from inbox.services.contacts import geography  # noqa: E402
from inbox.services.contacts.identities import ContactFacts, locate  # noqa: E402
from inbox.services.contacts.places import warm_up  # noqa: E402

# What profiles say, from the tidy to the useless; a number makes each contact new.
LOCATIONS = ("Berlin", "München, Bayern", "London, UK", "NYC", "Austin, TX", "🇩🇪",
             "living in Zürich", "she/her 🌈 coffee first", "Somewhere, Earth", None)
EMAILS = ("kim{}@web.de", "kim{}@gmail.com", None)
PHONES = ("+49 30 1234{:03d}", "+1 416 555 {:04d}", "+44 20 7946 {:04d}", None)
LANGUAGES = ("de", "en", "sv", None)


def contacts(n: int) -> list[tuple[ContactFacts, str | None]]:
    made = []
    for i in range(n):
        location = LOCATIONS[i % len(LOCATIONS)]
        email, phone = EMAILS[i % len(EMAILS)], PHONES[i % len(PHONES)]
        made.append((ContactFacts(i, location=f"{location} {i}" if location else None,
                                  email=email.format(i) if email else None,
                                  phone=phone.format(i % 1000) if phone else None),
                     LANGUAGES[i % len(LANGUAGES)]))
    return made


def per_contact(batch: list[tuple[ContactFacts, str | None]]) -> float:
    started = time.process_time()
    for contact, language in batch:
        locate(contact, language)
    return (time.process_time() - started) / len(batch) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    warm_up()
    batch = contacts(args.n)
    for cached in (geography.from_profile, geography.from_phone):
        cached.cache_clear()
    first = per_contact(batch)
    again = per_contact(batch[-5000:])  # within the cache's size
    located = sum(1 for contact, _ in batch if contact.country or contact.region)
    print(json.dumps({"contacts": args.n, "located_share": round(located / args.n, 3),
                      "first_seen_us": round(first, 1), "seen_again_us": round(again, 2),
                      "first_seen_per_second": round(1e6 / first)}))


if __name__ == "__main__":
    main()
