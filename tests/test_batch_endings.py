"""`laydraft batch` ends honestly: exit status, summary and `--json` on every ending, a stop
that sends nothing more, storage failures in one line, run rows never left `running`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cli_processes import RUN_CLI, RUN_SLOW_CLI, laydraft_process
from conftest import FIXTURES
from fake_openai import NO_QUOTA, REFUSAL, SUCCESS, UNAUTHORIZED, FakeServer, provider_factory
from laydraft.batch.state import BatchState, process_alive
from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import load_settings
from laydraft.db import Store
from laydraft.db.engine import Database, storage_error
from laydraft.errors import ErrorCode, StorageError

LIST_3 = FIXTURES / "lists" / "ms_3.jsonl"  # 3 records + 1 without an abstract
LIST_200 = FIXTURES / "lists" / "ms_200.jsonl"  # 200 records + 2 without an abstract

# The real CLI with every draft slowed down, so a signal lands mid-run; no hook in laydraft.
def small_list(tmp_path: Path, count: int, name: str = "list.jsonl") -> Path:
    """The first ``count`` records of the 200-record list that have an abstract."""
    lines = [line for line in LIST_200.read_text().splitlines() if '"abstract"' in line]
    path = tmp_path / name
    path.write_text("\n".join(lines[:count]) + "\n")
    return path


def batch(*args: str, server: FakeServer | None = None, **kw: Any) -> Result:
    """`laydraft batch ARGS` in process; with ``server``, the model answers from it."""
    obj = Context(provider=provider_factory(server, **kw)) if server is not None else None
    extra = ["--drafter", "openai"] if server is not None else []
    return CliRunner().invoke(cli, ["batch", *args, *extra], obj=obj)


def runs() -> list[dict[str, Any]]:
    store = Store(load_settings().database_url())
    try:
        with store.transaction() as conn:
            return [dict(r) for r in conn.execute(sa.text(
                "SELECT id, status, pid, host FROM batch_runs ORDER BY id")).mappings()]
    finally:
        store.close()


def queued() -> int:
    with Store(load_settings().database_url()) as store:
        return store.count()


def failed_rows() -> int:
    with Store(load_settings().database_url()) as store:
        return len(BatchState(store).failures())


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr and "never retrieved" not in stderr, stderr
    assert len(stderr.strip().splitlines()) <= 1, stderr


def refuse_titles_ending(marker: str) -> Callable[[int, str], dict[str, Any]]:
    return lambda _n, user: REFUSAL if marker in user else SUCCESS


# -- the model's answers decide the ending ---------------------------------------------------------


def test_every_record_drafted_exits_0_and_the_run_is_finished(api_key: str, tmp_path: Path) -> None:
    server = FakeServer(lambda _n, _user: SUCCESS)
    result = batch(str(small_list(tmp_path, 5)), "--json", server=server)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["drafted"], summary["failed"], summary["status"]) == (5, 0, "finished")
    assert summary["exit_status"] == 0 and summary["stopped"] is None
    assert result.stderr == ""
    assert [r["status"] for r in runs()] == ["finished"]
    assert runs()[0]["pid"] == os.getpid()  # the process that ran it, to tell a killed run


def test_skipped_as_already_drafted_exits_0(api_key: str, tmp_path: Path) -> None:
    listed = str(small_list(tmp_path, 3))
    assert batch(listed, server=FakeServer(lambda _n, _u: SUCCESS)).exit_code == 0
    server = FakeServer(lambda _n, _u: SUCCESS)
    result = batch(listed, "--json", server=server)
    assert result.exit_code == 0 and json.loads(result.stdout)["skipped"] == 3
    assert server.received == 0


def test_some_records_failed_exits_1_with_the_summary(api_key: str, tmp_path: Path) -> None:
    listed = small_list(tmp_path, 6)
    first_title = json.loads(listed.read_text().splitlines()[0])["title"]
    server = FakeServer(refuse_titles_ending(first_title))
    result = batch(str(listed), server=server)
    assert result.exit_code == 1, result.output
    assert "drafted and queued" in result.stdout and "records not drafted" in result.stdout
    assert "ended" in result.stdout and "finished" in result.stdout
    assert_clean(result.stderr)
    assert queued() == 5 and failed_rows() == 1
    assert [r["status"] for r in runs()] == ["finished"]  # it went through the whole list

    as_json = batch(str(listed), "--json", "--retry-failed", server=FakeServer(
        refuse_titles_ending(first_title)))
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["failed"] == 1


def test_every_record_failed_exits_1(api_key: str, tmp_path: Path) -> None:
    result = batch(str(small_list(tmp_path, 4)), "--json",
                   server=FakeServer(lambda _n, _u: REFUSAL))
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["drafted"], summary["failed"], summary["exit_status"]) == (0, 4, 1)


@pytest.mark.parametrize(("answer", "words"), [
    (UNAUTHORIZED, "API key was refused (401)"),
    (NO_QUOTA, "run out of quota"),
])
def test_a_fatal_answer_stops_the_run_sends_nothing_more_and_leaves_the_rest(
        api_key: str, tmp_path: Path, answer: dict[str, Any], words: str) -> None:
    listed = str(small_list(tmp_path, 30))
    server = FakeServer(lambda n, _u: answer if n >= 3 else SUCCESS, delay=0.01)
    result = batch(listed, "--json", "--concurrency", "4", server=server)
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)  # --json prints a document on a fatal ending too
    assert summary["status"] == "failed" and summary["error_code"] == "model_api"
    assert words in summary["stopped"]
    assert server.fatal_answered >= 1 and server.after_fatal == 0
    assert summary["failed"] == 0  # no record is blamed for the key or the quota
    assert summary["drafted"] + summary["left_for_next_run"] == summary["records"] < 30
    assert_clean(result.stderr)
    assert result.stderr.startswith("laydraft: error: ") and words in result.stderr
    assert "left for the next run" in result.stderr
    assert [r["status"] for r in runs()] == ["failed"]
    assert failed_rows() == 0  # nothing is marked failed: the next run drafts them all

    table = batch(listed, server=FakeServer(lambda _n, _u: answer))
    assert table.exit_code == 1 and "stopped because" in table.stdout
    assert words.split()[0] in table.stdout

    fixed = FakeServer(lambda _n, _u: SUCCESS)
    again = batch(listed, "--json", server=fixed)
    assert again.exit_code == 0
    assert json.loads(again.stdout)["drafted"] == 30 - summary["drafted"]
    assert queued() == 30


# The real CLI against a port nothing listens on: bound, then closed, inside the child, so this
# test process opens no socket and nothing leaves the machine.
CLOSED_PORT_CLI = """
import os, socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:%d/v1" % s.getsockname()[1]
s.close()
""" + RUN_CLI


def test_an_unreachable_server_stops_the_run_with_one_line_and_leaves_every_record(
        api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYDRAFT_RETRY_DEADLINE", "2")
    listed = str(small_list(tmp_path, 20))
    for attempt in ("first", "again"):
        proc = laydraft_process("batch", listed, "--json", "--drafter", "openai",
                                code=CLOSED_PORT_CLI)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, (attempt, err)
        summary = json.loads(out)
        assert summary["status"] == "failed", attempt
        assert summary["error_code"] == "model_unreachable"
        assert summary["api_calls"] == 0  # no request reached a server: none is an API call
        assert summary["failed"] == 0 and summary["drafted"] == 0 and summary["skipped"] == 0
        left = summary["left_for_next_run"]
        assert 0 < left == summary["records"] <= 20  # every record read was left, none failed
        assert_clean(err)
        assert err.startswith("laydraft: error: could not reach the model server at "
                              "http://127.0.0.1:")
        assert "check that the server runs at that address" in err
        assert f"{left} record{'s' if left != 1 else ''} left for the next run" in err
        assert failed_rows() == 0  # the re-run tries them all again, none 'failed before'
    assert [r["status"] for r in runs()] == ["failed", "failed"]


def test_an_unreadable_list_exits_2_and_json_still_prints_a_document(tmp_path: Path) -> None:
    missing = batch(str(tmp_path / "nope.ris"), "--json")
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["exit_status"] == 2
    assert_clean(missing.stderr)
    binary = tmp_path / "list.ris"
    binary.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    result = batch(str(binary), "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["status"] == "failed" and document["error_code"].startswith("file_")
    assert result.stderr.startswith("laydraft: error: ")
    assert_clean(result.stderr)


# -- Ctrl-C and kill -9, through the real process ------------------------------------------------


def slow_process(*args: str) -> subprocess.Popen[str]:
    return laydraft_process(*args, code=RUN_SLOW_CLI)


def wait_for_drafts(proc: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 60
    while queued() < count and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)


@pytest.mark.parametrize("as_json", [True, False])
def test_ctrl_c_exits_130_prints_the_summary_and_marks_the_run_interrupted(
        as_json: bool, tmp_path: Path) -> None:
    listed = str(small_list(tmp_path, 60))
    proc = slow_process("batch", listed, "--concurrency", "4",
                            *(["--json"] if as_json else []))
    wait_for_drafts(proc, 8)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert_clean(err)
    assert "interrupted" in err and "run the same command again" in err
    if as_json:
        summary = json.loads(out)
        assert summary["status"] == "interrupted" and summary["exit_status"] == 130
        assert 0 < summary["drafted"] < 60 and summary["drafted"] == queued()
    else:
        assert "drafted and queued" in out and "interrupted" in out
    assert [r["status"] for r in runs()] == ["interrupted"]
    assert failed_rows() == 0

    rerun = laydraft_process("batch", listed, "--json")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert json.loads(out)["skipped"] + json.loads(out)["drafted"] == 60 == queued()


def test_a_run_killed_with_kill_9_is_marked_interrupted_by_the_next_run(tmp_path: Path) -> None:
    listed = str(small_list(tmp_path, 60))
    proc = slow_process("batch", listed, "--concurrency", "4")
    wait_for_drafts(proc, 5)
    assert [r["status"] for r in runs()] == ["running"]
    with Store(load_settings().database_url()) as store:  # alive: not misjudged
        assert BatchState(store).close_dead_runs() == []
    assert [r["status"] for r in runs()] == ["running"]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert [r["status"] for r in runs()] == ["running"]  # nobody could say otherwise yet

    rerun = laydraft_process("batch", listed, "--json")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert [r["status"] for r in runs()] == ["interrupted", "finished"]
    assert queued() == 60


def test_a_live_run_on_this_host_is_alive_and_a_reused_pid_is_not() -> None:
    assert process_alive(os.getpid(), since=time.time())
    assert not process_alive(os.getpid(), since=time.time() - 10 ** 6) or sys.platform != "linux"
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_alive(child.pid)


# -- storage failures: one line, exit 1, the run stops -------------------------------------------


def fill_after(pages: int) -> Callable[..., None]:
    """A connect hook that lets the SQLite file grow by ``pages`` pages only (SQLITE_FULL)."""
    from laydraft.db import engine

    original = engine._sqlite_connect

    def connect(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        current = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {current + pages}")

    return connect


def test_a_full_disk_stops_the_run_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from laydraft.db import engine

    with Store(load_settings().database_url()):
        pass  # the tables exist before the disk "fills"
    monkeypatch.setattr(engine, "_sqlite_connect", fill_after(12))
    result = batch(str(LIST_200), "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "failed" and summary["error_code"] == "storage_full"
    assert 0 < summary["drafted"] < 200 and summary["drafted"] == queued()
    assert_clean(result.stderr)
    assert "disk is full" in result.stderr and "free space" in result.stderr


def test_a_write_error_is_translated_by_its_words() -> None:
    url = "sqlite:////q.db"
    cases = {"attempt to write a readonly database": ErrorCode.STORAGE_READONLY,
             "database or disk is full": ErrorCode.STORAGE_FULL,
             "disk I/O error": ErrorCode.STORAGE_FAILED,
             'could not extend file "base/1/2": No space left on device':
                 ErrorCode.STORAGE_FULL,
             "cannot execute INSERT in a read-only transaction": ErrorCode.STORAGE_READONLY}
    for words, code in cases.items():
        found = storage_error(url, sa.exc.OperationalError("INSERT", {}, sqlite3.OperationalError(
            words)))
        assert found is not None and found.code == code and words in str(found)
        assert found.exit_code == 1
    assert storage_error(url, sqlite3.OperationalError("database is locked")) is None


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (root only): a real full disk and a real read-only file system."""
    where = tmp_path / "mnt"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_real_full_disk_on_a_small_tmpfs(tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYDRAFT_DATABASE", str(tmpfs / "queue.db"))
    proc = laydraft_process("batch", str(LIST_200), "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert_clean(err)
    summary = json.loads(out)
    assert summary["error_code"] == "storage_full" and 0 < summary["drafted"] < 200
    assert "disk is full" in err

    migrations_only = tmpfs / "tiny"
    migrations_only.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(migrations_only)],
                   check=True)
    try:  # the disk fills before the run can start: still a JSON document and one line
        monkeypatch.setenv("LAYDRAFT_DATABASE", str(migrations_only / "queue.db"))
        proc = laydraft_process("batch", str(LIST_3), "--json")
        out, err = proc.communicate(timeout=120)
    finally:
        subprocess.run(["umount", "-l", str(migrations_only)], capture_output=True)
    assert proc.returncode == 1 and json.loads(out)["error_code"] == "storage_full"
    assert_clean(err)


def test_a_read_only_file_system_is_one_line(tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYDRAFT_DATABASE", str(tmpfs / "queue.db"))
    with Store(load_settings().database_url()):
        pass
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    result = batch(str(LIST_3), "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["exit_status"] == 1
    assert_clean(result.stderr)
    assert "read-only" in result.stderr or "readonly" in result.stderr


def test_a_read_only_database_stops_the_run_with_one_line(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    with Store(f"sqlite:///{path}"):
        pass
    # A read-only open (root ignores file modes): every write is refused by SQLite itself.
    monkeypatch.setenv("LAYDRAFT_DATABASE", f"sqlite:///file:{path}?mode=ro&uri=true")
    result = batch(str(LIST_3), "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["error_code"] == "storage_readonly" and summary["drafted"] == 0
    assert_clean(result.stderr)
    assert "read-only" in result.stderr and "writable" in result.stderr


@pytest.mark.parametrize("as_json", [True, False])
def test_the_database_deleted_mid_run_is_noticed(api_key: str, tmp_path: Path,
                                                 as_json: bool) -> None:
    db = Path(load_settings().database_url().removeprefix("sqlite:///"))

    def delete_it(n: int) -> None:
        if n == 4:
            for file in db.parent.glob(db.name + "*"):
                file.unlink()

    server = FakeServer(lambda _n, _u: SUCCESS, on_request=delete_it)
    result = batch(str(small_list(tmp_path, 12)), "--concurrency", "1",
                   *(["--json"] if as_json else []), server=server)
    assert result.exit_code == 1, result.output
    assert server.received == 4  # nothing more was sent once the queue was gone
    assert_clean(result.stderr)
    assert "was deleted or replaced" in result.stderr
    if as_json:
        summary = json.loads(result.stdout)
        assert summary["error_code"] == "storage_gone" and summary["status"] == "failed"
        assert summary["drafted"] == 3
    else:
        drafted = next(line for line in result.stdout.splitlines() if "drafted and queued" in line)
        assert " 3 " in drafted and "12" not in drafted
        assert "storage" in result.stdout or "deleted" in result.stdout


def test_a_replaced_database_file_is_noticed_on_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    with Store(f"sqlite:///{path}") as store:
        store.start_batch_run("l", "sync", "offline", "offline", "f")
        moved = tmp_path / "moved.db"
        shutil.move(path, moved)
        shutil.copy(moved, path)  # same content, another file: writes would go to the old one
        with pytest.raises(StorageError) as info:
            store.start_batch_run("l", "sync", "offline", "offline", "f")
        assert info.value.code == ErrorCode.STORAGE_GONE


def test_old_run_statuses_read_in_todays_words(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'q.db'}") as store:
        run = store.start_batch_run("l", "sync", "offline", "offline", "f")
        store.finish_batch_run(run, "done", {})
        assert BatchState(store).run(run)["status"] == "finished"  # type: ignore[index]
        store.finish_batch_run(run, "stopped", {})
        assert BatchState(store).run(run)["status"] == "failed"  # type: ignore[index]


def test_database_keeps_no_identity_for_a_server_url() -> None:
    assert Database.identity is None  # a class default: PostgreSQL is never stat-ed
