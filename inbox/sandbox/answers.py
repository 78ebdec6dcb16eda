"""A customer's answer to the brand's reply, as the platform would deliver it to the
service: the simulator's payload builders (inbox/simulator/payloads.py), addressed so
that ingestion threads it into the same case — it names the reply as its parent
(comments, tweets, generic items), comes in the same DM thread, or references the reply's
Message-ID (email). A texted customer answers the only way a phone line takes in: they
call back and leave a voicemail.
"""

from __future__ import annotations

import random
import time
from typing import Any

from inbox.sandbox.threads import Conversation
from inbox.simulator import content as c
from inbox.simulator import payloads as p
from inbox.simulator.base import PlannedDelivery, iso


def pick_answer(rng: random.Random) -> tuple[str, str]:
    """(mood, text): a follow-up question, a thank-you or an angry escalation."""
    moods = list(c.ANSWER_MOODS)
    mood = rng.choices(moods, weights=[c.ANSWER_MOODS[m] for m in moods])[0]
    return mood, c.fill(rng.choice(c.ANSWERS[mood]), rng)


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10 ** (count - 1), 10 ** count))


def _json(provider: str, path: str, label: str, payload: Any) -> PlannedDelivery:
    return PlannedDelivery(provider, path, 0.0, label,
                           body=p.compact_json(payload, ascii_only=provider != "generic"))


def answer_delivery(talk: Conversation, text: str, rng: random.Random,
                    now: float | None = None) -> PlannedDelivery:
    """The delivery carrying `text` from the customer of `talk`, unsigned."""
    now = time.time() if now is None else now
    kind, persona, account = talk.channel.kind, talk.persona, talk.channel.external_id or ""
    private = talk.our_visibility == "private"
    if kind in ("facebook", "instagram") and private:
        sender = persona.fb_id if kind == "facebook" else persona.ig_id
        event = p.messaging_event(sender, account, "m_" + f"{rng.getrandbits(160):040x}", text,
                                  now, reply_to=talk.our_id)
        obj = "page" if kind == "facebook" else "instagram"
        return _json("meta", "/webhooks/meta", f"{kind}:answer",
                     p.meta_delivery(obj, account, now, messaging=[event]))
    if kind == "facebook":
        post_id = str(talk.parent_facts.get("post_id") or talk.parent_id or "")
        change = p.fb_feed_comment(persona.fb_id, persona.name, post_id,
                                   f"{post_id.split('_')[-1]}_{_digits(rng, 16)}", talk.our_id,
                                   text, now)
        return _json("meta", "/webhooks/meta", "facebook:answer",
                     p.meta_delivery("page", account, now, changes=[change]))
    if kind == "instagram":
        media = str(talk.parent_facts.get("media_id") or "")
        change = p.ig_comment(persona, "179" + _digits(rng, 15), media, text,
                              parent_id=talk.our_id)
        return _json("meta", "/webhooks/meta", "instagram:answer",
                     p.meta_delivery("instagram", account, now, changes=[change]))
    if kind == "x":
        handle = talk.channel.name.lstrip("@") or "AcmeSupport"
        if private:
            payload = p.x_dm_delivery(account, p.brand_user(account, handle), persona,
                                      "1" + _digits(rng, 18), text, now)
        else:
            tweet = p.x_tweet("18" + _digits(rng, 17), p.x_user(persona), f"@{handle} {text}",
                              now, mentions={handle: account},
                              reply_to=(talk.our_id, account, handle))
            payload = p.x_tweet_delivery(account, tweet)
        return _json("x", "/webhooks/x", "x:answer", payload)
    if kind == "email":
        ours = f"<{talk.our_id}>"
        references = [f"<{ref}>" for ref in talk.references if "@" in ref and ref != talk.our_id]
        subject = talk.subject if talk.subject.lower().startswith("re:") else (
            f"Re: {talk.subject}")
        body = p.raw_email(persona, account, subject, text,
                           f"<{rng.getrandbits(96):024x}@{persona.email.split('@')[1]}>", now,
                           ours, [*references[-5:], ours])
        return PlannedDelivery("email_raw", f"/webhooks/email/raw/{talk.channel.channel_id}",
                               0.0, "email:answer", body=body, content_type="message/rfc822")
    if kind == "voice":
        call, recording = f"CA{rng.getrandbits(128):032x}", f"RE{rng.getrandbits(128):032x}"
        form = p.twilio_params(
            call, persona.phone, account, now, CallStatus="completed", RecordingSid=recording,
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Recordings/{recording}",
            RecordingDuration=str(rng.randint(8, 40)),
            TranscriptionSid=f"TR{rng.getrandbits(128):032x}", TranscriptionText=text,
            TranscriptionStatus="completed")
        return PlannedDelivery("voice", "/webhooks/voice", 0.0, "voice:answer", form=form,
                               content_type="application/x-www-form-urlencoded")
    item = {"id": f"answer-{rng.getrandbits(48):012x}", "type": "comment", "text": text,
            "in_reply_to": talk.our_id, "created_at": iso(now),
            "author": {"id": talk.identity, "handle": persona.handle, "name": persona.name},
            "public": not private}
    return _json("generic", f"/webhooks/generic/{talk.channel.channel_id}", "generic:answer",
                 item)
