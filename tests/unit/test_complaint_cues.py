"""Complaint cues: the wording, sarcasm, negated praise and emoji that make a complaint,
and the everyday thanks and praise that must stay what they are."""

from __future__ import annotations

import pytest

from inbox.services.ingest.complaint_cues import complaint_cue
from inbox.services.ingest.enrichment import classify_intent, enrich


@pytest.mark.parametrize(
    "text",
    [
        # sarcasm: thanks or delight around something that went wrong
        "thanks for ruining my morning",
        "Thanks @AcmeRail for leaving me on the platform for an hour",
        "great, another outage",
        "Brilliant. Yet another cancelled train",
        "love how my order is late again",
        "Don't you just love it when the app logs you out mid-payment and never comes back",
        "thanks a lot for nothing",
        "So much for next-day delivery",
        # things that stopped working
        "My kettle stopped working after two days",
        "The app stops working whenever I open the camera",
        "The remote doesn't work with the new box",
        "Your website is down again",
        "Broadband went off at 6pm and it is still off",
        "The card reader won't let me pay",
        "Printer keeps crashing since your update",
        # money
        "Bill shock this month: £80 more than the plan says",
        "You charged me extra for a seat I never picked",
        # waiting and silence
        "I still haven't had my replacement",
        "Sent three emails and no response",
        "I've been on hold for forty minutes",
        "I've been waiting since Monday for a callback",
        "Nobody replied to my message last week",
        "My parcel never arrived",
        # verdicts and negated praise
        "This is ridiculous",
        "Completely unacceptable from a company this size",
        "You really let me down this time",
        "Please fix this, it's costing me money",
        "What a joke of a delivery service",
        "Not happy with the new layout at all",
        "Honestly not impressed with the upgrade #nothappy",
        # questions that are complaints
        "Why can't I log in on my phone?",
        "Why is my refund taking so long when you promised it would not?",
        "How is this acceptable?",
        # emoji
        "Parcel left out in the rain 😡",
        "New update 👎",
    ],
)
def test_customer_care_wording_is_a_complaint(text: str) -> None:
    assert complaint_cue(text) is not None
    assert enrich(text).intent == "complaint"


@pytest.mark.parametrize(
    "text",
    [
        "thanks for ruining my morning",
        "great, another outage",
        "love how my order is late again",
        "thanks a lot for nothing",
    ],
)
def test_sarcasm_is_a_complaint_even_when_sentiment_reads_as_praise(text: str) -> None:
    assert classify_intent(text, 1.0) == "complaint"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks, that fixed it", "praise"),
        ("love it", "praise"),
        ("Great, thanks for the quick reply!", "praise"),
        ("I love how easy the new checkout is", "praise"),
        ("Thank you for helping me today, you're the best", "praise"),
        ("Love it 😍", "praise"),
        ("Thanks so much for your help", "praise"),
        ("I love how the piano sounds in your new advert", "praise"),
        ("Great, more colours are coming soon!", "praise"),
        ("I can't wait for the new season to start", "other"),
        ("The app works perfectly now", "praise"),
        ("Is the shop open on Sunday?", "question"),
        ("How do I change my delivery address?", "question"),
        ("My order arrived today, nicely packed.", "other"),
    ],
)
def test_everyday_thanks_and_questions_are_not_complaints(text: str, expected: str) -> None:
    assert complaint_cue(text) is None
    assert enrich(text).intent == expected


def test_cue_is_whole_words_only() -> None:
    assert complaint_cue("The downtown store is lovely") is None  # 'down' inside a word
    assert complaint_cue("Rudeness training for all staff, great idea") is None  # not 'rude'


def test_cue_names_the_words_that_matched() -> None:
    assert complaint_cue("Honestly, it STOPPED WORKING overnight") == "stopped working"
