"""Nothing paid for is lost: the answer journal, and the queue check before the first call.

Faults are real where the machine allows: a read-only database file or folder (file modes,
or a read-only bind mount in a private mount namespace when the tests run as root, whom file
modes do not stop), a process killed with SIGKILL between the answer and the store, a write
error inside the store's transaction. Model calls go to a local fake (``answer_fakes``) that
answers with the recorded success answer and counts every call.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from answer_fakes import CountingModel, calls_in, titled_example_file
from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.drafting.journal import (
    ANSWER_KEY_HEADER,
    COMPACT_AFTER,
    AnswerJournal,
    answer_key,
    journal_path,
)
from laydraft.drafting.provider import ModelProvider
from laydraft.errors import DraftFailed, ErrorCode, StorageError
from laydraft.models import Abstract
from postgres_server import POSTGRES_URL, worker_database_url
from replay import Cassette, replay_provider

TESTS = Path(__file__).resolve().parent

# -- the journal file --------------------------------------------------------------------------

def test_an_answer_is_found_until_settled_and_the_file_is_private(tmp_path: Path) -> None:
    journal = AnswerJournal(tmp_path / "data" / "answers.jsonl")
    assert journal.find("k1") is None
    journal.record("k1", b'{"id": "one"}')
    journal.record("k2", "caf\u00e9".encode() + b"\xff")  # not UTF-8: kept exactly
    assert journal.find("k1") == b'{"id": "one"}'
    assert journal.find("k2") == "caf\u00e9".encode() + b"\xff"
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert AnswerJournal(journal.path).find("k1") == b'{"id": "one"}'  # another reader
    journal.settle(["k1"])
    assert journal.find("k1") is None
    assert AnswerJournal(journal.path).unsettled() == ["k2"]
    journal.record("k1", b'{"id": "again"}')  # asked again after it was stored: a new answer
    assert AnswerJournal(journal.path).find("k1") == b'{"id": "again"}'


def test_settling_every_answer_compacts_the_journal(tmp_path: Path) -> None:
    journal = AnswerJournal(tmp_path / "answers.jsonl")
    journal.record("a", b"{}")
    journal.record("b", b"{}")
    journal.settle(["a"])
    assert len(journal.path.read_bytes().splitlines()) == 3  # one still unsettled: no rewrite
    journal.settle(["b"])
    assert journal.path.read_bytes() == b""
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600


def test_settling_an_answer_already_settled_writes_nothing(tmp_path: Path) -> None:
    journal = AnswerJournal(tmp_path / "answers.jsonl")
    journal.record("a", b"{}")
    journal.record("b", b"{}")
    journal.settle(["a"])
    before = journal.path.read_bytes()
    journal.settle(["a"])  # the cache, then the queue, settle the same answer
    AnswerJournal(journal.path).settle(["a", "never-recorded"])  # another process, too
    assert journal.path.read_bytes() == before
    assert journal.unsettled() == ["b"]


def test_settled_lines_dominating_trigger_compaction_keeping_the_unsettled(
        tmp_path: Path) -> None:
    journal = AnswerJournal(tmp_path / "answers.jsonl")
    journal.record("keep", b'{"keep": 1}')
    for n in range(COMPACT_AFTER // 2 + 1):
        journal.record(f"k{n}", b"{}")
        journal.settle([f"k{n}"])
    lines = journal.path.read_bytes().splitlines()
    assert len(lines) < COMPACT_AFTER
    assert AnswerJournal(journal.path).unsettled()[0] == "keep"
    journal.compact()
    assert [json.loads(line)["key"] for line in journal.path.read_bytes().splitlines()] == ["keep"]


def test_half_a_line_from_a_killed_writer_spoils_nothing_after_it(tmp_path: Path) -> None:
    journal = AnswerJournal(tmp_path / "answers.jsonl")
    journal.record("a", b'{"a": 1}')
    with open(journal.path, "ab") as handle:
        handle.write(b'{"key": "torn", "bo')  # killed mid-write
    journal.record("b", b'{"b": 2}')
    fresh = AnswerJournal(journal.path)
    assert fresh.find("a") == b'{"a": 1}' and fresh.find("b") == b'{"b": 2}'
    assert fresh.find("torn") is None


APPENDER = """
import sys
from laydraft.drafting.journal import AnswerJournal
journal = AnswerJournal(sys.argv[1])
name = sys.argv[2]
for n in range(150):
    journal.record(f"{name}-{n}", ("x" * 5000 + name).encode())
    if n % 10 == 9:
        journal.settle([f"{name}-{n - 1}"])
"""


def test_concurrent_appenders_and_compactions_do_not_corrupt_lines(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    workers = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), name])
               for name in ("p", "q", "r")]
    compactor = AnswerJournal(path)
    while any(worker.poll() is None for worker in workers):
        compactor.compact()
    assert all(worker.returncode == 0 for worker in workers)
    for line in path.read_bytes().splitlines():
        json.loads(line)  # every line whole
    unsettled = set(AnswerJournal(path).unsettled())
    expected = {f"{name}-{n}" for name in "pqr" for n in range(150)
                if n % 10 != 8}
    assert unsettled == expected
    assert AnswerJournal(path).find("q-7") == ("x" * 5000 + "q").encode()


# -- the journal on the model path -------------------------------------------------------------

@pytest.fixture
def model_settings(api_key: str) -> Settings:
    return load_settings(overrides={"drafter": "openai", "cache": False})


def test_a_journaled_answer_costs_no_call_and_no_limiter_booking(
        model_settings: Settings, abstract: Abstract) -> None:
    paid = CountingModel()
    first = DraftingCore(model_settings, provider=ModelProvider(model_settings, transport=paid))
    drafted = first.sync.draft(abstract)
    assert paid.calls == 1
    [key] = drafted.provenance.answer_keys
    journal = AnswerJournal(journal_path(model_settings))
    assert journal.find(key) is not None  # on disk before anything was stored
    assert "sk-test" not in journal.path.read_text()  # answers only: no key, no headers

    unpaid = CountingModel()
    limited = ModelProvider.rate_limited(model_settings, transport=unpaid)
    again = DraftingCore(model_settings, provider=limited).sync.draft(abstract)
    assert unpaid.calls == 0 and limited.stats.calls == 0
    assert again.summary == drafted.summary and again.provenance.answer_keys == [key]
    assert "answer journal" in (again.provenance.attempts[0].detail or "")

    first.settle(again)
    assert journal.find(key) is None
    DraftingCore(model_settings, provider=limited).sync.draft(abstract)
    assert unpaid.calls == 1 and limited.stats.calls == 1  # settled: asked again


def test_a_refused_answer_is_let_go_so_asking_again_asks_again(
        model_settings: Settings, abstract: Abstract,
        cassette: Callable[[str], Cassette]) -> None:
    refusal = cassette("openai/refusal")
    core = DraftingCore(model_settings, provider=replay_provider(model_settings, refusal))
    with pytest.raises(DraftFailed):
        core.sync.draft(abstract)
    assert refusal.calls == 1
    assert AnswerJournal(journal_path(model_settings)).unsettled() == []


def test_the_key_covers_method_server_path_and_body() -> None:
    key = answer_key("POST", "api.example:/v1/chat/completions", b"{}")
    assert key == answer_key("post", "api.example:/v1/chat/completions", b"{}")
    assert key != answer_key("POST", "api.example:/v1/chat/completions", b"{ }")
    assert key != answer_key("POST", "api.example:/v2/chat/completions", b"{}")
    assert key != answer_key("POST", "localhost:8000/v1/chat/completions", b"{}")
    assert ANSWER_KEY_HEADER.startswith("x-laydraft")


def test_the_response_cache_keeps_the_answer_so_the_journal_lets_go(
        api_key: str, abstract: Abstract, store: Store) -> None:
    settings = load_settings(overrides={"drafter": "openai", "cache": True})
    paid = CountingModel()
    core = DraftingCore.from_settings(settings, store,
                                      provider=ModelProvider(settings, transport=paid))
    drafted = core.sync.draft(abstract)
    assert paid.calls == 1
    assert AnswerJournal(journal_path(settings)).find(drafted.provenance.answer_keys[0]) is None


# -- through the CLI ---------------------------------------------------------------------------

def _draft(model: CountingModel, *args: str) -> Result:
    return CliRunner().invoke(cli, ["draft", "--drafter", "openai", "--no-cache", *args],
                              obj=Context(provider=lambda s, **_: ModelProvider(
                                  s, transport=model)))


def _subprocess_env(tmp_path: Path, calls: Path, hook: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSWER_FAKES_")}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    env["ANSWER_FAKES_CALLS"] = str(calls)
    if hook:
        env["ANSWER_FAKES_STORE"] = hook
    return env


def _journal_lines(settings: Settings) -> list[dict[str, object]]:
    path = journal_path(settings)
    return [json.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def test_an_answer_whose_store_write_failed_is_queued_by_the_rerun_without_a_call(
        tmp_path: Path, model_settings: Settings) -> None:
    source = titled_example_file(tmp_path)
    calls = tmp_path / "calls.txt"
    failed = subprocess.run(
        [sys.executable, "-m", "answer_fakes", "draft", "--drafter", "openai", "--no-cache",
         str(source)], env=_subprocess_env(tmp_path, calls, "fail"),
        capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0
    assert calls_in(calls) == 1
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith("laydraft: error:") and "disk I/O error" in line
    assert "answer is kept in the answer journal" in line
    with Store(model_settings.database_url()) as store:
        assert store.count() == 0
    assert len(_journal_lines(model_settings)) == 1

    rerun = CountingModel()
    result = _draft(rerun, str(source))
    assert result.exit_code == 0, result.output
    assert rerun.calls == 0
    with Store(model_settings.database_url()) as store:
        assert store.count() == 1
        [attempt] = store.get(1).provenance.attempts
        assert "answer journal" in (attempt.detail or "")
    assert _journal_lines(model_settings) == []  # settled, and compacted away


def test_kill_9_between_answer_and_store_then_rerun_queues_with_zero_calls(
        tmp_path: Path, model_settings: Settings) -> None:
    source = titled_example_file(tmp_path)
    calls = tmp_path / "calls.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "answer_fakes", "draft", "--drafter", "openai", "--no-cache",
         str(source)], env=_subprocess_env(tmp_path, calls, "block"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _journal_lines(model_settings):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the answer never reached the journal"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert calls_in(calls) == 1
    with Store(model_settings.database_url()) as store:
        assert store.count() == 0

    rerun = CountingModel()
    result = _draft(rerun, str(source))
    assert result.exit_code == 0, result.output
    assert rerun.calls == 0
    with Store(model_settings.database_url()) as store:
        assert store.count() == 1
    assert _journal_lines(model_settings) == []
    again = _draft(rerun, str(source))  # and the dedupe keeps it at one
    assert again.exit_code == 0 and "Already queued as #1" in again.output
    assert rerun.calls == 0


# -- the queue must be writable before the first paid call -------------------------------------

@pytest.fixture
def ro_queue(tmp_path: Path, settings: Settings) -> Iterator[Path]:
    """A migrated queue in its own folder; restored to writable afterwards."""
    folder = tmp_path / "queue"
    folder.mkdir()
    path = folder / "queue.db"
    Store(f"sqlite:///{path}").close()
    yield path
    for item in (folder, *folder.iterdir()):
        item.chmod(0o700 if item.is_dir() else 0o600)


def _run_readonly(target: Path, args: list[str], env: dict[str, str]
                  ) -> subprocess.CompletedProcess[str]:
    """Run the CLI with ``target`` (a file or folder) read-only for it."""
    command = [sys.executable, "-m", "answer_fakes", *args]
    if os.geteuid() != 0:
        target.chmod(0o555 if target.is_dir() else 0o444)
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: cannot make a path read-only")
    wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
               "sh", str(target), *command]
    done = subprocess.run(wrapped, env=env, capture_output=True, text=True, timeout=120)
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot mount read-only here: {done.stderr.strip()}")
    return done


@pytest.mark.parametrize("which", ["file", "folder"])
@pytest.mark.parametrize("drafter", ["openai", "offline"])
def test_a_read_only_queue_is_found_before_any_model_call(
        tmp_path: Path, ro_queue: Path, api_key: str, which: str, drafter: str) -> None:
    calls = tmp_path / "calls.txt"
    source = titled_example_file(tmp_path)
    target = ro_queue if which == "file" else ro_queue.parent
    done = _run_readonly(target, ["--db", str(ro_queue), "draft", "--drafter", drafter,
                                  str(source)], _subprocess_env(tmp_path, calls))
    assert done.returncode == 1, done.stderr
    assert calls_in(calls) == 0
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("laydraft: error: the review queue cannot be written")
    assert f"the database {which}" in line and "read-only" in line
    assert "no model call was made" in line
    assert done.stdout == ""
    with Store(f"sqlite:///{ro_queue}") as store:
        assert store.count() == 0


def test_batch_run_checks_the_queue_first(tmp_path: Path, ro_queue: Path, api_key: str) -> None:
    calls = tmp_path / "calls.txt"
    listing = tmp_path / "list.jsonl"
    listing.write_text(json.dumps({"title": "A", "abstract": "x " * 80}) + "\n")
    done = _run_readonly(ro_queue, ["--db", str(ro_queue), "batch", "run", "--drafter", "openai",
                                    str(listing)], _subprocess_env(tmp_path, calls))
    assert done.returncode == 1, done.stderr
    assert calls_in(calls) == 0
    assert "the database file" in done.stderr and "read-only" in done.stderr


@pytest.mark.parametrize(("reason", "code"), [
    ("attempt to write a readonly database", ErrorCode.STORAGE_READONLY),
    ("database or disk is full", ErrorCode.STORAGE_FULL),
    ("disk I/O error", ErrorCode.STORAGE_FAILED),
])
def test_database_write_errors_become_storage_errors(reason: str, code: ErrorCode) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from laydraft.db.engine import storage_error

    error = storage_error("postgresql+psycopg://me:secret@db/queue",
                          OperationalError("INSERT", {}, sqlite3.OperationalError(reason)))
    assert error is not None and error.code is code and error.exit_code == 1
    assert reason in str(error) and "secret" not in str(error)


def test_a_writable_queue_passes_the_probe_and_keeps_nothing_from_it(ro_queue: Path) -> None:
    with Store(f"sqlite:///{ro_queue}") as store:
        store.check_writable()
        assert not [name for name in store.applied_migrations() if "probe" in name]
    assert [p.name for p in ro_queue.parent.iterdir() if "probe" in p.name] == []


@pytest.mark.skipif(not POSTGRES_URL, reason="set LAYDRAFT_TEST_POSTGRES_URL to run")
@pytest.mark.enable_socket
def test_a_read_only_postgresql_queue_fails_the_probe() -> None:
    pytest.importorskip("psycopg")
    url = worker_database_url()
    Store(url).close()  # migrated while writable
    read_only = (url + ("&" if "?" in url else "?")
                 + "options=-c%20default_transaction_read_only%3Don")
    with Store(read_only) as store:
        assert store.count() >= 0  # reading works
        with pytest.raises(StorageError) as caught:
            store.check_writable()
    assert caught.value.code is ErrorCode.STORAGE_READONLY
    with Store(url) as store:
        store.check_writable()
