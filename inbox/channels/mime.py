"""Shared, hostile-input-tolerant email and form reading for the email and voice adapters.

Everything here degrades instead of raising: unknown charsets fall back to UTF-8 with
replacement characters, broken base64/quoted-printable yields whatever bytes decode,
and header values that the strict parser rejects are read raw. Strings leaving this module
never hold lone surrogates or NUL characters (both break PostgreSQL text columns).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl

from inbox.channels.base import Author, NormalizedMessage, ParseFailed

MAX_ID_LENGTH = 255  # longer ids are hashed so they stay indexable
MAX_REFERENCES = 100
MAX_FORM_FIELDS = 1000
MAX_MIME_PARTS = 500


def clean(value: str | None) -> str | None:
    """Make a string safe to store: no lone surrogates (from undecodable bytes), no NUL."""
    if value is None:
        return None
    try:
        # surrogateescape turns bytes smuggled in by the parser back into bytes first.
        out = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # lone surrogates that are not smuggled bytes
        out = re.sub("[\ud800-\udfff]", "\ufffd", value)
    return out.replace("\x00", "")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset, or UTF-8 when it is missing, unknown or not text."""
    name = (charset or "utf-8").strip().strip('"').lower() or "utf-8"
    try:
        codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        name = "utf-8"
    try:
        text = data.decode(name, errors="replace")
    except Exception:  # e.g. "rot13"/"base64" are codecs but not text encodings
        text = data.decode("utf-8", errors="replace")
    return clean(text) or ""


def decode_header_value(raw: str | None) -> str:
    """Decode RFC 2047 encoded-words; a bad charset or bad base64 degrades to best effort."""
    if not raw:
        return ""
    try:
        return clean(str(policy.default.header_factory("subject", raw))) or ""
    except Exception:  # fall back to the older, simpler decoder
        return _decode_legacy(raw)


def _decode_legacy(raw: str) -> str:
    try:
        parts = decode_header(raw)
        return "".join(
            chunk if isinstance(chunk, str) else decode_bytes(chunk, cs) for chunk, cs in parts
        )
    except Exception:
        return clean(raw) or ""


def short_id(value: str) -> str:
    """An id that fits a unique index: over-long values are replaced by their hash."""
    if len(value) <= MAX_ID_LENGTH:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


class Headers:
    """Case-insensitive, multi-valued header list holding raw (unfolded) values."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: list[tuple[str, str]] = []
        for name, value in pairs:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        unfolded = re.sub(r"\r?\n[ \t]+", " ", value).strip()
        self._pairs.append((name.strip().lower(), clean(unfolded) or ""))

    def first(self, name: str) -> str | None:
        return next(iter(self.all(name)), None)

    def all(self, name: str) -> list[str]:
        return [v for n, v in self._pairs if n == name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.first(name) is not None


def message_ids(value: str | None) -> list[str]:
    """Ids from a Message-ID / In-Reply-To / References value, without angle brackets."""
    if not value:
        return []
    found = re.findall(r"<([^<>\s]+)>", value)
    if not found:  # some mailers omit the brackets
        found = [tok for tok in re.split(r"[\s,]+", value) if "@" in tok]
    return [short_id(i) for i in found]


def addresses(value: str | None) -> list[tuple[str | None, str]]:
    """(display name, address) pairs; only entries that look like addresses are kept."""
    if not value:
        return []
    try:
        pairs = getaddresses([value])
    except Exception:  # hostile header
        return []
    out: list[tuple[str | None, str]] = []
    for name, addr in pairs:
        addr = (clean(addr) or "").strip()
        if "@" not in addr or len(addr) > MAX_ID_LENGTH:
            continue
        display = decode_header_value(name).strip().strip('"').strip() or None
        out.append((display, addr))
    return out


def parse_date(value: str | None) -> datetime | None:
    """An RFC 2822 date as an aware UTC datetime; naive ("-0000") dates are taken as UTC."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except Exception:  # ValueError, TypeError, IndexError on garbage
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


_AUTO_PRECEDENCE = {"bulk", "auto_reply", "junk"}
_ROBOT_LOCALPARTS = {"mailer-daemon", "postmaster"}


def is_auto_reply(headers: Headers, *senders: str | None) -> bool:
    """Auto-replies and bounces: they are recorded but must not open or reopen cases."""
    auto = (headers.first("auto-submitted") or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if (headers.first("precedence") or "").strip().lower() in _AUTO_PRECEDENCE:
        return True
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return True
    if (headers.first("content-type") or "").lower().startswith("multipart/report"):
        return True  # a delivery status notification
    if (headers.first("return-path") or "").strip() == "<>":
        return True  # null envelope sender: bounces and other machine mail
    for sender in senders:
        for _, addr in addresses(sender):
            if addr.split("@")[0].lower() in _ROBOT_LOCALPARTS:
                return True
    return False


class _TextRenderer(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """A readable plain rendering of an HTML body (for search, previews, enrichment)."""
    try:
        renderer = _TextRenderer()
        renderer.feed(html)
        renderer.close()
        text = "".join(renderer.chunks)
    except Exception:  # the parser is lenient, but stay safe
        text = re.sub(r"<[^>]*>", " ", html)
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.split("\n")]
    return clean(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()) or ""


@dataclass
class MimeContent:
    headers: Headers
    plain: str | None = None
    html: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    defects: bool = False


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    try:
        charset = part.get_content_charset()
    except Exception:  # malformed parameters
        charset = None
    return decode_bytes(payload, charset)


def _leaves(msg: Message) -> Iterable[Message]:
    """Leaf parts, without descending into attached messages (message/rfc822)."""
    stack = [msg]
    seen = 0
    while stack and seen < MAX_MIME_PARTS:
        part = stack.pop()
        seen += 1
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            if part.get_content_maintype() == "message":
                yield part  # an attached email: treated as an attachment
                continue
            stack.extend(p for p in reversed(payload) if isinstance(p, Message))
        else:
            yield part


def read_message(raw: bytes) -> MimeContent:
    """Parse a raw RFC 5322 message; never raises on malformed input."""
    parser = BytesParser(policy=policy.default)
    try:
        msg = parser.parsebytes(raw)
    except Exception:  # RecursionError on absurd nesting, parser bugs
        try:
            msg = parser.parsebytes(raw, headersonly=True)
        except Exception:
            return MimeContent(headers=Headers(), defects=True)
        return MimeContent(headers=Headers(msg.raw_items()), defects=True)
    content = MimeContent(headers=Headers(msg.raw_items()), defects=bool(msg.defects))
    try:
        for part in _leaves(msg):
            _collect(part, content)
    except Exception:  # keep what was read so far
        content.defects = True
    return content


def _collect(part: Message, content: MimeContent) -> None:
    ctype = part.get_content_type()
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        disposition, filename = None, None
    if part.defects:
        content.defects = True
    if part.get_content_maintype() == "multipart":
        # A multipart whose boundary never matched: its raw text is the best body we have.
        content.defects = True
        if content.plain is None:
            content.plain = _part_text(part)
        return
    is_attachment = disposition == "attachment" or (filename and disposition != "inline")
    if not is_attachment and ctype == "text/plain" and content.plain is None:
        content.plain = _part_text(part)
    elif not is_attachment and ctype == "text/html" and content.html is None:
        content.html = _part_text(part)
    else:
        content.attachments.append(_attachment_info(part, filename))


def _attachment_info(part: Message, filename: str | None) -> dict[str, Any]:
    """What an agent needs to know about an attachment; the bytes stay in the raw delivery."""
    try:
        size = len(part.get_payload(decode=True) or b"")
    except Exception:  # undecodable payload
        size = 0
    return {"filename": clean(filename), "content_type": part.get_content_type(), "size": size}


def read_form(body: bytes, content_type: str | None) -> tuple[list[tuple[str, str]], list[dict]]:
    """(fields in order, file parts described) of a url-encoded or multipart/form-data body.

    Raises ParseFailed when the body is not a form at all.
    """
    ctype = content_type or ""
    if ctype.lower().startswith("multipart/form-data"):
        return _read_multipart(body, ctype)
    text = body.decode("utf-8", errors="replace").strip()
    try:
        # strict_parsing: a body that is not name=value pairs is an error, not empty data
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            errors="replace",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError as exc:
        raise ParseFailed(f"unreadable form body: {exc}") from None
    return [(clean(n) or "", clean(v) or "") for n, v in pairs], []


def _read_multipart(body: bytes, content_type: str) -> tuple[list[tuple[str, str]], list[dict]]:
    # The email package reads multipart/form-data once it is given the outer header.
    head = b"MIME-Version: 1.0\r\nContent-Type: " + content_type.encode("latin-1", "replace")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(head + b"\r\n\r\n" + body)
        parts = list(_leaves(msg))[:MAX_FORM_FIELDS] if msg.is_multipart() else []
    except Exception:
        raise ParseFailed("unreadable multipart body") from None
    if not parts:
        raise ParseFailed("multipart body without parts (missing or wrong boundary)")
    fields: list[tuple[str, str]] = []
    files: list[dict] = []
    for part in parts:
        try:
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
        except Exception:  # a part with unreadable parameters has no usable name
            name, filename = None, None
        if not isinstance(name, str):
            continue
        if filename:
            info = _attachment_info(part, filename)
            files.append({"field": clean(name), **info})
        else:
            fields.append((clean(name) or "", _part_text(part)))
    return fields, files


def build_email(
    *,
    headers: Headers,
    from_value: str | None,
    recipients: list[str],
    plain: str | None,
    html: str | None,
    fallback_material: bytes,
    envelope_sender: str | None = None,
    facts: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> NormalizedMessage | None:
    """The normalized email, or None when there is neither a Message-ID nor a sender.

    Threading (matching References against stored ids) happens downstream, so thread_key
    stays None; the ids are handed over in `references`. Long because it fills the
    message's fields one after another, shared by Mailgun and raw email.
    """
    raw_id = (headers.first("message-id") or "").strip()
    ids = message_ids(raw_id) or ([short_id(raw_id.strip("<>"))] if raw_id.strip("<>") else [])
    external_id = ids[0] if ids and " " not in ids[0] else ""

    candidates = [from_value, envelope_sender] + [
        headers.first(h) for h in ("sender", "reply-to", "return-path")
    ]
    found = next((addresses(v)[0] for v in candidates if addresses(v)), None)
    if not external_id and found is None:
        return None
    if not external_id:
        # No Message-ID: hash the content so a redelivery still dedups.
        external_id = "sha256:" + hashlib.sha256(fallback_material).hexdigest()

    if found is not None:
        name, addr = found
        author = Author(identity_kind="email", external_id=addr.lower(), name=name, email=addr)
    else:  # one contact per unattributable mail rather than one shared "unknown" contact
        author = Author(identity_kind="email", external_id=f"unknown:{external_id}")

    references: list[str] = []
    in_reply_to = message_ids(headers.first("in-reply-to"))
    for ref in in_reply_to + message_ids(" ".join(headers.all("references"))):
        if ref not in references and ref != external_id:
            references.append(ref)

    all_facts: dict[str, Any] = dict(facts or {})
    if is_auto_reply(headers, from_value, headers.first("sender"), envelope_sender):
        all_facts["auto_reply"] = True
    if found is None:
        all_facts["sender_unknown"] = True

    text = plain if plain and plain.strip() else (html_to_text(html) if html else "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    subject = headers.first("subject")
    recipient = recipients[0].lower() if recipients else None
    return NormalizedMessage(
        external_id=external_id,
        channel_kind="email",
        channel_external_id=recipient,
        kind="email",
        visibility="private",
        text=clean(text) or "",
        html=clean(html) if html else None,
        subject=decode_header_value(subject) if subject is not None else None,
        author=author,
        sent_at=parse_date(headers.first("date")) or now or datetime.now(UTC),
        parent_external_id=in_reply_to[0] if in_reply_to else None,
        thread_key=None,
        references=references[:MAX_REFERENCES],
        is_echo=(headers.first("x-inbox-outbound") or "").strip() == "1",
        facts=all_facts,
    )
