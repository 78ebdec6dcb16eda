"""Payload builders in each provider's documented shape, without signatures.

Pure functions: ids, times and text come in, a JSON-ready dict, form pairs or raw MIME
bytes go out. Signing happens at send time (runner.py) because Mailgun and the generic
source sign a timestamp that must be fresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from typing import Any

from inbox.simulator.content import Persona

FormPairs = tuple[tuple[str, str], ...]

# One fictional Twilio account: every call of the simulated support line belongs to it.
TWILIO_ACCOUNT_SID = "AC" + hashlib.sha256(b"acme-simulated-account").hexdigest()[:32]
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def compact_json(payload: Any, *, ascii_only: bool = True) -> bytes:
    # Meta and X put \u-escaped compact JSON on the wire; the signature covers these bytes.
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=ascii_only).encode("utf-8")


def _x_created_at(ts: float) -> str:
    """v1.1 "Thu Jan 01 12:01:00 +0000 2026", built by hand so the locale cannot change it."""
    from datetime import UTC, datetime

    when = datetime.fromtimestamp(ts, UTC)
    return (f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:02d} "
            f"{when:%H:%M:%S} +0000 {when.year}")


# --- Meta ------------------------------------------------------------------------------------


def meta_delivery(obj: str, account: str, ts: float, *, changes: list[dict[str, Any]] | None = None,
                  messaging: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": account, "time": int(ts)}
    if changes is not None:
        entry["changes"] = changes
    if messaging is not None:
        entry["time"] = int(ts * 1000)  # Messenger samples use milliseconds
        entry["messaging"] = messaging
    return {"object": obj, "entry": [entry]}


def fb_feed_comment(author_id: str, author_name: str, post_id: str, comment_id: str,
                    parent_id: str, text: str, ts: float) -> dict[str, Any]:
    return {"field": "feed", "value": {
        "from": {"id": author_id, "name": author_name}, "item": "comment", "verb": "add",
        "post_id": post_id, "comment_id": comment_id, "parent_id": parent_id,
        "created_time": int(ts), "message": text,
    }}


def fb_visitor_post(persona: Persona, post_id: str, text: str, ts: float) -> dict[str, Any]:
    return {"field": "feed", "value": {
        "from": {"id": persona.fb_id, "name": persona.name}, "item": "status", "verb": "add",
        "post_id": post_id, "created_time": int(ts), "message": text, "published": 1,
    }}


def ig_comment(persona: Persona, comment_id: str, media_id: str, text: str,
               parent_id: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "from": {"id": persona.ig_id, "username": persona.handle},
        "media": {"id": media_id, "media_product_type": "FEED"},
        "id": comment_id, "text": text,
    }
    if parent_id:
        value["parent_id"] = parent_id
    return {"field": "comments", "value": value}


def messaging_event(sender: str, recipient: str, mid: str, text: str, ts: float,
                    reply_to: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid, "text": text}
    if reply_to:
        message["reply_to"] = {"mid": reply_to}
    return {"sender": {"id": sender}, "recipient": {"id": recipient},
            "timestamp": int(ts * 1000), "message": message}


# --- X -----------------------------------------------------------------------------------------


def x_user(persona: Persona) -> dict[str, Any]:
    return {
        "id": int(persona.x_id), "id_str": persona.x_id, "name": persona.name,
        "screen_name": persona.handle, "location": persona.location,
        "followers_count": persona.followers, "friends_count": 180 + persona.followers % 900,
        "verified": persona.verified, "statuses_count": 1000 + persona.followers % 5000,
    }


def brand_user(brand_id: str, handle: str) -> dict[str, Any]:
    return {"id": int(brand_id) if brand_id.isdigit() else brand_id, "id_str": brand_id,
            "name": handle, "screen_name": handle, "followers_count": 48210,
            "friends_count": 312, "verified": True}


def _entities(text: str, mentions: dict[str, str]) -> dict[str, Any]:
    """user_mentions (screen name -> id) and hashtags with their indices in the text."""
    found = []
    for name, user_id in mentions.items():
        at = text.find("@" + name)
        if at >= 0:
            found.append({"screen_name": name, "id_str": user_id,
                          "indices": [at, at + len(name) + 1]})
    tags = [{"text": m.group(1), "indices": [m.start(), m.end()]}
            for m in re.finditer(r"#(\w+)", text)]
    return {"hashtags": tags, "user_mentions": found, "urls": [], "symbols": []}


def x_tweet(tweet_id: str, user: dict[str, Any], text: str, ts: float, *,
            mentions: dict[str, str], reply_to: tuple[str, str, str] | None = None,
            quoted: dict[str, Any] | None = None) -> dict[str, Any]:
    """reply_to = (status id, user id, screen name); quoted = the quoted tweet object."""
    tweet: dict[str, Any] = {
        "created_at": _x_created_at(ts), "id": int(tweet_id), "id_str": tweet_id,
        "text": text, "source": '<a href="https://mobile.x.com" rel="nofollow">X Web App</a>',
        "truncated": False, "user": user, "is_quote_status": quoted is not None,
        "retweet_count": 0, "favorite_count": 0, "entities": _entities(text, mentions),
        "lang": "en", "timestamp_ms": str(int(ts * 1000)),
        "in_reply_to_status_id_str": None, "in_reply_to_user_id_str": None,
        "in_reply_to_screen_name": None,
    }
    if reply_to is not None:
        tweet["in_reply_to_status_id"] = int(reply_to[0])
        tweet["in_reply_to_status_id_str"] = reply_to[0]
        tweet["in_reply_to_user_id_str"] = reply_to[1]
        tweet["in_reply_to_screen_name"] = reply_to[2]
    if quoted is not None:
        tweet["quoted_status_id_str"] = quoted["id_str"]
        tweet["quoted_status"] = quoted
    return tweet


def x_tweet_delivery(brand_id: str, tweet: dict[str, Any]) -> dict[str, Any]:
    return {"for_user_id": brand_id, "tweet_create_events": [tweet]}


def x_dm_delivery(brand_id: str, brand: dict[str, Any], persona: Persona, dm_id: str,
                  text: str, ts: float) -> dict[str, Any]:
    return {
        "for_user_id": brand_id,
        "direct_message_events": [{
            "type": "message_create", "id": dm_id, "created_timestamp": str(int(ts * 1000)),
            "message_create": {
                "target": {"recipient_id": brand_id}, "sender_id": persona.x_id,
                "message_data": {"text": text, "entities": {
                    "hashtags": [], "symbols": [], "user_mentions": [], "urls": []}},
            },
        }],
        "users": {persona.x_id: x_user(persona), brand_id: brand},
    }


# --- email ---------------------------------------------------------------------------------------


def mailgun_form(persona: Persona, mailbox: str, subject: str, text: str, message_id: str,
                 ts: float, in_reply_to: str | None, references: list[str]) -> FormPairs:
    """A Mailgun route post without timestamp/token/signature (added when sent)."""
    headers = [["Received", "by mxa.mailgun.org with SMTP"],
               ["From", f"{persona.name} <{persona.email}>"], ["To", mailbox],
               ["Subject", subject], ["Date", formatdate(ts)], ["Message-Id", message_id],
               ["Mime-Version", "1.0"], ["Content-Type", 'text/plain; charset="utf-8"']]
    pairs = [("recipient", mailbox), ("sender", persona.email),
             ("from", f"{persona.name} <{persona.email}>"), ("To", mailbox),
             ("subject", subject), ("Date", formatdate(ts)), ("Message-Id", message_id)]
    if in_reply_to:
        headers += [["In-Reply-To", in_reply_to], ["References", " ".join(references)]]
        pairs += [("In-Reply-To", in_reply_to), ("References", " ".join(references))]
    signature = f"\n\n--\n{persona.name}"
    pairs += [("body-plain", text + signature), ("stripped-text", text),
              ("stripped-signature", signature.strip()),
              ("message-headers", json.dumps(headers))]
    return tuple(pairs)


def raw_email(persona: Persona, mailbox: str, subject: str, text: str, message_id: str,
              ts: float, in_reply_to: str | None, references: list[str],
              boundary: str | None = None) -> bytes:
    """One RFC 5322 message as an MTA would hand it over; multipart when `boundary` is set."""
    msg = EmailMessage()
    msg["Return-Path"] = f"<{persona.email}>"
    msg["Delivered-To"] = mailbox
    msg["From"] = Address(persona.name, addr_spec=persona.email)
    msg["To"] = mailbox
    msg["Subject"] = subject
    msg["Date"] = formatdate(ts)
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = " ".join(references)
    msg.set_content(f"{text}\n\n{persona.name}\n")
    if boundary is not None:
        html = "".join(f"<p>{line}</p>" for line in text.split("\n") if line)
        msg.add_alternative(f"<html><body>{html}<p>{persona.name}</p></body></html>",
                            subtype="html")
        msg.set_boundary(boundary)  # the email package would draw one from global random
    return msg.as_bytes(policy=SMTP)


# --- voice ---------------------------------------------------------------------------------------


def twilio_params(call_sid: str, caller: str, called: str, ts: float,
                  **extra: str) -> FormPairs:
    """The parameters every Twilio voice callback carries, plus the event's own."""
    base = {
        "AccountSid": TWILIO_ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": call_sid,
        "Direction": "inbound", "From": caller, "Caller": caller, "To": called,
        "Called": called, "Timestamp": formatdate(ts, usegmt=True),
    }
    base.update(extra)
    return tuple(base.items())


# --- generic -------------------------------------------------------------------------------------


def generic_author(persona: Persona, site: str) -> dict[str, Any]:
    return {"id": f"{site}:{persona.handle}", "handle": persona.handle, "name": persona.name,
            "followers": persona.followers, "verified": persona.verified,
            "url": f"https://{site}/u/{persona.handle}", "location": persona.location}
