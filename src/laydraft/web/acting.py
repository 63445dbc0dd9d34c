"""The signed-in person as the library's ``Actor``: their name and the role held in the database.

The web app never decides what a role may do; it hands this Actor to ``laydraft.review`` and
``laydraft.export`` (which call ``permissions.decide``) and asks ``review.what_may`` which
buttons to show.
"""

from __future__ import annotations

from typing import Any

from ..actors import known_actor
from ..db import Store
from ..errors import ErrorCode, UsageError
from ..permissions import Actor


def name_of(user: Any) -> str | None:
    """The signed-in person's name, from a name or a User (or None when nobody is)."""
    if user is None:
        return None
    return user if isinstance(user, str) else str(getattr(user, "name", "") or "") or None


def actor_for(store: Store, user: Any) -> Actor:
    """The Actor for a signed-in user (a name, or a User), with the role the database holds.

    A session whose account no longer exists acts as nobody: the action is refused.
    """
    name = name_of(user) or ""
    found = known_actor(store, name)
    if found is None:
        raise UsageError("the signed-in account no longer exists", code=ErrorCode.UNKNOWN_ACTOR,
                         name=name)
    return found
