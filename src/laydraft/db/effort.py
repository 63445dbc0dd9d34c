"""The ``reviewer_effort`` rows: one ``models.Effort`` per decided draft.

What the figures mean and when they are computed is ``laydraft.effort``'s business.
"""

from __future__ import annotations

import builtins
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..models import Effort
from .engine import Database
from .tables import audit, drafts, reviewer_effort

DECIDED = ("approve", "reject")


class EffortRows(Database):
    def save_effort(self, conn: Connection, effort: Effort) -> None:
        """Store (or replace) a draft's effort, inside the caller's transaction."""
        conn.execute(reviewer_effort.delete().where(
            reviewer_effort.c.draft_id == effort.draft_id))
        conn.execute(reviewer_effort.insert().values(
            draft_id=effort.draft_id, outcome=effort.outcome, reviewer=effort.reviewer,
            decided_at=effort.decided_at, drafter=effort.drafter, model=effort.model,
            prompt_fingerprint=effort.prompt_fingerprint, variant=effort.variant,
            audience=effort.audience, words_drafted=effort.words.drafted,
            words_kept=effort.words.kept, words_inserted=effort.words.inserted,
            words_deleted=effort.words.deleted, rounds=effort.rounds,
            seconds_to_claim=_whole(effort.seconds_to_claim),
            seconds_to_decide=_whole(effort.seconds_to_decide),
            effort_json=effort.model_dump(mode="json"), computed_at=effort.computed_at,
        ))

    def efforts(self, since: datetime | None = None) -> builtins.list[Effort]:
        """Every stored effort, oldest decision first; ``since`` keeps later decisions only."""
        query = sa.select(reviewer_effort.c.effort_json).order_by(
            reviewer_effort.c.decided_at, reviewer_effort.c.draft_id)
        if since is not None:
            query = query.where(reviewer_effort.c.decided_at >= since)
        with self.transaction() as conn:
            return [Effort.model_validate(doc) for doc in conn.execute(query).scalars()]

    def effort(self, draft_id: int) -> Effort | None:
        with self.transaction() as conn:
            doc = conn.execute(sa.select(reviewer_effort.c.effort_json).where(
                reviewer_effort.c.draft_id == draft_id)).scalar_one_or_none()
        return None if doc is None else Effort.model_validate(doc)

    def decided_without_effort(self) -> builtins.list[int]:
        """Drafts with an approve or reject in their log but no effort row (decided before
        efforts were recorded), oldest first."""
        decided = sa.select(audit.c.draft_id).where(audit.c.action.in_(DECIDED))
        known = sa.select(reviewer_effort.c.draft_id)
        query = (sa.select(drafts.c.id).where(drafts.c.id.in_(decided),
                                              drafts.c.id.not_in(known))
                 .order_by(drafts.c.id))
        with self.transaction() as conn:
            return [int(i) for i in conn.execute(query).scalars()]


def _whole(seconds: float | None) -> int | None:
    """Whole seconds for the SQL columns (``effort_json`` keeps the exact moments)."""
    return None if seconds is None else round(seconds)
