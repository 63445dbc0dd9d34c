"""Password hashing: argon2id with explicit, modest parameters.

The parameters are OWASP's minimum for argon2id (19 MiB of memory, 2 passes, 1 lane), so
one check costs a few tens of milliseconds and 19 MiB for that moment; the web app also
bounds how many checks run at once (``signin_concurrency``). Hashes made with other
parameters (argon2-cffi's default of 64 MiB, used before laydraft fixed them) still verify
and are rehashed at the next sign-in.

``argon2-cffi`` comes with the ``web`` extra and is imported only when a password is hashed
or checked, so the core CLI works without it.
"""

from __future__ import annotations

import secrets
from typing import Any, Protocol

from .errors import ConfigError, ErrorCode

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1
HASH_LENGTH = 32
SALT_LENGTH = 16


class Hasher(Protocol):
    """What the account code needs from a password hasher (tests wrap the real one)."""

    def hash(self, password: str) -> str: ...

    def verify(self, digest: str, password: str) -> bool: ...

    def needs_rehash(self, digest: str) -> bool: ...

    def dummy_hash(self) -> str: ...


class Argon2Hasher:
    """argon2id with the parameters above."""

    def __init__(self) -> None:
        try:
            from argon2 import PasswordHasher, Type
        except ImportError as exc:
            raise ConfigError("accounts need the argon2-cffi package, which is not installed",
                              code=ErrorCode.MISSING_EXTRA, extra="web",
                              packages=["argon2-cffi"]) from exc
        self._hasher: Any = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB,
                                           parallelism=PARALLELISM, hash_len=HASH_LENGTH,
                                           salt_len=SALT_LENGTH, type=Type.ID)
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def verify(self, digest: str, password: str) -> bool:
        """True when the password matches; False for a wrong password or an unusable hash."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(self._hasher.verify(digest, password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, digest: str) -> bool:
        return bool(self._hasher.check_needs_rehash(digest))

    def dummy_hash(self) -> str:
        """A hash of a random password, so a missing account costs as much as a wrong password."""
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_urlsafe(24))
        return self._dummy


_DEFAULT: list[Hasher] = []


def default_hasher() -> Hasher:
    """The process's hasher, made on first use."""
    if not _DEFAULT:
        _DEFAULT.append(Argon2Hasher())
    return _DEFAULT[0]
