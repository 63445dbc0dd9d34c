"""Prove the review queue can be written before anything is paid for.

A draft made with a model costs money; a queue that cannot take it throws that away. So the
interfaces check first: for a SQLite file, that the file can be opened for writing and that its
folder can take new files (SQLite creates its -wal and -shm files there); then, for any
database, that a row can be written (in a transaction that is rolled back, so nothing changes).
Each failure is a ``StorageError`` with the code that names it.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..errors import ErrorCode, StorageError
from ..models import utcnow
from .engine import Database, sqlite_file, storage_error
from .tables import migrations

__all__ = ["check_writable", "check_writable_file"]

PROBE = "laydraft-write-probe"
_READONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def _os_error(exc: OSError, where: str, what: str, **context: Any) -> StorageError:
    reason = exc.strerror or str(exc)
    if exc.errno in _READONLY_ERRNOS:
        return StorageError(f"the review queue cannot be written: {what} {where} is read-only "
                            f"({reason})", code=ErrorCode.STORAGE_READONLY, path=where,
                            reason=reason, **context)
    if exc.errno in _FULL_ERRNOS:
        return StorageError(f"the review queue cannot be written: the disk holding {where} is "
                            f"full ({reason})", code=ErrorCode.STORAGE_FULL, path=where,
                            reason=reason, **context)
    return StorageError(f"the review queue cannot be written at {where}: {reason}",
                        code=ErrorCode.STORAGE_FAILED, path=where, reason=reason, **context)


def check_writable_file(url: str) -> None:
    """For a SQLite URL: the file (if it exists) opens for writing and its folder takes files.

    Runs before the store is opened, because SQLite cannot even read a WAL database whose
    folder is read-only. Other URLs are left to ``check_writable``.
    """
    database = sqlite_file(url)
    if database is None:
        return
    path = Path(database)
    folder = path.parent
    if not folder.is_dir():
        return  # the store creates it (and says so if it cannot)
    probe = folder / f".{path.name}.{uuid.uuid4().hex}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise _os_error(exc, str(folder), "the database folder", checked=True) from exc
    probe.unlink(missing_ok=True)
    if path.exists():
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as exc:
            raise _os_error(exc, str(path), "the database file", checked=True) from exc


def check_writable(database: Database) -> None:
    """Write a row and roll it back; raises StorageError when the write is refused."""
    check_writable_file(database.url)
    try:
        with database.engine.connect() as conn:
            conn = conn.execution_options(laydraft_write=True)
            transaction = conn.begin()
            try:
                conn.execute(migrations.insert().values(name=f"{PROBE}-{uuid.uuid4().hex}",
                                                        applied_at=utcnow()))
            finally:
                transaction.rollback()
    except SQLAlchemyError as exc:
        failure = storage_error(database.url, exc, path=database.path, always=True,
                                checked=True)
        assert failure is not None, "always=True always gives an error"
        raise failure from exc
