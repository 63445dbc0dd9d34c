"""`laydraft draft`: one abstract in, one queued draft out."""

from __future__ import annotations

import click

from ..config import API_KEY_ENV, Settings
from ..drafting.structured import base_messages
from ..errors import LaydraftError, UsageError
from ..ingest import read_abstract
from ..models import Abstract
from ..prompts import render_draft_prompt
from ..resources import example_abstract_path
from ..tokens import estimated_cost, plan_tokens
from .app import Context, cli, echo_json, pass_context
from .identity import draft_creator
from .render import draft_text


def _offline_notice() -> None:
    click.echo(
        f"Note: drafted with the built-in offline drafter (no network). To draft with a model, "
        f"set {API_KEY_ENV}, or base_url for a local server (see the README).",
        err=True,
    )


@cli.command()
@click.argument("source", required=False, metavar="[FILE | -]")
@click.option("--example", is_flag=True, help="Draft the example abstract shipped with laydraft.")
@click.option("--pmid", default=None, help="Fetch this PubMed record from NCBI (needs network).")
@click.option("--doi", default=None, help="Fetch the PubMed record with this DOI (needs network).")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
@click.option("--no-queue", is_flag=True, help="Only print the draft; do not queue it.")
@click.option("--drafter", type=click.Choice(["auto", "openai", "offline"]), default=None,
              help="Force a drafter (default from config: auto).")
@click.option("--model", default=None, help="Model name for this draft.")
@click.option("--dry-run", is_flag=True,
              help="Show the prompt's token count and the most it may cost; send nothing.")
@click.option("--no-cache", is_flag=True,
              help="Ask the model again even if this abstract was drafted with these settings.")
@click.option("--again", is_flag=True,
              help="Draft even if the queue holds a draft of this abstract with the same prompt "
                   "and model (add --no-cache to ask the model again).")
@pass_context
def draft(obj: Context, source: str | None, example: bool, pmid: str | None, doi: str | None,
          as_json: bool, no_queue: bool, drafter: str | None, model: str | None, dry_run: bool,
          no_cache: bool, again: bool) -> None:
    """Draft a lay summary of one abstract and queue it for review.

    Reads FILE, or standard input when FILE is '-' (paste, then Ctrl-D).

    \b
    Examples:
      laydraft draft abstract.txt
      pbpaste | laydraft draft -
      laydraft draft --example --no-queue
      laydraft draft abstract.txt --dry-run
      laydraft draft --pmid 29768149

    Accepts pasted text, .txt/.md, PubMed or PMC XML (also .gz), MEDLINE, RIS and
    BibTeX files holding one record; use `laydraft batch` for reading lists.

    An abstract already queued with the same prompt and model is not drafted again (the
    command says which draft holds it); --again drafts it anyway.
    """
    settings = obj.settings(drafter=drafter, model=model, cache=False if no_cache else None)
    abstract = _read_source(settings, source, example, pmid, doi)
    if dry_run:
        _dry_run(settings, abstract, as_json)
        return
    store = None
    if not no_queue:
        obj.check_queue(settings)  # before the first paid call: the draft must have a home
        store = obj.store(settings)
    cache_store = store or (obj.store(settings) if settings.cache and settings.use_model()
                            else None)
    creator = draft_creator(settings, store) if store is not None else None
    core = obj.core(settings, cache_store)
    if store is not None and not again and (queued := core.queued(store, abstract)) is not None:
        _already_queued(queued, as_json)
        return
    made = core.sync.draft(abstract)
    if store is not None:
        try:
            made = store.add(made, created_by=creator)
        except LaydraftError as exc:
            exc.context["answer_kept"] = bool(made.provenance.answer_keys)
            raise
        core.settle(made)  # stored: the answer journal may let go of its answers
    if as_json:
        echo_json(made.model_dump(mode="json"))
    else:
        click.echo(draft_text(made))
        if store is None:
            click.echo("(not queued: --no-queue)")
    if store is None:
        core.settle(made)  # --no-queue: the answer was delivered, here
    if made.provenance.drafter == "offline":
        _offline_notice()


def _already_queued(draft_id: int, as_json: bool) -> None:
    if as_json:
        echo_json({"id": draft_id, "already_queued": True})
        return
    click.echo(f"Already queued as #{draft_id} (same abstract, prompt and model); nothing was "
               f"drafted. See it with `laydraft review show {draft_id}`; draft it again with "
               "--again.")


def _read_source(settings: Settings, source: str | None, example: bool, pmid: str | None,
                 doi: str | None) -> Abstract:
    """The one abstract to draft, from exactly one of FILE, --example, --pmid or --doi."""
    given = [name for name, value in (("FILE", source), ("--example", example),
                                      ("--pmid", pmid), ("--doi", doi)) if value]
    if len(given) != 1:
        raise UsageError("give exactly one of FILE, '-', --example, --pmid or --doi"
                         + (f" (got {', '.join(given)})" if given else
                            " (try: laydraft draft --example)"))
    if pmid or doi:
        from ..ingest.online import fetch_doi, fetch_pubmed  # its HTTP client: only when asked

        return fetch_pubmed(pmid) if pmid else fetch_doi(str(doi))
    path = str(example_abstract_path()) if example else str(source)
    return read_abstract(path, settings.max_input_bytes, settings.input_timeout)


def _dry_run(settings: Settings, abstract: Abstract, as_json: bool) -> None:
    """Count and price the request that `draft` would send; raises BudgetError when it cannot."""
    prompt = render_draft_prompt(settings, abstract)
    plan = plan_tokens(settings, base_messages(settings, prompt.as_openai()))
    cost = estimated_cost(settings, plan)
    if as_json:
        echo_json({"model": settings.model, "prompt_tokens": plan.prompt.tokens,
                   "exact": plan.prompt.exact, "encoding": plan.prompt.encoding,
                   "max_answer_tokens": plan.max_answer, "context_window": plan.context_window,
                   "max_tokens_per_draft": plan.budget, "estimated_cost_usd": cost})
        return
    price = "unknown (no price for this model in [prices])" if cost is None else f"${cost:.6f}"
    click.echo(f"model {settings.model} · prompt {plan.prompt.label} · answer up to "
               f"{plan.max_answer} tokens · fits {plan.context_window}-token window and "
               f"max_tokens_per_draft = {plan.budget}")
    click.echo(f"estimated cost at most {price} (prompt + the longest answer allowed; repairs "
               "and retries cost more)")
    click.echo("(dry run: nothing was sent)")
