"""The ``sessions`` rows: server-side web sessions. The rules live in ``laydraft.sessions``.

Rows are keyed by the hash of the cookie's id (the caller hashes it); this module never sees
the id itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..models import Role, User
from .engine import Database
from .tables import sessions, users


@dataclass(frozen=True)
class SessionRow:
    """One session and the account it belongs to, as the account is now."""

    key: str
    user: User
    created_at: datetime
    last_seen: datetime
    expires_at: datetime


class SessionRows(Database):
    def add_session(self, key: str, user_name: str, created_at: datetime, expires_at: datetime,
                    replacing: str | None = None) -> None:
        """Insert a session; ``replacing`` (an older session's key) is deleted with it."""
        with self.transaction(write=True) as conn:
            if replacing is not None:
                conn.execute(sessions.delete().where(sessions.c.id == replacing))
            conn.execute(sessions.insert().values(id=key, user_name=user_name,
                                                  created_at=created_at, last_seen=created_at,
                                                  expires_at=expires_at))

    def find_session(self, key: str) -> SessionRow | None:
        """The session with this key, joined to its account, or None."""
        query = (sa.select(sessions, users.c.role, users.c.created_at.label("user_created_at"),
                           users.c.last_signin)
                 .join(users, users.c.name == sessions.c.user_name)
                 .where(sessions.c.id == key))
        with self.transaction() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        user = User(name=row["user_name"], role=Role(row["role"]),
                    created_at=row["user_created_at"], last_signin=row["last_signin"])
        return SessionRow(key=row["id"], user=user, created_at=row["created_at"],
                          last_seen=row["last_seen"], expires_at=row["expires_at"])

    def touch_session(self, key: str, at: datetime) -> None:
        with self.transaction(write=True) as conn:
            conn.execute(sessions.update().where(sessions.c.id == key).values(last_seen=at))

    def delete_session(self, key: str) -> None:
        with self.transaction(write=True) as conn:
            conn.execute(sessions.delete().where(sessions.c.id == key))

    def delete_sessions(self, user_name: str) -> int:
        """End every session of the account; how many there were."""
        with self.transaction(write=True) as conn:
            return int(conn.execute(sessions.delete()
                                    .where(sessions.c.user_name == user_name)).rowcount)

    def purge_sessions(self, now: datetime, idle_before: datetime) -> int:
        """Delete sessions past their expiry or unused since ``idle_before``; how many."""
        with self.transaction(write=True) as conn:
            return int(conn.execute(sessions.delete().where(sa.or_(
                sessions.c.expires_at <= now, sessions.c.last_seen <= idle_before))).rowcount)

    def count_sessions(self, user_name: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(sessions)
        if user_name is not None:
            query = query.where(sessions.c.user_name == user_name)
        with self.transaction() as conn:
            return int(conn.execute(query).scalar_one())
