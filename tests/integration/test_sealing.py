"""Channel credentials are sealed at rest, readable with any configured key, re-sealed by
`inbox secrets rotate`, and required in production."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from tests.factories import make_channel
from tests.integration.test_cli import inbox

ACCESS_TOKEN = "EAAB-page-access-token-that-must-not-leak"


def stored_secrets(runtime: Any, channel_id: int) -> str:
    with runtime.db.engine.connect() as connection:
        value = connection.execute(text("SELECT secrets FROM channels WHERE id = :id"),
                                   {"id": channel_id}).scalar_one()
    return value if isinstance(value, str) else json.dumps(value)


def channel_secrets(channel_id: int) -> dict[str, Any]:
    from inbox.models import Channel
    from inbox.services import unit_of_work

    with unit_of_work() as session:
        channel = session.get(Channel, channel_id)
        assert channel is not None
        return dict(channel.secrets)


@pytest.fixture
def keys(runtime: Any) -> Iterator[list[str]]:
    """This process's keys, put back afterwards."""
    from inbox import sealing

    original = list(runtime.settings.secrets_keys)
    yield original
    sealing.configure(original)


def connect_page(secret: str = ACCESS_TOKEN) -> Any:
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_add_channel

    with unit_of_work() as session:
        channel = do_add_channel(session, "facebook", "Brand page", external_id="1048593")
        channel.secrets = {**channel.secrets, "access_token": secret}
    return channel


def test_credentials_are_not_stored_in_plain_text(runtime: Any) -> None:
    channel = connect_page()
    raw = stored_secrets(runtime, channel.id)
    assert ACCESS_TOKEN not in raw and "access_token" not in raw
    assert '"sealed"' in raw
    assert channel_secrets(channel.id)["access_token"] == ACCESS_TOKEN


def test_a_new_key_in_front_still_reads_old_rows_and_rotate_reseals_them(
        runtime: Any, keys: list[str]) -> None:
    from inbox import sealing

    channel = connect_page()
    old = keys[0]
    new = sealing.new_key()
    sealing.configure([new, old])
    assert channel_secrets(channel.id)["access_token"] == ACCESS_TOKEN  # old key still opens
    rotated = inbox(runtime, "secrets", "rotate", env={"INBOX_SECRETS_KEY": f"{new},{old}"})
    assert rotated.returncode == 0, rotated.stderr
    assert "sealed with the newest key" in rotated.stderr
    sealing.configure([new])  # the old key retired
    assert channel_secrets(channel.id)["access_token"] == ACCESS_TOKEN
    sealing.configure([old])
    with pytest.raises(sealing.SealingError, match="not in INBOX_SECRETS_KEY"):
        channel_secrets(channel.id)


def test_rows_written_before_sealing_are_read_and_sealed_by_the_migration(
        runtime: Any) -> None:
    from inbox import migrate

    channel = make_channel("generic", "Reviews", secret="legacy-secret-in-plain-text")
    with runtime.db.engine.begin() as connection:
        connection.execute(text("UPDATE channels SET secrets = :plain WHERE id = :id"),
                           {"plain": json.dumps({"signing_secret": "legacy-secret-in-plain"}),
                            "id": channel.id})
    assert channel_secrets(channel.id) == {"signing_secret": "legacy-secret-in-plain"}
    migrate.downgrade(runtime.settings.database_url, "0005")
    migrate.upgrade(runtime.settings.database_url)
    assert "legacy-secret-in-plain" not in stored_secrets(runtime, channel.id)
    assert channel_secrets(channel.id) == {"signing_secret": "legacy-secret-in-plain"}


def test_production_needs_a_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from inbox.config import ConfigError, load_settings

    monkeypatch.setenv("INBOX_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("INBOX_SECRETS_KEY", raising=False)
    with pytest.raises(ConfigError, match="INBOX_SECRETS_KEY"):
        load_settings({"instance_path": tmp_path})


def test_new_key_prints_a_key_that_seals(runtime: Any) -> None:
    from inbox import sealing

    made = inbox(runtime, "secrets", "new-key")
    assert made.returncode == 0, made.stderr
    sealing.configure([made.stdout.strip()])
    try:
        assert sealing.unseal(sealing.seal({"a": 1})) == {"a": 1}
    finally:
        sealing.configure(runtime.settings.secrets_keys)
