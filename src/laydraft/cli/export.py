"""`laydraft export`: publish approved drafts as Markdown, HTML or JSON pages."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from ..errors import UsageError
from ..export import FORMATS, Format, Page, export_draft
from ..permissions import Action
from ..training import TRAINING_FORMATS, TrainingFormat, training_jsonl
from .app import Context, cli, pass_context
from .identity import acting_as

PAGE_MODE = 0o644


def _write(folder: Path, page: Page) -> Path:
    """Write atomically: a reader never sees half a page."""
    return _write_text(folder, page.filename, page.content)


def _write_text(folder: Path, filename: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".laydraft-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.chmod(tmp, PAGE_MODE)  # mkstemp makes 0600; a web server running as another user reads it
    os.replace(tmp, target)
    return target


@cli.command("export")
@click.argument("draft_ids", nargs=-1, type=int, metavar="[ID]...")
@click.option("--status", default=None, help="Export every draft in this status (e.g. approved).")
@click.option("--format", "formats", type=click.Choice(FORMATS), multiple=True,
              help=f"{', '.join(FORMATS)}; repeat for several (default md).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the pages (default: print one page to stdout).")
@click.option("--preview", is_flag=True, help="Render without publishing (any status).")
@click.option("--as", "as_name", metavar="NAME", default=None, help="Who is publishing.")
@click.option("--training", is_flag=True,
              help="Write approved drafts as JSONL learning data instead (publishes nothing).")
@click.option("--training-format", type=click.Choice(TRAINING_FORMATS), default="jsonl",
              show_default=True,
              help="With --training: jsonl records, or chat fine-tuning messages.")
@pass_context
def export_cmd(obj: Context, draft_ids: tuple[int, ...], status: str | None,
               formats: tuple[Format, ...], out_dir: str | None, preview: bool,
               as_name: str | None, training: bool, training_format: TrainingFormat) -> None:
    """Publish approved drafts as pages: headline, sections, citation, date, disclaimer.

    Exporting marks a draft published; --preview renders any draft and changes nothing.

    \b
    Examples:
      laydraft export 3 --format html > page.html
      laydraft export --status approved --format md --format html --out site/
      laydraft export 5 --preview
      laydraft export --training > approved.jsonl
      laydraft export --training --training-format chat --out training/
    """
    if training:
        if formats or status or preview:
            raise UsageError("--training writes learning data: use --training-format, not "
                             "--format, --status or --preview")
        _export_training(obj, draft_ids, training_format, out_dir)
        return
    settings = obj.settings(reviewer=as_name)
    store = obj.store(settings)
    ids = list(draft_ids) + [item.id for item in store.list(status=status)] if status else \
        list(draft_ids)
    chosen: list[Format] = list(formats) or ["md"]
    if not ids:
        raise UsageError("nothing to export: give draft ids or --status approved"
                         if not status else f"no drafts are {status}")
    if out_dir is None and (len(ids) > 1 or len(chosen) > 1):
        raise UsageError("several pages need a folder: add --out DIR")
    actor = None if preview else acting_as(settings, store, Action.publish)
    for draft_id in dict.fromkeys(ids):
        export_draft(store, draft_id, chosen, settings, actor, preview,
                     deliver=lambda pages: _deliver(pages, out_dir))


def _deliver(pages: list[Page], out_dir: str | None) -> None:
    """Print the page, or write each page into the folder, naming the files written."""
    for page in pages:
        if out_dir is None:
            click.echo(page.content, nl=False)
        else:
            click.echo(str(_write(Path(out_dir), page)))


def _export_training(obj: Context, draft_ids: tuple[int, ...], fmt: TrainingFormat,
                     out_dir: str | None) -> None:
    """Approved drafts as JSONL (``docs/stats.md``): to stdout, or ``training[-chat].jsonl``
    in the folder."""
    settings = obj.settings()
    content = training_jsonl(obj.store(settings), settings, fmt,
                             list(draft_ids) if draft_ids else None)
    if out_dir is None:
        click.echo(content, nl=False)
        return
    name = "training.jsonl" if fmt == "jsonl" else "training-chat.jsonl"
    click.echo(str(_write_text(Path(out_dir), name, content)))
