"""The OpenAI Batch API: half price, answers within 24 hours.

``submit`` writes each record's chat-completions request as one JSONL line with a ``custom_id``
(a new file every 50,000 requests or 200 MB, the API's limits); each file, once complete, is
uploaded with ``purpose="batch"`` and a batch is created for it. Only when the API has returned
the batch id are its items stored as ``submitted`` (with that id, in one transaction), so a
failed upload or create leaves every record of that file unsubmitted for the next run, and the
request file complete on disk. ``refresh`` polls the jobs; ``collect`` downloads the output and
error files and hands every answer to the drafting core, which judges it with the live drafter's
session rules (refusals, cut-off and filtered answers and invalid JSON become failures with
those reasons) and runs the checks; each draft is stored before its item is marked done, so a
second collect finds it and queues nothing twice. Error-file lines and the requests an expired,
failed or cancelled batch never answered are stored as failed, with their reasons, so they can
be submitted again. Costs are recorded at the Batch API price.

Each of the four steps (upload, create, poll, download) runs under the one retry policy of
``drafting/retry.py``; a step that still fails becomes a ``BatchAPIError`` naming the step, the
attempts made and the time spent. The SDK client comes from the model provider.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, TypeVar

from ..config import Settings
from ..core import DraftingCore
from ..core.sync import run_sync
from ..db import Store
from ..drafting.retry import Sleep, is_retryable, retry_policy
from ..drafting.session import DraftSession
from ..errors import (
    BatchAPIError,
    DraftFailed,
    ErrorCode,
    LaydraftError,
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
STEPS = ("upload", "create", "poll", "download")
T = TypeVar("T")


@dataclass
class RequestFile:
    """One complete JSONL request file and the items it holds (not yet stored)."""

    path: Path
    index: int
    custom_ids: list[str] = field(default_factory=list)
    size: int = 0
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class Collected:
    batch_id: str
    status: str
    drafted: int = 0
    failed: int = 0
    already: int = 0
    cost_usd: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None          # why this batch could not be polled or downloaded
    batch_errors: list[str] = field(default_factory=list)  # a failed batch's own reasons


def custom_id(run_id: int, file_index: int, n: int) -> str:
    return f"r{run_id}-f{file_index}-{n}"


def request_line(settings: Settings, abstract: Abstract, cid: str) -> bytes:
    """The JSONL line for one record: the body the sync drafter would send first."""
    body = DraftSession(settings, render_draft_prompt(settings, abstract)).request
    line = {"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def iter_request_files(settings: Settings, records: Iterable[tuple[ItemKey, Abstract]],
                       folder: Path, run_id: int, max_requests: int = MAX_REQUESTS_PER_FILE,
                       max_bytes: int = MAX_BYTES_PER_FILE) -> Iterator[RequestFile]:
    """Stream the requests into JSONL files, yielding each file once it is complete.

    Nothing is stored here: each file carries its items (with the abstract, so ``collect`` can
    build the draft without the reading list) for ``send_file`` to store once its batch exists.
    Memory holds one file's items at most.
    """
    current: RequestFile | None = None
    out: IO[bytes] | None = None
    count = 0
    try:
        for key, abstract in records:
            cid = custom_id(run_id, current.index if current else 0,
                            len(current.custom_ids) if current else 0)
            line = request_line(settings, abstract, cid)
            if (current is None or len(current.custom_ids) >= max_requests
                    or current.size + len(line) > max_bytes):
                if current is not None and out is not None:
                    out.close()
                    yield current
                current = RequestFile(folder / f"batch-{run_id}-{count}.jsonl", count)
                count += 1
                out = current.path.open("wb")
                cid = custom_id(run_id, current.index, 0)
                line = request_line(settings, abstract, cid)
            assert out is not None
            out.write(line)
            current.custom_ids.append(cid)
            current.size += len(line)
            current.items.append(ItemRow(
                key=key, status="submitted", run_id=run_id, custom_id=cid,
                source=str(abstract.source) if abstract.source else None,
                abstract_json=abstract.model_dump_json()))
        if current is not None and out is not None:
            out.close()
            out = None
            yield current
    finally:
        if out is not None:
            out.close()


def write_request_files(settings: Settings, records: Iterable[tuple[ItemKey, Abstract]],
                        folder: Path, run_id: int, max_requests: int = MAX_REQUESTS_PER_FILE,
                        max_bytes: int = MAX_BYTES_PER_FILE) -> list[RequestFile]:
    """Every request file at once (``iter_request_files`` as a list)."""
    return list(iter_request_files(settings, records, folder, run_id, max_requests, max_bytes))


# -- one step, retried ---------------------------------------------------------------------------

def call_step(settings: Settings, step: str, call: Callable[[], T], *,
              sleep: Sleep | None = None, **context: Any) -> T:
    """``call()`` under the one retry policy; a failure that lasts becomes a BatchAPIError.

    The SDK's Batch API client is synchronous; the event loop here only drives the async
    tenacity policy (its waits), so the blocking call runs on it on purpose.
    """
    attempts = 0
    started = time.monotonic()

    async def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return call()

    async def with_retries() -> T:
        policy = retry_policy(deadline=settings.retry_deadline,
                              max_wait=settings.retry_max_wait, sleep=sleep)
        result: T = await policy(attempt)
        return result

    try:
        return run_sync(with_retries())
    except LaydraftError:
        raise
    except Exception as exc:
        if not (hasattr(exc, "status_code") or is_retryable(exc)):
            raise
        raise step_error(settings, step, exc, attempts, time.monotonic() - started,
                         **context) from exc


def step_error(settings: Settings, step: str, exc: Exception, attempts: int, seconds: float,
               **context: Any) -> BatchAPIError:
    """What failed, what the server said, what was tried, and what did not happen because."""
    status: int | None = getattr(exc, "status_code", None)
    code = _api_code(exc)
    tried = f"{attempts} attempt{'s' if attempts != 1 else ''} in {seconds:.1f}s"
    what = _what(step, context)
    if status is None:
        where = settings.base_url or "the OpenAI API"
        text = f"{what} failed: {where} could not be reached ({exc.__class__.__name__}, {tried})"
        code = "unreachable"
    elif is_retryable(exc):
        text = f"{what} failed: the server kept answering {status} ({_said(exc)}) for {tried}"
    else:
        got = f"{status} {code}" if code else str(status)
        text = f"{what} failed: the server refused it ({got}: {_said(exc)})"
    return BatchAPIError(text + _consequence(step, context), step, status, code,
                         tries=attempts, seconds=round(seconds, 1),
                         base_url=settings.base_url or None, **context)


def _what(step: str, context: dict[str, Any]) -> str:
    if step == "upload":
        return f"uploading the request file {Path(str(context.get('path'))).name}"
    if step == "create":
        return f"creating the batch for the uploaded file {context.get('file_id')}"
    if step == "poll":
        return f"asking the server about batch {context.get('batch_id')}"
    return (f"downloading the {context.get('kind', 'output')} file {context.get('file_id')} "
            f"of batch {context.get('batch_id')}")


def _consequence(step: str, context: dict[str, Any]) -> str:
    if step in ("upload", "create"):
        earlier = context.get("submitted") or []
        one = len(earlier) == 1
        before = (f"; {len(earlier)} earlier batch{'' if one else 'es'} of this run "
                  f"{'was' if one else 'were'} submitted ({', '.join(earlier)})"
                  if earlier else "")
        return (f"; its {context.get('requests')} requests were not submitted, and the request "
                f"file {context.get('path')} is kept{before}")
    if step == "download":
        return "; nothing from this batch was queued"
    return ""


def _api_code(exc: Exception) -> str | None:
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(inner, dict) and (found := inner.get("code")):
        return str(found)
    return None


def _said(exc: Exception) -> str:
    """The server's own words: the error envelope's message, else the (plain-text) body."""
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(inner, dict) and inner.get("message"):
        return " ".join(str(inner["message"]).split())[:200]
    response = getattr(exc, "response", None)
    text = body if isinstance(body, str) else getattr(response, "text", "") or str(exc)
    return " ".join(str(text).split())[:200] or "no details"


# -- submit --------------------------------------------------------------------------------------

def submit(settings: Settings, client: Any, state: BatchState, run_id: int,
           records: Iterable[tuple[ItemKey, Abstract]], folder: Path, list_path: str, *,
           sleep: Sleep | None = None, jobs: list[dict[str, Any]] | None = None,
           max_requests: int = MAX_REQUESTS_PER_FILE,
           max_bytes: int = MAX_BYTES_PER_FILE) -> list[dict[str, Any]]:
    """Write, upload and create one batch per request file; ``jobs`` collects each created one.

    Raises BatchAPIError when a file cannot be uploaded or its batch created; the batches
    created before it stay submitted (they are in ``jobs``), and later records are left for
    the next run.
    """
    jobs = [] if jobs is None else jobs
    for request_file in iter_request_files(settings, records, folder, run_id, max_requests,
                                           max_bytes):
        jobs.append(send_file(settings, client, state, run_id, request_file, list_path,
                              sleep=sleep, submitted=[j["id"] for j in jobs]))
    return jobs


def send_file(settings: Settings, client: Any, state: BatchState, run_id: int,
              request_file: RequestFile, list_path: str, *, sleep: Sleep | None = None,
              submitted: list[str] | None = None) -> dict[str, Any]:
    """Upload one file, create its batch, then store the job and its items as submitted."""
    context = {"path": str(request_file.path), "requests": len(request_file.items),
               "submitted": submitted or [], "list_path": list_path}

    def upload() -> Any:
        with request_file.path.open("rb") as fh:  # reopened for every attempt
            return client.files.create(file=(request_file.path.name, fh), purpose="batch")

    uploaded = call_step(settings, "upload", upload, sleep=sleep, **context)
    batch = call_step(settings, "create", lambda: client.batches.create(
        input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window=COMPLETION_WINDOW,
        metadata={"laydraft_run": str(run_id), "list": Path(list_path).name[:500]},
    ), sleep=sleep, file_id=uploaded.id, **context)
    for item in request_file.items:
        item.remote_batch_id = batch.id
    state.record_job(batch.id, run_id, uploaded.id, batch.status, request_file.items)
    return {"id": batch.id, "input_file_id": uploaded.id, "status": batch.status,
            "requests": len(request_file.items), "file": str(request_file.path)}


# -- status and collect --------------------------------------------------------------------------

def refresh(settings: Settings, client: Any, state: BatchState, batch_id: str | None = None, *,
            sleep: Sleep | None = None,
            failures: list[BatchAPIError] | None = None) -> list[dict[str, Any]]:
    """Poll the jobs (one, or every one not yet collected) and store what the API says.

    A job that cannot be polled raises, or, given ``failures``, is reported there and shown
    with its last known status and an ``error``, and the other jobs are still polled.
    """
    jobs = state.jobs(batch_id, pending_only=batch_id is None)
    if batch_id and not jobs:
        raise NotFoundError(f"no Batch API job {batch_id}", code=ErrorCode.BATCH_JOB_NOT_FOUND,
                            batch_id=batch_id)
    shown = []
    for job in jobs:
        try:
            batch = call_step(settings, "poll", partial(client.batches.retrieve, job["id"]),
                              sleep=sleep, batch_id=job["id"])
        except BatchAPIError as exc:
            if failures is None:
                raise
            failures.append(exc)
            shown.append({"id": job["id"], "status": job["status"],
                          "collected": bool(job["collected"]), "total": job["requests"],
                          "completed": None, "failed": None,
                          "output_file_id": job["output_file_id"],
                          "error_file_id": job["error_file_id"], "errors": [],
                          "error": str(exc)})
            continue
        state.update_job(job["id"], status=batch.status, output_file_id=batch.output_file_id,
                         error_file_id=batch.error_file_id)
        counts = batch.request_counts
        shown.append({
            "id": batch.id, "status": batch.status, "collected": bool(job["collected"]),
            "total": counts.total if counts else job["requests"],
            "completed": counts.completed if counts else 0,
            "failed": counts.failed if counts else 0,
            "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
            "errors": _batch_errors(batch), "error": None,
        })
    return shown


def _batch_errors(batch: Any) -> list[str]:
    """Why the API failed a batch as a whole (e.g. an invalid request line), one per line."""
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    said = []
    for error in errors:
        line = getattr(error, "line", None)
        where = f"line {line}: " if line is not None else ""
        said.append(f"{where}{getattr(error, 'message', None) or getattr(error, 'code', '')}")
    return said


def collect(settings: Settings, client: Any, store: Store, state: BatchState,
            batch_id: str | None = None, discount: float = 0.5,
            core: DraftingCore | None = None, *, sleep: Sleep | None = None,
            failures: list[BatchAPIError] | None = None) -> list[Collected]:
    """Queue the answers of every finished job not yet collected (or of ``batch_id``).

    Both files of a job are downloaded before any line is used, so a failed download leaves
    the job as it was (not collected), to be collected again; with ``failures`` given, such
    failures are reported there and the other jobs are still collected.
    """
    core = core or DraftingCore(settings)
    results = []
    for job in refresh(settings, client, state, batch_id, sleep=sleep, failures=failures):
        done = Collected(job["id"], job["status"], error=job["error"],
                         batch_errors=job["errors"])
        if job["error"] or job["status"] not in FINISHED or (job["collected"] and not batch_id):
            results.append(done)
            continue
        try:
            lines = [line for kind in ("output", "error")
                     for line in _download_lines(settings, client, job, kind, sleep)]
        except BatchAPIError as exc:
            if failures is None:
                raise
            failures.append(exc)
            done.error = str(exc)
            results.append(done)
            continue
        answered: set[str] = set()
        for line in lines:
            answered.add(line.get("custom_id", ""))
            _ingest_line(core, store, state, line, discount, done)
        for item in state.items_for_job(job["id"]):
            if item.status == "submitted" and item.custom_id not in answered:
                _fail(state, item, *_unanswered(job["status"], job["errors"]), done)
        state.update_job(job["id"], collected=True)
        results.append(done)
    return results


def _unanswered(status: str, errors: list[str]) -> tuple[str, str]:
    """The reason and detail stored for a request the batch ended without answering."""
    if status == "completed":
        return "unanswered", "the batch completed without an answer to this request"
    why = f" ({'; '.join(errors[:3])})" if errors else ""
    return status, (f"the batch ended as {status}{why} before this request was answered; "
                    "it can be submitted again")


def _download_lines(settings: Settings, client: Any, job: dict[str, Any], kind: str,
                    sleep: Sleep | None) -> list[dict[str, Any]]:
    file_id = job[f"{kind}_file_id"]
    if not file_id:
        return []
    text: str = call_step(settings, "download", lambda: client.files.content(file_id).text,
                          sleep=sleep, file_id=file_id, batch_id=job["id"], kind=kind)
    lines = []
    for raw in text.splitlines():
        if raw.strip():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue  # not a result line; its request counts as unanswered
    return lines


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
        reason = str(error.get("code") or (f"http_{status}" if status else "batch_error"))[:40]
        _fail(state, item, reason, str(error.get("message") or "the API returned an error"),
              done)
        return
    try:
        draft = draft_from_body(core, item, response, discount)
    except DraftFailed as exc:
        _fail(state, item, exc.reason, str(exc), done)
        return
    existing = state.drafted(item.key)  # stored by a collect that stopped before the next line
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
