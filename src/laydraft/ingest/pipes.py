"""Input that can be read only once: pipes, FIFOs, process substitution, stdin, a terminal.

``laydraft draft <(cat abstract.txt)``, ``/dev/stdin``, ``-`` and named pipes give a stream
that cannot be seeked or opened twice, while the reader sniffs a file's start and then reads
it again. Such input is therefore read once, into memory, under the ``max_input_bytes`` cap.
A named pipe is opened without blocking and polled, so a writer that never comes (or stops
sending) ends in a one-line error after ``input_timeout`` seconds instead of a silent hang.
A terminal is waited for without a limit: a person may be typing or pasting.
"""

from __future__ import annotations

import os
import select
import stat
import sys
from pathlib import Path

from ..errors import ErrorCode, InputError

DEFAULT_TIMEOUT = 30.0
CHUNK = 65536


def is_regular_file(path: Path) -> bool:
    """True for a file that can be seeked and reopened (what the reader streams from)."""
    return stat.S_ISREG(path.stat().st_mode)


def read_stdin(max_bytes: int, timeout: float) -> bytes:
    """Standard input, read once: up to ``max_bytes`` + 1 bytes, so an excess is visible."""
    try:
        fd = sys.stdin.buffer.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by an in-memory stream (tests)
        return sys.stdin.buffer.read(max_bytes + 1)
    return read_fd(fd, "stdin", max_bytes, timeout)


def read_path(path: Path, max_bytes: int, timeout: float) -> bytes:
    """A FIFO, a /dev/fd/N of process substitution or a character device, read once."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc.strerror or exc})",
                         code=ErrorCode.FILE_UNREADABLE, path=str(path)) from exc
    try:
        return read_fd(fd, str(path), max_bytes, timeout)
    finally:
        os.close(fd)


def read_fd(fd: int, name: str, max_bytes: int, timeout: float) -> bytes:
    """Up to ``max_bytes`` + 1 bytes until end of input, waiting at most ``timeout`` seconds
    for each chunk (no limit on a terminal, or when ``timeout`` is 0).

    Reading only after ``select`` says so matters for a FIFO opened with O_NONBLOCK: before any
    writer has connected, ``read`` would return b"" as if the input had ended.
    """
    wait = None if timeout <= 0 or os.isatty(fd) else timeout
    chunks: list[bytes] = []
    received = 0
    while received <= max_bytes:
        if not _ready(fd, wait):
            raise _timed_out(name, timeout, received)
        try:
            chunk = os.read(fd, min(CHUNK, max_bytes + 1 - received))
        except BlockingIOError:
            continue
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror or exc})",
                             code=ErrorCode.FILE_UNREADABLE, path=name) from exc
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _ready(fd: int, wait: float | None) -> bool:
    """Wait until ``fd`` has input or its end (None: no limit); False when time ran out."""
    if hasattr(select, "poll") and sys.platform != "darwin":  # macOS cannot poll a terminal
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(None if wait is None else max(1, int(wait * 1000))))
    return bool(select.select([fd], [], [], wait)[0])


def _timed_out(name: str, timeout: float, received: int) -> InputError:
    if received:
        what = f"no more input arrived for {timeout:g} s after {received:,} bytes"
    else:
        what = f"nothing was written to it within {timeout:g} s"
    return InputError(f"{name}: {what}", code=ErrorCode.INPUT_TIMEOUT, path=name,
                      seconds=timeout, setting="input_timeout", received=received)


def too_large(name: str, max_bytes: int) -> InputError:
    """Input from a pipe must fit the cap whole: it is held in memory to be read."""
    return InputError(f"{name}: more than the {max_bytes:,}-byte limit arrived; input from a "
                      "pipe is held in memory whole, so all of it must fit the limit",
                      code=ErrorCode.FILE_TOO_LARGE, path=name, max_bytes=max_bytes,
                      setting="max_input_bytes", piped=True)
