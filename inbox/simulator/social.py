"""Social streams: Facebook feed and Messenger, Instagram comments and DMs, X tweets and DMs.

Each method builds one planned delivery in the provider's shape (payloads.py) and records
what it posted, so replies, quotes and DM follow-ups point at earlier simulated items.
"""

from __future__ import annotations

from typing import Any

from inbox.simulator import content as c
from inbox.simulator import payloads as p
from inbox.simulator.base import PlannedDelivery, StreamState


class SocialStreams(StreamState):
    # --- Meta -----------------------------------------------------------------------------------

    def _meta(self, kind: str, at: float, label: str, **entry: Any) -> PlannedDelivery:
        account = self.targets[kind].external_id or ""
        obj = "page" if kind == "facebook" else "instagram"
        payload = p.meta_delivery(obj, account, self.start + at, **entry)
        return self._json("meta", "/webhooks/meta", at, label, payload)

    def _fb_comment(self, at: float, label: str) -> PlannedDelivery:
        page = self.targets["facebook"].external_id or ""
        post_id = self._rotating(self.page_posts, lambda: f"{page}_{self._num(15)}")
        persona, text = self._opening()
        comment_id = f"{post_id.split('_')[-1]}_{self._num(16)}"
        self.fb_comments.append((post_id, comment_id, persona))
        change = p.fb_feed_comment(persona.fb_id, persona.name, post_id, comment_id, post_id,
                                   text, self.start + at)
        return self._meta("facebook", at, label, changes=[change])

    def _fb_reply(self, at: float, label: str) -> PlannedDelivery:
        if not self.fb_comments:
            return self._fb_comment(at, "fb:comment")
        post_id, parent, original = self.rng.choice(self.fb_comments)
        persona = original if self.rng.random() < 0.6 else self._who()
        comment_id = f"{post_id.split('_')[-1]}_{self._num(16)}"
        self.fb_comments.append((post_id, comment_id, persona))
        change = p.fb_feed_comment(persona.fb_id, persona.name, post_id, comment_id, parent,
                                   self._followup(), self.start + at)
        return self._meta("facebook", at, label, changes=[change])

    def _fb_post(self, at: float, label: str) -> PlannedDelivery:
        page = self.targets["facebook"].external_id or ""
        persona, text = self._opening()
        post_id = f"{page}_{self._num(15)}"
        self.fb_comments.append((post_id, post_id, persona))  # others may comment on it
        change = p.fb_visitor_post(persona, post_id, text, self.start + at)
        return self._meta("facebook", at, label, changes=[change])

    def _fb_echo(self, at: float, label: str) -> PlannedDelivery:
        """The page's own reply coming back through the feed: recorded, never a case."""
        target = self.targets["facebook"]
        if not self.fb_comments:
            return self._fb_comment(at, "fb:comment")
        post_id, parent, customer = self.rng.choice(self.fb_comments)
        text = f"Hi {customer.name.split()[0]}, sorry about this! We've sent you a DM."
        change = p.fb_feed_comment(target.external_id or "", "Acme", post_id,
                                   f"{post_id.split('_')[-1]}_{self._num(16)}", parent, text,
                                   self.start + at)
        return self._meta("facebook", at, label, changes=[change])

    def _dm_text(self, stream: str) -> tuple[c.Persona, str]:
        persona, text = self._opening()
        if (stream, persona.handle) in self.dms:
            text = self._followup()  # the same customer writing again in their thread
        self.dms.add((stream, persona.handle))
        return persona, text

    def _fb_dm(self, at: float, label: str) -> PlannedDelivery:
        page = self.targets["facebook"].external_id or ""
        persona, text = self._dm_text(label)
        event = p.messaging_event(persona.fb_id, page, "m_" + self._hex(40), text, self.start + at)
        return self._meta("facebook", at, label, messaging=[event])

    def _ig_comment(self, at: float, label: str) -> PlannedDelivery:
        media = self._rotating(self.ig_media, lambda: "179" + self._num(14))
        persona, text = self._opening()
        comment_id = "179" + self._num(15)
        self.ig_comments.append((media, comment_id, persona))
        change = p.ig_comment(persona, comment_id, media, text)
        return self._meta("instagram", at, label, changes=[change])

    def _ig_reply(self, at: float, label: str) -> PlannedDelivery:
        if not self.ig_comments:
            return self._ig_comment(at, "ig:comment")
        media, parent, original = self.rng.choice(self.ig_comments)
        persona = original if self.rng.random() < 0.6 else self._who()
        comment_id = "179" + self._num(15)
        self.ig_comments.append((media, comment_id, persona))
        change = p.ig_comment(persona, comment_id, media, self._followup(), parent_id=parent)
        return self._meta("instagram", at, label, changes=[change])

    def _ig_dm(self, at: float, label: str) -> PlannedDelivery:
        account = self.targets["instagram"].external_id or ""
        persona, text = self._dm_text(label)
        event = p.messaging_event(persona.ig_id, account, "aWdf" + self._hex(44), text,
                                  self.start + at)
        return self._meta("instagram", at, label, messaging=[event])

    # --- X ----------------------------------------------------------------------------------------

    @property
    def _brand(self) -> tuple[str, str]:
        """(user id, screen name): the X channel's name when it is a handle, else AcmeSupport."""
        target = self.targets["x"]
        handle = target.name.lstrip("@")
        valid = handle.replace("_", "").isalnum() and handle.isascii() and len(handle) <= 15
        return target.external_id or "", handle if valid else "AcmeSupport"

    def _x(self, at: float, label: str, tweet: dict[str, Any]) -> PlannedDelivery:
        return self._json("x", "/webhooks/x", at, label, p.x_tweet_delivery(self._brand[0], tweet))

    def _x_mention(self, at: float, label: str) -> PlannedDelivery:
        brand_id, handle = self._brand
        persona, text = self._opening()
        text = f"@{handle} {text}" if self.rng.random() < 0.7 else f"{text} @{handle}"
        tweet_id = "18" + self._num(17)
        self.tweets.append((tweet_id, persona))
        tweet = p.x_tweet(tweet_id, p.x_user(persona), text, self.start + at,
                          mentions={handle: brand_id})
        return self._x(at, label, tweet)

    def _x_reply(self, at: float, label: str) -> PlannedDelivery:
        brand_id, handle = self._brand
        tweet_id = "18" + self._num(17)
        if not self.tweets or self.rng.random() < 0.25:
            # A reply under one of the brand's own tweets (announcements draw complaints).
            parent = self._rotating(self.brand_tweets, lambda: "17" + self._num(17))
            persona, text = self._opening()
            reply_to = (parent, brand_id, handle)
            text = f"@{handle} {text}"
        else:
            parent, original = self.rng.choice(self.tweets)
            persona = original if self.rng.random() < 0.6 else self._who()
            reply_to = (parent, original.x_id, original.handle)
            lead = "" if persona == original else f"@{original.handle} "
            text = f"{lead}@{handle} {self._followup()}"
        self.tweets.append((tweet_id, persona))
        mentions = {handle: brand_id, reply_to[2]: reply_to[1]}
        tweet = p.x_tweet(tweet_id, p.x_user(persona), text, self.start + at,
                          mentions=mentions, reply_to=reply_to)
        return self._x(at, label, tweet)

    def _x_quote(self, at: float, label: str) -> PlannedDelivery:
        brand_id, handle = self._brand
        if self.tweets and self.rng.random() < 0.4:
            quoted_id, author = self.rng.choice(self.tweets)
            quoted_user = p.x_user(author)
        else:
            quoted_id = self._rotating(self.brand_tweets, lambda: "17" + self._num(17))
            quoted_user = p.brand_user(brand_id, handle)
        persona, text = self._opening()
        if self.rng.random() < 0.7:  # some quotes name us, some only talk about us
            text = f"{text} @{handle}"
        quoted = {"id_str": quoted_id, "text": "…", "user": quoted_user}
        tweet_id = "18" + self._num(17)
        self.tweets.append((tweet_id, persona))
        tweet = p.x_tweet(tweet_id, p.x_user(persona), text, self.start + at,
                          mentions={handle: brand_id}, quoted=quoted)
        return self._x(at, label, tweet)

    def _x_dm(self, at: float, label: str) -> PlannedDelivery:
        brand_id, handle = self._brand
        persona, text = self._dm_text(label)
        payload = p.x_dm_delivery(brand_id, p.brand_user(brand_id, handle), persona,
                                  "1" + self._num(18), text, self.start + at)
        return self._json("x", "/webhooks/x", at, label, payload)

