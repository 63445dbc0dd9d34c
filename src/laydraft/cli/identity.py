"""Who the CLI acts as: trusted on a personal queue, a known user on a shared one.

On a personal SQLite queue the name from --as / LAYDRAFT_REVIEWER / ``reviewer`` is trusted and
acts as an admin: whoever can write the database file could change it anyway. On a shared queue
(a database URL that is not SQLite, or ``shared_queue = true``) the name must belong to a user
(``laydraft user add``) and the user's role bounds what the command may do; the permission
function in the library decides, exactly as for the web app.
"""

from __future__ import annotations

from ..actors import known_actor
from ..config import Settings
from ..db import Store
from ..errors import ErrorCode, UsageError
from ..models import Role
from ..permissions import NEEDED_ROLE, Action, Actor, decide
from ..review import require_reviewer


def acting_as(settings: Settings, store: Store, action: Action | None = None) -> Actor:
    """The person this command acts as; refuses an unknown name on a shared queue."""
    name = require_reviewer(settings.reviewer)
    if not settings.is_shared_queue():
        return Actor(name, Role.admin)
    user = known_actor(store, name)
    if user is None:
        needed = NEEDED_ROLE[action].value if action else Role.editor.value
        raise UsageError(f"{name!r} is not a user of this shared queue, so it cannot act on "
                         "it", code=ErrorCode.UNKNOWN_ACTOR, name=name, needed=needed,
                         action=action.value if action else None)
    return user


def draft_creator(settings: Settings, store: Store) -> str | None:
    """Who is recorded as creating a draft: on a shared queue a known user allowed to draft;
    on a personal queue the configured name, if any."""
    if not settings.is_shared_queue():
        return settings.reviewer.strip() or None
    actor = acting_as(settings, store, Action.draft)
    decide(actor, Action.draft, None).enforce()
    return actor.name
