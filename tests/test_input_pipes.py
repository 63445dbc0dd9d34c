"""Input from anywhere a shell can give: process substitution, /dev/stdin, '-', named pipes.

These inputs cannot be seeked or opened twice; laydraft reads them once, into memory, under
``max_input_bytes``, and a FIFO nobody writes to ends after ``input_timeout`` seconds with one
line instead of hanging. Through the real command line in separate processes (bash for
``<(...)``), plus the reader's own guarantees in process.
"""

from __future__ import annotations

import gzip
import json
import os
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLE, FIXTURES
from laydraft.db import Store
from laydraft.errors import ErrorCode, InputError
from laydraft.ingest import iter_records, open_input, read_abstract
from laydraft.ingest.reader import Source
from laydraft.models import Abstract

LAYDRAFT = [sys.executable, "-m", "laydraft"]
EXAMPLE_FILE = FIXTURES / "abstracts" / "example.txt"
EXAMPLE_TITLE = read_abstract(EXAMPLE_FILE, 1_000_000).title
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX pipes")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ)
    values.update(LAYDRAFT_DRAFTER="offline", NO_COLOR="1")
    return values


def laydraft(env: dict[str, str], *args: str, stdin: bytes | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LAYDRAFT, *args], env=env, input=stdin.decode() if stdin else None,
                          stdin=None if stdin else subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def in_bash(env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by bash, with ``laydraft`` meaning this interpreter's module."""
    prefix = " ".join(shlex.quote(part) for part in LAYDRAFT)
    return subprocess.run(["bash", "-c", command.replace("laydraft ", prefix + " ", 1)],
                          env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def queued_titles(tmp_path: Path) -> list[str]:
    with Store(f"sqlite:///{tmp_path / 'queue.db'}") as store:
        return [item.title or "" for item in store.list()]


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("laydraft: error: "), done.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "abstract.fifo"
    os.mkfifo(path)
    return path


@pytest.fixture
def writer() -> Iterator[list[threading.Thread]]:
    """Threads that write to a FIFO; joined after the test so none outlives it."""
    started: list[threading.Thread] = []
    yield started
    for thread in started:
        thread.join(timeout=10)


def write_later(started: list[threading.Thread], path: Path, data: bytes,
                delay: float = 0.5) -> None:
    """Open ``path`` for writing after ``delay`` seconds (blocking until a reader comes)."""
    def write() -> None:
        time.sleep(delay)
        with path.open("wb") as fh:
            fh.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    started.append(thread)


# -- the command line ----------------------------------------------------------------------


def test_draft_reads_process_substitution(env: dict[str, str], tmp_path: Path) -> None:
    done = in_bash(env, f"laydraft draft <(cat {shlex.quote(str(EXAMPLE_FILE))})")
    assert done.returncode == 0, done.stderr
    assert "seekable" not in done.stderr and "gzip" not in done.stderr
    assert queued_titles(tmp_path) == [EXAMPLE_TITLE]


def test_draft_reads_gzip_through_process_substitution(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    packed = tmp_path / "abstract.txt.gz"
    packed.write_bytes(gzip.compress(EXAMPLE_FILE.read_bytes()))
    done = in_bash(env, f"laydraft draft <(cat {shlex.quote(str(packed))})")
    assert done.returncode == 0, done.stderr
    assert queued_titles(tmp_path) == [EXAMPLE_TITLE]


@pytest.mark.parametrize("name", ["/dev/stdin", "-"])
def test_draft_reads_a_pipe_on_stdin(env: dict[str, str], tmp_path: Path, name: str) -> None:
    done = laydraft(env, "draft", name, stdin=EXAMPLE_FILE.read_bytes())
    assert done.returncode == 0, done.stderr
    assert queued_titles(tmp_path) == [EXAMPLE_TITLE]


def test_draft_reads_a_fifo_whose_writer_comes_later(env: dict[str, str], tmp_path: Path,
                                                    fifo: Path,
                                                    writer: list[threading.Thread]) -> None:
    write_later(writer, fifo, EXAMPLE_FILE.read_bytes(), delay=1.0)
    done = laydraft(env, "draft", str(fifo))
    assert done.returncode == 0, done.stderr
    assert queued_titles(tmp_path) == [EXAMPLE_TITLE]


def test_a_fifo_nobody_writes_to_ends_in_one_line_after_input_timeout(
        env: dict[str, str], tmp_path: Path, fifo: Path) -> None:
    started = time.monotonic()
    done = laydraft({**env, "LAYDRAFT_INPUT_TIMEOUT": "1"}, "draft", str(fifo))
    elapsed = time.monotonic() - started
    assert done.returncode == 2
    line = one_error_line(done)
    assert f"{fifo}: nothing was written to it within 1 s" in line
    assert "input_timeout" in line and "gzip" not in line
    assert elapsed < 30
    assert queued_titles(tmp_path) == []


def test_an_empty_pipe_is_an_empty_file(env: dict[str, str], tmp_path: Path) -> None:
    done = in_bash(env, "laydraft draft <(true)")
    assert done.returncode == 2
    assert "is empty" in one_error_line(done)


def test_a_pipe_larger_than_the_cap_is_refused_whole(env: dict[str, str]) -> None:
    done = in_bash({**env, "LAYDRAFT_MAX_INPUT_BYTES": "2000"},
                   f"laydraft batch <(cat {shlex.quote(str(FIXTURES / 'lists' / 'ms_3.jsonl'))})")
    assert done.returncode == 2
    line = one_error_line(done)
    assert "more than the 2,000-byte limit arrived" in line
    assert "save it to a file" in line and "raise max_input_bytes" in line


def jsonl(count: int) -> bytes:
    return "".join(json.dumps({"title": f"Study {n}", "pmid": str(40000000 + n),
                               "abstract": EXAMPLE}) + "\n"
                   for n in range(count)).encode()


def test_batch_reads_a_reading_list_from_process_substitution(env: dict[str, str],
                                                              tmp_path: Path) -> None:
    listing = tmp_path / "list.jsonl"
    listing.write_bytes(jsonl(2))
    done = in_bash(env, f"laydraft batch <(cat {shlex.quote(str(listing))}) --json")
    assert done.returncode == 0, done.stderr
    assert sorted(queued_titles(tmp_path)) == ["Study 0", "Study 1"]


def test_batch_with_live_progress_reads_a_fifo_once(env: dict[str, str], tmp_path: Path,
                                                   fifo: Path,
                                                   writer: list[threading.Thread]) -> None:
    # With live progress the records are counted first, then drafted: two passes over the
    # input, which a FIFO allows only if it is read once into memory.
    write_later(writer, fifo, jsonl(3))
    done = laydraft({**env, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1",
                     "LAYDRAFT_INPUT_TIMEOUT": "5"}, "batch", str(fifo))
    assert done.returncode == 0, done.stderr
    assert sorted(queued_titles(tmp_path)) == ["Study 0", "Study 1", "Study 2"]


def test_batch_reads_a_reading_list_on_stdin(env: dict[str, str], tmp_path: Path) -> None:
    done = laydraft(env, "batch", "-", "--json", stdin=jsonl(2))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["drafted"] == 2


# -- the reader ------------------------------------------------------------------------------


def test_open_input_reads_a_fifo_once_and_the_source_can_be_read_again(
        fifo: Path, writer: list[threading.Thread]) -> None:
    write_later(writer, fifo, jsonl(3), delay=0.2)
    source = open_input(fifo, max_bytes=1_000_000, timeout=10)
    first = [r.title for r in iter_records(source, 1_000_000) if isinstance(r, Abstract)]
    again = [r.title for r in iter_records(source, 1_000_000) if isinstance(r, Abstract)]
    assert first == again == ["Study 0", "Study 1", "Study 2"]


def test_a_regular_file_stays_on_disk() -> None:
    source = open_input(EXAMPLE_FILE, 1_000_000)
    assert source.path == EXAMPLE_FILE and source.data is None


def test_a_fifo_with_no_writer_times_out_with_its_code(fifo: Path) -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_abstract(fifo, 1_000_000, timeout=0.3)
    assert time.monotonic() - started < 10
    assert caught.value.code is ErrorCode.INPUT_TIMEOUT
    assert caught.value.context["setting"] == "input_timeout"
    assert caught.value.context["received"] == 0


def test_a_writer_that_stalls_times_out_naming_what_arrived(
        fifo: Path, writer: list[threading.Thread]) -> None:
    release = threading.Event()

    def stall() -> None:
        with fifo.open("wb") as fh:
            fh.write(b"BACKGROUND: half an abstract")
            fh.flush()
            release.wait(10)

    thread = threading.Thread(target=stall, daemon=True)
    thread.start()
    writer.append(thread)
    try:
        with pytest.raises(InputError) as caught:
            read_abstract(fifo, 1_000_000, timeout=0.5)
    finally:
        release.set()
    assert caught.value.code is ErrorCode.INPUT_TIMEOUT
    assert "no more input arrived for 0.5 s after 28 bytes" in str(caught.value)


def test_the_gzip_hint_is_given_only_for_gzip(tmp_path: Path) -> None:
    truncated = tmp_path / "list.xml.gz"
    truncated.write_bytes(gzip.compress(b"<PubmedArticleSet>" + b"x" * 5000)[:60])
    with pytest.raises(InputError) as gz:
        read_abstract(truncated, 1_000_000)
    assert gz.value.code is ErrorCode.FILE_UNREADABLE
    assert "if it is gzip, check that the download finished" in str(gz.value)

    gone = Source(name=str(tmp_path / "gone.txt"), path=tmp_path / "gone.txt")
    with pytest.raises(InputError) as plain:
        gone.read(100)
    assert plain.value.code is ErrorCode.FILE_UNREADABLE
    assert "if it is gzip" not in str(plain.value)


def test_a_character_device_with_nothing_in_it_is_empty() -> None:
    with pytest.raises(InputError) as caught:
        read_abstract("/dev/null", 1_000_000, timeout=1)
    assert caught.value.code is ErrorCode.FILE_EMPTY
