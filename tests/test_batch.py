"""`laydraft batch`: a whole reading list, resumable, with failures kept and rate limits obeyed."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from blockbuster import BlockingError
from click.testing import CliRunner

from cli_processes import RUN_SLOW_CLI, laydraft_process
from conftest import FIXTURES
from laydraft.batch.runner import BatchRunner
from laydraft.batch.state import BatchState
from laydraft.cli import cli
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.drafting.limiter import RateLimiter
from laydraft.drafting.offline import OfflineDrafter
from laydraft.drafting.testing import FakeModel
from laydraft.errors import DraftFailed, RecordError
from laydraft.models import Abstract, LaySummary
from laydraft.prompts import RenderedPrompt
from replay import Cassette, replay_provider

LIST_200 = FIXTURES / "lists" / "ms_200.jsonl"  # 200 records + 2 without an abstract
LIST_3 = FIXTURES / "lists" / "ms_3.jsonl"  # 3 records + 1 without an abstract
EXAMPLE = (FIXTURES / "abstracts" / "example.txt").read_text().strip()


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def queued_keys(settings: Settings) -> list[str]:
    with Store(settings.database_url()) as store:
        return [store.get(item.id).abstract.stable_key() for item in store.list()]


def list_keys(path: Path) -> set[str]:
    keys = set()
    for line in path.read_text().splitlines():
        data = json.loads(line)
        if "abstract" in data:
            keys.add("doi:" + data["doi"].lower())
    return keys


# -- the CLI on the offline drafter --------------------------------------------------------------


def test_dry_run_counts_records_tokens_and_both_prices_and_sends_nothing() -> None:
    code, output = run_cli("batch", str(LIST_200), "--dry-run", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert (data["records"], data["bad"], data["to_draft"]) == (202, 2, 200)
    assert data["prompt_tokens"] > 200 * 300 and data["answer_tokens"] > 0
    assert data["batch_api_cost_usd"] == pytest.approx(data["cost_usd"] * 0.5, rel=1e-3)
    with Store(load_settings().database_url()) as store:
        assert store.count() == 0


def test_dry_run_table_names_the_bad_records() -> None:
    code, output = run_cli("batch", str(LIST_3), "--dry-run")
    assert code == 0, output
    assert "Batch API price" in output and "to draft" in output
    assert "record 3" in output and "no 'abstract'" in output


def test_a_bad_record_is_reported_and_skipped_and_the_rest_are_queued(no_blocking: object) -> None:
    code, output = run_cli("batch", str(LIST_3), "--json")
    assert code == 0, output
    summary = json.loads(output)
    assert (summary["drafted"], summary["bad"], summary["failed"]) == (3, 1, 0)
    assert "record 3" in summary["bad_records"][0]["source"]
    assert sorted(queued_keys(load_settings())) == sorted(list_keys(LIST_3))


def test_rerun_skips_what_is_drafted_and_makes_no_call(no_blocking: object) -> None:
    assert run_cli("batch", str(LIST_3))[0] == 0
    code, output = run_cli("batch", str(LIST_3), "--json")
    summary = json.loads(output)
    assert (summary["drafted"], summary["skipped"]) == (0, 3)
    assert summary["skipped_reasons"] == {"already drafted": 3}
    assert len(queued_keys(load_settings())) == 3


def test_summary_table_is_printed_without_a_terminal(no_blocking: object) -> None:
    code, output = run_cli("batch", str(LIST_3))
    assert code == 0
    assert "drafted and queued" in output and "records not drafted" in output


def test_resume_after_sigkill_finishes_with_no_duplicates_and_nothing_lost(store: Store) -> None:
    proc = laydraft_process("batch", str(LIST_200), "--concurrency", "4", code=RUN_SLOW_CLI)
    deadline = time.monotonic() + 60
    while store.count() < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    interrupted = store.count()
    assert 0 < interrupted < 200, "the kill should land mid-run"

    rerun = laydraft_process("batch", str(LIST_200), "--json")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    summary = json.loads(out)
    assert summary["drafted"] == 200 - interrupted
    assert summary["skipped"] == interrupted and summary["bad"] == 2
    keys = queued_keys(load_settings())
    assert len(keys) == len(set(keys)) == 200
    assert set(keys) == list_keys(LIST_200)


# -- the runner with a failing drafter --------------------------------------------------------------


def flaky(settings: Settings, fail: bool = True) -> DraftingCore:
    """A core whose model writes offline drafts, except that records whose title ends in (1)
    are refused."""
    offline = OfflineDrafter(settings)

    def answer(abstract: Abstract, prompt: RenderedPrompt) -> LaySummary | DraftFailed:
        if fail and (abstract.title or "").endswith("(1)"):
            return DraftFailed("the model refused to summarise this abstract", reason="refused")
        return offline.summarise(abstract)

    return DraftingCore(settings, model=FakeModel(default=answer, model=settings.model))


def iter_list(path: Path) -> Iterator[Abstract | RecordError]:
    from laydraft.ingest import iter_records

    return iter_records(path, 10**6)


def records(count: int) -> list[Abstract | RecordError]:
    return list(iter_list(LIST_3))[:count]


def test_a_failed_record_is_stored_with_its_reason_and_the_run_goes_on(
        no_blocking: object, store: Store) -> None:
    settings = load_settings()
    runner = BatchRunner(settings, store, flaky(settings))
    summary = asyncio.run(runner.run(records(4), "list"))
    assert (summary.drafted, summary.failed, summary.bad) == (2, 1, 1)
    assert summary.failures[0]["reason"] == "refused"
    assert [f.reason for f in BatchState(store).failures()] == ["refused"]

    again = asyncio.run(BatchRunner(settings, store, flaky(settings, fail=False))
                        .run(records(4), "list"))
    assert (again.drafted, again.skipped) == (0, 3)
    assert again.skipped_reasons["failed before (use --retry-failed)"] == 1

    retried = asyncio.run(BatchRunner(settings, store, flaky(settings, fail=False),
                                      retry_failed=True).run(records(4), "list"))
    assert (retried.drafted, retried.skipped) == (1, 2)
    assert store.count() == 3 and BatchState(store).failures() == []


def test_neither_a_first_run_nor_a_rerun_asks_the_queue_record_by_record(
        no_blocking: object, store: Store) -> None:
    """The skip check reads what the queue holds once a run: a new record, a drafted one and
    a failed one need no query of their own; a failed one retried is looked at row by row."""
    asked: list[str] = []
    for name in ("queued_draft", "batch_item"):
        method = getattr(store, name)
        setattr(store, name, lambda key, name=name, method=method: (asked.append(name),
                                                                    method(key))[1])
    settings = load_settings()
    first = asyncio.run(BatchRunner(settings, store, flaky(settings)).run(records(4), "list"))
    assert (first.drafted, first.failed, asked) == (2, 1, [])

    again = asyncio.run(BatchRunner(settings, store, flaky(settings, fail=False))
                        .run(records(4), "list"))
    assert (again.drafted, again.skipped, asked) == (0, 3, [])
    assert again.skipped_reasons == {"already drafted": 2,
                                     "failed before (use --retry-failed)": 1}

    retried = asyncio.run(BatchRunner(settings, store, flaky(settings, fail=False),
                                      retry_failed=True).run(records(4), "list"))
    assert (retried.drafted, retried.skipped) == (1, 2)
    assert asked == ["queued_draft", "batch_item"]


def test_a_rerun_builds_no_abstract_for_records_it_skips_by_their_key(
        no_blocking: object, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from laydraft.ingest import iter_records, reader

    settings = load_settings(overrides={"drafter": "offline"})
    first = BatchRunner(settings, store, DraftingCore(settings))
    assert asyncio.run(first.run(iter_records(LIST_3, 10**6, skip=first.known_reason),
                                 "list")).drafted == 3
    built: list[object] = []
    real = reader.build_abstract
    monkeypatch.setattr(reader, "build_abstract",
                        lambda *args: built.append(args) or real(*args))
    again = BatchRunner(settings, store, DraftingCore(settings))
    summary = asyncio.run(again.run(iter_records(LIST_3, 10**6, skip=again.known_reason),
                                    "list"))
    assert (summary.drafted, summary.skipped, summary.bad) == (0, 3, 1)
    assert summary.skipped_reasons == {"already drafted": 3}
    assert len(built) == 1  # only the record without an abstract, which has no key to skip by


# -- the runner through the SDK, the limiter and a recorded 429 --------------------------------------


def test_the_guard_catches_blocking_io_on_the_event_loop(no_blocking: object) -> None:
    async def reads_a_file_on_the_loop() -> str:
        return LIST_3.read_text()

    async def reads_it_in_a_thread() -> str:
        return await asyncio.to_thread(LIST_3.read_text)

    with pytest.raises(BlockingError):
        asyncio.run(reads_a_file_on_the_loop())
    assert asyncio.run(reads_it_in_a_thread())


def test_the_offline_drafter_runs_off_the_event_loop(no_blocking: object, store: Store) -> None:
    settings = load_settings(overrides={"drafter": "offline"})
    summary = asyncio.run(BatchRunner(settings, store, DraftingCore(settings)).run(
        iter_list(LIST_3), "list"))
    assert (summary.drafted, summary.bad, summary.drafter) == (3, 1, "offline")
    assert store.count() == 3


def test_a_429_is_retried_after_the_asked_wait_and_teaches_the_limiter(
    api_key: str, cassette: Callable[[str], Cassette], no_blocking: object, store: Store
) -> None:
    settings = load_settings(overrides={"drafter": "openai"})
    limiter, waits = RateLimiter(), []
    provider = replay_provider(settings, cassette("openai/rate_limited_then_success"), waits,
                               limiter=limiter)
    core = DraftingCore(settings, provider=provider)
    abstract = Abstract(text=EXAMPLE, title="Sleep quality and relapse activity in MS")
    runner = BatchRunner(settings, store, core, stats=provider.stats)  # renders: not in the loop

    async def go() -> object:
        try:
            return await runner.run([abstract], "l")
        finally:
            await core.aclose()

    summary = asyncio.run(go())
    assert (summary.drafted, summary.api_calls, summary.rate_limited) == (1, 2, 1)  # type: ignore[attr-defined]
    assert 1.0 in waits  # retry-after-ms: 1000, only for the request that was refused
    assert limiter.effective_rpm == 10000 and limiter.effective_tpm == 10_000_000
    assert summary.prompt_tokens == 812 and summary.cost_usd > 0  # type: ignore[attr-defined]
    assert store.count() == 1


def test_records_in_flight_follow_the_limit_and_the_latency_under_the_cap(
        no_blocking: object, store: Store) -> None:
    settings = load_settings()
    offline = OfflineDrafter(settings)

    def answer(abstract: Abstract, prompt: RenderedPrompt) -> LaySummary:
        time.sleep(0.01)  # long enough that the records admitted overlap
        return offline.summarise(abstract)

    limiter = RateLimiter(rpm=60)  # one request a second...
    limiter.observe_latency(2.0)  # ...answered in 2 s: 1 x 2 x 1.5 headroom = 3 in flight
    asking: list[int] = []
    runners: list[BatchRunner] = []
    runner = BatchRunner(settings, store, DraftingCore(settings, model=FakeModel(
        default=answer, model=settings.model)), concurrency=256, limiter=limiter,
        on_change=lambda _tally: asking.append(runners[0].asking))
    runners.append(runner)
    summary = asyncio.run(runner.run(list(iter_list(LIST_200))[:12], "list"))
    assert summary.drafted == 12
    assert max(asking) == 3 == runner.in_flight()  # records still waiting for their answer
    assert runner.asking == 0
    capped = BatchRunner(settings, store, DraftingCore(settings), concurrency=2,
                         limiter=limiter)
    assert capped.in_flight() == 2  # --concurrency stays a cap


def test_a_run_starts_at_the_limits_the_last_run_heard_from_the_same_server(
        no_blocking: object, store: Store) -> None:
    """No lone probe once a run has heard the server's limits: the next run against the same
    server and model starts at them, says where they came from, and a configured limit
    still wins; another server, or a server never heard, is probed as before."""
    from laydraft.drafting.limiter import RateLimits

    settings = load_settings(overrides={"base_url": "http://user:secret@127.0.0.1:8080/v1/"})
    heard = RateLimiter()
    heard.observe(RateLimits(limit_requests=1200, limit_tokens=400_000))
    first = BatchRunner(settings, store, flaky(settings, fail=False), limiter=heard)
    assert asyncio.run(first.run(records(2), "list")).drafted == 2

    def starting(limiter: RateLimiter, config: Settings) -> RateLimiter:
        asyncio.run(BatchRunner(config, store, flaky(config), limiter=limiter).run([], "list"))
        return limiter

    again = starting(RateLimiter(), settings)
    assert not again.probing and (again.effective_rpm, again.effective_tpm) == (1200, 400_000)
    assert again.describe() == "1,200 req/min, 400,000 tok/min (server headers, an earlier run)"
    assert starting(RateLimiter(rpm=600), settings).effective_rpm == 600
    elsewhere = load_settings(overrides={"base_url": "http://127.0.0.1:9999/v1"})
    assert starting(RateLimiter(), elsewhere).probing
    assert store.heard_limits("http://127.0.0.1:8080/v1", first.model) == (1200, 400_000)


def test_limits_that_cannot_be_read_or_kept_never_fail_a_run(
        no_blocking: object, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from laydraft.drafting.limiter import RateLimits
    from laydraft.errors import StorageError

    def broken(*_: object) -> None:
        raise StorageError("the disk is full")

    monkeypatch.setattr(store, "heard_limits", broken)
    monkeypatch.setattr(store, "save_heard_limits", broken)
    settings = load_settings()
    limiter = RateLimiter()
    limiter.observe(RateLimits(limit_requests=1200))
    summary = asyncio.run(BatchRunner(settings, store, flaky(settings, fail=False),
                                      limiter=limiter).run(records(2), "list"))
    assert (summary.status, summary.drafted) == ("finished", 2)


def test_the_bar_shows_the_limit_its_source_and_the_wait_within_80_columns() -> None:
    import io

    from rich.console import Console

    from laydraft.batch.progress import LiveProgress
    from laydraft.batch.runner import Tally

    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=True, color_system=None)
    tally = Tally(total=123_456, seen=99_999, drafted=99_000, failed=999, in_flight=256,
                  skipped=12_345, bad=67, prompt_tokens=123_456_789, completion_tokens=9_876_543,
                  cost_usd=1234.5678, limit="10,000 req/min, 2,000,000 tok/min (server headers)",
                  waited=1234.4)
    with LiveProgress(console=console, enabled=True) as bar:
        bar(tally)
        bar.progress.refresh()  # type: ignore[union-attr]
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    drawn = out.getvalue()
    assert "limit 10,000 req/min, 2,000,000 tok/min (server headers)" in drawn
    assert "waited 1234 s" in drawn and "256 in flight" in drawn
    assert "133,333,332 tokens · $1234.5678" in drawn
    assert all(len(line.rstrip()) <= 80 for line in _plain(lines)), lines


def _plain(lines: list[str]) -> list[str]:
    """The lines without the terminal's control sequences (cursor moves, erase line)."""
    import re

    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", line) for line in lines]


def test_the_summary_names_the_limit_and_the_wait(store: Store) -> None:
    import io

    from rich.console import Console

    from laydraft.batch.progress import summary_table

    settings = load_settings()
    limiter = RateLimiter(rpm=1200)
    limiter.requests.source = "--rpm"
    runner = BatchRunner(settings, store, DraftingCore(settings), limiter=limiter)
    summary = runner.summary("list")
    assert summary.rate_limit == "1,200 req/min (--rpm)" and summary.waited_for_limit == 0
    out = io.StringIO()
    Console(file=out, width=100).print(summary_table(summary))
    assert "rate limit" in out.getvalue() and "1,200 req/min (--rpm)" in out.getvalue()
    assert "waited on the limit" in out.getvalue()


def test_waiting_for_tasks_already_done_ends_before_their_callbacks_run() -> None:
    """From 3.12 gather of finished tasks completes without yielding; the wait must not spin
    waiting for the ``discard`` callbacks that only a later turn of the loop would run."""
    import threading

    from laydraft.batch.runner import _wait_all

    async def main() -> None:
        loop = asyncio.get_running_loop()
        tasks: set[asyncio.Task[None]] = set()
        for _ in range(3):
            done: asyncio.Future[None] = loop.create_future()
            tasks.add(done)  # type: ignore[arg-type]
            done.add_done_callback(tasks.discard)  # type: ignore[arg-type]
            done.set_result(None)  # done; its discard callback is only scheduled
        await _wait_all(tasks)
        assert not tasks

    finished = threading.Event()
    worker = threading.Thread(target=lambda: (asyncio.run(main()), finished.set()), daemon=True)
    worker.start()
    worker.join(10)
    assert finished.is_set(), "waiting for finished tasks spun without end"
