"""Sign-in throttling per account and per client address, kept in the database.

Every attempt is recorded *before* its password is checked, in the same transaction that
counts the earlier ones, so concurrent attempts count against each other and several server
processes share one count. An attempt that would exceed ``signin_account_limit`` for the
account or ``signin_address_limit`` for the address within ``signin_window_minutes`` is
refused without checking the password (it costs no hashing) and is not recorded, so the
refusal lifts once the oldest counted attempt leaves the window. A successful sign-in clears
the account's attempts. Rows older than the window are deleted as new attempts arrive.

On SQLite the write lock makes count-then-record exact; on PostgreSQL two simultaneous
attempts may both see the same count, so a burst can exceed a limit by a few attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .errors import ErrorCode, UsageError

if TYPE_CHECKING:
    from .config import Settings
    from .db import Store
    from .db.signins import AttemptCount

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class SigninLimits:
    """Failed attempts allowed per account and per address within the window (0: no limit)."""

    per_account: int
    per_address: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SigninLimits:
        return cls(per_account=settings.signin_account_limit,
                   per_address=settings.signin_address_limit,
                   window=timedelta(minutes=settings.signin_window_minutes))


class SigninThrottled(UsageError):
    """Too many failed sign-ins; ``retry_after`` is how many seconds until one is allowed."""

    default_code = ErrorCode.SIGNIN_THROTTLED

    def __init__(self, limit: str, retry_after: int) -> None:
        super().__init__(f"too many failed sign-in attempts for this {limit}; try again in "
                         f"{retry_after} seconds", limit=limit, retry_after=retry_after)
        self.retry_after = retry_after


def admit(store: Store, limits: SigninLimits, account: str, address: str,
          now: datetime) -> None:
    """Record a sign-in attempt, or raise SigninThrottled if it is one too many."""
    account, address = account.strip()[:MAX_KEY_LENGTH], address[:MAX_KEY_LENGTH]
    since = now - limits.window
    with store.transaction(write=True) as conn:
        store.forget_attempts_until(conn, since)
        checks = (("account", limits.per_account, {"account": account}),
                  ("address", limits.per_address, {"address": address}))
        for limit, allowed, key in checks:
            if allowed <= 0:
                continue
            counted = store.attempts_after(conn, since, **key)
            if counted.count >= allowed:
                raise SigninThrottled(limit, _wait(counted, limits.window, now))
        store.add_attempt(conn, account, address, now)


def succeeded(store: Store, account: str) -> None:
    """The account signed in: its failed attempts no longer count."""
    store.clear_attempts(account.strip()[:MAX_KEY_LENGTH])


def _wait(counted: AttemptCount, window: timedelta, now: datetime) -> int:
    """Whole seconds until the oldest counted attempt leaves the window (at least 1)."""
    if counted.oldest is None:
        return 1
    return max(1, int(-(-(counted.oldest + window - now).total_seconds() // 1)))
