"""Email replies over SMTP, threaded per RFC 5322 3.6.4.

From is the email channel's address, Subject "Re: <case subject>", In-Reply-To the
customer's Message-ID and References their References (else In-Reply-To) followed by
their Message-ID. Our Message-ID comes from email.utils.make_msgid on our domain and is
the message's platform id, so our own mail coming back (flagged by X-Inbox-Outbound: 1)
deduplicates against it. The recipient and threading headers are worked out when the
reply is stored (`reply_context`) and kept in `message.facts["send"]`.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from inbox.channels.mime import Headers, addresses, message_ids, read_form, read_message
from inbox.channels.senders import Sender, SendFailed, SendSettings
from inbox.models import Channel, Message, utcnow

MAX_REFERENCES = 20  # the first id and the most recent ones: enough for every threader


def _refusal(channel: Channel, visibility: str, parent: Message | None) -> str | None:
    if visibility != "private":
        return "email replies are private: they go to the customer only"
    if parent is None:
        return "there is no customer email on this case to answer"
    if not channel.external_id:
        return "the email channel has no address to send from"
    return None


def raw_headers(provider: str, body: bytes, content_type: str) -> Headers | None:
    """The headers of a stored inbound email delivery, as the customer's mailer wrote them."""
    if provider == "email_raw":
        return read_message(body).headers
    if provider != "mailgun":
        return None
    pairs, _ = read_form(body, content_type)
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name.lower(), value)
    if form.get("body-mime"):
        return read_message(form["body-mime"].encode("utf-8", "surrogateescape")).headers
    headers = Headers()
    try:
        listed = json.loads(form.get("message-headers") or "[]")
    except (ValueError, RecursionError):
        listed = []
    for pair in listed if isinstance(listed, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            headers.add(pair[0], pair[1])
    for name in ("from", "reply-to", "message-id", "in-reply-to", "references", "subject"):
        if name not in headers and form.get(name):
            headers.add(name, form[name])
    return headers


def reply_context(headers: Headers | None, parent_id: str,
                  earlier_ids: list[str], fallback_address: str | None) -> dict[str, Any]:
    """Recipient and threading for a reply to the message `parent_id` (ids without <>)."""
    references: list[str] = []
    recipient: tuple[str | None, str] | None = None
    if headers is not None:
        references = message_ids(" ".join(headers.all("references"))) or message_ids(
            headers.first("in-reply-to"))[:1]
        found = addresses(headers.first("reply-to")) or addresses(headers.first("from"))
        recipient = found[0] if found else None
    else:  # no raw mail kept: the ids this thread holds stand in for their References
        references = [i for i in earlier_ids if i != parent_id]
    if recipient is None and fallback_address:
        recipient = (None, fallback_address)
    # A mail that came without a Message-ID is stored under a hash: nothing to point at.
    own = [parent_id] if "@" in parent_id else []
    references = [r for r in dict.fromkeys(references) if r != parent_id and "@" in r] + own
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[-(MAX_REFERENCES - 1):]
    return {
        "recipient": recipient[1] if recipient else None,
        "recipient_name": recipient[0] if recipient else None,
        "in_reply_to": own[0] if own else None,
        "references": references,
    }


def reply_subject(subject: str | None) -> str:
    subject = (subject or "").strip()
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


def build(channel: Channel, message: Message, our_id: str) -> EmailMessage:
    send: dict[str, Any] = (message.facts or {}).get("send") or {}
    mail = EmailMessage()
    mail["From"] = formataddr((channel.name, channel.external_id or ""))
    mail["To"] = formataddr((send.get("recipient_name") or "", send["recipient"]))
    mail["Subject"] = message.subject or reply_subject(None)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = our_id
    if send.get("in_reply_to"):
        mail["In-Reply-To"] = f"<{send['in_reply_to']}>"
    if send.get("references"):
        mail["References"] = " ".join(f"<{ref}>" for ref in send["references"])
    mail["X-Inbox-Outbound"] = "1"  # our inbound adapters read this as an echo
    mail.set_content(message.text)
    return mail


def _smtp_failure(exc: Exception) -> SendFailed:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reason = "; ".join(f"{who}: {code} {text.decode(errors='replace')}"
                           for who, (code, text) in exc.recipients.items())
        return SendFailed(f"recipient refused: {reason}"[:500],
                          permanent=all(code >= 500 for code in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return SendFailed(f"SMTP {exc.smtp_code}: {text}"[:500], permanent=exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendFailed(f"the SMTP server does not support this: {exc}", permanent=True)
    return SendFailed(f"could not reach the SMTP server ({type(exc).__name__})")


def _send(channel: Channel, message: Message, parent: Message | None,
          settings: SendSettings) -> str:
    send = (message.facts or {}).get("send") or {}
    address = channel.external_id
    if not address or not send.get("recipient"):
        raise SendFailed("the sender or the recipient address is unknown", permanent=True)
    our_id = make_msgid(domain=address.rpartition("@")[2] or None)
    mail = build(channel, message, our_id)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=settings.timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(mail, from_addr=address, to_addrs=[send["recipient"]])
    except (smtplib.SMTPException, OSError) as exc:
        raise _smtp_failure(exc)
    ids = message_ids(our_id)
    return ids[0] if ids else our_id.strip("<>")


sender = Sender(refusal=_refusal, send=_send)
