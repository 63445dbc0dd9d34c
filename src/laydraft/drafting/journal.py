"""The answer journal: a model answer that was paid for is never lost.

Every 200 answer to a chat-completions request is appended to a file (one JSON line, flushed
and fsynced) before the SDK parses it, so an answer survives a crash, a kill or a queue that
cannot be written. A later request with the same body (same prompt, model and settings; a
repair follow-up embeds the earlier answer, so it repeats too) is answered from the journal
without a call. Once the draft built from an answer is safely stored, its answers are
*settled*: never served again, and dropped when the journal is compacted.

The file holds two kinds of line, read in order (a later line wins):

    {"key": "<sha256>", "body": "<the answer as sent>", "at": "<UTC time>"}
    {"settled": ["<sha256>", ...]}

Several processes may use one journal at once. Appends and compaction hold an exclusive
``fcntl`` lock on ``<journal>.lock``; compaction writes a new file and renames it over the
journal, so a reader sees the old or the new file, never half of one. The file holds answers
only (no request headers, no API key) and is readable by its owner only.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

from ..config import Settings, user_data_dir

__all__ = ["ANSWER_KEY_HEADER", "COMPACT_AFTER", "JOURNAL_HIT_HEADER", "AnswerJournal",
           "JournalTransport", "answer_key", "journal_path", "settle_quietly"]

FILE_NAME = "answers.jsonl"
# Response headers the transport adds for the drafter: the answer's journal key, and "1" when
# the answer came from the journal rather than the network.
ANSWER_KEY_HEADER = "x-laydraft-answer-key"
JOURNAL_HIT_HEADER = "x-laydraft-journal-hit"
# Compact once this many lines are settled (or superseded) answers, or when none is unsettled.
COMPACT_AFTER = 64

log = logging.getLogger(__name__)


def journal_path(settings: Settings) -> Path:
    """The journal file: the ``journal`` setting, else ``answers.jsonl`` in the data folder."""
    return Path(settings.journal).expanduser() if settings.journal else user_data_dir() / FILE_NAME


def answer_key(method: str, where: str, body: bytes) -> str:
    """The journal key of a request: a hash of its method, server and path, and body.

    The server is part of it so that an answer one server gave is never served as another's.
    """
    digest = hashlib.sha256()
    digest.update(f"{method.upper()} {where}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _encode(key: str, body: bytes) -> bytes:
    entry: dict[str, Any] = {"key": key, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        entry["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        entry["body64"] = base64.b64encode(body).decode("ascii")
    return json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n"


def _decode_body(entry: dict[str, Any]) -> bytes | None:
    if isinstance(entry.get("body"), str):
        return str(entry["body"]).encode("utf-8")
    if isinstance(entry.get("body64"), str):
        try:
            return base64.b64decode(str(entry["body64"]), validate=True)
        except ValueError:
            return None
    return None


def _fsync_folder(folder: Path) -> None:
    """Make a created or renamed file's directory entry durable too."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AnswerJournal:
    """One journal file; safe to share between threads and between processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._mutex = threading.Lock()
        # What has been read of the file so far: unsettled answers (line text kept for
        # compaction), lines read, the read offset, and which file (device, inode) it was.
        self._answers: dict[str, bytes] = {}
        self._lines = 0
        self._offset = 0
        self._identity: tuple[int, int] | None = None

    # -- the API --------------------------------------------------------------------------------

    def find(self, key: str) -> bytes | None:
        """The unsettled answer journaled under ``key``, if any."""
        with self._mutex:
            self._refresh()
            line = self._answers.get(key)
        if line is None:
            return None
        entry = json.loads(line)
        return _decode_body(entry) if isinstance(entry, dict) else None

    def record(self, key: str, body: bytes) -> None:
        """Append an answer; it is on disk (flushed and fsynced) when this returns."""
        with self._mutex, self._locked():
            self._append(_encode(key, body))

    def settle(self, keys: Iterable[str]) -> None:
        """Mark answers as stored elsewhere; compacts when settled lines dominate.

        Keys with no unsettled answer (already settled: a batch settles once the cache holds
        an answer and again once the queue does) write nothing.
        """
        wanted = sorted({key for key in keys if key})
        if not wanted:
            return
        with self._mutex, self._locked():
            self._refresh()
            if not any(key in self._answers for key in wanted):
                return
            self._append(json.dumps({"settled": wanted}).encode("utf-8") + b"\n")
            self._refresh()
            if self._answers and self._lines - len(self._answers) < COMPACT_AFTER:
                return
            self._compact()

    def compact(self) -> None:
        """Rewrite the journal with its unsettled answers only (atomically, under the lock)."""
        with self._mutex, self._locked():
            self._compact()

    def unsettled(self) -> list[str]:
        """The keys of the answers not yet settled, oldest first."""
        with self._mutex:
            self._refresh()
            return list(self._answers)

    # -- the file -------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._make_folder()
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _make_folder(self) -> None:
        if not self.path.parent.is_dir():
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _append(self, line: bytes) -> None:
        """Write one whole line at the end (after a newline if a killed writer left half a line)."""
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and _last_byte(self.path, size) != b"\n":
                line = b"\n" + line
            _write_all(fd, line)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(self.path.parent)

    def _refresh(self) -> None:
        """Read the lines appended since the last read (all of them if the file was replaced)."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below, fstat needs the fd
        except FileNotFoundError:
            self._reset(None)
            return
        with handle:
            status = os.fstat(handle.fileno())
            identity = (status.st_dev, status.st_ino)
            if identity != self._identity or status.st_size < self._offset:
                self._reset(identity)
            if status.st_size == self._offset:
                return
            handle.seek(self._offset)
            data = handle.read()
        complete = data.rfind(b"\n") + 1  # a line still being written is read next time
        for raw in data[:complete].splitlines():
            self._apply(raw)
        self._offset += complete

    def _reset(self, identity: tuple[int, int] | None) -> None:
        self._answers, self._lines, self._offset, self._identity = {}, 0, 0, identity

    def _apply(self, raw: bytes) -> None:
        if not raw.strip():
            return
        self._lines += 1
        try:
            entry = json.loads(raw)
        except ValueError:
            return  # half a line from a killed writer: nothing to serve
        if not isinstance(entry, dict):
            return
        if isinstance(entry.get("settled"), list):
            for key in entry["settled"]:
                self._answers.pop(str(key), None)
        elif isinstance(entry.get("key"), str) and _decode_body(entry) is not None:
            self._answers.pop(entry["key"], None)  # the newest answer for a key is kept, last
            self._answers[entry["key"]] = raw.strip()

    def _compact(self) -> None:
        """Under the lock: write the unsettled answers to a new file and rename it over."""
        self._refresh()
        if not self.path.exists():
            return
        data = b"".join(line + b"\n" for line in self._answers.values())
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        _fsync_folder(self.path.parent)
        self._refresh()


def _last_byte(path: Path, size: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(size - 1)
        return handle.read(1)


def settle_quietly(journal: AnswerJournal, keys: Iterable[str]) -> None:
    """Settle, logging instead of raising: the draft is stored, the journal is housekeeping."""
    try:
        journal.settle(keys)
    except OSError as exc:
        log.warning("could not update the answer journal %s: %s", journal.path, exc)


def _journaled(request: httpx2.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/chat/completions")


class JournalTransport(httpx2.AsyncBaseTransport):
    """Answer chat-completions requests from the journal, and journal every 200 answer.

    It sits outermost under the SDK client, so a journaled answer costs no call, no rate
    limiter booking and no count in the call statistics. Each response carries its journal
    key in ``ANSWER_KEY_HEADER`` for the drafter to record in the draft's provenance.
    """

    def __init__(self, inner: httpx2.AsyncBaseTransport, journal: AnswerJournal) -> None:
        self.inner = inner
        self.journal = journal

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if not _journaled(request):
            return await self.inner.handle_async_request(request)
        where = f"{request.url.host}:{request.url.port or ''}{request.url.path}"
        key = answer_key(request.method, where, await request.aread())
        found = await asyncio.to_thread(self._find, key)
        if found is not None:
            return httpx2.Response(200, content=found, request=request, headers={
                "content-type": "application/json", ANSWER_KEY_HEADER: key,
                JOURNAL_HIT_HEADER: "1"})
        response = await self.inner.handle_async_request(request)
        if response.status_code != 200:
            return response
        body = await response.aread()
        await asyncio.to_thread(self._record, key, body)
        response.headers[ANSWER_KEY_HEADER] = key
        return response

    def _find(self, key: str) -> bytes | None:
        try:
            return self.journal.find(key)
        except OSError as exc:
            log.warning("could not read the answer journal %s: %s", self.journal.path, exc)
            return None

    def _record(self, key: str, body: bytes) -> None:
        # The answer is paid for and in hand: a journal that cannot be written must not
        # throw it away. The draft goes on; only the crash protection is missing.
        try:
            self.journal.record(key, body)
        except OSError as exc:
            log.warning("could not write the answer journal %s: %s", self.journal.path, exc)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (``os.write`` may write fewer) and flush them to the disk."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)
