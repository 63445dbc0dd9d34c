"""The ``users`` rows: web accounts. Hashing and the sign-in rules live in ``laydraft.users``.

Every change that alters what an account may do or how it signs in (a new role, a new
password, removal) deletes that account's sessions in the same transaction, so a cookie
issued before the change stops working at once.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..errors import ErrorCode, NotFoundError, UsageError
from ..models import Role, User
from .engine import Database
from .tables import sessions, users


class AccountRows(Database):
    def add_user(self, name: str, password_hash: str, created_at: datetime,
                 role: Role = Role.editor) -> User:
        """Add an account; refuses a name already taken."""
        try:
            with self.transaction(write=True) as conn:
                conn.execute(users.insert().values(name=name, password_hash=password_hash,
                                                   created_at=created_at, role=role.value))
        except IntegrityError as exc:
            raise UsageError(f"a user named {name!r} already exists",
                             code=ErrorCode.USER_EXISTS, name=name) from exc
        return User(name=name, role=role, created_at=created_at)

    def get_user(self, name: str) -> User | None:
        with self.transaction() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        return _to_user(row) if row else None

    def list_users(self) -> builtins.list[User]:
        """Every account with its role, by name."""
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

    def set_role(self, name: str, role: Role) -> User:
        """Give the account a role and end its sessions; never demotes the last admin."""
        with self.transaction(write=True) as conn:
            before = _locked_user(conn, name)
            if before.role is Role.admin and role is not Role.admin:
                _keep_an_admin(conn, name, f"{name} is the only admin; the role was not changed")
            conn.execute(users.update().where(users.c.name == name).values(role=role.value))
            conn.execute(sessions.delete().where(sessions.c.user_name == name))
        return before.model_copy(update={"role": role})

    def remove_user(self, name: str) -> User:
        """Delete the account and its sessions; never removes the last admin."""
        with self.transaction(write=True) as conn:
            before = _locked_user(conn, name)
            if before.role is Role.admin:
                _keep_an_admin(conn, name, f"{name} is the only admin; the account was kept")
            conn.execute(sessions.delete().where(sessions.c.user_name == name))
            conn.execute(users.delete().where(users.c.name == name))
        return before

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Store a new password hash and end every session of the account."""
        with self.transaction(write=True) as conn:
            _locked_user(conn, name)
            conn.execute(users.update().where(users.c.name == name)
                         .values(password_hash=password_hash))
            conn.execute(sessions.delete().where(sessions.c.user_name == name))


def _locked_user(conn: Connection, name: str) -> User:
    row = conn.execute(sa.select(users).where(users.c.name == name)
                       .with_for_update()).mappings().first()
    if row is None:
        raise NotFoundError(f"no user named {name!r}", code=ErrorCode.USER_NOT_FOUND, name=name)
    return _to_user(row)


def _keep_an_admin(conn: Connection, name: str, message: str) -> None:
    """Refuse a change that would leave the accounts without an admin."""
    admins = conn.execute(sa.select(users.c.name).where(users.c.role == Role.admin.value)
                          .with_for_update()).scalars().all()  # locked: no concurrent demotion
    if not [admin for admin in admins if admin != name]:
        raise UsageError(message, code=ErrorCode.LAST_ADMIN, name=name)


def _to_user(row: Any) -> User:
    return User(name=row["name"], role=Role(row["role"]), created_at=row["created_at"],
                last_signin=row["last_signin"])
