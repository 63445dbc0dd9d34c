"""`laydraft check`: run every check on any lay summary, a model's or a person's."""

from __future__ import annotations

import sys

import click

from ..core import check_summary
from ..ingest import read_abstract
from ..ingest.handwritten import read_summary
from ..ingest.reader import read_text
from ..models import Draft, Provenance, Severity
from .app import Context, cli, echo_json, pass_context
from .render import draft_text


@cli.command()
@click.argument("abstract_file", metavar="ABSTRACT")
@click.argument("summary_file", metavar="SUMMARY")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_context
def check(obj: Context, abstract_file: str, summary_file: str, as_json: bool) -> None:
    """Check a lay summary against its abstract; exit 1 when a finding is an error.

    SUMMARY is Markdown with one heading per section (Headline, What was found, Why it
    matters, Limitations) or plain text: a short first paragraph as the headline, then one
    paragraph per section. Nothing is queued.

    \b
    Example:
      laydraft check abstract.txt my-summary.md
      laydraft check abstract.xml summary.txt --json
    """
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

