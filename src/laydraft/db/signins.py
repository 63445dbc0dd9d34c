"""The ``signin_attempts`` rows. The throttling rules live in ``laydraft.throttle``.

``laydraft.throttle`` opens a write transaction and calls the helpers taking ``conn``, so
counting and recording an attempt happen atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .engine import Database
from .tables import signin_attempts


@dataclass(frozen=True)
class AttemptCount:
    """Attempts since some moment, and when the oldest of them was made."""

    count: int
    oldest: datetime | None


class SigninRows(Database):
    def forget_attempts_until(self, conn: Connection, moment: datetime) -> None:
        """Delete attempts made at or before ``moment``."""
        conn.execute(signin_attempts.delete().where(signin_attempts.c.at <= moment))

    def attempts_after(self, conn: Connection, moment: datetime, *, account: str | None = None,
                       address: str | None = None) -> AttemptCount:
        """Attempts made after ``moment`` for the account or the address."""
        query = sa.select(sa.func.count(), sa.func.min(signin_attempts.c.at)).where(
            signin_attempts.c.at > moment)
        if account is not None:
            query = query.where(signin_attempts.c.account == account)
        if address is not None:
            query = query.where(signin_attempts.c.address == address)
        count, oldest = conn.execute(query).one()
        return AttemptCount(int(count), oldest)  # min() keeps the column's Timestamp type

    def add_attempt(self, conn: Connection, account: str, address: str, at: datetime) -> None:
        conn.execute(signin_attempts.insert().values(account=account, address=address, at=at))

    def clear_attempts(self, account: str) -> None:
        """Forget the account's attempts (after it signed in)."""
        with self.transaction(write=True) as conn:
            conn.execute(signin_attempts.delete().where(signin_attempts.c.account == account))

