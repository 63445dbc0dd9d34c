"""Accounts for the web app: who may sign in, with which role, passwords hashed by argon2.

Only the hash is stored (see ``passwords.py``). Roles are ``models.Role``: editor < reviewer <
admin. Changing a role or a password, or removing an account, ends every session of that
account at once (the store does it in the same transaction), so nobody keeps acting with
rights or a password they no longer have. The accounts always keep at least one admin.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import ErrorCode, UsageError
from .models import Role, User, utcnow
from .passwords import Hasher, default_hasher

if TYPE_CHECKING:
    from .db import Store

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


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


def parse_role(value: str | Role) -> Role:
    """A Role from its name, or a UsageError listing the roles."""
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        choices = [role.value for role in Role]
        raise UsageError(f"unknown role {value!r}: use one of {', '.join(choices)}",
                         code=ErrorCode.UNKNOWN_CHOICE, field="role", value=str(value),
                         choices=choices) from None


def create_user(store: Store, name: str, password: str, role: Role | str = Role.editor,
                hasher: Hasher | None = None) -> User:
    """Add an account (an editor unless told otherwise); refuses a name already taken."""
    name = check_name(name)
    chosen = parse_role(role)
    digest = (hasher or default_hasher()).hash(check_password(password))
    return store.add_user(name, digest, utcnow(), chosen)


def list_users(store: Store) -> list[User]:
    """Every account with its role, creation and last sign-in, by name."""
    return store.list_users()


def set_role(store: Store, name: str, role: Role | str) -> User:
    """Give the account a new role and end its sessions; the last admin stays admin."""
    return store.set_role(name.strip(), parse_role(role))


def remove_user(store: Store, name: str) -> User:
    """Delete the account and its sessions (its name stays in drafts' history)."""
    return store.remove_user(name.strip())


def change_password(store: Store, name: str, password: str,
                    hasher: Hasher | None = None) -> None:
    """Set a new password and end every session of the account."""
    digest = (hasher or default_hasher()).hash(check_password(password))
    store.set_password_hash(name.strip(), digest)


def authenticate(store: Store, name: str, password: str,
                 hasher: Hasher | None = None) -> User | None:
    """The user if the password matches, else None. Unknown names cost as much as known ones.

    Blocking and CPU-heavy: the web app runs it in a worker thread, a few at a time.
    """
    hasher = hasher or default_hasher()
    name = name.strip()
    found = store.password_hash(name)
    stored = found if found is not None else hasher.dummy_hash()
    if not hasher.verify(stored, password) or found is None:
        return None
    rehashed = hasher.hash(password) if hasher.needs_rehash(stored) else None
    return store.record_signin(name, utcnow(), rehashed)
