"""The `inbox` console script: run everything, the Procfile's processes, and admin tasks."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def service_errors_as_usage(func: F) -> F:
    """A refused admin command exits 1 with the service's reason, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from inbox.services.errors import ServiceError

        try:
            return func(*args, **kwargs)
        except ServiceError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise click.ClickException(f"{exc.message}" + (f" ({details})" if details else ""))

    return wrapper  # type: ignore[return-value]


@click.group()
def main() -> None:
    """Omnichannel contact-centre social inbox."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Also send simulated deliveries at a gentle rate.")
def run(host: str, port: int, demo: bool) -> None:
    """Everything in one process group: migrations, backends, web, worker, cron."""
    from inbox.launcher import run_all

    sys.exit(run_all(host=host, port=port, demo=demo))


@main.command()
@click.option("--host", default=os.environ.get("HOST", "127.0.0.1"), show_default=True)
@click.option("--port", default=int(os.environ.get("PORT", "5000")), show_default=True, type=int)
@click.option("--connections", default=int(os.environ.get("INBOX_WEB_CONNECTIONS", "5000")),
              show_default=True, type=int,
              help="Open connections (sockets and requests) the process serves at once.")
def web(host: str, port: int, connections: int) -> None:
    """The web process: gunicorn, one gevent worker (Flask-SocketIO needs one)."""
    from inbox.launcher import serve_web

    serve_web(host=host, port=port, connections=connections)


@main.command()
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
def worker(queues: tuple[str, ...], burst: bool) -> None:
    """An RQ worker on QUEUES (default: ingest, outbound, default)."""
    from inbox.launcher import run_worker

    run_worker(list(queues), burst=burst)


@main.command()
def cron() -> None:
    """The periodic-job process (RQ's cron scheduler over workers.schedule)."""
    from inbox.launcher import run_cron

    run_cron()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations up to REVISION."""
    from inbox import migrate
    from inbox.config import load_settings

    migrate.upgrade(load_settings().database_url, revision)
    click.echo(f"database at {revision}", err=True)


@main.group()
def users() -> None:
    """Agents, supervisors and admins."""


@users.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["agent", "supervisor", "admin"]))
@click.option("--name")
@click.option("--password", help="At least 8 characters; one is generated when omitted.")
@click.option("--team", "teams", multiple=True, help="Team name; repeatable.")
@service_errors_as_usage
def users_add(
    email: str, role: str, name: str | None, password: str | None, teams: tuple[str, ...]
) -> None:
    """Create a user (without --team: the workspace's default team)."""
    import secrets

    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_add_user

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with unit_of_work() as session:
        user = do_add_user(session, email, role, name=name, password=password,
                           teams=list(teams) or None)
        click.echo(f"created {user.role} {user.email} (id {user.id})")
    if generated:
        click.echo(f"password: {password}")


@users.command("edit")
@click.argument("email")
@click.option("--role", type=click.Choice(["agent", "supervisor", "admin"]))
@click.option("--team", "teams", multiple=True, help="Team name; repeatable; replaces them.")
@service_errors_as_usage
def users_edit(email: str, role: str | None, teams: tuple[str, ...]) -> None:
    """Change a user's role or teams; their open desks follow at once."""
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_set_role, do_set_teams, user_by_email

    with unit_of_work() as session:
        user = user_by_email(session, email)
        if role:
            do_set_role(session, user, role)
        if teams:
            do_set_teams(session, user, list(teams))
        click.echo(f"{user.email}: {user.role}, teams {', '.join(t.name for t in user.teams)}")


@users.command("deactivate")
@click.argument("email")
@service_errors_as_usage
def users_deactivate(email: str) -> None:
    """No more sign-in for EMAIL: its tokens are revoked and its open desks closed."""
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_deactivate_user, user_by_email

    with unit_of_work() as session:
        user = user_by_email(session, email)
        do_deactivate_user(session, user)
        click.echo(f"deactivated {user.email}")


@main.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("revoke")
@click.argument("token")
@service_errors_as_usage
def tokens_revoke(token: str) -> None:
    """Revoke TOKEN; connections it opened are closed."""
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_revoke_token

    with unit_of_work() as session:
        do_revoke_token(session, token)
    click.echo("revoked", err=True)


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli")
@service_errors_as_usage
def tokens_create(email: str, name: str) -> None:
    """Print a new API token for EMAIL, alone on standard output (shown once)."""
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_create_token, user_by_email

    with unit_of_work() as session:
        token = do_create_token(session, user_by_email(session, email), name)
    click.echo(token)


@main.group()
def channels() -> None:
    """Connected channels."""


@channels.command("add")
@click.argument("kind", type=click.Choice(["facebook", "instagram", "x", "email", "voice",
                                           "generic"]))
@click.option("--name", required=True)
@click.option("--external-id", help="Page id, X user id, mailbox address or phone number.")
@click.option("--secret", help="Signing secret (generic and raw email); generated if omitted.")
@service_errors_as_usage
def channels_add(kind: str, name: str, external_id: str | None, secret: str | None) -> None:
    """Connect a channel; prints its id, then its webhook URL."""
    from inbox.runtime import current
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_add_channel, webhook_url

    with unit_of_work() as session:
        channel = do_add_channel(session, kind, name, external_id=external_id, secret=secret)
    click.echo(channel.id)
    click.echo(webhook_url(channel, current().settings.public_url))
    if secret is None and kind in ("generic", "email"):
        click.echo(f"signing secret: {channel.secrets['signing_secret']}", err=True)


@main.group("secrets")
def secrets_group() -> None:
    """The keys that seal channel credentials at rest (INBOX_SECRETS_KEY)."""


@secrets_group.command("new-key")
def secrets_new_key() -> None:
    """Print a new key. To rotate: put it first in INBOX_SECRETS_KEY, keep the old one
    after it, restart, run `inbox secrets rotate`, then drop the old key."""
    from inbox.sealing import new_key

    click.echo(new_key())


@secrets_group.command("rotate")
@service_errors_as_usage
def secrets_rotate() -> None:
    """Seal every channel's secrets with the newest key of INBOX_SECRETS_KEY."""
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_reseal_secrets

    with unit_of_work() as session:
        count = do_reseal_secrets(session)
    click.echo(f"{count} channels sealed with the newest key", err=True)


@main.group()
def deliveries() -> None:
    """Raw inbound webhook deliveries."""


@deliveries.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", is_flag=True, help="Also every failed or unmatched delivery.")
@service_errors_as_usage
def deliveries_replay(ids: tuple[int, ...], failed: bool) -> None:
    """Re-run stored deliveries through ingestion, here and now."""
    from inbox.models import Delivery
    from inbox.services import unit_of_work
    from inbox.services.ingest.deliveries import do_mark_for_replay
    from inbox.services.ingest.drain import ingest_now

    with unit_of_work() as session:
        chosen = do_mark_for_replay(session, list(ids), failed=failed)
    ingest_now(chosen)
    with unit_of_work() as session:
        for delivery_id in chosen:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            line = f"{delivery.id}\t{delivery.provider}\t{delivery.state}"
            click.echo(line + (f"\t{delivery.error}" if delivery.error else ""))
    if not chosen:
        click.echo("nothing to replay", err=True)


@main.command()
@click.option("--url", default=None, help="The running service (default: INBOX_PUBLIC_URL).")
@click.option("--rate", default=2.0, show_default=True, type=float, help="Deliveries a second.")
@click.option("--duration", default=60.0, show_default=True, type=float,
              help="Seconds to run; 0 runs until Ctrl-C.")
@click.option("--seed", default=None, type=int, help="Repeatable content.")
def simulate(url: str | None, rate: float, duration: float, seed: int | None) -> None:
    """Send realistic, correctly signed deliveries for every provider to a running service."""
    import signal

    from inbox.runtime import current
    from inbox.simulator import run_simulation

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `inbox run --demo` stops us with SIGTERM: report anyway

    signal.signal(signal.SIGTERM, _interrupt)
    report = run_simulation(url or current().settings.public_url, rate=rate,
                            duration=duration, seed=seed)
    click.echo(report.summary())


if __name__ == "__main__":
    main()
