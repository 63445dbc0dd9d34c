"""`laydraft check`: run every check on any lay summary, a model's or a person's, or again on
the drafts waiting in the review queue (``--queue``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..errors import ErrorCode, UsageError
from ..models import Draft, DraftStatus, Provenance, Role, Severity
from .app import Context, cli, echo_json, pass_context
from .render import draft_text

if TYPE_CHECKING:
    from ..config import Settings
    from ..db import Store
    from ..permissions import Actor
    from ..recheck import Recheck

QUEUED_STATUSES = ("pending_review", "in_review", "changes_requested")


@cli.command()
@click.argument("abstract_file", metavar="ABSTRACT", required=False)
@click.argument("summary_file", metavar="SUMMARY", required=False)
@click.option("--queue", "queue", is_flag=True,
              help="Re-run the current checks on the drafts waiting in the review queue and "
              "store their new findings, instead of checking files.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(QUEUED_STATUSES),
              help="With --queue: only drafts with this status (repeatable; default: all "
              "three).")
@click.option("--as", "as_name", metavar="NAME", default=None,
              help="With --queue: who re-checks (recorded in each draft's log).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_context
def check(obj: Context, abstract_file: str | None, summary_file: str | None, queue: bool,
          statuses: tuple[str, ...], as_name: str | None, as_json: bool) -> None:
    """Check a lay summary against its abstract; exit 1 when a finding is an error.

    SUMMARY is Markdown with one heading per section (Headline, What was found, Why it
    matters, Limitations) or plain text: a short first paragraph as the headline, then one
    paragraph per section. Nothing is queued.

    With --queue, re-run the current checks on every draft waiting for review (or those with
    --status), store the new findings with the checks' version, and print what changed per
    draft; each change is recorded in the draft's log. Dismissed findings stay dismissed.

    \b
    Example:
      laydraft check abstract.txt my-summary.md
      laydraft check abstract.xml summary.txt --json
      laydraft check --queue --status pending_review
    """
    if queue:
        if abstract_file or summary_file:
            raise UsageError("--queue re-checks the queued drafts: give no files with it",
                             code=ErrorCode.USAGE)
        _recheck_queue(obj, statuses, as_name, as_json)
        return
    if statuses or as_name:
        raise UsageError("--status and --as go with --queue", code=ErrorCode.USAGE)
    if not (abstract_file and summary_file):
        raise click.UsageError("give ABSTRACT and SUMMARY files, or --queue")
    _check_files(obj, abstract_file, summary_file, as_json)


def _check_files(obj: Context, abstract_file: str, summary_file: str, as_json: bool) -> None:
    from ..core import check_summary
    from ..ingest import read_abstract
    from ..ingest.handwritten import read_summary
    from ..ingest.reader import read_text

    settings = obj.settings()
    abstract = read_abstract(abstract_file, settings.max_input_bytes, settings.input_timeout)
    summary = read_summary(read_text(summary_file, settings.max_input_bytes,
                                     settings.input_timeout))
    findings = check_summary(settings, abstract, summary)
    errors = sum(f.severity is Severity.error for f in findings)
    if as_json:
        echo_json({"errors": errors, "findings": [f.model_dump(mode="json") for f in findings]})
    else:
        shown = Draft(abstract=abstract, summary=summary, findings=findings,
                      provenance=Provenance(drafter="person", prompt_fingerprint="-"))
        click.echo(draft_text(shown).rsplit("\n\n", 1)[0])
        click.echo(f"\n{errors} error(s), {len(findings) - errors} other finding(s)")
    sys.exit(1 if errors else 0)


def _rechecker(settings: Settings, store: Store) -> Actor:
    """Who re-checks: a known reviewer on a shared queue; else the configured name or laydraft."""
    from ..permissions import Action, Actor
    from ..review import SYSTEM_ACTOR
    from .identity import acting_as

    if settings.is_shared_queue():
        return acting_as(settings, store, Action.recheck)
    return Actor(settings.reviewer.strip() or SYSTEM_ACTOR, Role.admin)


def _recheck_queue(obj: Context, statuses: tuple[str, ...], as_name: str | None,
                   as_json: bool) -> None:
    from ..core import checks_version
    from ..recheck import recheck_queue

    settings = obj.settings(reviewer=as_name)
    store = obj.store(settings)
    results = recheck_queue(store, settings, _rechecker(settings, store),
                            [DraftStatus(s) for s in statuses] or None)
    if as_json:
        echo_json({"checks_version": checks_version(),
                   "drafts": [r.model_dump(mode="json") for r in results]})
        return
    click.echo(recheck_text(results, checks_version()))


def recheck_text(results: list[Recheck], version: int) -> str:
    """Per draft what the re-check changed, then one line of totals."""
    if not results:
        return "No drafts are waiting in the queue; nothing was re-checked."
    lines = []
    for r in results:
        title = f" {r.title if len(r.title) <= 60 else r.title[:57] + '…'}" if r.title else ""
        if r.skipped:
            lines.append(f"draft #{r.draft_id} v{r.version}{title}: skipped ({r.skipped})")
        elif r.changed:
            lines.append(f"draft #{r.draft_id} v{r.version}{title}: {len(r.added)} added, "
                         f"{len(r.removed)} gone")
            lines += [f"  {line}" for line in r.lines]
        else:
            lines.append(f"draft #{r.draft_id} v{r.version}{title}: unchanged")
    changed = sum(r.changed for r in results)
    lines.append(f"Re-checked {len(results)} draft{'s' if len(results) != 1 else ''} with "
                 f"checks version {version}: {changed} changed.")
    return "\n".join(lines)
