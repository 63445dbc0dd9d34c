"""Draft every record of a reading list: concurrency that follows the limit, checks, queueing.

The runner reads the list as a stream and keeps as many records in flight as the rate limit and
the server's latency call for (the limiter's ``in_flight``, Little's law), never more than
``concurrency``, which is a cap, so memory does not grow with the list. Each finished draft is checked and queued at once; a
failure is stored with its reason and the run goes on. Rate limits are not the runner's
business: the model's HTTP transport waits at the limiter (see ``drafting/transport.py``).
Drafting goes through the drafting core; everything that blocks (reading the list, the
database, the offline drafter, the checks) runs in worker threads, never on the event loop.

A run always ends with a summary saying how: ``finished`` (the whole list went through; some
records may have failed), ``failed`` (stopped early) or ``interrupted`` (Ctrl-C), and its row in
``batch_runs`` says the same. It stops early on a model error no other record can escape (bad
key, unknown model, no quota), on a storage failure (the queue cannot be written: read-only,
full, deleted) and on a list that cannot be read. Stopping closes the halt gate, so no request
leaves after that (in-flight ones finish and are stored); records not attempted are not marked
failed, the next run drafts them. No task is ever left un-awaited.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..config import Settings
from ..core import DraftingCore
from ..db import Store
from ..drafting.limiter import RateLimiter
from ..drafting.transport import FATAL_STATUSES, CallStats, HaltGate
from ..errors import (
    BudgetError,
    ConfigError,
    DraftFailed,
    LaydraftError,
    ModelAPIError,
    ModelUnreachableError,
    RecordError,
    RunHalted,
    StorageError,
    UsageError,
)
from ..ingest import KnownRecord
from ..masking import mask_secrets
from ..models import Abstract, Draft
from ..prompts import render_draft_prompt
from .state import BatchState, ItemKey, ItemRow, model_label

DEFAULT_SERVER = "https://api.openai.com/v1"  # the SDK's server when no base_url is set
# Seconds before the skip check reads what the queue holds again: at least 2, and at least
# 50 times what the last read took, so a long run's growing queue costs it at most about 2%.
_KNOWN_FRESH_FOR = 2.0
_KNOWN_READ_SHARE = 50

__all__ = ["FATAL_STATUSES", "BatchRunner", "BatchSummary", "Tally", "is_fatal",
           "prompt_fingerprint"]


@dataclass
class Tally:
    """Running totals the progress bar shows and the summary reports."""

    total: int | None = None
    seen: int = 0
    drafted: int = 0
    failed: int = 0
    skipped: int = 0
    bad: int = 0
    in_flight: int = 0
    left: int = 0  # admitted but not drafted because the run stopped: the next run drafts them
    unstored: int = 0  # drafted (and paid for) but the queue could not store them
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True
    limit: str = ""  # the rate limit in force and where it came from ("" without a limiter)
    waited: float = 0.0  # wall seconds the limit held some request back
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.drafted + self.failed + self.skipped + self.bad + self.left + self.unstored


@dataclass
class BatchSummary:
    """What a run did and how it ended, for the summary table and ``--json``.

    ``status`` is the run row's: finished, failed (``stopped`` says why, ``error_code`` is the
    error's code) or interrupted. ``exit_status`` is the CLI's: 0 when every record was
    drafted or skipped, 1 when a record failed or the run stopped on an error, 2 when the list
    could not be read, 130 when interrupted.
    """

    run_id: int
    list_path: str
    drafter: str
    model: str
    fingerprint: str
    records: int
    drafted: int
    failed: int
    skipped: int
    bad: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    seconds: float
    api_calls: int
    rate_limited: int
    failures: list[dict[str, Any]]
    bad_records: list[dict[str, Any]]
    skipped_reasons: dict[str, int]
    status: str = "finished"
    stopped: str | None = None
    error_code: str | None = None
    left_for_next_run: int = 0
    not_stored: int = 0
    exit_status: int = 0
    rate_limit: str | None = None  # the limit in force at the end, and where it came from
    waited_for_limit: float = 0.0  # wall seconds the limit held some request back

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def prompt_fingerprint(settings: Settings) -> str:
    """The prompt version every record of a run is drafted with (it excludes the abstract)."""
    return render_draft_prompt(settings, Abstract(text="{abstract}")).fingerprint


def server_of(base_url: str) -> str:
    """The model server a base URL names, as limits are remembered by: scheme, host, port and
    path, never a user, password or query that could carry a key."""
    if not base_url:
        return DEFAULT_SERVER
    parts = urlsplit(base_url.strip())
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a port number: the client will say so
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path.rstrip('/')}"


def is_fatal(exc: ModelAPIError) -> bool:
    """True when every other record would fail the same way (key, model, quota, a server no
    request reaches)."""
    if isinstance(exc, ModelUnreachableError):  # refused, DNS, TLS: no record can get through
        return not exc.context.get("timed_out", False)
    return exc.status in FATAL_STATUSES or exc.api_code == "insufficient_quota"


class BatchRunner:
    """One run over one reading list through one drafting core.

    ``gate`` is the halt gate of the model provider's transport chain (its own when None): the
    runner closes it when the run stops, so no further request is sent. ``limiter`` is the
    provider's rate limiter: it says how many records to keep in flight (None: ``concurrency``).
    """

    def __init__(self, settings: Settings, store: Store, core: DraftingCore, *,
                 concurrency: int = 8, retry_failed: bool = False,
                 stats: CallStats | None = None,
                 on_change: Callable[[Tally], None] | None = None,
                 gate: HaltGate | None = None, limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.store = store
        self.state = BatchState(store)
        self.core = core
        self.concurrency = max(1, concurrency)  # a cap: the limiter sizes what is in flight
        self.limiter = limiter
        self.asking = 0  # records admitted that have not had their answer yet
        self.freed = asyncio.Event()  # set when a record gets its answer or ends
        self.retry_failed = retry_failed
        self.stats = stats or CallStats()
        self.on_change = on_change or (lambda _tally: None)
        self.gate = gate or HaltGate()
        self.gate.stop_on_fatal = True  # the first fatal answer closes it, before another send
        self.tally = Tally()
        self.model = model_label(core.name, settings.model)
        self.server = server_of(settings.base_url)  # whose limits the limiter learns
        self.fingerprint = prompt_fingerprint(settings)
        self.failures: list[dict[str, Any]] = []
        self.bad_records: list[dict[str, Any]] = []
        self.skipped: dict[str, int] = {}
        self.stop: LaydraftError | None = None
        self.interrupted = False
        self.result: BatchSummary | None = None
        self.run_id = 0
        self.had_item: set[str] = set()
        self._known: dict[str, str] | None = None  # read on the first skip check, then refreshed
        self._known_at = 0.0
        self._known_fresh_for = _KNOWN_FRESH_FOR

    @property
    def fatal(self) -> LaydraftError | None:
        """What stopped the run early (None while it goes on or when it finished)."""
        return self.stop

    async def run(self, records: Iterable[Abstract | RecordError | KnownRecord], list_path: str) -> BatchSummary:
        """Draft every record that needs it and return how the run ended; never raises for a
        failure (the summary says it). On cancellation (Ctrl-C) the run is closed as
        ``interrupted``, its summary kept in ``self.result``, and CancelledError re-raised."""
        try:
            self.run_id = await asyncio.to_thread(self.state.start_run, list_path, "sync",
                                                  self.core.name, self.model, self.fingerprint)
        except LaydraftError as exc:  # no row could be written: nothing to close
            self.halt(exc)
            self.result = self.summary(list_path)
            return self.result
        await self._recall_limits()
        tasks: set[asyncio.Task[None]] = set()
        try:
            await self._admit_all(records, tasks)
            await _wait_all(tasks)
        except asyncio.CancelledError:
            self.interrupted = True
            self.gate.halt("interrupted")
            await _cancel_all(tasks)
            await self._close(list_path)
            raise
        except Exception as exc:  # noqa: BLE001 - the list or the queue failed: stop, one line
            self.halt(exc if isinstance(exc, LaydraftError) else LaydraftError(
                f"unexpected {exc.__class__.__name__}: {exc}"))
            await _wait_all(tasks)  # what is in flight finishes and is stored
        return await self._close(list_path)

    async def _admit_all(self, records: Iterable[Abstract | RecordError | KnownRecord],
                         tasks: set[asyncio.Task[None]]) -> None:
        """Start a task per record that needs drafting, as many at once as ``in_flight`` says."""
        freed = self.freed = asyncio.Event()
        seen: set[str] = set()
        stream = iter(records)
        while self.stop is None:
            # Reading the list and the skip check read files and the database: in a thread.
            pulled = await asyncio.to_thread(self._pull, stream, seen)
            if pulled is None:
                break
            abstract = self._count_admission(*pulled)
            if abstract is None:
                continue
            # Little's law counts the records still to get their answer; the ones being checked
            # and queued do not hold a request, but all together stay under the cap.
            while self.stop is None and (self.asking >= self.in_flight()
                                         or len(tasks) >= self.concurrency):
                freed.clear()
                await freed.wait()
            if self.stop is not None:  # stopped while this record waited for a slot
                self._leave()
                break
            self.asking += 1  # until its answer is in (``_draft``)
            task = asyncio.create_task(self._draft_one(abstract))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            task.add_done_callback(lambda _: freed.set())

    def in_flight(self) -> int:
        """Records to keep in flight now: what the limit and the latency call for (Little's
        law, re-read as answers arrive), never more than ``concurrency``."""
        if self.limiter is None:
            return self.concurrency
        return self.limiter.in_flight(self.concurrency)

    def halt(self, exc: LaydraftError) -> None:
        """Stop the run for ``exc`` (the first reason wins): no request is sent after this.

        A record refused by the closed gate (RunHalted) only names the reason when nothing
        better does: the fatal answer that closed it, once it arrives, replaces it.
        """
        if self.stop is None or (isinstance(self.stop, RunHalted)
                                 and not isinstance(exc, RunHalted)):
            self.stop = exc
        self.gate.halt(str(exc))

    async def _close(self, list_path: str) -> BatchSummary:
        """Write the run's ending to its row (best effort: the storage may be what failed)."""
        summary = self.summary(list_path)
        try:
            await asyncio.to_thread(self.state.finish_run, self.run_id, summary.status,
                                    summary.as_dict())
        except StorageError as exc:
            if self.stop is None:
                self.halt(exc)
                summary = self.summary(list_path)
        await self._remember_limits()
        self.result = summary
        return summary

    async def _recall_limits(self) -> None:
        """Start at the limits the last run heard from this server and model, if any."""
        if self.limiter is None:
            return
        try:
            heard = await asyncio.to_thread(self.state.heard_limits, self.server, self.model)
        except LaydraftError:  # only a head start: without it the first request probes
            return
        if heard is not None:
            self.limiter.recall(*heard)

    async def _remember_limits(self) -> None:
        """Keep the limits this run heard, for the next run's start (best effort)."""
        if self.limiter is None or not self.limiter.heard:
            return
        with contextlib.suppress(LaydraftError):  # the drafts and summary are stored already
            await asyncio.to_thread(self.state.save_heard_limits, self.server, self.model,
                                    self.limiter.reported_rpm, self.limiter.reported_tpm)

    def pending(self, records: Iterable[Abstract | RecordError | KnownRecord]) -> Iterator[Abstract]:
        """The records that need drafting, counting the others (bad, skipped) as it goes."""
        seen: set[str] = set()
        for record in records:
            abstract = self._admit(record, seen)
            if abstract is not None:
                yield abstract

    def _admit(self, record: Abstract | RecordError | KnownRecord, seen: set[str]) -> Abstract | None:
        """The abstract when it needs drafting; else count why not and return None."""
        return self._count_admission(record, self._skip_reason(record, seen))

    def _pull(self, stream: Iterator[Abstract | RecordError | KnownRecord],
              seen: set[str]) -> tuple[Abstract | RecordError | KnownRecord, str | None] | None:
        """The next record and why it is skipped (None: draft it); None at the end. Blocks."""
        record = next(stream, None)
        return None if record is None else (record, self._skip_reason(record, seen))

    def _skip_reason(self, record: Abstract | RecordError | KnownRecord, seen: set[str]) -> str | None:
        if isinstance(record, RecordError):
            return None
        if isinstance(record, KnownRecord):  # the reader skipped it on ``known_reason``
            repeated = record.key in seen
            seen.add(record.key)
            return "repeated in the list" if repeated else record.reason
        key = self.key(record)
        reason = "repeated in the list" if key.record_key in seen else self._done_before(key)
        seen.add(key.record_key)
        return reason

    def _count_admission(self, record: Abstract | RecordError | KnownRecord,
                         reason: str | None) -> Abstract | None:
        self.tally.seen += 1
        if isinstance(record, RecordError):
            self.tally.bad += 1
            self.bad_records.append({"source": record.source, "reason": record.reason})
            self.on_change(self.tally)
            return None
        if reason:
            self.tally.skipped += 1
            self.skipped[reason] = self.skipped.get(reason, 0) + 1
            self.on_change(self.tally)
            return None
        return record if isinstance(record, Abstract) else None

    def key(self, abstract: Abstract) -> ItemKey:
        return ItemKey(abstract.stable_key(), self.fingerprint, self.model)

    def _done_before(self, key: ItemKey) -> str | None:
        """Why the record needs no drafting (None: draft it). Blocks.

        What the queue holds of this prompt and model is read in one query, again every few
        seconds so that another run of the same list is seen: a record absent from it (every
        record of a first run) needs no query, nor does one drafted, failed or in a Batch API
        job (a re-run of a finished list asks none); the others, and a record met a second
        time, are checked row by row.
        """
        known = self._known_now()
        if key.record_key not in known:
            known[key.record_key] = ""  # met in this run: look at it if met again
            return None
        reason = self.known_reason(key.record_key)
        if reason is not None:
            return reason
        if self.state.drafted(key) is not None:
            return "already drafted"
        item = self.state.item(key)
        if item is None:
            return None
        self.had_item.add(key.record_key)
        if item.status == "submitted" and item.remote_batch_id:
            return "waiting in a Batch API job"
        if item.status == "failed" and not self.retry_failed:
            return "failed before (use --retry-failed)"
        return None

    def known_reason(self, record_key: str) -> str | None:
        """Why a record with this key needs no drafting, when what the queue holds says so
        without a query of its own (drafted, failed, in a Batch API job); else None. Blocks.
        The reader asks it before building a record (``iter_records``'s ``skip``)."""
        known = self._known_now().get(record_key)
        if known == "drafted":
            return "already drafted"
        if known == "submitted":
            return "waiting in a Batch API job"
        if known == "failed" and not self.retry_failed:
            return "failed before (use --retry-failed)"
        return None

    def _known_now(self) -> dict[str, str]:
        """What the queue holds of this prompt and model, read again every few seconds."""
        now = time.monotonic()
        if self._known is None or now - self._known_at > self._known_fresh_for:
            self._known = {**(self._known or {}),
                           **self.state.known(self.fingerprint, self.model)}
            self._known_at = time.monotonic()
            self._known_fresh_for = max(_KNOWN_FRESH_FOR,
                                        _KNOWN_READ_SHARE * (self._known_at - now))
        return self._known

    def _leave(self) -> None:
        """A record the stopped run did not draft: the next run will."""
        self.tally.left += 1
        self.on_change(self.tally)

    async def _draft_one(self, abstract: Abstract) -> None:
        """Draft, check and queue one record; never raises (a task's error would be lost)."""
        if self.stop is not None:
            self._answered()
            self._leave()
            return
        self.tally.in_flight += 1
        self._note_limit()
        self.on_change(self.tally)
        try:
            await self._attempt(abstract)
        except StorageError as exc:
            self.halt(exc)
        except Exception as exc:  # noqa: BLE001 - writing a failure failed: stop, one line
            self.halt(exc if isinstance(exc, LaydraftError) else LaydraftError(
                f"unexpected {exc.__class__.__name__}: {exc}"))
        finally:
            self.tally.in_flight -= 1
            self._note_limit()
            self.on_change(self.tally)

    def _note_limit(self) -> None:
        """Copy the limit in force and the time waited on it into the tally, for the bar."""
        if self.limiter is not None:
            self.tally.limit = self.limiter.describe()
            self.tally.waited = self.limiter.waited

    async def _attempt(self, abstract: Abstract) -> None:
        key = self.key(abstract)
        source = str(abstract.source) if abstract.source else None
        try:
            draft = await self._draft(abstract)
        except RunHalted as exc:
            self._leave()
            self.halt(exc)
            return
        except StorageError:
            self._leave()
            raise
        except ConfigError as exc:  # no key, a setting the model needs: every record would fail
            self._leave()
            self.halt(exc)
            return
        except ModelAPIError as exc:
            if is_fatal(exc):
                self._leave()
                self.halt(exc)
            else:
                await self._fail(key, source, abstract, _reason(exc), str(exc), exc.context)
            return
        except LaydraftError as exc:
            await self._fail(key, source, abstract, _reason(exc), str(exc), exc.context)
            return
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the run
            await self._fail(key, source, abstract, "error", f"{exc.__class__.__name__}: {exc}",
                             {})
            return
        # A write started in a thread runs to its end even if this task is cancelled (Ctrl-C):
        # wait for it, so the tally is true and the database is left closed cleanly.
        write = asyncio.ensure_future(asyncio.to_thread(self._store, draft, key, source))
        try:
            await asyncio.shield(write)
        except asyncio.CancelledError:
            await asyncio.wait([write])
            if not write.cancelled() and write.exception() is None:
                self._queued(draft)
            raise
        except StorageError:
            self.tally.unstored += 1
            raise
        self._queued(draft)

    def _queued(self, draft: Draft) -> None:
        self._count(draft.provenance.usage.prompt_tokens,
                    draft.provenance.usage.completion_tokens, draft.provenance.cost_usd)
        self.tally.drafted += 1

    def _store(self, draft: Draft, key: ItemKey, source: str | None) -> Draft:
        """Queue the draft (and clear an old failure row). Blocks: run in a thread.

        One write transaction, no read back: the draft in hand is what was written."""
        draft_id = self.store.insert(draft, created_by=self.settings.reviewer or None)
        self.core.settle(draft)  # stored: the journal may let go of its answers
        if key.record_key in self.had_item:  # the queued draft is the proof; clear the old row
            self.state.save(ItemRow(key=key, status="done", run_id=self.run_id, source=source,
                                    draft_id=draft_id))
        return draft.model_copy(update={"id": draft_id})

    async def _draft(self, abstract: Abstract) -> Draft:
        """The drafting core's ``draft`` in its steps, so that a record stops counting as
        asking (see ``_admit_all``) once its answer is in, before its checks run."""
        asked = False
        try:
            prompt = await asyncio.to_thread(render_draft_prompt, self.settings, abstract)
            output = await self.core.write(abstract, prompt)
            asked = True
            self._answered()
        finally:
            if not asked:
                self._answered()
        return await self.core.checked(abstract, output)

    def _answered(self) -> None:
        self.asking -= 1
        self.freed.set()

    async def _fail(self, key: ItemKey, source: str | None, abstract: Abstract, reason: str,
                    detail: str, context: dict[str, Any]) -> None:
        detail = mask_secrets(detail)  # rows and the summary never show a password in a URL
        await asyncio.to_thread(self.state.save, ItemRow(
            key=key, status="failed", run_id=self.run_id, source=source, reason=reason,
            detail=detail[:1000]))
        usage = context.get("usage")
        self._count(getattr(usage, "prompt_tokens", 0), getattr(usage, "completion_tokens", 0),
                    context.get("cost_usd", 0.0))
        self.tally.failed += 1
        self.failures.append({"source": source, "record_key": key.record_key,
                              "title": abstract.title, "reason": reason, "detail": detail})

    def _count(self, prompt: int, completion: int, cost: float | None) -> None:
        self.tally.prompt_tokens += prompt
        self.tally.completion_tokens += completion
        if cost is None:
            self.tally.cost_known = self.core.name == "offline"
        else:
            self.tally.cost_usd += cost

    def summary(self, list_path: str) -> BatchSummary:
        self._note_limit()
        t = self.tally
        return BatchSummary(
            run_id=self.run_id, list_path=list_path, drafter=self.core.name, model=self.model,
            fingerprint=self.fingerprint, records=t.seen, drafted=t.drafted, failed=t.failed,
            skipped=t.skipped, bad=t.bad, prompt_tokens=t.prompt_tokens,
            completion_tokens=t.completion_tokens,
            cost_usd=round(t.cost_usd, 6) if t.cost_known else None,
            seconds=round(time.monotonic() - t.started, 3), api_calls=self.stats.calls,
            rate_limited=self.stats.rate_limited, failures=self.failures,
            bad_records=self.bad_records, skipped_reasons=self.skipped,
            status=self.status, stopped=self._stopped_line(),
            error_code=str(self.stop.code) if self.stop is not None else None,
            left_for_next_run=t.left, not_stored=t.unstored, exit_status=self.exit_status(),
            rate_limit=t.limit or None, waited_for_limit=round(t.waited, 3),
        )

    @property
    def status(self) -> str:
        """The run row's ending: interrupted, failed (stopped early) or finished."""
        if self.interrupted:
            return "interrupted"
        return "failed" if self.stop is not None else "finished"

    def _stopped_line(self) -> str | None:
        if self.interrupted:
            return "interrupted (Ctrl-C)"
        return str(self.stop) if self.stop is not None else None

    def exit_status(self) -> int:
        """0 all drafted or skipped; 1 a record failed or an error stopped the run; 2 the list
        could not be read; 130 interrupted. Bad records (no abstract...) are reported, not
        failures."""
        if self.interrupted:
            return 130
        if isinstance(self.stop, UsageError):
            return 2
        return 1 if self.stop is not None or self.tally.failed else 0


async def _wait_all(tasks: set[asyncio.Task[None]]) -> None:
    """Wait for every task (they never raise; a stray error is still retrieved here).

    Finished tasks are taken out here, not left to their ``tasks.discard`` callbacks: those
    run on a later turn of the loop, and from Python 3.12 ``gather`` of tasks already done
    completes at once without yielding, so waiting for the callbacks would spin forever.
    """
    while tasks:
        await asyncio.gather(*list(tasks), return_exceptions=True)
        tasks.difference_update([task for task in tasks if task.done()])


async def _cancel_all(tasks: set[asyncio.Task[None]]) -> None:
    """Cancel the tasks and wait until each has ended (nothing left un-awaited)."""
    for task in list(tasks):
        task.cancel()
    await _wait_all(tasks)


def _reason(exc: LaydraftError) -> str:
    """A short failure reason: DraftFailed's own, else the kind of error."""
    if isinstance(exc, DraftFailed):
        return exc.reason
    if isinstance(exc, ModelAPIError):
        return exc.api_code or (f"http_{exc.status}" if exc.status else "api_error")
    if isinstance(exc, BudgetError):
        return "too_long"
    return exc.__class__.__name__.lower()
