"""What verifying a webhook takes: the request as received, the secrets that vouch for
it, and the verdict when they do not. Each adapter's verify() works on these."""

from __future__ import annotations

from dataclasses import dataclass, field


class VerificationFailed(Exception):
    """The request is not provably from the provider. `status` is 401 or 403."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class InboundRequest:
    """What a receiver saw, as the adapter needs it for verification."""

    method: str
    url: str  # the full URL the provider called (Twilio signs it)
    headers: dict[str, str]  # lower-cased names
    body: bytes
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)  # url-encoded bodies, parsed


@dataclass(frozen=True)
class ProviderSecrets:
    """App-level secrets (from the environment) and, where the URL names one, the channel's."""

    meta_app_secret: str = ""
    meta_verify_token: str = ""
    x_consumer_secret: str = ""
    twilio_auth_token: str = ""
    mailgun_signing_key: str = ""
    channel_secret: str = ""
