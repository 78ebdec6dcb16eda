"""What each kind of channel needs: its settings and its credentials, checked by name.

Settings are shown to admins (a reply URL, an SMS sender number); credentials are
write-only and sealed at rest (a page access token, Twilio's auth token). A channel
whose credentials for sending are missing says so in the admin list and in the desk's
composer, before an agent writes a reply there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inbox.models import Channel, utcnow
from inbox.services.errors import ValidationFailed

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
VISIBILITIES = ("public", "private")
Check = Callable[[Any], str | None]  # the problem with a value, or None


def _text(max_length: int = 500) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return "must be a non-empty string"
        return f"at most {max_length} characters" if len(value) > max_length else None
    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _phone(value: Any) -> str | None:
    return None if isinstance(value, str) and E164.match(value) else (
        "must be a phone number in E.164 form, e.g. +14155550100")


def _visibilities(value: Any) -> str | None:
    if (isinstance(value, list) and value and all(v in VISIBILITIES for v in value)
            and len(set(value)) == len(value)):
        return None
    return "must be a non-empty list of 'public' and 'private'"


MAX_JOIN_HOURS = 720  # 30 days: longer is the reopen window's job


def _hours(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_JOIN_HOURS:
        return None
    return f"must be a whole number of hours from 0 (off) to {MAX_JOIN_HOURS}"


def _url(value: Any) -> str | None:
    # Only the form here; where it may point is checked against the outbound policy
    # (channel_admin.check_reply_url), which needs the service's settings.
    if isinstance(value, str) and re.match(r"^https?://[^\s/]+", value) and len(value) <= 2000:
        return None
    return "must be an http(s) URL"


@dataclass(frozen=True)
class Profile:
    article: str  # "a" or "an", for messages that name the kind
    label: str
    external_id: str | None  # what the external id is, or None when there is none
    external_id_check: Check | None = None
    settings: dict[str, Check] = field(default_factory=dict)
    credentials: dict[str, Check] = field(default_factory=dict)
    # Credentials (or settings) a reply cannot be sent without: (name, alternatives).
    needed_to_send: tuple[tuple[str, ...], ...] = ()
    signed_by_channel: bool = False  # its webhooks are signed with the channel's secret

    @property
    def named(self) -> str:
        return f"{self.article} {self.label} channel"


def _digits(what: str) -> Check:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and value.isdigit() else f"must be {what} (digits)"
    return check


def _email(value: Any) -> str | None:
    return None if isinstance(value, str) and EMAIL.match(value) else "must be an email address"


def _days(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 36_500:
        return None
    return "must be a whole number of days, 1 or more"


# Settings every kind takes, beside its own: how its new conversations become cases, and
# how long its messages keep their content (inbox.services.contacts.privacy).
COMMON_SETTINGS: dict[str, Check] = {"join_open_case_hours": _hours, "retention_days": _days}


def _settings(**own: Check) -> dict[str, Check]:
    return {**own, **COMMON_SETTINGS}


PROFILES: dict[str, Profile] = {
    "facebook": Profile("a", "Facebook", "the page id", _digits("the page id"),
                        settings=_settings(), credentials={"access_token": _text(1000)},
                        needed_to_send=(("access_token",),)),
    "instagram": Profile("an", "Instagram", "the Instagram account id",
                         _digits("the Instagram account id"), settings=_settings(),
                         credentials={"access_token": _text(1000)},
                         needed_to_send=(("access_token",),)),
    "x": Profile("an", "X", "the X user id of the brand account", _digits("the X user id"),
                 settings=_settings(),
                 credentials={"bearer_token": _text(1000), "access_token": _text(1000)},
                 needed_to_send=(("bearer_token", "access_token"),)),
    "email": Profile("an", "email", "the mailbox address", _email,
                     settings=_settings(from_name=_text(200)), signed_by_channel=True),
    "voice": Profile("a", "voice", "the phone number", _phone,
                     settings=_settings(sms_enabled=_boolean, sms_from=_phone),
                     credentials={"account_sid": _text(64), "auth_token": _text(200)},
                     needed_to_send=(("account_sid",),)),
    "generic": Profile("a", "generic", None,
                       settings=_settings(reply_url=_url, reply_visibilities=_visibilities),
                       needed_to_send=(("reply_url",),), signed_by_channel=True),
}



def normalize_external_id(kind: str, external_id: str | None) -> str | None:
    """A channel's external id as stored: trimmed, and a mailbox in lower case."""
    if external_id is None or not external_id.strip():
        return None
    value = external_id.strip()
    return value.lower() if kind == "email" else value


def join_open_case_hours(channel: Channel) -> int:
    """The channel's join rule: hours within which a customer's new conversation joins
    their open case on the channel (0: off, every new conversation opens a case)."""
    value = (channel.settings or {}).get("join_open_case_hours")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def profile(kind: str) -> Profile:
    return PROFILES[kind]


def check_values(kind: str, group: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` for the kind's settings or credentials, each checked; None removes one.
    Raises ValidationFailed naming every field that is wrong."""
    allowed = getattr(profile(kind), group)
    problems: dict[str, str] = {}
    for name, value in values.items():
        check = allowed.get(name)
        if check is None:
            known = ", ".join(sorted(allowed)) or "none"
            problems[f"{group}.{name}"] = f"not a {group[:-1]} of {profile(kind).named} " \
                                          f"(known: {known})"
        elif value is not None and (problem := check(value)) is not None:
            problems[f"{group}.{name}"] = problem
    if problems:
        raise ValidationFailed(f"some {group} of {profile(kind).named} are not valid",
                               fields=problems)
    return values


def missing_to_send(kind: str, settings: dict[str, Any], credentials: dict[str, Any],
                    sms_enabled: bool | None = None) -> list[str]:
    """The names of what a reply on this channel still needs (empty: it can send)."""
    if kind == "voice" and not (settings.get("sms_enabled") if sms_enabled is None
                                else sms_enabled):
        return ["settings.sms_enabled"]
    have = {**{k: v for k, v in settings.items() if v}, **{k: v for k, v in
                                                            credentials.items() if v}}
    return [" or ".join(names) for names in profile(kind).needed_to_send
            if not any(name in have for name in names)]


def signing_secrets(channel: Channel, now: datetime | None = None) -> tuple[str, ...]:
    """The secrets a delivery may be signed with: the current one, and the one it
    replaced while its grace period lasts."""
    values = channel.secrets or {}
    current_secret = str(values.get("signing_secret") or "")
    previous = str(values.get("previous_signing_secret") or "")
    until = values.get("previous_valid_until")
    if previous and until and datetime.fromisoformat(str(until)) > (now or utcnow()):
        return (current_secret, previous)
    return (current_secret,)


def channel_missing_to_send(channel: Channel) -> list[str]:
    """What a reply on `channel` still needs, by name (empty: it can send)."""
    return missing_to_send(channel.kind, channel.settings or {}, channel_credentials(channel))


def channel_credentials(channel: Channel) -> dict[str, Any]:
    """The channel's credentials of its kind (not its signing secrets)."""
    return {k: v for k, v in (channel.secrets or {}).items()
            if k in profile(channel.kind).credentials}
