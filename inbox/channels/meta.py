"""Meta webhooks: Facebook Page feed and mentions, Messenger, Instagram comments/mentions/DMs.

Pure adapter (docs/ingestion.md, "Accepting a delivery"). `verify` checks
X-Hub-Signature-256 over the raw body (`sign` makes it); `parse` turns every entry of a
(possibly batched) delivery into NormalizedMessages. Events we do not turn into
messages are listed in `ParseResult.ignored`.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from inbox.channels.base import Author, NormalizedMessage, ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.jsonbody import as_object, as_text, load_json_object, printable
from inbox.channels.signatures import BodySignature, hmac_sha256_hex

SIGNATURE_HEADER = "x-hub-signature-256"
_SIGNATURE_RE = re.compile(r"sha256=([0-9a-fA-F]{64})")
_EDIT_VERBS = frozenset({"edited", "edit"})
# Meta mixes seconds (Graph changes) and milliseconds (Messenger); no seconds value is this big
# before the year 5138, so anything larger is read as milliseconds.
_MS_THRESHOLD = 100_000_000_000


# --- small defensive readers: hostile JSON may put any type anywhere -------------------------


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, str):
        if value.isascii() and value.isdigit() and len(value) < 20:
            value = int(value)
        else:
            try:
                parsed = datetime.fromisoformat(value)
                return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            except (ValueError, OverflowError):  # not a date, or past year 9999 in UTC
                return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = value / 1000 if value > _MS_THRESHOLD else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _when(*candidates: Any) -> datetime:
    for candidate in candidates:
        parsed = _epoch(candidate)
        if parsed is not None:
            return parsed
    # entry.time is always sent by Meta; "now" only covers a payload missing every timestamp.
    return datetime.now(UTC)


# --- handshake and signature ------------------------------------------------------------------


def verify_subscription(query: dict[str, str], verify_token: str) -> str:
    """GET handshake (Meta's subscription check): return hub.challenge to echo as
    text/plain, or raise."""
    if not verify_token:
        raise VerificationFailed("meta verify token is not configured", status=403)
    if query.get("hub.mode") != "subscribe":
        raise VerificationFailed("hub.mode is not 'subscribe'", status=403)
    given = query.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode("utf-8", "replace"), verify_token.encode("utf-8")):
        raise VerificationFailed("hub.verify_token does not match", status=403)
    challenge = query.get("hub.challenge") or ""
    # Meta documents an int; bounding it keeps this from echoing arbitrary content back.
    if not challenge or len(challenge) > 128 or not challenge.isascii():
        raise VerificationFailed("hub.challenge missing or malformed", status=403)
    return challenge


def sign(body: bytes, app_secret: str) -> str:
    """X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac_sha256_hex(app_secret, body)


def signed_headers(body: bytes, app_secret: str) -> dict[str, str]:
    return {"X-Hub-Signature-256": sign(body, app_secret)}


BODY_SIGNATURE = BodySignature(
    header="X-Hub-Signature-256", setting="meta app secret", shape=_SIGNATURE_RE,
    shape_text="sha256=<64 hex>", sign=sign, fold_case=True)


class MetaAdapter:
    provider = "meta"

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        BODY_SIGNATURE.check(request, secrets.meta_app_secret)
        return None  # no timestamp is signed; dedup by message id downstream

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        data = load_json_object(body)
        obj = data.get("object")
        entries = data.get("entry")
        if not isinstance(obj, str):
            raise ParseFailed("payload 'object' is missing or not a string")
        if not isinstance(entries, list):
            raise ParseFailed("payload 'entry' is missing or not a list")
        result = ParseResult()
        if obj not in ("page", "instagram"):
            result.ignored.append(f"object={printable(obj)} entries={len(entries)}")
            return result
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise ParseFailed(f"entry[{index}] is not an object")
            _parse_entry(obj, index, entry, result)
        return result


adapter = MetaAdapter()


# --- entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    obj: str  # page | instagram
    account: str  # entry.id: the Page id or the IG professional account id
    time: Any  # entry.time, the fallback timestamp
    channel_kind: str  # facebook | instagram
    prefix: str  # fb | ig, for thread keys


def _items(entry: dict[str, Any], key: str, index: int) -> list[dict[str, Any]] | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ParseFailed(f"entry[{index}].{key} is not a list")
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise ParseFailed(f"entry[{index}].{key}[{position}] is not an object")
    return value


def _parse_entry(obj: str, index: int, entry: dict[str, Any], result: ParseResult) -> None:
    account = as_text(entry.get("id"))
    if not account:
        result.ignored.append(f"{obj} entry without id")
        return
    if account not in result.channel_external_ids:
        result.channel_external_ids.append(account)
    kinds = ("facebook", "fb") if obj == "page" else ("instagram", "ig")
    ctx = _Ctx(obj, account, entry.get("time"), *kinds)
    changes = _items(entry, "changes", index)
    messaging = _items(entry, "messaging", index)
    for change in changes or []:
        _change(ctx, change, result)
    for event in messaging or []:
        _messaging(ctx, event, result)
    if changes is None and messaging is None and "field" in entry:
        # Instagram-Login examples print field/value flat in the entry (Meta's documentation).
        _change(ctx, entry, result)
    standby = _items(entry, "standby", index)
    if standby:  # handover protocol: another app owns the thread, we only observe it
        result.ignored.append(f"{obj} standby events={len(standby)}")
    if isinstance(entry.get("changed_fields"), list):
        fields = ",".join(printable(f) for f in entry["changed_fields"][:5])
        result.ignored.append(f"{obj} changed_fields={fields} (values not included)")


def _change(ctx: _Ctx, change: dict[str, Any], result: ParseResult) -> None:
    field = change.get("field")
    value = change.get("value")
    if not isinstance(value, dict):
        result.ignored.append(f"{ctx.obj} field={printable(field)} without value object")
        return
    if ctx.obj == "page" and field == "feed":
        _feed(ctx, value, result)
    elif ctx.obj == "page" and field == "mention":
        _page_mention(ctx, value, result)
    elif ctx.obj == "instagram" and field in ("comments", "live_comments"):
        _ig_comment(ctx, str(field), value, result)
    elif ctx.obj == "instagram" and field == "mentions":
        _ig_mention(ctx, value, result)
    else:
        result.ignored.append(f"{ctx.obj} field={printable(field)}")


def _message(
    ctx: _Ctx, *, external_id: str, kind: str, text: str, author: Author,
    sent_at: datetime, thread_key: str, parent: str | None = None, echo: bool | None = None,
    facts: dict[str, Any] | None = None,
) -> NormalizedMessage:
    facts = {key: value for key, value in (facts or {}).items() if value is not None}
    if not author.external_id:
        facts["author_unknown"] = True  # e.g. `from` withheld by Meta; still a customer message
    return NormalizedMessage(
        external_id=external_id, channel_kind=ctx.channel_kind, channel_external_id=ctx.account,
        kind=kind, visibility="private" if kind == "dm" else "public", text=text, author=author,
        sent_at=sent_at,
        parent_external_id=parent, thread_key=thread_key,
        # The account's own comments/posts come back too: flag them so they never open a case.
        is_echo=(author.external_id == ctx.account) if echo is None else echo,
        facts=facts,
    )


def _fb_author(value: dict[str, Any]) -> Author:
    sender = as_object(value.get("from"))
    # Older payloads and the `mention` field use sender_id/sender_name instead of from{}.
    return Author(
        identity_kind="facebook",
        external_id=as_text(sender.get("id")) or as_text(value.get("sender_id")) or "",
        name=as_text(sender.get("name")) or as_text(value.get("sender_name")),
    )


def _feed(ctx: _Ctx, value: dict[str, Any], result: ParseResult) -> None:
    item, verb = as_text(value.get("item")), as_text(value.get("verb"))
    label = f"page feed item={printable(item)} verb={printable(verb)}"
    post_id = as_text(value.get("post_id"))
    if item == "comment" and (verb == "add" or verb in _EDIT_VERBS):
        comment_id = as_text(value.get("comment_id"))
        if not comment_id or not post_id:
            result.ignored.append(f"{label} without comment_id/post_id")
            return
        parent = as_text(value.get("parent_id")) or post_id
        facts: dict[str, Any] = {"post_id": post_id}
        if verb in _EDIT_VERBS:
            facts["edited"] = True  # same comment id as the original: downstream updates it
        for media in ("photo", "video"):
            if url := as_text(value.get(media)):
                facts.setdefault("attachments", []).append({"type": media, "url": url})
        result.messages.append(_message(
            ctx, external_id=comment_id, kind="comment" if parent == post_id else "reply",
            text=as_text(value.get("message")) or "", author=_fb_author(value),
            sent_at=_when(value.get("created_time"), ctx.time), thread_key=f"fb:post:{post_id}",
            parent=parent, facts=facts,
        ))
    elif item in ("post", "status") and verb == "add":
        if not post_id:
            result.ignored.append(f"{label} without post_id")
            return
        result.messages.append(_message(
            ctx, external_id=post_id, kind="post",
            text=as_text(value.get("message")) or "", author=_fb_author(value),
            sent_at=_when(value.get("created_time"), ctx.time), thread_key=f"fb:post:{post_id}",
        ))
    else:  # reactions, shares, likes, remove/hide/unhide...: not customer messages
        result.ignored.append(label)


def _page_mention(ctx: _Ctx, value: dict[str, Any], result: ParseResult) -> None:
    item, verb = as_text(value.get("item")), as_text(value.get("verb"))
    post_id, comment_id = as_text(value.get("post_id")), as_text(value.get("comment_id"))
    label = f"page mention item={printable(item)} verb={printable(verb)}"
    if verb is not None and verb != "add" and verb not in _EDIT_VERBS:
        result.ignored.append(label)
        return
    external_id = comment_id if item == "comment" and comment_id else post_id
    if not external_id or not post_id:
        result.ignored.append(f"{label} without post_id")
        return
    result.messages.append(_message(
        ctx, external_id=external_id, kind="mention",
        text=as_text(value.get("message")) or "", author=_fb_author(value),
        sent_at=_when(value.get("created_time"), ctx.time), thread_key=f"fb:post:{post_id}",
        parent=post_id if external_id != post_id else None,
        facts={"item": item, "post_id": post_id},
    ))


def _ig_comment(ctx: _Ctx, field: str, value: dict[str, Any], result: ParseResult) -> None:
    comment_id = as_text(value.get("id")) or as_text(value.get("comment_id"))
    media = as_object(value.get("media"))
    media_id = as_text(media.get("id")) or as_text(value.get("media_id"))
    if not comment_id or not media_id:
        result.ignored.append(f"instagram field={field} without id/media.id")
        return
    sender = as_object(value.get("from"))
    author = Author(
        identity_kind="instagram", external_id=as_text(sender.get("id")) or "",
        handle=as_text(sender.get("username")),
    )
    parent_id = as_text(value.get("parent_id"))
    facts: dict[str, Any] = {"field": field, "media_id": media_id}
    for key in ("media_product_type", "ad_id", "original_media_id"):
        if as_text(media.get(key)):
            facts[key] = as_text(media.get(key))
    result.messages.append(_message(
        ctx, external_id=comment_id, kind="reply" if parent_id else "comment",
        text=as_text(value.get("text")) or "", author=author,
        sent_at=_when(value.get("created_time"), value.get("timestamp"), ctx.time),
        thread_key=f"ig:media:{media_id}", parent=parent_id or media_id, facts=facts,
    ))


def _ig_mention(ctx: _Ctx, value: dict[str, Any], result: ParseResult) -> None:
    media_id, comment_id = as_text(value.get("media_id")), as_text(value.get("comment_id"))
    if not media_id:
        result.ignored.append("instagram field=mentions without media_id")
        return
    # The webhook carries ids only; text and author are fetched later with a Graph call, so
    # the author is unknown here (external_id "" -> facts author_unknown).
    result.messages.append(_message(
        ctx, external_id=comment_id or media_id, kind="mention", text="",
        author=Author(identity_kind="instagram", external_id=""), sent_at=_when(ctx.time),
        thread_key=f"ig:media:{media_id}", parent=media_id if comment_id else None, echo=False,
        facts={"media_id": media_id, "comment_id": comment_id, "needs_fetch": True},
    ))


# --- messaging (Messenger and Instagram DMs share one shape) ----------------------------------


def _messaging(ctx: _Ctx, event: dict[str, Any], result: ParseResult) -> None:
    sender = as_text(as_object(event.get("sender")).get("id"))
    recipient = as_text(as_object(event.get("recipient")).get("id"))
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict):
        _dm(ctx, event, message, sender, recipient, result)
        return
    # Postback = the customer tapped a button in our thread. It is part of the conversation, so
    # when it carries a mid (the dedup key) it becomes a dm whose text is the button title.
    postback_mid = as_text(as_object(postback).get("mid"))
    if isinstance(postback, dict) and postback_mid and sender:
        result.messages.append(_message(
            ctx, external_id=postback_mid, kind="dm",
            text=as_text(postback.get("title")) or as_text(postback.get("payload")) or "",
            author=Author(identity_kind=ctx.channel_kind, external_id=sender),
            sent_at=_when(event.get("timestamp"), ctx.time),
            thread_key=f"{ctx.prefix}:dm:{ctx.account}:{sender}",
            facts={"postback_payload": as_text(postback.get("payload"))},
        ))
        return
    kind = next((k for k in event if k not in ("sender", "recipient", "timestamp")), "unknown")
    result.ignored.append(f"{ctx.obj} messaging event={printable(kind)}")


def _attachments(message: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    raw = message.get("attachments")
    for raw_item in raw if isinstance(raw, list) else []:
        item = as_object(raw_item)
        payload = as_object(item.get("payload"))
        entry = {"type": as_text(item.get("type")), "url": as_text(payload.get("url"))}
        if entry := {k: v for k, v in entry.items() if v}:
            found.append(entry)
    return found


def _dm(
    ctx: _Ctx, event: dict[str, Any], message: dict[str, Any], sender: str | None,
    recipient: str | None, result: ParseResult,
) -> None:
    mid = as_text(message.get("mid"))
    label = f"{ctx.obj} messaging message"
    if not mid or not sender:
        result.ignored.append(f"{label} without mid/sender")
        return
    if message.get("is_deleted") is True:
        result.ignored.append(f"{label} is_deleted")
        return
    echo = message.get("is_echo") is True or sender == ctx.account
    customer = recipient if echo else sender  # an echo is sent by us TO the customer
    if not customer:
        result.ignored.append(f"{label} echo without recipient")
        return
    reply_to = as_object(message.get("reply_to"))
    facts: dict[str, Any] = {}
    if attachments := _attachments(message):
        facts["attachments"] = attachments
    if quick := as_text(as_object(message.get("quick_reply")).get("payload")):
        facts["quick_reply_payload"] = quick
    if story := as_object(reply_to.get("story")):
        facts["story_reply"] = {"id": as_text(story.get("id")), "url": as_text(story.get("url"))}
    if message.get("is_unsupported") is True:
        facts["unsupported"] = True
    if echo and as_text(message.get("app_id")):
        facts["app_id"] = as_text(message.get("app_id"))
    result.messages.append(_message(
        ctx, external_id=mid, kind="dm", text=as_text(message.get("text")) or "",
        author=Author(identity_kind=ctx.channel_kind, external_id=sender),
        sent_at=_when(event.get("timestamp"), ctx.time),
        thread_key=f"{ctx.prefix}:dm:{ctx.account}:{customer}", parent=as_text(reply_to.get("mid")),
        echo=echo, facts=facts,
    ))
