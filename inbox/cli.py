"""The `inbox` console script: run everything, the Procfile's processes, and admin tasks."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from inbox.classifier_cli import classifier
from inbox.cli_support import service_errors_as_usage


@click.group()
def main() -> None:
    """Omnichannel contact-centre social inbox."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Also send simulated deliveries at a gentle rate, "
              "and send replies to a local sandbox platform (docs/sandbox.md).")
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
    from inbox.services.admin.team import do_create_user

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with unit_of_work() as session:
        user = do_create_user(session, {"email": email, "role": role, "name": name,
                                        "password": password, "teams": list(teams)}, None)
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
    from inbox.services.admin.team import do_edit_user
    from inbox.services.admin.users import user_by_email

    changes: dict[str, Any] = {}
    if role:
        changes["role"] = role
    if teams:
        changes["teams"] = list(teams)
    with unit_of_work() as session:
        user = do_edit_user(session, user_by_email(session, email).id, changes, None)
        click.echo(f"{user.email}: {user.role}, teams {', '.join(t.name for t in user.teams)}")


@users.command("deactivate")
@click.argument("email")
@service_errors_as_usage
def users_deactivate(email: str) -> None:
    """No more sign-in for EMAIL: its tokens are revoked and its open desks closed."""
    from inbox.services import unit_of_work
    from inbox.services.admin.team import do_edit_user
    from inbox.services.admin.users import user_by_email

    with unit_of_work() as session:
        user = do_edit_user(session, user_by_email(session, email).id, {"is_active": False},
                            None)
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


@tokens.command("list")
@click.option("--email", help="Only this user's tokens.")
def tokens_list(email: str | None) -> None:
    """Tokens by prefix: id, prefix, name, user, created, last used, revoked."""
    from inbox.services import unit_of_work
    from inbox.services.admin.team import token_view, tokens_of
    from inbox.services.admin.users import user_by_email

    with unit_of_work(read_only=True) as session:
        owner = user_by_email(session, email) if email else None
        for row in tokens_of(session, owner):
            view = token_view(row)
            click.echo("\t".join(str(view[k] or "-") for k in (
                "id", "prefix", "name", "user_email", "created_at", "last_used_at",
                "revoked_at")))


@tokens.command("revoke-id")
@click.argument("token_id", type=int)
@service_errors_as_usage
def tokens_revoke_id(token_id: int) -> None:
    """Revoke the token with this id (see `inbox tokens list`)."""
    from inbox.models import ApiToken
    from inbox.services import unit_of_work
    from inbox.services.admin.users import do_revoke_token_row
    from inbox.services.errors import NotFound

    with unit_of_work() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"token {token_id} not found")
        do_revoke_token_row(session, row)
    click.echo("revoked", err=True)


@main.group()
def teams() -> None:
    """Teams of agents; queues are given to teams."""


@teams.command("add")
@click.argument("name")
@service_errors_as_usage
def teams_add(name: str) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.team import do_create_team

    with unit_of_work() as session:
        click.echo(do_create_team(session, name, None).id)


@teams.command("list")
def teams_list() -> None:
    """id, name, members, default."""
    from sqlalchemy import select

    from inbox.models import Team
    from inbox.services import unit_of_work
    from inbox.services.admin.team import team_view

    with unit_of_work(read_only=True) as session:
        for team in session.scalars(select(Team).order_by(Team.name)):
            view = team_view(session, team)
            click.echo(f"{view['id']}\t{view['name']}\t{view['members']} members"
                       + ("\tdefault" if view["is_default"] else ""))


@main.group()
def queues() -> None:
    """Queues of cases and the teams that work them."""


@queues.command("add")
@click.argument("name")
@click.option("--team", "teams", multiple=True, help="A team that works it; repeatable.")
@click.option("--mode", type=click.Choice(["pull", "push"]), default="pull", show_default=True)
@service_errors_as_usage
def queues_add(name: str, teams: tuple[str, ...], mode: str) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.team import do_create_queue

    with unit_of_work() as session:
        click.echo(do_create_queue(session, {"name": name, "teams": list(teams),
                                             "mode": mode}, None).id)


@queues.command("list")
def queues_list() -> None:
    """id, name, mode, teams."""
    from sqlalchemy import select

    from inbox.models import Queue
    from inbox.services import unit_of_work
    from inbox.services.admin.team import queue_view

    with unit_of_work(read_only=True) as session:
        for queue in session.scalars(select(Queue).order_by(Queue.name)):
            view = queue_view(queue)
            click.echo(f"{view['id']}\t{view['name']}\t{view['mode']}\t"
                       + (", ".join(view["teams"]) or "(default team)"))


@main.group()
def channels() -> None:
    """Connected channels."""


def _pairs(values: tuple[str, ...], what: str) -> dict[str, Any]:
    """NAME=VALUE options; a VALUE that reads as JSON (true, 3, ["public"]) is taken as
    such, anything else as text."""
    import json

    out: dict[str, Any] = {}
    for item in values:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r}: use NAME=VALUE", param_hint=what)
        try:
            out[name.strip()] = json.loads(raw)
        except ValueError:
            out[name.strip()] = raw
    return out


def _show_channel(view: dict[str, Any]) -> None:
    state = "enabled" if view["is_active"] else "disabled"
    sending = "can send" if view["can_send"] else \
        "cannot send yet: missing " + ", ".join(view["missing_to_send"])
    click.echo(f"{view['id']}\t{view['kind']}\t{view['name']}\t{view['external_id'] or '-'}"
               f"\t{state}\t{sending}\t{view['webhook_url']}")


_SETTING = click.option("--setting", "settings", multiple=True, metavar="NAME=VALUE",
                        help="A setting of this kind, e.g. reply_url=https://… (repeatable).")
_CREDENTIAL = click.option("--credential", "credentials", multiple=True, metavar="NAME=VALUE",
                           help="A credential, e.g. access_token=… (write-only; repeatable).")


@channels.command("add")
@click.argument("kind", type=click.Choice(["facebook", "instagram", "x", "email", "voice",
                                           "generic"]))
@click.option("--name", required=True)
@click.option("--external-id", help="Page id, X user id, mailbox address or phone number.")
@click.option("--secret", help="Signing secret (generic and raw email); generated if omitted.")
@_SETTING
@_CREDENTIAL
@service_errors_as_usage
def channels_add(kind: str, name: str, external_id: str | None, secret: str | None,
                 settings: tuple[str, ...], credentials: tuple[str, ...]) -> None:
    """Connect a channel; prints its id, then its webhook URL(s)."""
    from inbox.runtime import current
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_add_channel, raw_email_url, webhook_url

    with unit_of_work() as session:
        channel = do_add_channel(session, kind, name, external_id=external_id, secret=secret,
                                 settings=_pairs(settings, "--setting"),
                                 credentials=_pairs(credentials, "--credential"))
    public_url = current().settings.public_url
    click.echo(channel.id)
    click.echo(webhook_url(channel, public_url))
    if kind == "email":
        click.echo(f"raw email (MIME) URL: {raw_email_url(channel, public_url)}", err=True)
    if secret is None and kind in ("generic", "email"):
        click.echo(f"signing secret: {channel.secrets['signing_secret']}", err=True)


@channels.command("list")
def channels_list() -> None:
    """Every channel: id, kind, name, external id, state, whether it can send, URL."""
    from sqlalchemy import select

    from inbox.models import Channel
    from inbox.runtime import current
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import channel_view

    with unit_of_work(read_only=True) as session:
        for channel in session.scalars(select(Channel).order_by(Channel.id)):
            _show_channel(channel_view(channel, current().settings.public_url))


@channels.command("edit")
@click.argument("channel_id", type=int)
@click.option("--name")
@click.option("--external-id")
@_SETTING
@_CREDENTIAL
@click.option("--unset", multiple=True, metavar="NAME",
              help="Remove a setting or credential (repeatable).")
@service_errors_as_usage
def channels_edit(channel_id: int, name: str | None, external_id: str | None,
                  settings: tuple[str, ...], credentials: tuple[str, ...],
                  unset: tuple[str, ...]) -> None:
    """Change a channel's name, external id, settings or credentials."""
    from inbox.services.admin.channel_profiles import profile

    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if external_id is not None:
        changes["external_id"] = external_id
    given_settings, given_credentials = (_pairs(settings, "--setting"),
                                         _pairs(credentials, "--credential"))
    kind = _channel_kind(channel_id)
    for field_name in unset:
        target = given_credentials if field_name in profile(kind).credentials \
            else given_settings
        target[field_name] = None
    if given_settings:
        changes["settings"] = given_settings
    if given_credentials:
        changes["credentials"] = given_credentials
    _edit_channel(channel_id, changes)


def _channel_kind(channel_id: int) -> str:
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import get_channel

    with unit_of_work(read_only=True) as session:
        return get_channel(session, channel_id).kind


def _edit_channel(channel_id: int, changes: dict[str, Any]) -> None:
    from inbox.runtime import current
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import channel_view, do_edit_channel

    with unit_of_work() as session:
        _show_channel(channel_view(do_edit_channel(session, channel_id, changes),
                                   current().settings.public_url))


@channels.command("disable")
@click.argument("channel_id", type=int)
@service_errors_as_usage
def channels_disable(channel_id: int) -> None:
    """Refuse the channel's webhooks (nothing is stored for it) until enabled again."""
    _edit_channel(channel_id, {"is_active": False})


@channels.command("enable")
@click.argument("channel_id", type=int)
@service_errors_as_usage
def channels_enable(channel_id: int) -> None:
    """Accept the channel's webhooks again."""
    _edit_channel(channel_id, {"is_active": True})


@channels.command("rotate-secret")
@click.argument("channel_id", type=int)
@click.option("--grace-hours", type=click.FloatRange(0, 168), default=24.0, show_default=True,
              help="How long deliveries signed with the old secret are still accepted.")
@service_errors_as_usage
def channels_rotate_secret(channel_id: int, grace_hours: float) -> None:
    """A new signing secret, printed once; the old one works for --grace-hours."""
    from datetime import timedelta

    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_rotate_secret

    with unit_of_work() as session:
        secret = do_rotate_secret(session, channel_id, timedelta(hours=grace_hours))
    click.echo(secret)


@channels.command("delete")
@click.argument("channel_id", type=int)
@service_errors_as_usage
def channels_delete(channel_id: int) -> None:
    """Remove a channel no case or message refers to (else: disable it)."""
    from inbox.services import unit_of_work
    from inbox.services.admin.channels import do_delete_channel

    with unit_of_work() as session:
        do_delete_channel(session, channel_id)
    click.echo(f"channel {channel_id} deleted", err=True)


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


@main.group()
def webhooks() -> None:
    """Outbound event webhooks: subscriptions and their deliveries (docs/event-webhooks.md)."""


@webhooks.command("list")
def webhooks_list() -> None:
    """Subscriptions: id, enabled, URL, events, description."""
    from inbox.services import unit_of_work
    from inbox.services.event_webhooks.subscriptions import list_subscriptions

    with unit_of_work(read_only=True) as session:
        for row in list_subscriptions(session):
            click.echo("\t".join([str(row.id), "enabled" if row.is_enabled else "disabled",
                                  row.url, ",".join(row.events), row.description or "-"]))


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True,
              help="An event type (case.created, sla.breached, ...); repeatable.")
@click.option("--description", default="")
@click.option("--disabled", is_flag=True, help="Saved, but sent nothing until enabled.")
@service_errors_as_usage
def webhooks_add(url: str, events: tuple[str, ...], description: str, disabled: bool) -> None:
    """Subscribe URL; prints the id, then the signing secret (shown once) on standard output."""
    from inbox.services import unit_of_work
    from inbox.services.event_webhooks.subscriptions import do_add_subscription

    with unit_of_work() as session:
        row, secret = do_add_subscription(session, url, list(events), description=description,
                                          enabled=not disabled)
        click.echo(f"subscription {row.id}: {url}", err=True)
    click.echo(secret)


@webhooks.command("remove")
@click.argument("subscription_id", type=int)
@service_errors_as_usage
def webhooks_remove(subscription_id: int) -> None:
    """Remove a subscription and its delivery log."""
    from inbox.services import unit_of_work
    from inbox.services.event_webhooks.subscriptions import do_remove_subscription

    with unit_of_work() as session:
        do_remove_subscription(session, subscription_id)
    click.echo("removed", err=True)


@webhooks.command("deliveries")
@click.option("--subscription", "subscription_id", type=int)
@click.option("--status", type=click.Choice(["pending", "delivered", "failed", "given_up"]))
@click.option("--event")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
def webhooks_deliveries(subscription_id: int | None, status: str | None, event: str | None,
                        limit: int) -> None:
    """The delivery log, newest first: id, delivery id, subscription, event, status,
    attempts, last HTTP status, last error."""
    from inbox.services import unit_of_work
    from inbox.services.event_webhooks.subscriptions import list_deliveries

    filters = {"subscription_id": subscription_id, "status": status, "event": event,
               "limit": limit}
    with unit_of_work(read_only=True) as session:
        for row in list_deliveries(session, filters):
            click.echo("\t".join(str(v if v is not None else "-") for v in (
                row.id, row.delivery_id, row.subscription_id, row.event, row.status,
                row.attempts, row.last_status_code, row.last_error)))


@webhooks.command("replay")
@click.argument("ids", nargs=-1, type=int, required=True)
@service_errors_as_usage
def webhooks_replay(ids: tuple[int, ...]) -> None:
    """Send these deliveries again (same delivery id), through the outbound worker."""
    from inbox.services import unit_of_work
    from inbox.services.event_webhooks.subscriptions import do_replay

    with unit_of_work() as session:
        for row_id in ids:
            row = do_replay(session, row_id)
            click.echo(f"{row.id}\t{row.delivery_id}\tpending")


@main.command()
@click.option("--url", default=None, help="The running service (default: INBOX_PUBLIC_URL).")
@click.option("--rate", default=2.0, show_default=True, type=float, help="Deliveries a second.")
@click.option("--duration", default=60.0, show_default=True, type=float,
              help="Seconds to run; 0 runs until Ctrl-C.")
@click.option("--seed", default=None, type=int, help="Repeatable content.")
@click.option("--spike", "spike_term", metavar="TERM", default=None,
              help="Instead: a burst of complaints naming TERM (watched from now on), then "
              "a crisis detection tick (docs/listening.md).")
@click.option("--spike-count", default=30, show_default=True, type=click.IntRange(1, 1000),
              help="Mentions in the spike.")
@click.option("--spike-gap", default=0.2, show_default=True, type=click.FloatRange(0, 10),
              help="Seconds between the spike's mentions.")
def simulate(url: str | None, rate: float, duration: float, seed: int | None,
             spike_term: str | None, spike_count: int, spike_gap: float) -> None:
    """Send realistic, correctly signed deliveries for every provider to a running service."""
    import signal

    if spike_term is not None:
        _simulate_spike(url, spike_term, spike_count, spike_gap, seed)
        return

    from inbox.runtime import current
    from inbox.simulator import run_simulation

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `inbox run --demo` stops us with SIGTERM: report anyway

    signal.signal(signal.SIGTERM, _interrupt)
    report = run_simulation(url or current().settings.public_url, rate=rate,
                            duration=duration, seed=seed)
    click.echo(report.summary())


@service_errors_as_usage
def _simulate_spike(url: str | None, term: str, count: int, gap: float,
                    seed: int | None) -> None:
    """Watch TERM, send the spike, take in what is pending here (safe beside running
    workers) until every accepted mention is stored, then run one detection tick and
    print the alerts it raised."""
    import time
    from datetime import timedelta

    from inbox.models import utcnow
    from inbox.runtime import current, unit_of_work
    from inbox.services.errors import Conflict
    from inbox.services.ingest.drain import drain
    from inbox.services.ingest.listening import do_add_watch_term
    from inbox.services.listening.crisis import count_mentions, detection_tick
    from inbox.simulator import send_spike

    try:
        with unit_of_work() as session:
            do_add_watch_term(session, term)
    except Conflict:
        pass  # watched already
    started = utcnow() - timedelta(seconds=5)
    report = send_spike(url or current().settings.public_url, term, count=count, gap=gap,
                        seed=seed)
    click.echo(report.summary())
    accepted = sum(n for counts in report.statuses.values()
                   for status, n in counts.items() if status.startswith("2"))
    deadline = time.monotonic() + 60
    while True:  # running workers may hold some in a batch not yet committed
        drain()
        with unit_of_work() as session:
            stored = count_mentions(session, term, started)
        if stored >= accepted or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    raised = detection_tick()
    click.echo(f"crisis alerts raised: {', '.join(map(str, raised)) or 'none'}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int, help="0: any free port.")
@click.option("--smtp-port", default=2525, show_default=True, type=int, help="0: any free port.")
@click.option("--service-url", default=None, help="Where customers answer (default: "
              "INBOX_PUBLIC_URL).")
@click.option("--answer-share", default=0.5, show_default=True, type=float,
              envvar="INBOX_SANDBOX_ANSWER_SHARE", help="Of the replies, how many customers "
              "answer (0 to 1).")
@click.option("--answer-delay", default="4-10", show_default=True,
              envvar="INBOX_SANDBOX_ANSWER_DELAY", help="Seconds before an answer: S or MIN-MAX.")
def sandbox(host: str, port: int, smtp_port: int, service_url: str | None, answer_share: float,
            answer_delay: str) -> None:
    """A local stand-in for the platforms replies go to; connects the demo channels to it."""
    from inbox.sandbox.customers import AnswerPolicy
    from inbox.sandbox.process import parse_delay, serve

    try:
        policy = AnswerPolicy(share=answer_share, delay=parse_delay(answer_delay))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(serve(host, port, smtp_port, service_url, policy))


main.add_command(classifier)

if __name__ == "__main__":
    main()
