"""What a reply may contain: length limits per platform and contact details in public.

X counts "weighted" characters (twitter-text v3): text is NFC-normalised;
code points in U+0000-10FF, U+2000-200D, U+2010-201F, U+2032-2037 weigh 1, all others 2;
a URL weighs 23 whatever its length; an emoji sequence (ZWJ families, skin tones, flags,
keycaps) weighs 2. This is an approximation of twitter-text, documented in docs/sending.md:
URLs are recognised by a scheme-or-domain pattern plus a top-level domain from a list of
common generic TLDs or any two-letter (country) TLD, and emoji by code point ranges rather
than the full Unicode emoji data. Every other platform counts code points.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

X_URL_WEIGHT = 23
X_EMOJI_WEIGHT = 2
# (first, last) code points that weigh 1 in twitter-text v3's config.
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

_GENERIC_TLDS = frozenset({  # two-letter (country) TLDs are all accepted
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop",
    "museum", "mobi", "asia", "tel", "travel", "jobs", "cat", "app", "dev", "xyz", "online",
    "site", "shop", "store", "tech", "blog", "news", "page", "cloud", "live", "link", "club",
    "email", "help", "support", "top", "vip", "art", "design", "media", "agency", "digital",
})

_URL_RE = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,})(?![\w-])"
    r"(?::\d{1,5})?(?:/[^\s]*)?",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,:;!?'\")]}"

_EMOJI_BASE = (
    "\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u2190-\u21FF"
    "\u2934\u2935\u3030\u303D\u3297\u3299"
)
_MODIFIERS = "\uFE0F\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F\u20E3"
_EMOJI_RE = re.compile(
    "[\U0001F1E6-\U0001F1FF]{2}"  # a flag: two regional indicators
    "|[0-9#*]\uFE0F?\u20E3"  # keycap
    "|[\u00A9\u00AE\u203C\u2049\u2122\u2139\u24C2]\uFE0F"  # text symbols in emoji style
    f"|[{_EMOJI_BASE}][{_MODIFIERS}]*(?:\u200D[{_EMOJI_BASE}][{_MODIFIERS}]*)*"
)


def _is_url(match: re.Match[str]) -> bool:
    tld = match.group(1).lower()
    return tld in _GENERIC_TLDS or len(tld) == 2


def urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL twitter-text would link, approximately."""
    spans = []
    for match in _URL_RE.finditer(text):
        if not _is_url(match):
            continue
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        spans.append((start, end))
    return spans


def _char_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(first <= point <= last for first, last in _LIGHT_RANGES) else 2


def _weigh_plain(text: str) -> int:
    total, position = 0, 0
    for match in _EMOJI_RE.finditer(text):
        total += sum(_char_weight(c) for c in text[position:match.start()]) + X_EMOJI_WEIGHT
        position = match.end()
    return total + sum(_char_weight(c) for c in text[position:])


def weighted_length(text: str) -> int:
    """X's weighted length of `text` (max 280 for a post or reply)."""
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for start, end in urls(text):
        total += _weigh_plain(text[position:start]) + X_URL_WEIGHT
        position = end
    return total + _weigh_plain(text[position:])


def code_points(text: str) -> int:
    return len(text)


@dataclass(frozen=True)
class Limit:
    maximum: int
    count: Callable[[str], int]
    what: str  # "an X reply", in "too long for an X reply"
    unit: str = "characters"


# (channel kind, visibility) -> limit. Email and generic sources have none of their own.
LIMITS: dict[tuple[str, str], Limit] = {
    ("x", "public"): Limit(280, weighted_length, "an X reply", "weighted characters"),
    ("x", "private"): Limit(10_000, code_points, "an X direct message"),
    ("facebook", "public"): Limit(8_000, code_points, "a Facebook comment"),
    ("facebook", "private"): Limit(2_000, code_points, "a Messenger message"),
    ("instagram", "public"): Limit(2_200, code_points, "an Instagram comment"),
    ("instagram", "private"): Limit(1_000, code_points, "an Instagram direct message"),
    # Twilio's hard maximum; segments (160 GSM-7 / 70 UCS-2) are the desk's business.
    ("voice", "private"): Limit(1_600, code_points, "a text message (SMS)"),
}


def over_limit(channel_kind: str, visibility: str, text: str) -> str | None:
    """Why `text` is too long for this channel and visibility, or None."""
    limit = LIMITS.get((channel_kind, visibility))
    if limit is None:
        return None
    length = limit.count(text)
    if length <= limit.maximum:
        return None
    return (f"too long for {limit.what}: {length} {limit.unit}, "
            f"at most {limit.maximum}")


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w/])\+?\(?\d[\d ().-]{5,}\d(?![\w/])")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def contact_details(text: str) -> list[str]:
    """Email addresses and phone numbers in `text`. Phone numbers are a heuristic: 7 to 15
    digits written as one number with a "+" or separators, or 10 to 15 bare digits (so
    order numbers rarely trip it); dates and numbers inside URLs do not count."""
    found = [m.group(0) for m in _EMAIL_RE.finditer(text)]
    without = _EMAIL_RE.sub(" ", text)
    pieces, position = [], 0
    for start, end in urls(without):
        pieces.append(without[position:start])
        position = end
    pieces.append(without[position:])
    for piece in pieces:
        for match in _PHONE_RE.finditer(piece):
            candidate = match.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            shortest = 7 if candidate != digits else 10
            if shortest <= len(digits) <= 15 and not _DATE_RE.fullmatch(candidate):
                found.append(candidate)
    return found
