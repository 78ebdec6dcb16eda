"""Deterministic enrichment of one inbound message: pure functions, no database, no network.

Fields (see docs/enrichment.md):

* ``sentiment`` -- VADER compound score in [-1, 1] (English-centric; other languages score ~0).
* ``language`` -- ISO 639-1 code. A provider hint wins; otherwise py3langid (a fixed naive
  Bayes model: deterministic, ~20 µs a message, where langdetect took ~2 ms),
  ``None`` for texts under 3 words or 20 letters, or when detection is unsure.
* ``hashtags`` / ``mentions`` -- lower-cased, unique, in order; never taken from URLs or emails.
* ``intent`` -- first matching rule wins:
  1. complaint: rating <= 2, sentiment <= -0.3, a complaint cue (complaint_cues.py:
     wording such as refund / stopped working / no response, sarcasm, negated praise, emoji),
     or a clearly angry question (sentiment <= -0.2, or "?!" / "!?" / "!!");
  2. question: '?' or an interrogative opener/phrase (how, why, can you, anyone know, ...);
  3. praise: sentiment >= 0.5, rating >= 4, or a praise cue (thanks, love, great, ...);
  4. other.
  Complaint cues beat a polite question on purpose: a complaint misrouted as a question
  misses its SLA, the reverse only costs a re-triage.
* ``influence`` -- 0..100, weighs reach without worshipping a score (None counts as 0/False)::

      reach      = 60 * min(1, log10(1 + followers) / 7)      # 10M followers saturate
      verified   = 15 if verified else 0
      engagement = 20 * min(1, log10(1 + engagement) / 4)     # 10k interactions saturate
      ratio      = 5 * clamp(log10(followers / max(following, 1)), 0, 1)  # >= 10:1 is full
      influence  = round(clamp(reach + verified + engagement + ratio, 0, 100))

  Logarithms keep one huge account from dominating the queue; the ratio bonus is zero for
  follow-back farms (ratio ~1) and full from 10:1.
* ``keywords`` -- configured watch terms found, as configured, in config order.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from inbox.services.ingest.complaint_cues import complaint_cue, phrases

__all__ = [
    "Enrichment",
    "classify_intent",
    "detect_language",
    "enrich",
    "extract_hashtags",
    "extract_mentions",
    "influence_score",
    "match_watch_terms",
    "sentiment_score",
]


@dataclass(frozen=True)
class Enrichment:
    sentiment: float  # VADER compound, -1..1
    language: str | None  # ISO 639-1, None when too short or unsure
    hashtags: list[str]  # lower-cased, no '#', unique, in order
    mentions: list[str]  # lower-cased handles, no '@', unique, in order
    intent: str  # complaint | question | praise | other
    influence: int  # 0..100
    keywords: list[str]  # watch terms found, as configured


# --- text helpers -------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Not after '@': "@user@mastodon.social" is a mention, not an email.
_EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# '#' or '@' must not follow a word char, '/', '&' (URL fragments, HTML entities) or another
# marker; \w is Unicode-aware so #café counts. A hashtag needs a letter (#1 is not a tag).
_HASHTAG = re.compile(r"(?<![\w/&#@])#(\w*[^\W\d_]\w*)")
# Handles may contain inner dots (Instagram) but never end with one ("@acme." -> "acme").
_MENTION = re.compile(r"(?<![\w/.+@-])@(\w(?:[\w.]*\w)?)")
# CJK ideographs and kana are not space-separated, so each counts as a word.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]|[^\W\d_]+")


def _normalize(text: str) -> str:
    # NFC so a decomposed "cafe\u0301" is one word char, not 'cafe' plus a stray accent.
    return unicodedata.normalize("NFC", text or "")


def _without_links(text: str) -> str:
    # Space, not empty: removing a URL must not glue its neighbours into one token.
    return _EMAIL.sub(" ", _URL.sub(" ", text))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def extract_hashtags(text: str) -> list[str]:
    return _unique(tag.lower() for tag in _HASHTAG.findall(_without_links(_normalize(text))))


def extract_mentions(text: str) -> list[str]:
    return _unique(h.lower() for h in _MENTION.findall(_without_links(_normalize(text))))


# --- sentiment ----------------------------------------------------------------------------

_analyzer: SentimentIntensityAnalyzer | None = None
_analyzer_lock = threading.Lock()


def _get_analyzer() -> SentimentIntensityAnalyzer:
    # Built once, lazily: construction reads the lexicon files; afterwards it is read-only.
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = SentimentIntensityAnalyzer()
    return _analyzer


def sentiment_score(text: str) -> float:
    text = _normalize(text)
    if not text.strip():
        return 0.0
    return float(_get_analyzer().polarity_scores(text)["compound"])


# --- language -----------------------------------------------------------------------------

_identifier: Any = None
_identifier_lock = threading.Lock()
_MIN_WORDS, _MIN_LETTERS, _MIN_CONFIDENCE = 3, 20, 0.7
# Legacy codes some providers still send, mapped to their current ISO 639-1 code.
_LEGACY_CODES = {"iw": "he", "in": "id", "ji": "yi"}


def _normalize_hint(hint: str | None) -> str | None:
    # "en-GB" / "pt_BR" -> primary subtag. "und", "zxx" or junk are no hint at all.
    primary = re.split(r"[-_]", (hint or "").strip(), maxsplit=1)[0].lower()
    if len(primary) != 2 or not primary.isascii() or not primary.isalpha():
        return None
    return _LEGACY_CODES.get(primary, primary)


def detect_language(text: str, hint: str | None = None) -> str | None:
    hint_code = _normalize_hint(hint)
    if hint_code:
        return hint_code  # the provider saw more context (account, locale) than we do
    # Mentions, URLs and hashtag markers are not language and skew short texts.
    body = _MENTION.sub(" ", _without_links(_normalize(text))).replace("#", " ")
    words = _WORD.findall(body)
    if len(words) < _MIN_WORDS or sum(len(w) for w in words) < _MIN_LETTERS:
        return None
    language, probability = _language_identifier().classify(body)
    if probability < _MIN_CONFIDENCE:
        return None
    return _normalize_hint(str(language))


def _language_identifier() -> Any:
    """The model loads once (a few hundred ms), on first use rather than at import."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def warm_up() -> None:
    """Load the sentiment lexicon and the language model (a worker does it at start)."""
    _get_analyzer()
    _language_identifier()


# --- influence ----------------------------------------------------------------------------


def influence_score(
    followers: int | None,
    following: int | None,
    verified: bool | None,
    engagement: int | None,
) -> int:
    followers_n = max(0, followers or 0)  # negative counts from a bad payload are 0
    following_n = max(0, following or 0)
    engagement_n = max(0, engagement or 0)
    reach = 60 * min(1.0, math.log10(1 + followers_n) / 7)
    badge = 15 if verified else 0
    activity = 20 * min(1.0, math.log10(1 + engagement_n) / 4)
    ratio = 0.0
    if followers_n:
        ratio = 5 * min(1.0, max(0.0, math.log10(followers_n / max(following_n, 1))))
    return round(min(100.0, max(0.0, reach + badge + activity + ratio)))


# --- intent -------------------------------------------------------------------------------


# Cue tables read better as tables than one-per-line.
# fmt: off
_QUESTION_PHRASE = phrases(
    r"can you", r"could you", r"can i", r"is there", r"are there", r"do you", r"anyone know",
    r"does anyone", r"est-ce que", r"pouvez-vous", r"por qu[ée]", r"k[öo]nnen sie",
)
# Single interrogatives only count as a sentence opener: "this is what I ordered" is not a
# question, "what happened to my order" is. Spanish needs its accents ("como" is "like").
_QUESTION_OPENER = re.compile(
    r"(?:how|why|when|where|what|who|which|does|pourquoi|comment|quand|où"
    r"|cómo|cuándo|dónde|qué|warum|wie|wann)",
    re.IGNORECASE,
)
_PRAISE = phrases(
    r"thanks?", r"thank you", r"love", r"loved", r"great", r"amazing", r"awesome",
    r"merci", r"gracias", r"danke",
)
# fmt: on
# A sentence and its terminator: "What a great app!" is an exclamation, not a question.
_SENTENCE = re.compile(r"([^.!?¿¡\n]+)([.!?¿¡\n]*)")
_ANGRY_PUNCTUATION = re.compile(r"\?!|!\?|!!")


def _is_question(text: str) -> bool:
    if "?" in text or "¿" in text or _QUESTION_PHRASE.search(text):
        return True
    for sentence, end in _SENTENCE.findall(text):
        # Skip "@acme_support" so a reply's first real word is the opener.
        words = [w for w in sentence.split() if not w.startswith("@")]
        if words and "!" not in end and _QUESTION_OPENER.fullmatch(words[0].strip(",;:\"'()")):
            return True
    return False


def classify_intent(text: str, sentiment: float, rating: int | None = None) -> str:
    """Rules in the module docstring's order; ``rating`` is a 1-5 star review score."""
    body = _without_links(_normalize(text))  # a '?' in a URL query string is not a question
    if rating is not None and rating <= 2:
        return "complaint"
    if sentiment <= -0.3 or complaint_cue(body):
        return "complaint"
    if _is_question(body):
        # Clearly angry: negative beyond VADER's noise on neutral questions (~-0.13 seen), or
        # "?!" / "!!", which is how customers shout.
        if sentiment <= -0.2 or _ANGRY_PUNCTUATION.search(body):
            return "complaint"
        return "question"
    if sentiment >= 0.5 or (rating is not None and rating >= 4) or _PRAISE.search(body):
        return "praise"
    return "other"


# --- watch terms --------------------------------------------------------------------------


def match_watch_terms(text: str, terms: Sequence[str]) -> list[str]:
    body = _normalize(text).casefold()  # casefold: "STRASSE" matches a "straße" term
    tags = {tag.casefold() for tag in extract_hashtags(text)}
    found: dict[str, str] = {}  # casefolded term -> first configured spelling
    for term in terms:
        key = _normalize(term).strip().casefold()
        if not key or key == "#" or key in found:
            continue
        if key.startswith("#"):
            hit = key[1:] in tags  # exact hashtag, never a plain word
        else:
            phrase = r"\s+".join(re.escape(part) for part in key.split())
            hit = re.search(rf"(?<!\w){phrase}(?!\w)", body) is not None
        if hit:
            found[key] = term
    return list(found.values())


# --- entry point --------------------------------------------------------------------------


def enrich(
    text: str,
    *,
    followers: int | None = None,
    following: int | None = None,
    verified: bool | None = None,
    engagement: int | None = None,
    rating: int | None = None,
    language_hint: str | None = None,
    watch_terms: Sequence[str] = (),
) -> Enrichment:
    sentiment = sentiment_score(text)
    return Enrichment(
        sentiment=sentiment,
        language=detect_language(text, language_hint),
        hashtags=extract_hashtags(text),
        mentions=extract_mentions(text),
        intent=classify_intent(text, sentiment, rating),
        influence=influence_score(followers, following, verified, engagement),
        keywords=match_watch_terms(text, watch_terms),
    )
