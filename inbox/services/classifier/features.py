"""The features a complaint model looks at, in pure Python: the same functions feed
training (features(), scikit-learn's analyzer) and scoring at ingest (words() and
char_grams(), which scoring.py counts the same way), so the two cannot drift.

Word unigrams and bigrams catch wording ("let me down", "stops working"); character
3-5-grams inside each padded word catch inflections, typos and hashtags ("#fail",
"refundd"). Links and handles become placeholders: which shop or user is named says
nothing about a complaint.
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
CHAR_SIZES = (3, 4, 5)
WORD, PAIR, CHARS = "w:", "b:", "c:"  # the kinds of feature, as training names them


def words(text: str) -> list[str]:
    body = unicodedata.normalize("NFC", text or "").lower().replace("\u2019", "'")
    return _WORD.findall(_HANDLE.sub(" @user ", _URL.sub(" http ", body)))


def char_grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + size] for size in CHAR_SIZES
            for i in range(len(padded) - size + 1)]


def features(text: str) -> list[str]:
    """The message's features, repeats kept (counts matter): 'w:' words, 'b:' word pairs,
    'c:' character n-grams."""
    found = words(text)
    out = [WORD + word for word in found]
    out.extend(f"{PAIR}{a} {b}" for a, b in zip(found, found[1:], strict=False))
    out.extend(CHARS + gram for word in found for gram in char_grams(word))
    return out
