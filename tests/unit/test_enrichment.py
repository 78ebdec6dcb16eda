"""Unit tests for inbox.services.ingest.enrichment: pure, deterministic message enrichment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inbox.services.ingest import enrichment
from inbox.services.ingest.enrichment import (
    Enrichment,
    classify_intent,
    detect_language,
    enrich,
    extract_hashtags,
    extract_mentions,
    influence_score,
    match_watch_terms,
    sentiment_score,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

# --- intent over realistic social-care traffic ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "rating", "expected"),
    [
        # angry complaints
        ("This is the worst service ever. I want a refund NOW.", None, "complaint"),
        ("@AcmeHelp charged twice for the same order, sort it out", None, "complaint"),
        ("Why is my order still not here?!", None, "complaint"),  # negative question
        ("Where the hell is my package?", None, "complaint"),  # question, VADER -0.68
        ("My router isn’t working since this morning", None, "complaint"),  # curly quote
        ("Delivered on time, box was fine.", 1, "complaint"),  # rating <= 2 wins
        # polite questions
        ("Hi @AcmeHelp, how do I reset my password?", None, "question"),
        ("Does anyone know if the app works offline", None, "question"),  # no '?', opener
        ("hello, can you tell me your opening hours please", None, "question"),
        ("Pourquoi ma facture a changé ce mois-ci ?", None, "question"),
        # praise
        ("Thanks so much, love the new app!", None, "praise"),
        ("What a great team!", None, "praise"),  # exclamation, not a question
        ("Delivered on time, box was fine.", 5, "praise"),  # rating >= 4
        ("Merci pour votre aide", None, "praise"),
        # other
        ("My order arrived today.", None, "other"),
        ("see https://acme.example/faq?id=3", None, "other"),  # '?' inside a URL
        ("Delivered on time, box was fine.", 3, "other"),
    ],
)
def test_intent_of_realistic_messages(text: str, rating: int | None, expected: str) -> None:
    assert enrich(text, rating=rating).intent == expected


def test_sarcasm_is_a_complaint_because_of_the_outage_cue() -> None:
    text = "great, another outage"
    # Whatever VADER makes of it (it reads "great" as positive), the cue decides...
    assert enrich(text).intent == "complaint"
    # ...even against the most positive sentiment possible.
    assert classify_intent(text, 1.0) == "complaint"


@pytest.mark.parametrize(
    ("text", "sentiment", "rating", "expected"),
    [
        ("Thanks a lot!", 0.9, 2, "complaint"),  # rating beats praise
        ("ok", -0.3, None, "complaint"),  # sentiment threshold is inclusive
        ("ok", -0.29, None, "other"),
        ("How do I update my card?", -0.2, None, "complaint"),  # clearly angry question
        ("How do I update my card?", -0.1, None, "question"),
        ("How do I update my card?!", 0.0, None, "complaint"),  # shouting punctuation
        ("How do I update my card? Love the app", 0.9, 5, "question"),  # question > praise
        ("Can I cancel my plan?", 0.0, None, "complaint"),  # complaint cue > question
        ("ok", 0.5, None, "praise"),
        ("ok", 0.49, None, "other"),
        ("ok", 0.0, 4, "praise"),
        ("awesome", 0.0, None, "praise"),  # praise cue alone
        ("This is what I ordered.", 0.0, None, "other"),  # 'what' mid-sentence
        ("Que tengas buen día", 0.0, None, "other"),  # unaccented 'que' is not 'qué'
        ("Scampi was on the menu", 0.0, None, "other"),  # 'scam' only as a word
    ],
)
def test_intent_precedence(text: str, sentiment: float, rating: int | None, expected: str) -> None:
    assert classify_intent(text, sentiment, rating) == expected


# --- sentiment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("This is the worst service ever, I want a refund", -1.0, -0.3),
        ("Thanks so much, love the new app!", 0.5, 1.0),
        ("The parcel arrived on Tuesday", -0.05, 0.05),
        ("", 0.0, 0.0),
    ],
)
def test_sentiment_is_vader_compound(text: str, low: float, high: float) -> None:
    assert low <= sentiment_score(text) <= high


def test_sentiment_analyzer_is_built_once() -> None:
    sentiment_score("warm up")
    first = enrichment._get_analyzer()
    sentiment_score("again")
    assert enrichment._get_analyzer() is first


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous m'aider ?", None, "fr"),
        ("Hola, mi pedido todavía no ha llegado, ¿me pueden ayudar por favor?", None, "es"),
        ("Hallo, meine Bestellung ist immer noch nicht angekommen, können Sie helfen?", None, "de"),
        ("Hi, how do I reset my password for the mobile app?", None, "en"),
        ("@AcmeHelp @AcmeSupport https://acme.example/orders/123 ok", None, None),  # no prose
        ("ok thx", None, None),  # too short
        ("Danke schön!", None, None),  # 2 words
        ("😂😂😂", None, None),
        ("ok thx", "es", "es"),  # short text falls back to the hint
        ("Bonjour, ma commande n'est toujours pas arrivée", "en-GB", "en"),  # hint wins
        ("Bonjour, ma commande n'est toujours pas arrivée", "PT_br", "pt"),
        ("Bonjour, ma commande n'est toujours pas arrivée", "und", "fr"),  # 'und' is no hint
        ("Bonjour, ma commande n'est toujours pas arrivée", "", "fr"),
        ("shalom", "iw", "he"),  # legacy provider code
    ],
)
def test_detect_language(text: str, hint: str | None, expected: str | None) -> None:
    assert detect_language(text, hint) == expected


def test_unsure_detection_means_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unsure:
        def classify(self, _text: str) -> tuple[str, float]:
            return "en", 0.4

    monkeypatch.setattr(enrichment, "_language_identifier", lambda: Unsure())
    assert detect_language("This sentence is long enough to be classified at all") is None


# Short or mixed texts, where a sampling detector would flip between runs.
AMBIGUOUS = [
    "Hi my wifi is down again today",
    "ok thanks see you soon then",
    "Gracias por todo amigo mio",
    "Bonjour, ma commande n'est toujours pas arrivée",
]


def test_language_is_the_same_in_fresh_interpreters() -> None:
    here = [detect_language(text) for text in AMBIGUOUS]
    script = (
        "import json, sys\n"
        "from inbox.services.ingest.enrichment import detect_language\n"
        "print(json.dumps([detect_language(t) for t in json.loads(sys.argv[1])]))\n"
    )
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script, json.dumps(AMBIGUOUS)],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert json.loads(done.stdout) == here


def test_enrich_is_deterministic_in_process() -> None:
    kwargs = {"followers": 4200, "following": 300, "verified": True, "engagement": 57}
    text = "Why is my #WiFi down AGAIN?! @AcmeHelp still waiting since Monday #outage"
    terms = ["#outage", "still waiting"]
    first = [enrich(t, watch_terms=terms, **kwargs) for t in [text, *AMBIGUOUS]]
    second = [enrich(t, watch_terms=terms, **kwargs) for t in [text, *AMBIGUOUS]]
    assert first == second


# --- hashtags and mentions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Loving the #Café vibes, #café again and #CAFÉ", ["café"]),  # unique, lower-cased
        ("Service client #Réclamation #SNCF!", ["réclamation", "sncf"]),  # trailing '!'
        ("decomposed #cafe\u0301 accent", ["café"]),  # NFD input -> one tag
        ("#outage, #WiFi. #day_2 #über", ["outage", "wifi", "day_2", "über"]),  # order kept
        ("see https://acme.example/help#billing and page#2", []),  # URL fragments
        ("We're #1 again", []),  # a tag needs a letter
        ("no tags here", []),
    ],
)
def test_extract_hashtags(text: str, expected: list[str]) -> None:
    assert extract_hashtags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@AcmeHelp @acmehelp please help", ["acmehelp"]),
        ("mail foo@bar.com or ping @Support_UK.", ["support_uk"]),  # email is not a mention
        ("cc @jane.doe, @Zoë!", ["jane.doe", "zoë"]),
        ("follow @alice@mastodon.social", ["alice"]),  # instance part is not an email
        ("https://example.com/@someone is a link", []),
        ("nothing to see", []),
    ],
)
def test_extract_mentions(text: str, expected: list[str]) -> None:
    assert extract_mentions(text) == expected


# --- influence ------------------------------------------------------------------------------


def test_influence_is_monotonic_in_followers() -> None:
    counts = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    scores = [influence_score(n, 500, False, 20) for n in counts]
    assert scores == sorted(scores)
    assert scores[0] < scores[4] < scores[-1]


@pytest.mark.parametrize("followers", [0, 150, 25_000, 2_000_000])
def test_verified_adds_fifteen(followers: int) -> None:
    plain = influence_score(followers, 100, False, 10)
    assert influence_score(followers, 100, True, 10) == plain + 15


@pytest.mark.parametrize(
    ("followers", "following", "verified", "engagement", "expected"),
    [
        (None, None, None, None, 0),  # nobody
        (0, 0, False, 0, 0),
        (-5, -1, False, -3, 0),  # garbage counts are 0, not negative
        (1_000, 100, False, 100, 41),  # 25.72 reach + 5 ratio + 10.02 engagement
        (10_000_000, 1, True, 10_000, 100),  # every component saturated
        (10**12, 0, True, 10**9, 100),  # clamped, never above 100
    ],
)
def test_influence_formula(
    followers: int | None,
    following: int | None,
    verified: bool | None,
    engagement: int | None,
    expected: int,
) -> None:
    assert influence_score(followers, following, verified, engagement) == expected


def test_follow_back_farm_gets_no_ratio_bonus() -> None:
    farm = influence_score(5_000, 5_000, False, 0)
    organic = influence_score(5_000, 500, False, 0)
    assert organic - farm == 5


def test_one_huge_account_does_not_dominate() -> None:
    # Reach is logarithmic: every 10x in followers adds the same ~8.6 points (60/7), so a
    # million-follower account is not 1000x a thousand-follower one. Ratio held at 1:1.
    scores = [influence_score(10**k, 10**k, False, 0) for k in range(1, 8)]
    assert {b - a for a, b in zip(scores, scores[1:], strict=False)} <= {8, 9}
    assert influence_score(1_000_000, 300, False, 0) <= 2 * influence_score(1_000, 300, False, 0)


# --- watch terms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        (
            "STILL   waiting on my refund #Outage",
            ["#outage", "Still Waiting", "refund", "Refund", "wait", "#refund"],
            ["#outage", "Still Waiting", "refund"],  # config order and case, unique
        ),
        ("outage in my area", ["#outage"], []),  # '#term' needs the hashtag
        ("#outage again", ["outage"], ["outage"]),  # a plain term finds the word in a tag
        ("Still\nwaiting", ["still waiting"], ["still waiting"]),  # any whitespace
        ("stillwaiting for days", ["still waiting"], []),
        ("Acme Pro Max is down", ["acme pro", "Pro Max", "max"], ["acme pro", "Pro Max", "max"]),
        ("Acme Promax", ["acme pro"], []),  # word boundary at the end too
        ("Die STRASSE ist gesperrt", ["Straße"], ["Straße"]),  # casefolded
        ("Love the #Café", ["#CAFÉ", "", "   ", "#"], ["#CAFÉ"]),  # blanks ignored
        ("anything", [], []),
    ],
)
def test_match_watch_terms(text: str, terms: list[str], expected: list[str]) -> None:
    assert match_watch_terms(text, terms) == expected


# --- the whole record -----------------------------------------------------------------------


def test_enrich_builds_every_field() -> None:
    result = enrich(
        "@AcmeHelp my #WiFi has been down all day, still waiting for an engineer. Worst ISP!",
        followers=12_000,
        following=400,
        verified=False,
        engagement=35,
        language_hint=None,
        watch_terms=["#wifi", "engineer", "outage"],
    )
    assert isinstance(result, Enrichment)
    assert result.sentiment < -0.3
    assert result.language == "en"
    assert result.hashtags == ["wifi"]
    assert result.mentions == ["acmehelp"]
    assert result.intent == "complaint"
    assert result.influence == influence_score(12_000, 400, False, 35)
    assert 40 <= result.influence <= 60
    assert result.keywords == ["#wifi", "engineer"]
