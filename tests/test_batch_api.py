"""`--via batch-api`, `batch status` and `batch collect` on recorded files and batches endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from laydraft.batch import batch_api
from laydraft.batch.runner import BatchRunner
from laydraft.batch.state import BatchState
from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.drafting.provider import ModelProvider
from laydraft.errors import DraftFailed
from laydraft.ingest import iter_records
from laydraft.models import Abstract, Attempt, Draft
from replay import Cassette

LIST = FIXTURES / "lists" / "ms_4_batch.jsonl"  # 4 records + 1 without an abstract
CASSETTE = FIXTURES / "http" / "batch" / "submit_status_collect.json"


def multipart_body(request: httpx2.Request) -> Any:
    """A multipart upload as {field: value}, the JSONL file as parsed lines; boundary ignored."""
    boundary = request.headers["content-type"].split("boundary=", 1)[1].strip('"').encode()
    fields: dict[str, Any] = {}
    for part in request.read().split(b"--" + boundary)[1:-1]:
        head, _, value = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        if b"filename=" in head:
            filename = head.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
            fields[name] = {"filename": filename,
                            "lines": [json.loads(x) for x in value.splitlines() if x.strip()]}
        else:
            fields[name] = value.decode()
    return {"multipart": fields}


class MultipartCassette(Cassette):
    """The replay cassette, matching multipart uploads by their fields instead of raw bytes."""

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return super().handle_request(request)
        sent = {"method": request.method, "path": request.url.path,
                "body": multipart_body(request)}
        self.sent.append(sent)
        index = self._match(sent)
        self.used[index] = True
        return self._respond(self.interactions[index]["response"], request)


@pytest.fixture
def transport(api_key: str) -> Iterator[MultipartCassette]:
    replay = MultipartCassette(CASSETTE)
    yield replay
    replay.close()
    assert not replay.unused(), f"unused recordings: {replay.unused()}"


def invoke(*args: str, transport: MultipartCassette | None = None, exit_code: int = 0) -> Any:
    """The CLI, its Batch API calls replaying ``transport`` (handed in, not patched in)."""
    context = Context(provider=lambda settings, **_: ModelProvider(
        settings, batch_transport=transport))
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, obj=context)
    assert result.exit_code == exit_code, result.output
    return json.loads(result.output)


def test_submit_status_collect_round_trip(transport: MultipartCassette, tmp_path: Path,
                                          store: Store) -> None:
    submitted = invoke("batch", str(LIST), "--via", "batch-api", "--out-dir",
                       str(tmp_path / "out"), "--json", transport=transport)
    assert [j["id"] for j in submitted["jobs"]] == ["batch_6921a4c0e8f48190b1d2c3e4f5a6b7c8"]
    assert submitted["bad"] == 1 and submitted["jobs"][0]["requests"] == 4
    upload = transport.sent[0]["body"]["multipart"]
    assert upload["purpose"] == "batch"
    lines = upload["file"]["lines"]
    assert [line["custom_id"] for line in lines] == ["r1-f0-0", "r1-f0-1", "r1-f0-2", "r1-f0-3"]
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert lines[0]["body"]["response_format"]["type"] == "json_schema"
    create = transport.sent[1]["body"]
    assert (create["endpoint"], create["completion_window"]) == ("/v1/chat/completions", "24h")

    status = invoke("batch", "status", "--json", transport=transport)
    assert (status[0]["status"], status[0]["total"], status[0]["completed"]) == (
        "in_progress", 4, 1)

    collected = invoke("batch", "collect", "--json", transport=transport, exit_code=1)[0]
    assert (collected["status"], collected["drafted"], collected["failed"]) == ("expired", 1, 3)
    reasons = {f["reason"] for f in collected["failures"]}
    assert reasons == {"refused", "http_500", "expired"}

    (item,) = store.list()
    draft = store.get(item.id)
    assert draft.provenance.model == "gpt-4o-mini-2024-07-18"
    full = (731 * 0.15 + 244 * 0.60) / 1e6
    assert draft.provenance.cost_usd == pytest.approx(full * 0.5, rel=1e-4)  # Batch API price
    assert transport.calls == 6
    assert invoke("batch", "collect", "--json", transport=transport) == []  # no more calls


def test_failed_and_expired_items_are_resubmittable(transport: MultipartCassette,
                                                    tmp_path: Path, store: Store) -> None:
    invoke("batch", str(LIST), "--via", "batch-api", "--out-dir", str(tmp_path), "--json",
           transport=transport)
    invoke("batch", "status", "--json", transport=transport)
    invoke("batch", "collect", "--json", transport=transport, exit_code=1)
    settings = load_settings()
    records = list(iter_records(LIST, 10**6))
    plain = BatchRunner(settings, store, DraftingCore(settings))
    assert list(plain.pending(records)) == []
    retry = BatchRunner(settings, store, DraftingCore(settings), retry_failed=True)
    assert len(list(retry.pending(records))) == 3
    assert {f.reason for f in BatchState(store).failures()} == {"refused", "http_500", "expired"}


def test_request_files_split_at_the_request_limit(api_key: str, tmp_path: Path,
                                                 store: Store) -> None:
    settings = load_settings()
    runner = BatchRunner(settings, store, DraftingCore(settings))
    pending = ((runner.key(a), a) for a in runner.pending(iter_records(LIST, 10**6)))
    files = batch_api.write_request_files(settings, pending, tmp_path, 7, max_requests=3)
    assert [len(f.custom_ids) for f in files] == [3, 1]
    assert [i.custom_id for f in files for i in f.items] == [c for f in files for c in f.custom_ids]
    assert store.batch_items() == []  # written, not submitted: nothing stored yet
    assert files[1].custom_ids == ["r7-f1-0"]
    assert all(len(f.path.read_text().splitlines()) == len(f.custom_ids) for f in files)
    (tmp_path / "s").mkdir()
    again = BatchRunner(settings, store, DraftingCore(settings))
    by_size = batch_api.write_request_files(
        settings, ((again.key(a), a) for a in again.pending(iter_records(LIST, 10**6))),
        tmp_path / "s", 8, max_bytes=1)
    assert [len(f.custom_ids) for f in by_size] == [1, 1, 1, 1]


def test_collected_answers_are_judged_by_the_live_drafters_rules(
        settings: Settings, abstract: Abstract) -> None:
    from laydraft.drafting.offline import OfflineDrafter

    core = DraftingCore(settings)

    def answer(content: str, finish: str = "stop") -> SimpleNamespace:
        message = SimpleNamespace(content=content, refusal=None, tool_calls=None)
        return SimpleNamespace(model="gpt-4o-mini-2024-07-18",
                               choices=[SimpleNamespace(finish_reason=finish, message=message)])

    def judge(completion: SimpleNamespace) -> Draft:
        attempt = Attempt(number=1, outcome="ok", http_status=200, cost_usd=0.001)
        return core.sync.judge(abstract, completion, attempt, "p-submitted")

    good = OfflineDrafter(settings).summarise(abstract).model_dump_json()
    draft = judge(answer(good))
    assert draft.provenance.prompt_fingerprint == "p-submitted"
    assert (draft.provenance.model, draft.provenance.cost_usd) == ("gpt-4o-mini-2024-07-18",
                                                                   0.001)
    assert draft.findings is not None and draft.provenance.attempts[0].outcome == "ok"
    for completion, reason in ((answer(good[:40], "length"), "truncated"),
                               (answer(good, "content_filter"), "filtered"),
                               (answer("not JSON at all"), "invalid_output")):
        with pytest.raises(DraftFailed) as info:  # no wider retry, no repair: one answer only
            judge(completion)
        assert info.value.reason == reason
        assert len(info.value.context["attempts"]) == 1
