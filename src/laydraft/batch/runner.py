"""Draft every record of a reading list: bounded concurrency, checks, queueing, failures kept.

The runner reads the list as a stream and keeps at most ``concurrency`` records in flight, so
memory does not grow with the list. Each finished draft is checked and queued at once; a
failure is stored with its reason and the run goes on. Rate limits are not the runner's
business: the model's HTTP transport waits at the limiter (see ``drafting/transport.py``).
Drafting goes through the drafting core; everything that blocks (reading the list, the
database, the offline drafter, the checks) runs in worker threads, never on the event loop.

A model error that no other record can escape (bad key, unknown model, no quota) stops the run
early; everything not yet drafted is simply drafted by the next run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..core import DraftingCore
from ..db import Store
from ..drafting.transport import CallStats
from ..errors import BudgetError, DraftFailed, LaydraftError, ModelAPIError, RecordError
from ..masking import mask_secrets
from ..models import Abstract, Draft
from ..prompts import render_draft_prompt
from .state import BatchState, ItemKey, ItemRow, model_label

FATAL_STATUSES = {401, 403, 404}


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
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.drafted + self.failed + self.skipped + self.bad


@dataclass
class BatchSummary:
    """What a run did, for the summary table and ``--json``."""

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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def prompt_fingerprint(settings: Settings) -> str:
    """The prompt version every record of a run is drafted with (it excludes the abstract)."""
    return render_draft_prompt(settings, Abstract(text="{abstract}")).fingerprint


def is_fatal(exc: ModelAPIError) -> bool:
    """True when every other record would fail the same way (key, model, quota)."""
    return exc.status in FATAL_STATUSES or exc.api_code == "insufficient_quota"


class BatchRunner:
    """One run over one reading list through one drafting core."""

    def __init__(self, settings: Settings, store: Store, core: DraftingCore, *,
                 concurrency: int = 8, retry_failed: bool = False,
                 stats: CallStats | None = None,
                 on_change: Callable[[Tally], None] | None = None) -> None:
        self.settings = settings
        self.store = store
        self.state = BatchState(store)
        self.core = core
        self.concurrency = max(1, concurrency)
        self.retry_failed = retry_failed
        self.stats = stats or CallStats()
        self.on_change = on_change or (lambda _tally: None)
        self.tally = Tally()
        self.model = model_label(core.name, settings.model)
        self.fingerprint = prompt_fingerprint(settings)
        self.failures: list[dict[str, Any]] = []
        self.bad_records: list[dict[str, Any]] = []
        self.skipped: dict[str, int] = {}
        self.fatal: ModelAPIError | None = None
        self.run_id = 0
        self.had_item: set[str] = set()

    async def run(self, records: Iterable[Abstract | RecordError], list_path: str) -> BatchSummary:
        """Draft every record that needs it; raises only for a fatal model error."""
        self.run_id = await asyncio.to_thread(self.state.start_run, list_path, "sync",
                                              self.core.name, self.model, self.fingerprint)
        slots = asyncio.Semaphore(self.concurrency)
        tasks: set[asyncio.Task[None]] = set()
        seen: set[str] = set()
        stream = iter(records)
        while not self.fatal:
            # Reading the list and the skip check read files and the database: in a thread.
            pulled = await asyncio.to_thread(self._pull, stream, seen)
            if pulled is None:
                break
            abstract = self._count_admission(*pulled)
            if abstract is None:
                continue
            await slots.acquire()
            task = asyncio.create_task(self._draft_one(abstract))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            task.add_done_callback(lambda _: slots.release())
        if tasks:
            await asyncio.gather(*tasks)
        summary = self.summary(list_path)
        await asyncio.to_thread(self.state.finish_run, self.run_id,
                                "stopped" if self.fatal else "done", summary.as_dict())
        if self.fatal:
            raise self.fatal
        return summary

    def pending(self, records: Iterable[Abstract | RecordError]) -> Iterator[Abstract]:
        """The records that need drafting, counting the others (bad, skipped) as it goes."""
        seen: set[str] = set()
        for record in records:
            abstract = self._admit(record, seen)
            if abstract is not None:
                yield abstract

    def _admit(self, record: Abstract | RecordError, seen: set[str]) -> Abstract | None:
        """The abstract when it needs drafting; else count why not and return None."""
        return self._count_admission(record, self._skip_reason(record, seen))

    def _pull(self, stream: Iterator[Abstract | RecordError],
              seen: set[str]) -> tuple[Abstract | RecordError, str | None] | None:
        """The next record and why it is skipped (None: draft it); None at the end. Blocks."""
        record = next(stream, None)
        return None if record is None else (record, self._skip_reason(record, seen))

    def _skip_reason(self, record: Abstract | RecordError, seen: set[str]) -> str | None:
        if isinstance(record, RecordError):
            return None
        key = self.key(record)
        reason = "repeated in the list" if key.record_key in seen else self._done_before(key)
        seen.add(key.record_key)
        return reason

    def _count_admission(self, record: Abstract | RecordError,
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
        return record

    def key(self, abstract: Abstract) -> ItemKey:
        return ItemKey(abstract.stable_key(), self.fingerprint, self.model)

    def _done_before(self, key: ItemKey) -> str | None:
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

    async def _draft_one(self, abstract: Abstract) -> None:
        self.tally.in_flight += 1
        self.on_change(self.tally)
        key = self.key(abstract)
        source = str(abstract.source) if abstract.source else None
        try:
            draft = await self._draft(abstract)
            saved = await asyncio.to_thread(self.store.add, draft,
                                            created_by=self.settings.reviewer or None)
            if key.record_key in self.had_item:  # the queued draft is the proof; clear the old row
                await asyncio.to_thread(self.state.save, ItemRow(
                    key=key, status="done", run_id=self.run_id, source=source,
                    draft_id=saved.id))
            self._count(draft.provenance.usage.prompt_tokens,
                        draft.provenance.usage.completion_tokens, draft.provenance.cost_usd)
            self.tally.drafted += 1
        except ModelAPIError as exc:
            if is_fatal(exc):
                self.fatal = self.fatal or exc
            else:
                await self._fail(key, source, abstract, _reason(exc), str(exc), exc.context)
        except LaydraftError as exc:
            await self._fail(key, source, abstract, _reason(exc), str(exc), exc.context)
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the run
            await self._fail(key, source, abstract, "error", f"{exc.__class__.__name__}: {exc}",
                             {})
        finally:
            self.tally.in_flight -= 1
            self.on_change(self.tally)

    async def _draft(self, abstract: Abstract) -> Draft:
        return await self.core.draft(abstract)

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
        )


def _reason(exc: LaydraftError) -> str:
    """A short failure reason: DraftFailed's own, else the kind of error."""
    if isinstance(exc, DraftFailed):
        return exc.reason
    if isinstance(exc, ModelAPIError):
        return exc.api_code or (f"http_{exc.status}" if exc.status else "api_error")
    if isinstance(exc, BudgetError):
        return "too_long"
    return exc.__class__.__name__.lower()
