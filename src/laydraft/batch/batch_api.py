"""The OpenAI Batch API: half price, answers within 24 hours.

``submit`` writes each record's chat-completions request as one JSONL line with a ``custom_id``
(a new file every 50,000 requests or 200 MB, the API's limits), uploads each file with
``purpose="batch"``, creates a batch for it, stores the batch id, and returns at once.
``refresh`` polls the jobs; ``collect`` downloads the output and error files and hands every
answer to the drafting core, which judges it with the live drafter's session rules (refusals,
cut-off and filtered answers and invalid JSON become failures with those reasons) and runs
the checks. Items of an expired, failed or cancelled batch that got no answer are stored as
failed, so ``--retry-failed`` submits them again. Costs are recorded at the Batch API price.

The SDK client comes from the model provider (``drafting/provider.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from ..config import Settings
from ..core import DraftingCore
from ..db import Store
from ..drafting.session import DraftSession
from ..errors import (
    DraftFailed,
    ErrorCode,
    LaydraftError,
    ModelUnreachableError,
    NotFoundError,
)
from ..models import Abstract, Attempt, Draft, Usage
from ..prompts import render_draft_prompt
from ..tokens import cost_of
from .state import BatchState, ItemKey, ItemRow

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
MAX_REQUESTS_PER_FILE = 50_000
MAX_BYTES_PER_FILE = 200 * 1024 * 1024
FINISHED = {"completed", "expired", "failed", "cancelled"}


@dataclass
class RequestFile:
    path: Path
    index: int
    custom_ids: list[str] = field(default_factory=list)
    size: int = 0


@dataclass
class Collected:
    batch_id: str
    status: str
    drafted: int = 0
    failed: int = 0
    already: int = 0
    cost_usd: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)


def custom_id(run_id: int, file_index: int, n: int) -> str:
    return f"r{run_id}-f{file_index}-{n}"


def request_line(settings: Settings, abstract: Abstract, cid: str) -> bytes:
    """The JSONL line for one record: the body the sync drafter would send first."""
    body = DraftSession(settings, render_draft_prompt(settings, abstract)).request
    line = {"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def write_request_files(settings: Settings, records: Iterable[tuple[ItemKey, Abstract]],
                        folder: Path, run_id: int, state: BatchState,
                        max_requests: int = MAX_REQUESTS_PER_FILE,
                        max_bytes: int = MAX_BYTES_PER_FILE) -> list[RequestFile]:
    """Stream the requests into JSONL files, splitting at the request and size limits.

    Each item is saved as ``submitted`` (no batch id yet) with its abstract, so ``collect`` can
    build the draft without the reading list.
    """
    files: list[RequestFile] = []
    out: IO[bytes] | None = None
    try:
        for key, abstract in records:
            current = files[-1] if files else None
            cid = custom_id(run_id, current.index if current else 0, len(current.custom_ids)
                            if current else 0)
            line = request_line(settings, abstract, cid)
            if (current is None or len(current.custom_ids) >= max_requests
                    or current.size + len(line) > max_bytes):
                if out is not None:
                    out.close()
                current = RequestFile(folder / f"batch-{run_id}-{len(files)}.jsonl", len(files))
                files.append(current)
                out = current.path.open("wb")
                cid = custom_id(run_id, current.index, 0)
                line = request_line(settings, abstract, cid)
            assert out is not None
            out.write(line)
            current.custom_ids.append(cid)
            current.size += len(line)
            state.save(ItemRow(key=key, status="submitted", run_id=run_id, custom_id=cid,
                               source=str(abstract.source) if abstract.source else None,
                               abstract_json=abstract.model_dump_json()))
    finally:
        if out is not None:
            out.close()
    return files


@contextmanager
def api_errors(settings: Settings) -> Iterator[None]:
    """SDK errors become ModelAPIError with a message that says what to fix."""
    try:
        yield
    except LaydraftError:
        raise
    except Exception as exc:
        if hasattr(exc, "status_code") and hasattr(exc, "response"):
            from ..drafting.openai_drafter import explain_status_error

            raise explain_status_error(exc, settings) from exc  # type: ignore[arg-type]
        if exc.__class__.__name__ in ("APIConnectionError", "APITimeoutError"):
            raise ModelUnreachableError(f"could not reach the model server: {exc}") from exc
        raise


def submit_files(settings: Settings, client: Any, state: BatchState, run_id: int,
                 files: list[RequestFile], list_path: str) -> list[dict[str, Any]]:
    """Upload each file, create its batch, and record the batch id on its items."""
    jobs = []
    for request_file in files:
        with api_errors(settings), request_file.path.open("rb") as fh:
            uploaded = client.files.create(file=(request_file.path.name, fh), purpose="batch")
            batch = client.batches.create(
                input_file_id=uploaded.id, endpoint=ENDPOINT,
                completion_window=COMPLETION_WINDOW,
                metadata={"laydraft_run": str(run_id), "list": Path(list_path).name[:500]},
            )
        state.add_job(batch.id, run_id, uploaded.id, batch.status, len(request_file.custom_ids))
        state.attach_job(run_id, request_file.custom_ids, batch.id)
        jobs.append({"id": batch.id, "input_file_id": uploaded.id, "status": batch.status,
                     "requests": len(request_file.custom_ids), "file": str(request_file.path)})
    return jobs


def refresh(settings: Settings, client: Any, state: BatchState,
            batch_id: str | None = None) -> list[dict[str, Any]]:
    """Poll the jobs (one, or every one not yet collected) and store what the API says."""
    jobs = state.jobs(batch_id, pending_only=batch_id is None)
    if batch_id and not jobs:
        raise NotFoundError(f"no Batch API job {batch_id}", code=ErrorCode.BATCH_JOB_NOT_FOUND,
                            batch_id=batch_id)
    shown = []
    for job in jobs:
        with api_errors(settings):
            batch = client.batches.retrieve(job["id"])
        state.update_job(job["id"], status=batch.status, output_file_id=batch.output_file_id,
                         error_file_id=batch.error_file_id)
        counts = batch.request_counts
        shown.append({
            "id": batch.id, "status": batch.status, "collected": bool(job["collected"]),
            "total": counts.total if counts else job["requests"],
            "completed": counts.completed if counts else 0,
            "failed": counts.failed if counts else 0,
            "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
        })
    return shown


def collect(settings: Settings, client: Any, store: Store, state: BatchState,
            batch_id: str | None = None, discount: float = 0.5,
            core: DraftingCore | None = None) -> list[Collected]:
    """Queue the answers of every finished job not yet collected (or of ``batch_id``)."""
    core = core or DraftingCore(settings)
    results = []
    for job in refresh(settings, client, state, batch_id):
        if job["status"] not in FINISHED or (job["collected"] and not batch_id):
            results.append(Collected(job["id"], job["status"]))
            continue
        done = Collected(job["id"], job["status"])
        answered: set[str] = set()
        for file_id in (job["output_file_id"], job["error_file_id"]):
            if file_id:
                for line in _download_lines(settings, client, file_id):
                    answered.add(line.get("custom_id", ""))
                    _ingest_line(core, store, state, line, discount, done)
        for item in state.items_for_job(job["id"]):
            if item.status == "submitted" and item.custom_id not in answered:
                _fail(state, item, job["status"], f"the batch ended as {job['status']} before "
                      "this request was answered; run again with --retry-failed", done)
        state.update_job(job["id"], collected=True)
        results.append(done)
    return results


def _download_lines(settings: Settings, client: Any, file_id: str) -> Iterator[dict[str, Any]]:
    with api_errors(settings):
        text = client.files.content(file_id).text
    for raw in text.splitlines():
        if raw.strip():
            yield json.loads(raw)


def _ingest_line(core: DraftingCore, store: Store, state: BatchState, line: dict[str, Any],
                 discount: float, done: Collected) -> None:
    item = state.item_by_custom_id(line.get("custom_id", ""))
    if item is None or item.status == "done":
        done.already += 1
        return
    response = line.get("response") or {}
    status = response.get("status_code")
    if line.get("error") or status != 200:
        error = line.get("error") or ((response.get("body") or {}).get("error")) or {}
        reason = error.get("code") or (f"http_{status}" if status else "batch_error")
        _fail(state, item, reason, str(error.get("message") or "the API returned an error"),
              done)
        return
    try:
        draft = draft_from_body(core, item, response, discount)
    except DraftFailed as exc:
        _fail(state, item, exc.reason, str(exc), done)
        return
    existing = state.drafted(item.key)
    draft_id = (existing if existing is not None
                else store.add(draft, created_by=core.settings.reviewer or None).id)
    state.save(ItemRow(key=item.key, status="done", run_id=item.run_id, source=item.source,
                       draft_id=draft_id, remote_batch_id=item.remote_batch_id,
                       custom_id=item.custom_id))
    done.drafted += 1
    done.cost_usd += draft.provenance.cost_usd or 0.0


def _namespace(value: Any) -> Any:
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value


def draft_from_body(core: DraftingCore, item: ItemRow, response: dict[str, Any],
                    discount: float) -> Draft:
    """Judge one answered request as a live draft is judged, priced at the Batch API rate."""
    settings = core.settings
    body = response.get("body") or {}
    abstract = Abstract.model_validate_json(item.abstract_json or "{}")
    usage = _usage(body.get("usage") or {})
    full = cost_of(usage, settings.price_for(body.get("model") or settings.model))
    attempt = Attempt(number=1, outcome="ok", http_status=200,
                      request_id=response.get("request_id"), usage=usage,
                      cost_usd=round(full * discount, 8) if full is not None else 0.0,
                      detail=f"Batch API {item.remote_batch_id}")
    return core.sync.judge(abstract, _namespace(body), attempt, item.key.fingerprint)


def _usage(data: dict[str, Any]) -> Usage:
    details = data.get("prompt_tokens_details") or {}
    return Usage(prompt_tokens=int(data.get("prompt_tokens") or 0),
                 cached_tokens=int(details.get("cached_tokens") or 0),
                 completion_tokens=int(data.get("completion_tokens") or 0))


def _fail(state: BatchState, item: ItemRow, reason: str, detail: str, done: Collected) -> None:
    state.save(ItemRow(key=item.key, status="failed", run_id=item.run_id, source=item.source,
                       reason=reason, detail=detail[:1000], remote_batch_id=item.remote_batch_id,
                       custom_id=item.custom_id, abstract_json=item.abstract_json))
    done.failed += 1
    done.failures.append({"source": item.source, "record_key": item.key.record_key,
                          "reason": reason, "detail": detail})
