"""`laydraft queue`: look at the review queue."""

from __future__ import annotations

import click

from ..errors import ErrorCode, UsageError
from ..models import DraftStatus
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


DEFAULT_LIMIT = 50


@queue.command("list")
@click.option("--status", default=None, metavar="STATUS",
              help=f"Only drafts in this status ({', '.join(s.value for s in DraftStatus)}).")
@click.option("--reviewer", default=None, help="Only drafts claimed by this reviewer.")
@click.option("--search", default=None, metavar="TEXT",
              help="Only drafts whose title, headline, DOI or PMID contains TEXT (any case).")
@click.option("--limit", "limit_text", default=str(DEFAULT_LIMIT), show_default=True,
              metavar="N", help="Show at most N drafts.")
@click.option("--offset", "offset_text", default="0", show_default=True, metavar="N",
              help="Skip the first N drafts (to see the next page).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@pass_context
def queue_list(obj: Context, status: str | None, reviewer: str | None, search: str | None,
               limit_text: str, offset_text: str, as_json: bool) -> None:
    """List drafts, oldest first, a page at a time.

    \b
    Examples:
      laydraft queue list --status pending_review --json
      laydraft queue list --search sleep --limit 20 --offset 20
    """
    status = _status(status)
    limit = _whole_number("--limit", limit_text, minimum=1)
    offset = _whole_number("--offset", offset_text, minimum=0)
    search = (search or "").strip() or None
    store = obj.store()
    items = store.list(status=status, reviewer=reviewer, search=search, limit=limit,
                       offset=offset)
    total = store.count(status=status, reviewer=reviewer, search=search)
    footer = page_footer(offset, len(items), total)
    if as_json:
        echo_json([item.model_dump(mode="json") for item in items])
        if footer:  # standard output stays the JSON a script reads
            click.echo(footer, err=True)
        return
    if items:
        click.echo(queue_table(items))
    elif total:
        click.echo(f"Nothing at --offset {offset}: there are only {total}; try --offset 0.")
    elif status or reviewer or search:
        click.echo("No drafts match.")
    else:
        click.echo(queue_table(items))
    if footer:
        click.echo(footer)


def page_footer(offset: int, shown: int, total: int) -> str:
    """"showing 21-40 of 312; next: --offset 40" when the page is not the whole list."""
    if shown == 0 or (offset == 0 and shown == total):
        return ""
    line = f"showing {offset + 1}-{offset + shown} of {total}"
    if offset + shown < total:
        line += f"; next: --offset {offset + shown}"
    return line


def _status(text: str | None) -> str | None:
    if not text:
        return None
    known = [s.value for s in DraftStatus]
    if text.strip().lower() not in known:
        raise UsageError(f"--status {text!r} is not a status; use one of: {', '.join(known)}",
                         code=ErrorCode.USAGE)
    return text.strip().lower()


def _whole_number(option: str, text: str, minimum: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise UsageError(f"{option} {text!r} is not a whole number of {minimum} or more",
                         code=ErrorCode.USAGE)
    return value


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
