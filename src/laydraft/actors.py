"""People as the permission function's ``Actor``: a known user's name and stored role.

The CLI on a shared queue and the web app both look people up here, so a role change takes
effect on the next action, and a removed account acts as nobody.

Roles are held in ``users.role`` (migration 060 made every account that existed before roles an
admin, so upgrading locked nobody out; a new account is an editor).
"""

from __future__ import annotations

from .db import Store
from .models import Role
from .permissions import Actor


def known_actor(store: Store, name: str) -> Actor | None:
    """The Actor for the account called ``name``, or None when there is no such account."""
    user = store.get_user(name) if name else None
    if user is None:
        return None
    return Actor(user.name, Role(user.role))
