"""`laydraft queue`: look at the review queue."""

from __future__ import annotations

import click

from .app import Context, cli, echo_json, pass_context
from .render import draft_text, queue_table


@cli.group()
def queue() -> None:
    """Look at the review queue.

    \b
    Examples:
      laydraft queue list --status pending_review
      laydraft queue show 3
    """


@queue.command("list")
@click.option("--status", default=None, help="Only drafts in this status.")
@click.option("--reviewer", default=None, help="Only drafts claimed by this reviewer.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@pass_context
def queue_list(obj: Context, status: str | None, reviewer: str | None, as_json: bool) -> None:
    """List drafts, oldest first.

    \b
    Example:
      laydraft queue list --status pending_review --json
    """
    items = obj.store().list(status=status, reviewer=reviewer)
    if as_json:
        echo_json([item.model_dump(mode="json") for item in items])
    else:
        click.echo(queue_table(items))


@queue.command("show")
@click.argument("draft_id", type=int)
@click.option("--version", "version", type=int, default=None, help="Show an earlier version.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
@pass_context
def queue_show(obj: Context, draft_id: int, version: int | None, as_json: bool) -> None:
    """Show one draft with its findings.

    \b
    Example:
      laydraft queue show 3 --json
    """
    store = obj.store()
    shown = store.get(draft_id, version)
    if as_json:
        echo_json(shown.model_dump(mode="json"))
    else:
        from .review import dismissal_marks, override_lines

        dismissals = store.dismissals(draft_id)
        click.echo("\n".join([draft_text(shown, dismissal_marks(shown, dismissals)),
                              *override_lines(shown, [d for d in dismissals if d.approval])]))
