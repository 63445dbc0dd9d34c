"""People as the permission function's ``Actor``: a known user's name and stored role.

The CLI on a shared queue and the web app both look people up here, so a role change takes
effect on the next action, and a removed account acts as nobody.

Roles are held in ``users.role``. A database whose ``users`` table does not yet have that column
(a laydraft from before roles) gives every account the admin role: exactly what every signed-in
account could do before roles existed, so upgrading never locks a site out. Once the column
exists the stored role applies (a new account is an editor).
"""

from __future__ import annotations

from .db import Store
from .db.tables import users
from .models import Role
from .permissions import Actor

ROLES_STORED = "role" in users.c


def known_actor(store: Store, name: str) -> Actor | None:
    """The Actor for the account called ``name``, or None when there is no such account."""
    user = store.get_user(name) if name else None
    if user is None:
        return None
    return Actor(user.name, Role(user.role) if ROLES_STORED else Role.admin)
