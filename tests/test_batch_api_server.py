"""`--via batch-api`, `batch status` and `batch collect` against a real local server process.

The server (``tests/servers/openai_batch_server.py``) implements the Files and Batches
endpoints as the API documents them: multipart upload, batch states, output and error files.
It runs as its own process on 127.0.0.1 at a free port; the CLI runs as its own process too
(``python -m laydraft``), with ``base_url`` pointing at the server and a fake key. Faults are
set on the server's control endpoint: failing uploads, creates, polls and downloads, batches
that end failed or expired, error-file lines.

Retry waits are kept short with ``retry_max_wait`` (the policy is the real one); a permanent
failure is bounded by ``retry_deadline``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO_ROOT
from laydraft.cli import cli
from laydraft.db import Store

SERVER = REPO_ROOT / "tests" / "servers" / "openai_batch_server.py"
LIST = FIXTURES / "lists" / "ms_4_batch.jsonl"  # 4 records + 1 without an abstract
pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]

    def control(self, **knobs: Any) -> None:
        self._post("/_control", knobs)

    def log(self, step: str | None = None) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_log", timeout=10) as answer:
            served: list[dict[str, Any]] = json.loads(answer.read())
        return [entry for entry in served if step is None or entry["step"] == step]

    def content(self, file_id: str, key: str) -> bytes:
        request = urllib.request.Request(f"{self.url}/v1/files/{file_id}/content",
                                         headers={"authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            data: bytes = answer.read()
            return data

    def _post(self, path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(f"{self.url}{path}", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10):
            pass


@pytest.fixture
def server(api_key: str) -> Iterator[Server]:
    """The server as a real process on 127.0.0.1 at a free port; stopped after the test."""
    process = subprocess.Popen([sys.executable, str(SERVER), "--port", "0", "--key", api_key],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), f"the server did not start: {process.stderr.read() if process.stderr else ''}"
        yield Server(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.communicate(timeout=10)


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def laydraft(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run the real CLI against the server: in this process (click's runner), or as its own
    process with ``process=True``; either way with the test's environment and the fake key."""
    out_dir = tmp_path / "requests"
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    monkeypatch.setenv("LAYDRAFT_RETRY_MAX_WAIT", "0.05")

    def run(*args: str, deadline: float = 20.0, key: str | None = None,
            process: bool = False) -> Ran:
        monkeypatch.setenv("LAYDRAFT_RETRY_DEADLINE", str(deadline))
        if key is not None:
            monkeypatch.setenv("OPENAI_API_KEY", key)
        if args and args[0] == "submit":
            args = ("batch", *args[1:], "--via", "batch-api", "--out-dir", str(out_dir))
        if process:
            done = subprocess.run([sys.executable, "-m", "laydraft", *args], env=os.environ,
                                  capture_output=True, text=True, timeout=300)
            return Ran(done.returncode, done.stdout, done.stderr)
        result = CliRunner().invoke(cli, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    yield run


def store() -> Store:
    return Store(f"sqlite:///{os.environ['LAYDRAFT_DATABASE']}")


def items(status: str | None = None) -> list[Any]:
    with store() as opened:
        return opened.batch_items(status=status)


def run_row(run_id: int) -> dict[str, Any]:
    with store() as opened:
        found = opened.batch_run(run_id)
    assert found is not None
    return found


def one_line(ran: Ran) -> str:
    """The error, which must be one line on stderr (no traceback)."""
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err
    return lines[0]


def poll_until_finished(laydraft: Any, batch_id: str) -> list[dict[str, Any]]:
    seen = []
    for _ in range(6):
        jobs = laydraft("batch", "status", batch_id, "--json").json()
        seen.append(jobs[0]["status"])
        if jobs[0]["status"] in ("completed", "failed", "expired", "cancelled"):
            return jobs  # type: ignore[no-any-return]
    raise AssertionError(f"the batch never finished: {seen}")


def test_submit_status_collect_end_to_end(server: Server, laydraft: Any, api_key: str,
                                          tmp_path: Path) -> None:
    submitted = laydraft("submit", str(LIST), "--json")
    assert submitted.code == 0, submitted.err
    (job,) = submitted.json()["jobs"]
    assert (job["status"], job["requests"], submitted.json()["bad"]) == ("validating", 4, 1)
    # what the server received is the local request file, uploaded as multipart with purpose=batch
    local = Path(job["file"]).read_bytes()
    assert server.content(job["input_file_id"], api_key) == local
    assert [json.loads(x)["custom_id"] for x in local.splitlines()] == [
        "r1-f0-0", "r1-f0-1", "r1-f0-2", "r1-f0-3"]
    assert {i.status for i in items()} == {"submitted"}
    assert {i.remote_batch_id for i in items()} == {job["id"]}
    assert run_row(1)["status"] == "finished"

    states = []
    for _ in range(2):
        shown = laydraft("batch", "status", "--json")
        assert shown.code == 0, shown.err
        states.append(shown.json()[0]["status"])
    assert states == ["in_progress", "finalizing"]
    table = laydraft("batch", "status")
    assert job["id"][:12] in table.out and table.code == 0

    collected = laydraft("batch", "collect")
    assert collected.code == 0, collected.err
    assert re.search(rf"{job['id']}: completed; queued 4, failed 0, already queued 0, "
                     r"cost \$0\.\d+ \(Batch API price\)", collected.out), collected.out
    with store() as opened:
        drafts = [opened.get(d.id) for d in opened.list()]
    assert len(drafts) == 4
    for draft in drafts:
        assert draft.provenance.model == "gpt-4o-mini-2024-07-18"
        assert draft.provenance.cost_usd and draft.provenance.cost_usd > 0
        assert draft.findings  # the checks ran on every collected answer
        assert draft.summary.headline
    assert {i.status for i in items()} == {"done"}

    # collecting again queues nothing twice, asked for all jobs or for this one
    again = laydraft("batch", "collect")
    assert (again.code, again.out.strip()) == (0, "no Batch API jobs waiting to be collected")
    explicit = laydraft("batch", "collect", job["id"], "--json")
    assert explicit.code == 0
    assert (explicit.json()[0]["drafted"], explicit.json()[0]["already"]) == (0, 4)
    with store() as opened:
        assert len(opened.list()) == 4
    # a second submit finds every record drafted
    nothing = laydraft("submit", str(LIST))
    assert nothing.code == 0 and "nothing to submit" in nothing.out
    assert len(server.log("upload")) == 1


def test_a_transient_upload_failure_is_retried(server: Server, laydraft: Any) -> None:
    server.control(fail={"upload": {"times": 2, "status": 503}})
    submitted = laydraft("submit", str(LIST), "--json")
    assert submitted.code == 0, submitted.err
    assert [e["status"] for e in server.log("upload")] == [503, 503, 200]
    assert len(server.log("create")) == 1
    assert len(items("submitted")) == 4
    assert run_row(1)["status"] == "finished"


def test_a_lasting_upload_failure_names_the_step_and_submits_nothing(server: Server,
                                                                     laydraft: Any) -> None:
    server.control(fail={"upload": {"times": -1, "status": 503}})
    failed = laydraft("submit", str(LIST), deadline=1.0, process=True)
    assert failed.code == 1
    line = one_line(failed)
    tries = len(server.log("upload"))
    assert tries > 1  # retried, and the message says how often and for how long
    assert re.search(rf"uploading the request file batch-1-0\.jsonl failed: the server kept "
                     rf"answering 503 \(upstream connect error.*\) for {tries} attempts in "
                     r"\d+\.\ds; its 4 requests were not submitted", line), line
    assert "120s" not in line
    assert "run `laydraft batch" in line and "--via batch-api` again" in line
    assert server.log("create") == []
    assert items() == []  # nothing marked submitted before the batch exists
    assert run_row(1)["status"] == "failed"
    kept = Path(line.rsplit("the request file ", 1)[1].split(" is kept", 1)[0])
    assert len(kept.read_text().splitlines()) == 4  # the request file is complete and kept

    server.control(fail={})
    again = laydraft("submit", str(LIST), "--json")
    assert again.code == 0, again.err
    assert again.json()["jobs"][0]["requests"] == 4
    assert len(items("submitted")) == 4 and run_row(2)["status"] == "finished"


def test_a_refused_upload_is_not_retried_and_says_what_to_check(server: Server,
                                                                 laydraft: Any) -> None:
    failed = laydraft("submit", str(LIST), key="sk-test-the-wrong-key")
    assert failed.code == 1
    line = one_line(failed)
    assert "uploading the request file" in line and "(401 invalid_api_key:" in line, line
    assert "check OPENAI_API_KEY" in line
    assert len(server.log("upload")) == 1 and items() == []


def test_a_lasting_create_failure_submits_nothing(server: Server, laydraft: Any) -> None:
    server.control(fail={"create": {"times": -1, "status": 500}})
    failed = laydraft("submit", str(LIST), "--json", deadline=1.0)
    assert failed.code == 1
    assert (failed.json()["status"], failed.json()["jobs"]) == ("failed", [])  # --json, too
    line = one_line(failed)
    assert re.search(r"creating the batch for the uploaded file file-\w+ failed: the server "
                     r"kept answering 500", line), line
    assert len(server.log("upload")) == 1 and len(server.log("create")) > 1
    assert items() == [] and run_row(1)["status"] == "failed"
    server.control(fail={"create": {"times": 1, "status": 500}})
    again = laydraft("submit", str(LIST))
    assert again.code == 0, again.err
    assert len(items("submitted")) == 4


def test_a_flapping_poll_is_retried_and_a_dead_one_is_named(server: Server,
                                                           laydraft: Any) -> None:
    batch_id = laydraft("submit", str(LIST), "--json").json()["jobs"][0]["id"]
    server.control(fail={"poll": {"times": 2, "status": 502}})
    shown = laydraft("batch", "status", "--json")
    assert shown.code == 0, shown.err
    assert shown.json()[0]["status"] == "in_progress"
    assert [e["status"] for e in server.log("poll")] == [502, 502, 200]

    server.control(fail={"poll": {"times": -1, "status": 503}})
    dead = laydraft("batch", "status", deadline=1.0)
    assert dead.code == 1
    line = one_line(dead)
    assert f"asking the server about batch {batch_id} failed" in line
    assert "laydraft batch status" in line
    collect = laydraft("batch", "collect", deadline=1.0)
    assert collect.code == 1 and "asking the server about batch" in one_line(collect)
    with store() as opened:
        assert opened.batch_jobs()[0]["status"] == "in_progress"  # the last known status


def test_error_file_lines_and_refusals_become_failed_items(server: Server,
                                                           laydraft: Any) -> None:
    server.control(error_lines={"1": 500}, refuse_lines=[2])
    batch_id = laydraft("submit", str(LIST), "--json").json()["jobs"][0]["id"]
    poll_until_finished(laydraft, batch_id)
    collected = laydraft("batch", "collect", "--json")
    assert collected.code == 1  # some records failed
    (result,) = collected.json()
    assert (result["status"], result["drafted"], result["failed"]) == ("completed", 2, 2)
    assert {f["reason"] for f in result["failures"]} == {"http_500", "refused"}
    failed = {i.custom_id: i for i in items("failed")}
    assert set(failed) == {"r1-f0-1", "r1-f0-2"}
    assert "server had an error" in (failed["r1-f0-1"].detail or "")
    with store() as opened:
        assert len(opened.list()) == 2
    text = laydraft("batch", "collect", batch_id)
    assert "already queued 2" in text.out and "--retry-failed" in text.out
    retry = laydraft("submit", str(LIST), "--retry-failed", "--json")
    assert retry.code == 0 and retry.json()["jobs"][0]["requests"] == 2


def test_an_expired_batch_is_reported_and_its_answers_kept(server: Server,
                                                           laydraft: Any) -> None:
    server.control(outcome="expired", answered=1)
    batch_id = laydraft("submit", str(LIST), "--json").json()["jobs"][0]["id"]
    assert poll_until_finished(laydraft, batch_id)[0]["status"] == "expired"
    collected = laydraft("batch", "collect")
    assert collected.code == 1
    assert f"{batch_id}: expired (the batch ended before every answer); queued 1, failed 3" \
        in collected.out
    assert collected.out.count("batch_expired") == 3
    assert {i.reason for i in items("failed")} == {"batch_expired"}
    with store() as opened:
        assert len(opened.list()) == 1  # the answer it did give is queued
    retry = laydraft("submit", str(LIST), "--retry-failed", "--json")
    assert retry.json()["jobs"][0]["requests"] == 3


def test_a_failed_batch_says_why(server: Server, laydraft: Any) -> None:
    server.control(outcome="failed")
    batch_id = laydraft("submit", str(LIST), "--json").json()["jobs"][0]["id"]
    jobs = poll_until_finished(laydraft, batch_id)
    assert jobs[0]["status"] == "failed" and jobs[0]["errors"]
    collected = laydraft("batch", "collect")
    assert collected.code == 1
    assert "failed (the batch ended before every answer); queued 0, failed 4" in collected.out
    assert "batch failed: The batch could not be processed." in collected.out
    assert {i.reason for i in items("failed")} == {"failed"}
    assert len(server.log("download")) == 0  # a failed batch has no files


def test_a_failed_download_leaves_the_batch_to_collect_again(server: Server,
                                                             laydraft: Any) -> None:
    batch_id = laydraft("submit", str(LIST), "--json").json()["jobs"][0]["id"]
    poll_until_finished(laydraft, batch_id)
    server.control(fail={"download": {"times": -1, "status": 500}})
    failed = laydraft("batch", "collect", deadline=1.0)
    assert failed.code == 1
    line = one_line(failed)
    assert re.search(rf"downloading the output file file-\w+ of batch {batch_id} failed: "
                     r"the server kept answering 500", line), line
    assert "nothing from this batch was queued" in line and "laydraft batch collect" in line
    assert {i.status for i in items()} == {"submitted"}
    server.control(fail={"download": {"times": 1, "status": 503}})
    collected = laydraft("batch", "collect", "--json")
    assert collected.code == 0, collected.err
    assert collected.json()[0]["drafted"] == 4


def test_the_server_follows_the_documented_wire_shapes(server: Server, api_key: str) -> None:
    """The double itself: a bad purpose, an unknown file, a duplicate custom_id."""
    import urllib.error

    def call(method: str, path: str, body: bytes | None = None,
             ctype: str = "application/json") -> tuple[int, Any]:
        request = urllib.request.Request(f"{server.url}{path}", data=body, method=method,
                                         headers={"authorization": f"Bearer {api_key}",
                                                  "content-type": ctype})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def upload(data: bytes, purpose: str) -> tuple[int, Any]:
        boundary = "b0undary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                f"{purpose}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"in.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return call("POST", "/v1/files", body, f"multipart/form-data; boundary={boundary}")

    status, error = upload(b"{}\n", "nonsense")
    assert status == 400 and error["error"]["param"] == "purpose"
    status, error = call("POST", "/v1/batches", json.dumps({
        "input_file_id": "file-nope", "endpoint": "/v1/chat/completions",
        "completion_window": "24h"}).encode())
    assert status == 400 and set(error["error"]) == {"message", "type", "param", "code"}
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": []}}
    status, made = upload(((json.dumps(line) + "\n") * 2).encode(), "batch")
    assert status == 200 and made["object"] == "file" and made["purpose"] == "batch"
    status, batch = call("POST", "/v1/batches", json.dumps({
        "input_file_id": made["id"], "endpoint": "/v1/chat/completions",
        "completion_window": "24h"}).encode())
    assert (status, batch["status"], batch["request_counts"]) == (
        200, "validating", {"total": 0, "completed": 0, "failed": 0})
    status, batch = call("GET", f"/v1/batches/{batch['id']}")
    assert batch["status"] == "failed"
    assert batch["errors"]["data"][0]["code"] == "duplicate_custom_id"
    assert batch["errors"]["data"][0]["line"] == 2


def test_ctrl_c_during_the_upload_ends_the_run_interrupted(server: Server) -> None:
    """A real process, interrupted while it retries the upload: exit 130, nothing submitted."""
    server.control(fail={"upload": {"times": -1, "status": 503}})
    env = {**os.environ, "OPENAI_BASE_URL": f"{server.url}/v1",
           "LAYDRAFT_RETRY_MAX_WAIT": "0.05", "LAYDRAFT_RETRY_DEADLINE": "120"}
    process = subprocess.Popen([sys.executable, "-m", "laydraft", "batch", str(LIST), "--via",
                                "batch-api"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not server.log("upload") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.log("upload"), "the upload never started"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["laydraft: error: interrupted; nothing half-written was kept"]
    assert items() == [] and run_row(1)["status"] == "interrupted"


def test_files_submitted_before_a_failing_upload_stay_submitted(
        server: Server, api_key: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two request files: the first becomes a batch, the second's upload fails for good."""
    from laydraft.batch import batch_api
    from laydraft.batch.runner import BatchRunner
    from laydraft.config import load_settings
    from laydraft.core import DraftingCore
    from laydraft.drafting.provider import ModelProvider
    from laydraft.errors import BatchAPIError
    from laydraft.ingest import iter_records

    monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
    monkeypatch.setenv("LAYDRAFT_RETRY_MAX_WAIT", "0.05")
    monkeypatch.setenv("LAYDRAFT_RETRY_DEADLINE", "1")
    settings = load_settings()
    server.control(fail={"upload": {"after": 1, "times": -1, "status": 500}})
    jobs: list[dict[str, Any]] = []
    with store() as opened:
        runner = BatchRunner(settings, opened, DraftingCore(settings))
        wanted = ((runner.key(a), a) for a in runner.pending(iter_records(LIST, 10**6)))
        with pytest.raises(BatchAPIError) as failed:
            batch_api.submit(settings, ModelProvider(settings).batch_client(), runner.state, 9,
                             wanted, tmp_path, str(LIST), jobs=jobs, max_requests=2)
        submitted = opened.batch_items(status="submitted")
    assert failed.value.step == "upload" and failed.value.status == 500
    assert [j["requests"] for j in jobs] == [2]
    assert f"1 earlier batch of this run was submitted ({jobs[0]['id']})" in str(failed.value)
    assert sorted(i.custom_id or "" for i in submitted) == ["r9-f0-0", "r9-f0-1"]
    assert {i.remote_batch_id for i in submitted} == {jobs[0]["id"]}
