"""Twilio-style voice callbacks: missed and answered calls, voicemail, callback requests.

One endpoint (POST /webhooks/voice) receives the Voice URL request, StatusCallback,
<Dial action>, <Gather action>, RecordingStatusCallback and transcribeCallback posts.
What each becomes (inbound calls; outbound-api/outbound-dial legs are ignored unless they
carry a transcription):

* transcription callback (TranscriptionSid/Text/Status)      -> ``voicemail``
  Our TwiML records voicemail with ``transcribe="true"``, and Twilio calls back for a
  failed transcription too, so this is the single voicemail event; the earlier recording
  callbacks are ignored (they would otherwise create a second, text-less message).
* ``CallbackRequested=true`` (our own parameter), or ``Digits=1`` on a <Gather> that is
  not a recording: the IVR offers "press 1 to be called back"  -> ``callback_request``
* ``DialCallStatus`` no-answer/busy/failed/canceled           -> ``missed_call``
  ``DialCallStatus`` completed/answered                        -> ``call``
* ``CallStatus`` no-answer/busy/failed/canceled, or completed with no duration and no
  recording                                                     -> ``missed_call``
* ``CallStatus`` completed with a duration or a recording      -> ``call`` (facts.log_only:
  logged on the contact's timeline, never a case on its own)
* anything else (ringing, in-progress, queued ...)              -> ignored

external_id is "<CallSid>:<kind>": the missed call and the voicemail of one call are two
messages, and a redelivered callback deduplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from inbox.channels.base import Author, NormalizedMessage, ParseFailed, ParseResult
from inbox.channels.inbound import InboundRequest, ProviderSecrets, VerificationFailed
from inbox.channels.mime import clean, parse_date, read_form, short_id
from inbox.channels.signatures import hmac_sha1_base64, same

MISSED_STATUSES = {"no-answer", "busy", "failed", "canceled"}
_TRUE = {"true", "1", "yes", "on"}


def e164(value: str | None) -> str | None:
    """The number in E.164 (+CC...), or None for withheld ids, SIP/client ids and junk."""
    digits = re.sub(r"[\s().\-]", "", value or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits if re.fullmatch(r"\+[1-9][0-9]{5,14}", digits) else None


# ---------------------------------------------------------------- verification


def _url_variants(url: str) -> list[str]:
    """The URL as received, and as Twilio may have signed it (without user:pass@, with the
    port dropped - HTTPS voice callbacks - or with the default port added)."""
    variants = [url]
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return variants
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(parts.scheme)
    for netloc in (host, f"{host}:{port or default}" if (port or default) else host):
        candidate = urlunsplit(parts._replace(netloc=netloc))
        if candidate not in variants:
            variants.append(candidate)
    return variants


def sign(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL Twilio called followed by every
    POST parameter, name then value, sorted by name (none for JSON bodies)."""
    material = url + "".join(name + value for name, value in sorted(params))
    return hmac_sha1_base64(auth_token, material)


def _signed_params(request: InboundRequest) -> list[tuple[str, str]]:
    """POST parameters in the order Twilio signs them (sorted by name, then value)."""
    if request.method.upper() == "GET":
        return []  # GET callbacks carry everything in the (signed) URL
    pairs = list(request.form.items())
    ctype = request.headers.get("content-type", "")
    if request.body and (not ctype or "x-www-form-urlencoded" in ctype.lower()):
        try:  # the raw body is the truth (repeated names are all signed)
            pairs = read_form(request.body, ctype)[0]
        except ParseFailed:
            pairs = list(request.form.items())
    return sorted(pairs)


def _replay_key(request: InboundRequest, params: dict[str, str]) -> str | None:
    """twilio:<CallSid>:<event>:<digest>.

    Twilio signatures carry no timestamp, so a captured request verifies forever; the key
    lets the caller refuse an exact replay (or a Twilio retry of a stored request). The
    event part (status, recording or transcription sid) keeps it readable; the digest of
    the signed material keeps distinct callbacks with the same status apart.
    """
    call_sid = params.get("CallSid")
    if not call_sid:
        return None
    if params.get("TranscriptionSid"):
        event = f"transcription:{params['TranscriptionSid']}"
    elif params.get("RecordingSid"):
        status = params.get("RecordingStatus") or params.get("CallStatus") or "recording"
        event = f"recording:{status}:{params['RecordingSid']}"
    else:
        event = params.get("CallStatus") or "call"
    material = request.url.encode() + b"\n" + request.body
    digest = hashlib.sha256(material).hexdigest()[:16]
    return short_id(f"twilio:{call_sid}:{event}:{digest}")


# ---------------------------------------------------------------- parsing


def _params(body: bytes, content_type: str | None) -> dict[str, str]:
    if "json" in (content_type or "").lower():
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ParseFailed("unreadable JSON callback body") from None
        if not isinstance(data, dict):
            raise ParseFailed("JSON callback body is not an object")
        return {
            str(k): clean(str(v)) or ""
            for k, v in data.items()
            if isinstance(v, str | int | float | bool)
        }
    out: dict[str, str] = {}
    for name, value in read_form(body, content_type)[0]:
        out.setdefault(name, value)  # Twilio never repeats a parameter; first one wins
    return out


def _seconds(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


def _classify(p: dict[str, str], outbound: bool) -> tuple[str | None, str]:
    """(kind, reason-if-ignored) for one callback, following the module docstring."""
    status = (p.get("CallStatus") or "").lower()
    if any(p.get(k) for k in ("TranscriptionSid", "TranscriptionText", "TranscriptionStatus")):
        return "voicemail", ""
    if outbound:
        return None, f"outbound-call:{status or 'unknown'}"
    has_recording = bool(p.get("RecordingUrl") or p.get("RecordingSid"))
    if (p.get("CallbackRequested") or "").strip().lower() in _TRUE or (
        (p.get("Digits") or "").strip() == "1" and not has_recording
    ):
        return "callback_request", ""
    if p.get("RecordingStatus") or (has_recording and status != "completed"):
        return None, "recording (voicemail arrives with the transcription callback)"
    dial = (p.get("DialCallStatus") or "").lower()
    if dial in MISSED_STATUSES:
        return "missed_call", ""
    if dial in ("completed", "answered"):
        return "call", ""
    if dial:
        return None, f"dial:{dial}"
    if status in MISSED_STATUSES:
        return "missed_call", ""
    if status == "completed":
        if _seconds(p.get("CallDuration")) or has_recording:
            return "call", ""
        return "missed_call", ""
    return None, f"call-progress:{status or 'unknown'}"


def _message(p: dict[str, str], kind: str, outbound: bool, now: datetime) -> NormalizedMessage:
    """One call event as a message. Long because it maps Twilio's flat parameters field by
    field (numbers, call state, recording, transcription) into one NormalizedMessage."""
    call_sid = short_id(p["CallSid"])
    remote_raw = p.get("To") if outbound else p.get("From")
    our_raw = p.get("From") if outbound else p.get("To")
    number = e164(remote_raw)
    facts: dict[str, Any] = {"call_sid": call_sid, "direction": p.get("Direction") or "inbound"}
    if p.get("CallStatus"):
        facts["call_status"] = p["CallStatus"]
    if number:
        author = Author(identity_kind="phone", external_id=number, phone=number)
        who, thread_key = number, f"voice:{number}"
    else:
        # Withheld / SIP / client callers: one contact per call, never one shared "anonymous".
        facts["caller_withheld"] = True
        if remote_raw:
            facts["caller_id_raw"] = short_id(clean(remote_raw) or "")
        author = Author(identity_kind="phone", external_id=f"withheld:{call_sid}")
        who, thread_key = "a withheld number", f"voice:withheld:{call_sid}"
    author.name = clean(p.get("CallerName")) or None

    if kind == "voicemail":
        transcript = (p.get("TranscriptionText") or "").strip()
        failed = (p.get("TranscriptionStatus") or "").lower() == "failed"
        text = transcript if transcript and not failed else "Voicemail (no transcription)"
        facts.update(
            recording_url=p.get("RecordingUrl"),
            recording_sid=p.get("RecordingSid"),
            duration=_seconds(p.get("RecordingDuration")),
            transcription_status=p.get("TranscriptionStatus"),
            transcription_sid=p.get("TranscriptionSid"),
        )
    elif kind == "call":
        duration = _seconds(p.get("DialCallDuration")) or _seconds(p.get("CallDuration"))
        text = f"Call from {who}" + (f" ({duration} s)" if duration else "")
        facts.update(duration=duration, log_only=True)
        if p.get("RecordingUrl"):
            facts["recording_url"] = p["RecordingUrl"]
    elif kind == "callback_request":
        text = f"Callback requested by {who}"
        facts["callback_number"] = number
    else:
        text = f"Missed call from {who}"
        if p.get("DialCallStatus"):
            facts["dial_call_status"] = p["DialCallStatus"]
    return NormalizedMessage(
        external_id=f"{call_sid}:{kind}",
        channel_kind="voice",
        channel_external_id=e164(our_raw) or clean(our_raw) or None,
        kind=kind,
        visibility="private",
        text=clean(text) or "",
        author=author,
        sent_at=parse_date(p.get("Timestamp")) or now,
        thread_key=thread_key,
        facts={k: v for k, v in facts.items() if v is not None},
    )


class VoiceAdapter:
    provider = "voice"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def verify(self, request: InboundRequest, secrets: ProviderSecrets) -> str | None:
        """X-Twilio-Signature over the URL (+ sorted POST params, or bodySHA256 for JSON).

        request.url must be the public URL Twilio called (rebuild it behind a proxy).
        """
        token = secrets.twilio_auth_token
        if not token:
            raise VerificationFailed("Twilio auth token is not configured", status=401)
        headers = {k.lower(): v for k, v in request.headers.items()}
        given = (headers.get("x-twilio-signature") or "").strip()
        if not given:
            raise VerificationFailed("missing X-Twilio-Signature header", status=401)
        is_json = "json" in (headers.get("content-type") or "").lower()
        if is_json:
            try:
                query = parse_qs(urlsplit(request.url).query)
            except ValueError:
                query = {}
            claimed = (query.get("bodySHA256") or [""])[0].lower()
            actual = hashlib.sha256(request.body).hexdigest()
            if not claimed:
                raise VerificationFailed("JSON body without bodySHA256 in the URL", status=403)
            if not hmac.compare_digest(actual.encode(), claimed.encode("utf-8", "replace")):
                raise VerificationFailed("bodySHA256 does not match the body", status=403)
            pairs: list[tuple[str, str]] = []  # the signature then covers the URL only
        else:
            pairs = _signed_params(request)
        matched = False
        for url in _url_variants(request.url):
            matched |= same(sign(token, url, pairs), given)
        if not matched:
            raise VerificationFailed("X-Twilio-Signature mismatch", status=403)
        if is_json:
            try:
                params = _params(request.body, "application/json")
            except ParseFailed:
                params = {}
        else:
            params = dict(request.query)
            for name, value in pairs:
                params.setdefault(name, value)
        return _replay_key(request, params)

    def parse(self, body: bytes, headers: dict[str, str]) -> ParseResult:
        p = _params(body, headers.get("content-type"))
        if not (p.get("CallSid") or "").strip():
            raise ParseFailed("not a Twilio voice callback: no CallSid")
        outbound = (p.get("Direction") or "inbound").lower().startswith("outbound")
        our_raw = p.get("From") if outbound else p.get("To")
        our_number = e164(our_raw) or clean(our_raw) or None
        result = ParseResult(channel_external_ids=[our_number] if our_number else [])
        kind, reason = _classify(p, outbound)
        if kind is None:
            result.ignored.append(reason)
            return result
        now = datetime.fromtimestamp(self.clock(), UTC)
        result.messages.append(_message(p, kind, outbound, now))
        return result


adapter = VoiceAdapter()
