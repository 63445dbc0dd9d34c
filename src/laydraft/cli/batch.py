"""`laydraft batch`: draft a whole reading list at the API's rate limits, or via the Batch API."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from ..batch.progress import LiveProgress, estimate_table, problems_table, summary_table
from ..batch.runner import BatchRunner, BatchSummary, prompt_fingerprint
from ..batch.state import BatchState, ItemKey, model_label
from ..config import Settings, user_data_dir
from ..errors import BatchAPIError, LaydraftError, RecordError, UsageError
from ..ingest import KnownRecord, Source, iter_records, open_input
from ..models import Abstract
from .app import Context, cli, echo_json, pass_context
from .identity import draft_creator

if TYPE_CHECKING:
    from ..batch import batch_api
    from ..drafting.limiter import RateLimiter
    from ..drafting.provider import ModelProvider


class DefaultRunGroup(click.Group):
    """`laydraft batch LIST` means `laydraft batch run LIST`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=DefaultRunGroup)
def batch() -> None:
    """Draft every record of a reading list, resumably, at the API's rate limits.

    `laydraft batch LIST` is short for `laydraft batch run LIST`.

    \b
    Examples:
      laydraft batch reading-list.ris --dry-run
      laydraft batch reading-list.ris
      laydraft batch reading-list.ris --via batch-api && laydraft batch collect
    """


def _count(source: Source, settings: Settings) -> int:
    return sum(1 for _ in iter_records(source, settings.max_input_bytes))


async def _run(runner: BatchRunner, records: Iterator[Abstract | RecordError | KnownRecord],
               path: str) -> BatchSummary:
    try:
        return await runner.run(records, path)
    finally:
        await runner.core.aclose()


def _print_summary(summary: BatchSummary, as_json: bool) -> None:
    if as_json:
        echo_json(summary.as_dict())
        return
    console = Console()
    console.print(summary_table(summary))
    problems = problems_table(summary)
    if problems is not None:
        console.print(problems)
        if summary.failed:
            console.print("Failed records are skipped next time; re-run them with "
                          "--retry-failed.")


def _end(runner: BatchRunner, summary: BatchSummary, as_json: bool) -> None:
    """Print the summary (every ending), one line on stderr saying why the run stopped, exit."""
    from .messages import cli_message

    _print_summary(summary, as_json)
    left = summary.left_for_next_run
    later = (f"; {left} record{'s' if left != 1 else ''} left for the next run: run the same "
             "command again to continue") if left else ""
    if summary.status == "interrupted":
        click.echo(f"laydraft: interrupted: batch run {summary.run_id} stopped after drafting "
                   f"{summary.drafted}{later or '; run the same command again to continue'}",
                   err=True)
    elif runner.stop is not None:
        click.echo(f"laydraft: error: {cli_message(runner.stop)}{later}", err=True)
    if summary.exit_status:
        sys.exit(summary.exit_status)


def _name_flags(limiter: RateLimiter, rpm: int | None, tpm: int | None) -> None:
    """A limit given on the command line says so (the settings cannot tell a flag apart)."""
    if rpm:
        limiter.requests.source = "--rpm"
    if tpm:
        limiter.tokens.source = "--tpm"


def _not_started(exc: LaydraftError, path: str, as_json: bool) -> None:
    """--json prints a document even when the list cannot be read (then the error's one line)."""
    if as_json:
        echo_json({"list_path": path, "status": "failed", "stopped": str(exc),
                   "error_code": str(exc.code), "exit_status": exc.exit_code, "records": 0,
                   "drafted": 0, "failed": 0})


def _dry_run(obj: Context, settings: Settings, path: str, as_json: bool,
             source: Source) -> None:
    from ..batch.estimate import estimate  # the dry run's token counts: only for it

    state = BatchState(obj.store(settings))
    fingerprint = prompt_fingerprint(settings)
    model = model_label("openai" if settings.use_model() else "offline", settings.model)
    result = estimate(
        settings, iter_records(source, settings.max_input_bytes),
        drafted=lambda a: state.drafted(ItemKey(a.stable_key(), fingerprint, model)) is not None,
        batch_discount=settings.batch_api_discount,
    )
    if as_json:
        echo_json({"list": path, "model": settings.model, **result.as_dict()})
        return
    Console().print(estimate_table(result, settings.model))
    for bad in result.bad_records:
        click.echo(f"bad record: {bad['source']}: {bad['reason']}")


@batch.command("run")
@click.argument("list_path", metavar="LIST", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Count records, tokens and cost; send nothing.")
@click.option("--via", type=click.Choice(["sync", "batch-api"]), default="sync",
              show_default=True, help="Draft now, or submit to the Batch API (half price, 24h).")
@click.option("--retry-failed", is_flag=True, help="Draft records that failed before, too.")
@click.option("--rpm", type=click.IntRange(min=1), default=None,
              help="Requests per minute to stay under (config: rpm).")
@click.option("--tpm", type=click.IntRange(min=1), default=None,
              help="Tokens per minute to stay under (config: tpm).")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Cap on records in flight; below it the number follows the rate limit "
                   "and the server's latency (config: concurrency, default 256).")
@click.option("--drafter", type=click.Choice(["auto", "openai", "offline"]), default=None,
              help="Force a drafter (default from config: auto).")
@click.option("--model", default=None, help="Model name for this run.")
@click.option("--out-dir", type=click.Path(file_okay=False), default=None,
              help="Where --via batch-api writes its JSONL files (default: user data folder).")
@click.option("--no-cache", is_flag=True,
              help="Ask the model again even for records it answered before with these settings.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def run_cmd(obj: Context, list_path: str, dry_run: bool, via: str, retry_failed: bool,
            rpm: int | None, tpm: int | None, concurrency: int | None, drafter: str | None,
            model: str | None, out_dir: str | None, no_cache: bool, as_json: bool) -> None:
    """Draft every record of LIST, check each draft and queue it for review.

    Any reading list laydraft reads works. Re-running the same command skips records
    already drafted with the same prompt and model, so an interrupted run just continues.

    \b
    Examples:
      laydraft batch papers.ris --dry-run
      laydraft batch papers.ris --rpm 500 --tpm 200000 --concurrency 32
      laydraft batch papers.ris --retry-failed --json
      laydraft batch papers.ris --via batch-api
    """
    settings = obj.settings(drafter=drafter, model=model, rpm=rpm, tpm=tpm,
                            concurrency=concurrency, cache=False if no_cache else None)
    try:
        source = open_input(list_path, settings.max_input_bytes, settings.input_timeout)  # once
    except LaydraftError as exc:
        _not_started(exc, list_path, as_json and via == "sync" and not dry_run)
        raise
    if dry_run:
        _dry_run(obj, settings, list_path, as_json, source)
        return
    try:
        obj.check_queue(settings)  # before the first paid call: a queue that cannot take drafts
        draft_creator(settings, obj.store(settings))  # a shared queue drafts only as a known user
    except LaydraftError as exc:
        _not_started(exc, list_path, as_json and via == "sync")
        raise
    if via == "batch-api":
        _submit(obj, settings, list_path, retry_failed, out_dir, as_json, source)
        return
    with LiveProgress() as progress:
        try:  # the list, the queue and the model client are checked before the run starts
            provider = (obj.provider(settings, rate_limited=True) if settings.use_model()
                        else None)
            store = obj.store(settings)
            runner = BatchRunner(settings, store, obj.core(settings, store, provider),
                                 concurrency=settings.concurrency, retry_failed=retry_failed,
                                 stats=provider.stats if provider else None, on_change=progress,
                                 gate=provider.gate if provider else None,
                                 limiter=provider.limiter if provider else None)
            if provider is not None and provider.limiter is not None:
                _name_flags(provider.limiter, rpm, tpm)
            if progress.enabled:
                runner.tally.total = _count(source, settings)
            records = iter_records(source, settings.max_input_bytes,  # parses it: off the loop
                                   skip=runner.known_reason)  # a drafted record is not built
        except LaydraftError as exc:
            _not_started(exc, list_path, as_json)
            raise
        try:
            summary = asyncio.run(_run(runner, records, list_path))
        except KeyboardInterrupt:  # the runner closed its row as interrupted, if it had begun
            runner.interrupted = True
            summary = runner.result or runner.summary(list_path)
    _end(runner, summary, as_json)


def _submit(obj: Context, settings: Settings, path: str, retry_failed: bool,
            out_dir: str | None, as_json: bool, source: Source) -> None:
    """Submit the records that need drafting; the run row ends finished, failed or interrupted.

    Jobs created before a failing upload or create stay submitted and are reported (with
    ``--json`` too) before the error; the rest are left for the next run, which submits them.
    """
    from ..batch import batch_api  # the openai SDK: loaded only for the Batch API
    if not settings.use_model():
        raise UsageError("--via batch-api needs the OpenAI API: set OPENAI_API_KEY "
                         "(the offline drafter has no Batch API)")
    provider = obj.provider(settings)
    runner = BatchRunner(settings, obj.store(settings), obj.core(settings, provider=provider),
                         retry_failed=retry_failed)
    state = runner.state
    run_id = runner.run_id = state.start_run(path, "batch-api", "openai", runner.model,
                                             runner.fingerprint)
    folder = Path(out_dir).expanduser() if out_dir else user_data_dir() / "batches"
    jobs: list[dict[str, Any]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        wanted = ((runner.key(a), a) for a in runner.pending(
            iter_records(source, settings.max_input_bytes, skip=runner.known_reason)))
        batch_api.submit(settings, provider.batch_client(), state, run_id, wanted, folder, path,
                         sleep=provider.sleep, jobs=jobs)
    except BaseException as exc:
        ended = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        summary = runner.summary(path)
        state.finish_run(run_id, ended, {**summary.as_dict(), "jobs": jobs,
                                         "error": str(exc) or ended})
        _report_submitted(run_id, summary, jobs, as_json, ended)  # the error line follows
        raise
    summary = runner.summary(path)
    state.finish_run(run_id, "finished", {**summary.as_dict(), "jobs": jobs})
    _report_submitted(run_id, summary, jobs, as_json, "finished")


def _report_submitted(run_id: int, summary: BatchSummary, jobs: list[dict[str, Any]],
                      as_json: bool, ended: str) -> None:
    """What a submit did, however it ended: the jobs created so far and the bad records."""
    if as_json:
        echo_json({"run_id": run_id, "status": ended, "jobs": jobs, "records": summary.records,
                   "bad": summary.bad, "skipped": summary.skipped,
                   "bad_records": summary.bad_records})
        return
    _print_submitted(jobs)
    if ended != "finished":
        return
    if not jobs:
        click.echo("nothing to submit: every record is drafted, waiting or failed before")
    for bad in summary.bad_records:
        click.echo(f"bad record: {bad['source']}: {bad['reason']}")
    click.echo("Check with `laydraft batch status`; queue the answers with `laydraft batch collect`.")


def _print_submitted(jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        click.echo(f"submitted {job['requests']} requests as {job['id']} ({job['status']})")


def _jobs_table(jobs: list[dict[str, Any]]) -> Table:
    table = Table(title="Batch API jobs")
    for column in ("id", "status", "total", "completed", "failed", "collected"):
        table.add_column(column)
    for job in jobs:
        table.add_row(*("?" if job[c] is None else str(job[c])
                        for c in ("id", "status", "total", "completed", "failed", "collected")))
    return table


def _batch_provider(obj: Context, settings: Settings) -> ModelProvider:
    return obj.provider(settings)


@batch.command("status")
@click.argument("batch_id", required=False, metavar="[ID]")
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
@pass_context
def status_cmd(obj: Context, batch_id: str | None, as_json: bool) -> None:
    """Ask the API how the Batch API jobs are doing (all not yet collected, or ID).

    \b
    Example:
      laydraft batch status
      laydraft batch status batch_6780bb2f8f6c8190a6c0abfb8502bba6 --json
    """
    from ..batch import batch_api  # the openai SDK: loaded only for the Batch API
    settings = obj.settings()
    state = BatchState(obj.store(settings))
    for run_id in state.close_dead_runs():
        click.echo(f"batch run {run_id} was left running by a process that is gone: marked "
                   "interrupted", err=True)
    provider = _batch_provider(obj, settings)
    failures: list[BatchAPIError] = []
    jobs = batch_api.refresh(settings, provider.batch_client(), state, batch_id,
                             sleep=provider.sleep, failures=failures)
    if as_json:
        echo_json(jobs)
    elif not jobs:
        click.echo("no Batch API jobs waiting to be collected")
    else:
        Console().print(_jobs_table(jobs))
        for job in jobs:
            for reason in job["errors"][:5]:
                click.echo(f"  {job['id']} failed: {reason}")
    if failures:
        raise failures[0]


@batch.command("collect")
@click.argument("batch_id", required=False, metavar="[ID]")
@click.option("--json", "as_json", is_flag=True, help="Print what was collected as JSON.")
@pass_context
def collect_cmd(obj: Context, batch_id: str | None, as_json: bool) -> None:
    """Queue the answers of finished Batch API jobs (all not yet collected, or ID).

    Answers are checked as a direct draft would be; refused, cut-off or invalid answers,
    error-file lines and requests an expired, failed or cancelled batch never answered are
    stored as failed, for --retry-failed. Collecting again queues nothing twice. Exits 1 when
    any record failed or a job could not be polled or downloaded.

    \b
    Example:
      laydraft batch collect
      laydraft batch collect batch_6780bb2f8f6c8190a6c0abfb8502bba6 --json
    """
    from ..batch import batch_api  # the openai SDK: loaded only for the Batch API
    settings = obj.settings()
    store = obj.store(settings)
    draft_creator(settings, store)  # a shared queue drafts only as a known user
    provider = _batch_provider(obj, settings)
    failures: list[BatchAPIError] = []
    results = batch_api.collect(settings, provider.batch_client(), store, BatchState(store),
                                batch_id, discount=settings.batch_api_discount,
                                core=obj.core(settings), sleep=provider.sleep,
                                failures=failures)
    if as_json:
        echo_json([r.__dict__ for r in results])
    else:
        _print_collected(results)
    if failures:
        raise failures[0]
    if any(r.failed for r in results):
        raise click.exceptions.Exit(1)  # some records failed: listed above, for --retry-failed


def _print_collected(results: list[batch_api.Collected]) -> None:
    from ..batch import batch_api

    if not results:
        click.echo("no Batch API jobs waiting to be collected")
    failed = False
    for r in results:
        if r.error:
            continue  # the error line follows, once
        if r.status not in batch_api.FINISHED:
            click.echo(f"{r.batch_id}: still {r.status}; collect again later")
            continue
        ended = "" if r.status == "completed" else " (the batch ended before every answer)"
        click.echo(f"{r.batch_id}: {r.status}{ended}; queued {r.drafted}, failed {r.failed}, "
                   f"already queued {r.already}, cost ${r.cost_usd:.4f} (Batch API price)")
        for reason in r.batch_errors[:5]:
            click.echo(f"  batch failed: {reason}")
        for f in r.failures:
            click.echo(f"  failed: {f['source'] or f['record_key']}: {f['reason']}: {f['detail']}")
        failed = failed or bool(r.failed)
    if failed:
        click.echo("Failed records are submitted again with "
                   "`laydraft batch LIST --via batch-api --retry-failed`.")
