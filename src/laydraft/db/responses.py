"""The ``response_cache`` rows: model answers kept so a repeat draft is not paid for twice.

What the key covers, and when a hit is used, is ``laydraft.cache``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..models import LaySummary, Provenance
from .engine import Database
from .tables import response_cache

# Built once: a batch looks up and writes one row a draft, and building the statement (bind
# parameters and their cache key) costs more CPU than running it.
_FIND = sa.select(response_cache).where(response_cache.c.key == sa.bindparam("key"))
_FORGET = response_cache.delete().where(response_cache.c.key == sa.bindparam("key"))


@dataclass(frozen=True)
class CachedAnswer:
    summary: LaySummary
    provenance: Provenance
    created_at: datetime


class ResponseRows(Database):
    def cache_get(self, key: str) -> CachedAnswer | None:
        with self.transaction() as conn:
            row = conn.execute(_FIND, {"key": key}).mappings().first()
        if row is None:
            return None
        return CachedAnswer(summary=LaySummary.model_validate(row["summary_json"]),
                            provenance=Provenance.model_validate(row["provenance_json"]),
                            created_at=row["created_at"])

    def cache_put(self, key: str, summary: LaySummary, provenance: Provenance,
                  created_at: datetime) -> None:
        """Store (or replace) the answer under ``key``."""
        with self.transaction(write=True) as conn:
            conn.execute(_FORGET, {"key": key})
            conn.execute(response_cache.insert(), dict(
                key=key, model=provenance.model, prompt_fingerprint=provenance.prompt_fingerprint,
                summary_json=summary.model_dump(mode="json"),
                provenance_json=provenance.model_dump(mode="json"), created_at=created_at,
            ))
