"""Direct streams: email (Mailgun routes and raw RFC 5322), Twilio voice callbacks and the
generic signed source (reviews, forums, blog comments, listening mentions).
"""

from __future__ import annotations

from typing import Any

from inbox.simulator import content as c
from inbox.simulator import payloads as p
from inbox.simulator.base import PlannedDelivery, StreamState, iso


class DirectStreams(StreamState):
    # --- email ------------------------------------------------------------------------------------

    def _mail(self) -> tuple[c.Persona, str, str, str, str | None, list[str]]:
        """(persona, subject, text, message id, in-reply-to, references) of the next mail."""
        rng = self.rng
        if self.mails and rng.random() < 0.4:
            parent_id, subject, persona, refs = rng.choice(self.mails)
            subject = subject if subject.startswith("Re: ") else "Re: " + subject
            in_reply_to, references, text = parent_id, [*refs, parent_id], self._followup()
        else:
            persona, intent = self._who(), c.pick_intent(rng)
            subject = c.fill(rng.choice(c.EMAIL_SUBJECTS[intent]), rng)
            text = c.opening_text(rng, persona, intent)
            in_reply_to, references = None, []
        message_id = f"<{self._hex(24)}@{persona.email.split('@')[1]}>"
        self.mails.append((message_id, subject, persona, references[-5:]))
        return persona, subject, f"Hello,\n\n{text}", message_id, in_reply_to, references

    def _email_mailgun(self, at: float, label: str) -> PlannedDelivery:
        persona, subject, text, message_id, in_reply_to, refs = self._mail()
        form = p.mailgun_form(persona, self.targets["email"].external_id or "", subject, text,
                              message_id, self.start + at, in_reply_to, refs)
        return PlannedDelivery("mailgun", "/webhooks/email/mailgun", at, label, form=form,
                               content_type="application/x-www-form-urlencoded")

    def _email_raw(self, at: float, label: str) -> PlannedDelivery:
        target = self.targets["email"]
        persona, subject, text, message_id, in_reply_to, refs = self._mail()
        boundary = f"=_acme_{self._hex(16)}" if self.rng.random() < 0.4 else None
        body = p.raw_email(persona, target.external_id or "", subject, text, message_id,
                           self.start + at, in_reply_to, refs, boundary)
        return PlannedDelivery("email_raw", f"/webhooks/email/raw/{target.channel_id}", at,
                               label, body=body, content_type="message/rfc822")

    # --- voice ------------------------------------------------------------------------------------

    def _call(self) -> tuple[str, c.Persona | None, str]:
        persona = self._who()
        if self.rng.random() < 0.04:  # caller id withheld
            return "CA" + self._hex(32), None, "anonymous"
        return "CA" + self._hex(32), persona, persona.phone

    def _voice(self, at: float, label: str, call_sid: str, caller: str,
               **extra: str) -> PlannedDelivery:
        called = self.targets["voice"].external_id or ""
        form = p.twilio_params(call_sid, caller, called, self.start + at, **extra)
        return PlannedDelivery("voice", "/webhooks/voice", at, label, form=form,
                               content_type="application/x-www-form-urlencoded")

    def _voice_missed(self, at: float, label: str) -> PlannedDelivery:
        call_sid, persona, caller = self._call()
        self.missed_calls.append((call_sid, persona))
        if self.rng.random() < 0.5:  # the StatusCallback of an unanswered call
            return self._voice(at, label, call_sid, caller, CallStatus="no-answer",
                               CallDuration="0", CallbackSource="call-progress-events")
        # ...or our <Dial action> hearing that no agent picked up
        return self._voice(at, label, call_sid, caller, CallStatus="in-progress",
                           DialCallStatus=self.rng.choice(("no-answer", "busy")))

    def _voice_voicemail(self, at: float, label: str) -> PlannedDelivery:
        if self.missed_calls and self.rng.random() < 0.6:  # the caller left a message
            call_sid, persona = self.rng.choice(self.missed_calls)
        else:
            call_sid, persona, _ = self._call()
        caller = persona.phone if persona else "anonymous"
        name = persona.name.split()[0] if persona else "a customer"
        failed = self.rng.random() < 0.1
        text = "" if failed else c.fill(self.rng.choice(c.VOICEMAILS), self.rng, name=name)
        recording = "RE" + self._hex(32)
        return self._voice(
            at, label, call_sid, caller, CallStatus="completed", RecordingSid=recording,
            RecordingUrl=f"https://api.twilio.com/2010-04-01/Recordings/{recording}",
            RecordingDuration=str(self.rng.randint(8, 90)),
            TranscriptionSid="TR" + self._hex(32), TranscriptionText=text,
            TranscriptionStatus="failed" if failed else "completed",
        )

    def _voice_call(self, at: float, label: str) -> PlannedDelivery:
        call_sid, _, caller = self._call()
        return self._voice(at, label, call_sid, caller, CallStatus="completed",
                           CallDuration=str(self.rng.randint(40, 900)))

    def _voice_callback(self, at: float, label: str) -> PlannedDelivery:
        call_sid, _, caller = self._call()
        if self.rng.random() < 0.5:  # "press 1 to be called back"
            return self._voice(at, label, call_sid, caller, CallStatus="in-progress",
                               Digits="1", FinishedOnKey="")
        return self._voice(at, label, call_sid, caller, CallStatus="in-progress",
                           CallbackRequested="true")

    # --- generic ------------------------------------------------------------------------------

    def _generic(self, at: float, label: str, payload: Any) -> PlannedDelivery:
        path = f"/webhooks/generic/{self.targets['generic'].channel_id}"
        return self._json("generic", path, at, label, payload, ascii_only=False)

    def _generic_review(self, at: float, label: str) -> PlannedDelivery:
        rng, persona = self.rng, self._who()
        rating = rng.choices((1, 2, 3, 4, 5), weights=(25, 15, 15, 20, 25))[0]
        item_id = "review-" + self._hex(12)
        return self._generic(at, label, {
            "id": item_id, "type": "review", "rating": rating,
            "text": c.fill(rng.choice(c.REVIEWS[rating]), rng),
            "author": p.generic_author(persona, "reviews.example.com"),
            "url": f"https://reviews.example.com/acme/{item_id}",
            "created_at": iso(self.start + at), "metadata": {"source": "reviews.example.com"},
        })

    def _generic_forum(self, at: float, label: str) -> PlannedDelivery:
        item_id = "forum-" + self._hex(10)
        if self.threads and self.rng.random() < 0.5:  # a reply in an existing topic
            thread_id, parent = self.rng.choice(self.threads)
            persona = self._who()
            item: dict[str, Any] = {"type": "comment", "text": self._followup(),
                                    "in_reply_to": parent}
        else:  # a new topic on our own support board: addressed to us
            thread_id = "topic-" + self._hex(8)
            persona, text = self._opening()
            item = {"type": "post", "text": text,
                    "metadata": {"addressed_to_us": True, "board": "Help & Support"}}
        item.update(id=item_id, thread_id=thread_id, created_at=iso(self.start + at),
                    author=p.generic_author(persona, "community.example.com"),
                    url=f"https://community.example.com/t/{thread_id}#{item_id}")
        self.threads.append((thread_id, item_id))
        return self._generic(at, label, item)

    def _generic_blog(self, at: float, label: str) -> PlannedDelivery:
        # Each comment under a blog post is its own conversation (no thread_id): readers
        # commenting on one article are not one customer.
        slug = self.rng.choice(("spring-launch", "new-app", "delivery-changes"))
        persona, text = self._opening()
        item_id = "blogc-" + self._hex(10)
        return self._generic(at, label, {
            "id": item_id, "type": "comment", "text": text,
            "author": p.generic_author(persona, "blog.acme.example"),
            "url": f"https://blog.acme.example/{slug}#comment-{item_id}",
            "created_at": iso(self.start + at), "metadata": {"post": slug},
        })

    def _generic_mention(self, at: float, label: str) -> PlannedDelivery:
        """Listening-tool finds: the brand named elsewhere, not addressed to us."""
        rng = self.rng
        forced = self._forced
        items = []
        for index in range(1 if forced or rng.random() < 0.7 else rng.randint(2, 3)):
            persona = forced[0] if forced else self._who()
            negative = rng.random() < 0.4
            bank = c.NEGATIVE_MENTIONS if negative else c.NEUTRAL_MENTIONS
            text = forced[1] if forced else c.fill(rng.choice(bank), rng)
            network = rng.choice(("reddit.example", "news.example", "video.example"))
            item_id = f"listen-{self._hex(12)}"
            items.append({
                "id": item_id, "type": "mention", "text": text,
                "author": p.generic_author(persona, network),
                "url": f"https://{network}/p/{item_id}", "created_at": iso(self.start + at),
                "metadata": {"source": "listening", "network": network, "rank": index},
            })
        return self._generic(at, label, items[0] if len(items) == 1 else {"items": items})


