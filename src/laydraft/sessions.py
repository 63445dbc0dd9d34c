"""Server-side sessions for the web app: they end when they should, and only then.

A session is a row in the database; the browser's cookie carries only a random id
(``secrets.token_urlsafe(32)``), and the row is keyed by that id's SHA-256, so the table
itself holds no usable cookie. A session ends at sign-out, after ``session_idle_minutes``
without a request, ``session_max_hours`` after it began, and whenever its account's role or
password changes or the account is removed (see ``db/accounts.py``). Signing in always makes
a new id and deletes the one the browser had, so an id planted before sign-in is worthless.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .models import User

if TYPE_CHECKING:
    from .config import Settings
    from .db import Store

# last_seen is written at most this often per session, so reading pages does not mean a
# database write per request; the idle timeout is exact to within this.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session may sit idle, and how long it may last at most."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(idle=timedelta(minutes=settings.session_idle_minutes),
                   lifetime=timedelta(hours=settings.session_max_hours))


def session_key(session_id: str) -> str:
    """The row key for a cookie's session id."""
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(store: Store, user_name: str, policy: SessionPolicy, now: datetime,
                  replacing: str | None = None) -> str:
    """A new session for the user; returns the id for the cookie.

    ``replacing`` is the id the browser already had (if any): it is deleted, so signing in
    rotates the id. Expired sessions of everyone are swept out at the same time.
    """
    store.purge_sessions(now, now - policy.idle)
    session_id = secrets.token_urlsafe(32)
    store.add_session(session_key(session_id), user_name, now, now + policy.lifetime,
                      replacing=session_key(replacing) if replacing else None)
    return session_id


def resume_session(store: Store, session_id: str, policy: SessionPolicy,
                   now: datetime) -> User | None:
    """The signed-in user for this id, with their current role; None if it has ended.

    An expired session is deleted as soon as it is presented.
    """
    if not session_id or len(session_id) > 200:
        return None
    key = session_key(session_id)
    row = store.find_session(key)
    if row is None:
        return None
    if now >= row.expires_at or now - row.last_seen >= policy.idle:
        store.delete_session(key)
        return None
    if now - row.last_seen >= TOUCH_INTERVAL:
        store.touch_session(key, now)
    return row.user


def end_session(store: Store, session_id: str | None) -> None:
    """Sign-out: the session's row is deleted, so its cookie no longer means anything."""
    if session_id:
        store.delete_session(session_key(session_id))


def end_all_sessions(store: Store, user_name: str) -> int:
    """End every session of the account (e.g. "sign out everywhere"); how many there were."""
    return store.delete_sessions(user_name)
