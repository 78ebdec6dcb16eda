"""The app factory, configuration, migrations, health and authentication."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from inbox.config import ConfigError, load_settings
from tests.conftest import WAIT, stop_process_group


@pytest.mark.no_backends
def test_unset_urls_mean_sqlite_in_instance_folder_and_embedded_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = load_settings({"instance_path": tmp_path})
    assert settings.database_url == f"sqlite:///{tmp_path / 'inbox.db'}"
    assert settings.embedded_redis
    assert settings.max_webhook_bytes == 1024 * 1024


@pytest.mark.no_backends
def test_generated_secret_key_is_kept_across_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("INBOX_ENV", raising=False)
    first = load_settings({"instance_path": tmp_path}).secret_key
    assert len(first) > 40
    assert load_settings({"instance_path": tmp_path}).secret_key == first


@pytest.mark.no_backends
def test_production_without_secret_key_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INBOX_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings({"instance_path": tmp_path})


@pytest.mark.no_backends
def test_postgres_urls_use_psycopg3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/inbox")
    assert load_settings({"instance_path": tmp_path}).database_url == (
        "postgresql+psycopg://u@db/inbox"
    )


def test_migrations_build_every_table_from_empty(runtime: Any) -> None:
    tables = set(inspect(runtime.db.engine).get_table_names())
    for expected in ("users", "api_tokens", "teams", "skills", "queues", "channels",
                     "deliveries", "contacts", "contact_identities", "messages", "cases",
                     "case_events", "sla_policies", "business_calendars", "routing_rules"):
        assert expected in tables
    # From the catalogue: the inspector skips SQLite's index on an expression.
    postgresql = runtime.db.engine.dialect.name == "postgresql"
    catalogue = ("SELECT indexname FROM pg_indexes WHERE tablename = 'cases'" if postgresql
                 else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")
    with runtime.db.engine.connect() as connection:
        indexes = set(connection.exec_driver_sql(catalogue).scalars())
    open_in_order = "ix_cases_open_queue_order" + ("" if postgresql else "_sqlite")
    assert {"ix_cases_queue_order", open_in_order} <= indexes


@pytest.mark.no_backends
def test_migrations_upgrade_and_downgrade_on_a_fresh_sqlite(tmp_path: Path) -> None:
    from inbox import migrate

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    assert "cases" in inspect(engine).get_table_names()
    migrate.downgrade(url, "base")
    assert "cases" not in inspect(create_engine(url)).get_table_names()
    engine.dispose()


def test_healthz_answers(client: Any) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_reports_both_backends(client: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["database"]["ok"] is True
    assert response.json["checks"]["redis"]["ok"] is True


def test_readyz_fails_when_redis_is_stopped(tmp_path: Path) -> None:
    """A web process whose Redis goes away must stop saying it is ready."""
    from inbox.backends import EmbeddedRedis

    own_redis = EmbeddedRedis(tmp_path)
    url = own_redis.start()
    script = (
        "import sys, os\n"
        "from inbox import create_app\n"
        "app = create_app()\n"
        "c = app.test_client()\n"
        "print(c.get('/readyz').status_code)\n"
        "sys.stdin.readline()\n"
        "r = c.get('/readyz')\n"
        "print(r.status_code, r.json['checks']['redis']['ok'])\n"
    )
    import os

    env = dict(os.environ, REDIS_URL=url)
    process = subprocess.Popen([sys.executable, "-c", script], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               start_new_session=True)
    try:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == "200"
        own_redis.stop()
        process.stdin.write("\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "503 False"
        process.wait(timeout=WAIT)
    finally:
        stop_process_group(process)
        own_redis.stop()


def test_api_without_credentials_is_401_with_the_error_envelope(client: Any) -> None:
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert "fields" in response.json["error"]


def test_api_with_a_bad_token_is_401(client: Any, agent_alice: Any) -> None:
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer inbx_not-a-token"})
    assert response.status_code == 401
    assert "not valid" in response.json["error"]["message"]


def test_revoked_token_is_refused(client: Any, agent_alice: Any) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_create_token, do_revoke_token

    with unit_of_work() as session:
        token = do_create_token(session, agent_alice)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    with unit_of_work() as session:
        do_revoke_token(session, token)
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_openapi_document_lists_the_case_endpoints(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/cases" in spec["paths"]
    assert "/api/v1/cases/{case_id}/claim" in spec["paths"]


def test_unknown_api_path_is_a_json_404(client: Any, api_as: Any, agent_alice: Any) -> None:
    response = api_as(agent_alice).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.no_backends
def test_unset_provider_secrets_are_generated_once_outside_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INBOX_ENV", raising=False)
    monkeypatch.delenv("META_APP_SECRET", raising=False)
    first = load_settings({"instance_path": tmp_path}).meta_app_secret
    assert len(first) == 32
    assert load_settings({"instance_path": tmp_path}).meta_app_secret == first


@pytest.mark.no_backends
def test_production_never_invents_provider_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOX_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("INBOX_SECRETS_KEY", "Zt3v3RNg7Vx2e0d6tQx9QyJ8m1G4kXo5sH2bW7aPqLc=")
    monkeypatch.delenv("META_APP_SECRET", raising=False)
    assert load_settings({"instance_path": tmp_path}).meta_app_secret == ""
