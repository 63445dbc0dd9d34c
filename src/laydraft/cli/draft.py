"""`laydraft draft`: one abstract in, one queued draft out."""

from __future__ import annotations

import click

from ..config import API_KEY_ENV
from ..drafting import make_drafter
from ..errors import UsageError
from ..ingest import read_abstract
from ..pipeline import draft_abstract
from ..render import draft_text
from ..resources import example_abstract_path
from .app import Context, cli, echo_json, pass_context


def _offline_notice() -> None:
    click.echo(
        f"Note: drafted with the built-in offline drafter (no network). To draft with a model, "
        f"set {API_KEY_ENV}, or base_url for a local server (see the README).",
        err=True,
    )


@cli.command()
@click.argument("source", required=False, metavar="[FILE | -]")
@click.option("--example", is_flag=True, help="Draft the example abstract shipped with laydraft.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
@click.option("--no-queue", is_flag=True, help="Only print the draft; do not queue it.")
@click.option("--drafter", type=click.Choice(["auto", "openai", "offline"]), default=None,
              help="Force a drafter (default from config: auto).")
@click.option("--model", default=None, help="Model name for this draft.")
@pass_context
def draft(obj: Context, source: str | None, example: bool, as_json: bool, no_queue: bool,
          drafter: str | None, model: str | None) -> None:
    """Draft a lay summary of one abstract and queue it for review.

    Reads FILE, or standard input when FILE is '-' (paste, then Ctrl-D).

    \b
    Examples:
      laydraft draft abstract.txt
      pbpaste | laydraft draft -
      laydraft draft --example --no-queue
    """
    settings = obj.settings(drafter=drafter, model=model)
    if example:
        source = str(example_abstract_path())
    if source is None:
        raise UsageError("give a file to draft, or '-' to read standard input "
                         "(try: laydraft draft --example)")
    abstract = read_abstract(source, settings.max_input_bytes)
    store = None if no_queue else obj.store(settings)
    made = draft_abstract(settings, abstract, make_drafter(settings))
    if store is not None:
        made = store.add(made)
    if as_json:
        echo_json(made.model_dump(mode="json"))
    else:
        click.echo(draft_text(made))
        if store is None:
            click.echo("(not queued: --no-queue)")
    if made.provenance.drafter == "offline":
        _offline_notice()
