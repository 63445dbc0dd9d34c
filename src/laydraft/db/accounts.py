"""The ``users`` rows: web accounts. Hashing and the sign-in rules live in ``laydraft.users``."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..errors import ErrorCode, UsageError
from ..models import User
from .engine import Database
from .tables import users


class AccountRows(Database):
    def add_user(self, name: str, password_hash: str, created_at: datetime) -> User:
        """Add an account; refuses a name already taken."""
        try:
            with self.transaction(write=True) as conn:
                conn.execute(users.insert().values(name=name, password_hash=password_hash,
                                                   created_at=created_at))
        except IntegrityError as exc:
            raise UsageError(f"a user named {name!r} already exists",
                             code=ErrorCode.USER_EXISTS, name=name) from exc
        return User(name=name, created_at=created_at)

    def get_user(self, name: str) -> User | None:
        with self.transaction() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        return _to_user(row) if row else None

    def list_users(self) -> builtins.list[User]:
        with self.transaction() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.name)).mappings()
            return [_to_user(row) for row in rows]

    def password_hash(self, name: str) -> str | None:
        """The stored hash of the account, or None when there is no such account."""
        with self.transaction() as conn:
            found = conn.execute(sa.select(users.c.password_hash)
                                 .where(users.c.name == name)).scalar_one_or_none()
        return str(found) if found is not None else None

    def record_signin(self, name: str, at: datetime,
                      new_password_hash: str | None = None) -> User | None:
        """Note a sign-in (and a rehashed password); the account as it now is."""
        values: dict[str, Any] = {"last_signin": at}
        if new_password_hash is not None:
            values["password_hash"] = new_password_hash
        with self.transaction(write=True) as conn:
            conn.execute(users.update().where(users.c.name == name).values(**values))
        return self.get_user(name)


def _to_user(row: Any) -> User:
    return User(name=row["name"], created_at=row["created_at"], last_signin=row["last_signin"])
