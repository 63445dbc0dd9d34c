"""Accounts for the web app: who may sign in, with passwords hashed by argon2.

Only the hash is stored. ``argon2-cffi`` comes with the ``web`` extra and is imported when a
password is hashed or checked, so the core CLI works without it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .errors import ConfigError, ErrorCode, NotFoundError, UsageError
from .models import utcnow

if TYPE_CHECKING:
    from .store import Store

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_metadata = sa.MetaData()
users = sa.Table(
    "users", _metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("last_signin", sa.String(40)),
)


def create_users_table(conn: Connection) -> None:
    """Migration 030: the users table as first shipped (a frozen copy, not ``users`` above)."""
    frozen = sa.MetaData()
    sa.Table(
        "users", frozen,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("last_signin", sa.String(40)),
    )
    frozen.create_all(conn)


class User(BaseModel):
    """A person who may sign in to the web app; the name is their reviewer name."""

    name: str
    created_at: datetime
    last_signin: datetime | None = None


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:
        raise ConfigError("accounts need the argon2-cffi package, which is not installed",
                          code=ErrorCode.MISSING_EXTRA, extra="web",
                          packages=["argon2-cffi"]) from exc
    return PasswordHasher()


def check_name(name: str) -> str:
    """A valid account name, or a UsageError saying what is allowed."""
    name = name.strip()
    if not _NAME.match(name):
        raise UsageError(f"invalid user name {name!r}: use 1 to 64 letters, digits, '.', '_', "
                         "'-' or '@', starting with a letter or digit",
                         code=ErrorCode.INVALID_USER, field="name")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} "
                         "characters", code=ErrorCode.INVALID_USER, field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UsageError(f"the password is too long: keep it under {MAX_PASSWORD_LENGTH} "
                         "characters", code=ErrorCode.INVALID_USER, field="password")
    return password


def _to_user(row: Any) -> User:
    return User(name=row["name"], created_at=datetime.fromisoformat(row["created_at"]),
                last_signin=(datetime.fromisoformat(row["last_signin"])
                             if row["last_signin"] else None))


def create_user(store: Store, name: str, password: str) -> User:
    """Add an account; refuses a name already taken."""
    name = check_name(name)
    digest = _hasher().hash(check_password(password))
    now = utcnow()
    try:
        with store.transaction(write=True) as conn:
            conn.execute(users.insert().values(name=name, password_hash=digest,
                                               created_at=now.isoformat()))
    except IntegrityError as exc:
        raise UsageError(f"a user named {name!r} already exists", code=ErrorCode.USER_EXISTS,
                         name=name) from exc
    return User(name=name, created_at=now)


def get_user(store: Store, name: str) -> User:
    with store.transaction() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        raise NotFoundError(f"no user named {name!r}", code=ErrorCode.USER_NOT_FOUND, name=name)
    return _to_user(row)


def list_users(store: Store) -> list[User]:
    with store.transaction() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.name)).mappings()
        return [_to_user(row) for row in rows]


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if the password matches, else None. Unknown names cost as much as known ones."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    with store.transaction() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name.strip())).mappings().first()
    stored = row["password_hash"] if row else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    now = utcnow()
    updates: dict[str, str] = {"last_signin": now.isoformat()}
    if hasher.check_needs_rehash(stored):
        updates["password_hash"] = hasher.hash(password)
    with store.transaction(write=True) as conn:
        conn.execute(users.update().where(users.c.name == row["name"]).values(**updates))
    return _to_user({**row, "last_signin": updates["last_signin"]})


_DUMMY: dict[str, str] = {}


def _dummy_hash(hasher: Any) -> str:
    """A hash of a random password, so a missing account takes as long as a wrong password."""
    if "hash" not in _DUMMY:
        import secrets

        _DUMMY["hash"] = hasher.hash(secrets.token_urlsafe(24))
    return _DUMMY["hash"]
