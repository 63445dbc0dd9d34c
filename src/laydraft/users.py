"""Accounts for the web app: who may sign in, with passwords hashed by argon2.

Only the hash is stored. ``argon2-cffi`` comes with the ``web`` extra and is imported when a
password is hashed or checked, so the core CLI works without it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, ErrorCode, UsageError
from .models import User, utcnow

if TYPE_CHECKING:
    from .db import Store

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


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


def create_user(store: Store, name: str, password: str) -> User:
    """Add an account; refuses a name already taken."""
    name = check_name(name)
    digest = _hasher().hash(check_password(password))
    return store.add_user(name, digest, utcnow())


def list_users(store: Store) -> list[User]:
    return store.list_users()


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if the password matches, else None. Unknown names cost as much as known ones."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    name = name.strip()
    found = store.password_hash(name)
    stored = found if found is not None else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    rehashed = hasher.hash(password) if hasher.check_needs_rehash(stored) else None
    return store.record_signin(name, utcnow(), rehashed)


_DUMMY: dict[str, str] = {}


def _dummy_hash(hasher: Any) -> str:
    """A hash of a random password, so a missing account takes as long as a wrong password."""
    if "hash" not in _DUMMY:
        import secrets

        _DUMMY["hash"] = hasher.hash(secrets.token_urlsafe(24))
    return _DUMMY["hash"]
