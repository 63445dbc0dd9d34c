"""Engines and transactions.

SQLite gets WAL, foreign keys, a busy timeout and BEGINs laydraft emits itself, so a
transaction (DDL included) is truly atomic and a write transaction locks before it reads.

A write that fails for a reason of the storage (read-only file or folder, full disk, I/O
error) becomes one ``StorageError`` naming the database and the reason. A SQLite file deleted
or replaced while laydraft runs is noticed too: open connections would go on writing to the
unlinked file (and a new one would create an empty file), so every transaction compares the
file's identity (device and inode) with the one opened, and a write checks it again after its
commit: a commit that went to a vanished file is reported, not counted as saved.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import (
    DatabaseError,
    DBAPIError,
    InternalError,
    OperationalError,
    SQLAlchemyError,
)

from ..errors import ConfigError, ErrorCode, StorageError
from ..masking import mask_secrets, mask_url

# The database's own words for a storage failure (SQLite and PostgreSQL), by error code.
_STORAGE_REASONS = [
    (ErrorCode.STORAGE_READONLY, re.compile(
        r"readonly database|read-only|read only|permission denied", re.I)),
    (ErrorCode.STORAGE_FULL, re.compile(
        r"disk is full|disk full|no space left|could not extend file|quota exceeded", re.I)),
    (ErrorCode.STORAGE_FAILED, re.compile(
        r"disk i/o error|i/o error|input/output error|unable to open database file"
        r"|server closed the connection|terminating connection|connection .*(lost|closed)",
        re.I)),
]
_SAYS = {
    ErrorCode.STORAGE_READONLY: "cannot be written: it is read-only",
    ErrorCode.STORAGE_FULL: "cannot be written: the disk is full",
    ErrorCode.STORAGE_GONE: "was deleted or replaced while laydraft was using it",
    ErrorCode.STORAGE_FAILED: "cannot be written",
}
# Errors that may be the storage's fault (not constraint or programming errors).
_MAYBE_STORAGE = (OperationalError, InternalError)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL; laydraft emits BEGIN itself
    # (see _sqlite_begin) so migrations and saves are truly atomic.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _create_private(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (it holds password hashes).

    The empty file is made with mode 0600 before SQLite opens it; SQLite gives the -wal and
    -shm files it creates the database file's mode. An existing file is left as it is.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise ConfigError(f"cannot create the database file {database}: {exc}",
                          code=ErrorCode.DATABASE, path=database) from exc
    os.close(fd)


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock up front, so read-check-write sequences wait
    # for other writers (busy_timeout) instead of failing when another commit lands first.
    write = conn.get_execution_options().get("laydraft_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout and real BEGINs."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the database folder {path.parent}: {exc}",
                              code=ErrorCode.DATABASE, path=str(path.parent)) from exc
        _create_private(sa.engine.make_url(url).database)
    try:
        engine = sa.create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        extra = "postgres" if "psycopg" in str(exc) else None
        raise ConfigError(f"cannot use database '{mask_url(url)}': {_one_line(exc)}",
                          code=ErrorCode.DATABASE, url=mask_url(url), extra=extra) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names, or None (another database, in memory, a ``file:`` URI)."""
    if not url.startswith("sqlite:"):
        return None
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _read_only(path: str) -> bool:
    """True when the file or its folder cannot be written (mode, or a read-only file system)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK) or (os.path.exists(path)
                                              and not os.access(path, os.W_OK))


# PostgreSQL SQLSTATEs: read-only transaction, insufficient privilege; disk full, out of memory.
_SQLSTATES = {"25006": ErrorCode.STORAGE_READONLY, "42501": ErrorCode.STORAGE_READONLY,
              "53100": ErrorCode.STORAGE_FULL, "53200": ErrorCode.STORAGE_FULL}


def _storage_code(exc: BaseException, reason: str) -> ErrorCode | None:
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _SQLSTATES:
        return _SQLSTATES[state]
    return next((code for code, pattern in _STORAGE_REASONS if pattern.search(reason)), None)


def storage_error(url: str, exc: BaseException, *, gone: bool = False, path: str | None = None,
                  always: bool = False, **context: Any) -> StorageError | None:
    """The StorageError a failed write amounts to, or None when it is not the storage's fault
    (``always``: then STORAGE_FAILED, for a write that was only ever a probe)."""
    reason = mask_secrets(" ".join(str(getattr(exc, "orig", None) or exc).split()))[:300]
    code = ErrorCode.STORAGE_GONE if gone else _storage_code(exc, reason)
    if code is None:
        if not always:
            return None
        code = ErrorCode.STORAGE_FAILED
    if code == ErrorCode.STORAGE_FAILED and path and _read_only(path):
        code = ErrorCode.STORAGE_READONLY  # SQLite says "unable to open" for a read-only folder
    where = path or mask_url(url)
    return StorageError(f"the queue database {where} {_SAYS[code]} ({reason})",
                        code=code, url=mask_url(url), path=path, reason=reason, **context)


def _one_line(exc: BaseException, first_only: bool = False) -> str:
    """A driver's message on one line (or just its first line, without the driver's hint),
    without SQLAlchemy's background link, secrets masked."""
    text = str(getattr(exc, "orig", None) or exc).split("(Background on this error")[0]
    if first_only:
        text = next((line for line in text.splitlines() if line.strip()), text)
    return mask_secrets(" ".join(text.split()))


def check_open(engine: Engine, url: str) -> None:
    """Connect once, so a database that cannot be used says why in one line, up front.

    A file that is not SQLite ("file is not a database") names the file; a server that cannot
    be reached (or refuses the login) names the URL with its password masked. Other SQLite
    failures (read-only, locked, a folder) are left to the transaction that meets them, which
    reports storage failures.
    """
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        if engine.dialect.name == "sqlite":
            if isinstance(exc, OperationalError) or "not a database" not in str(exc.orig):
                return  # the first transaction meets it again and says what it means
            path = engine.url.database or url
            raise ConfigError(f"{path} is not a SQLite database ({_one_line(exc)}), so it "
                              "cannot hold the review queue", code=ErrorCode.DATABASE_NOT_SQLITE,
                              path=path) from exc
        masked, reason = mask_url(url), _one_line(exc, first_only=True)
        raise ConfigError(f"cannot connect to the database {masked}: {reason}",
                          code=ErrorCode.DATABASE_UNREACHABLE, url=masked, reason=reason) from exc


class Database:
    """An engine and its transactions; the Store's row helpers all build on this."""

    path: str | None = None  # the SQLite file, if it is one
    identity: tuple[int, int] | None = None  # its (st_dev, st_ino) when opened

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        try:
            check_open(self.engine, url)
        except BaseException:
            self.engine.dispose()
            raise
        self.path = sqlite_file(url)
        self.identity = _identity(self.path) if self.path else None

    def close(self) -> None:
        """Close the pooled connections (a long-lived app keeps one Store open instead)."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def check_present(self) -> None:
        """Raise STORAGE_GONE when the SQLite file is no longer the one opened (a cheap stat)."""
        if self.identity is None:
            return
        now = _identity(self.path or "")
        if now != self.identity:
            reason = "the file is missing" if now is None else "another file is in its place"
            raise StorageError(
                f"the queue database {self.path} {_SAYS[ErrorCode.STORAGE_GONE]} ({reason})",
                code=ErrorCode.STORAGE_GONE, url=mask_url(self.url), path=self.path,
                reason=reason)

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; ``write=True`` takes the write lock first (SQLite: BEGIN IMMEDIATE).

        Raises StorageError when a write fails for the storage's sake or the file vanished.
        """
        self.check_present()
        try:
            with self.engine.connect() as conn:
                if write:
                    conn = conn.execution_options(laydraft_write=True)
                with conn.begin():
                    yield conn
        except (OperationalError, DatabaseError) as exc:
            gone = self.identity is not None and _identity(self.path or "") != self.identity
            if gone or (write and type(exc) in (*_MAYBE_STORAGE, DatabaseError)):
                failure = storage_error(self.url, exc, gone=gone, path=self.path)
                if failure is not None:
                    raise failure from exc
            if not isinstance(exc, OperationalError):
                raise
            raise ConfigError(f"the database {mask_url(self.url)} cannot be used: "
                              f"{_one_line(exc)}", code=ErrorCode.DATABASE,
                              url=mask_url(self.url)) from exc
        if write:
            self.check_present()


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT assigned."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
