"""`inbox classifier ...`: train the complaint model on a labelled file, measure a scorer on
one, and show the model in force (docs/enrichment.md, "Learning from agents")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from inbox.cli_support import service_errors_as_usage

_FILE = click.option("--csv", "csv_file", required=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="A CSV file with a header row, one message per row.")
_TEXT = click.option("--text-column", default="text", show_default=True)
_LABEL = click.option("--label-column", default="label", show_default=True,
                      help="1/0, true/false or complaint/other.")


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=False)


@click.group("classifier")
def classifier() -> None:
    """The complaint classifier that learns from the agents."""


@classifier.command("train")
@_FILE
@_TEXT
@_LABEL
@service_errors_as_usage
def train(csv_file: Path, text_column: str, label_column: str) -> None:
    """Train a model on a labelled file; it is in force from now on. Prints its status."""
    from inbox.services import unit_of_work
    from inbox.services.classifier.labelled_files import read_labelled
    from inbox.services.classifier.versions import do_train_from_file, status

    labelled = read_labelled(csv_file, text_column, label_column)
    with unit_of_work() as session:
        do_train_from_file(session, labelled.texts, labelled.labels, csv_file.name)
        click.echo(_json(status(session)["model"]))


@classifier.command("evaluate")
@_FILE
@_TEXT
@_LABEL
@click.option("--scorer", type=click.Choice(["rules", "model", "combined"]),
              help="What decides: the rules, the model, or both as ingest combines them "
                   "(default: combined when a model is trained, else rules).")
@service_errors_as_usage
def evaluate(csv_file: Path, text_column: str, label_column: str, scorer: str | None) -> None:
    """One JSON line (precision, recall, f1, n for the complaint class), then the
    confusion matrix."""
    from inbox.services import unit_of_work
    from inbox.services.classifier.active import active_scorer
    from inbox.services.classifier.evaluation import evaluate as measure
    from inbox.services.classifier.labelled_files import read_labelled

    labelled = read_labelled(csv_file, text_column, label_column)
    with unit_of_work(read_only=True) as session:
        model = active_scorer(session)
    name = scorer or ("combined" if model else "rules")
    result = measure(name, labelled.texts, labelled.labels, model)
    click.echo(_json({"scorer": name, "model": model.version if model and name != "rules"
                      else None, **result.summary()}))
    width = max(len(str(v)) for v in result.confusion().values()) + 2
    click.echo(f"{'':>16}{'complaint':>{width + 12}}{'other':>{width + 8}}  (predicted)")
    click.echo(f"{'complaint':>16}{result.true_positive:>{width + 12}}"
               f"{result.false_negative:>{width + 8}}")
    click.echo(f"{'other':>16}{result.false_positive:>{width + 12}}"
               f"{result.true_negative:>{width + 8}}")


@classifier.command("status")
def status() -> None:
    """The model in force (when, from how many labels, cross-validated figures) as JSON."""
    from inbox.services import unit_of_work
    from inbox.services.classifier.versions import status as model_status

    with unit_of_work(read_only=True) as session:
        click.echo(_json(model_status(session)))


@classifier.command("retrain")
@service_errors_as_usage
def retrain() -> None:
    """Train now from the agents' labels, whatever the cron's thresholds say."""
    from inbox.services import unit_of_work
    from inbox.services.classifier.versions import do_train_from_agents, status

    with unit_of_work() as session:
        do_train_from_agents(session)
        click.echo(_json(status(session)["model"]))
