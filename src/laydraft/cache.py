"""Reuse a successful model answer instead of paying for the same draft twice.

The key covers everything that shapes the answer: the full messages sent (the abstract, its
title, the instructions and the output-mode additions), the prompt fingerprint (which hashes the
rendered templates and the LaySummary JSON schema), the model, the server, the temperature, the
output mode and the word limits. Change any of them and the cache misses.

A hit returns the stored summary with ``cached=True``, no usage and cost 0 for this draft; its
one attempt (outcome ``cached``) says what the original call cost. The table is created by the
store's ``010_response_cache`` migration. The drafting core (``laydraft.core``) consults it
for every model draft.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .config import Settings
from .drafting import DraftOutput
from .models import Attempt, LaySummary, Provenance, Usage, utcnow
from .prompts import RenderedPrompt

CACHE_VERSION = 1
cache_metadata = sa.MetaData()
response_cache = sa.Table(
    "response_cache", cache_metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("model", sa.String(200)),
    sa.Column("prompt_fingerprint", sa.String(40), nullable=False),
    sa.Column("summary_json", sa.Text, nullable=False),
    sa.Column("provenance_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

Transaction = Callable[[], AbstractContextManager[Connection]]


def create_response_cache(conn: Connection) -> None:
    """Migration ``010_response_cache``: the table as it was when written."""
    response_cache.create(conn, checkfirst=True)


def cache_key(settings: Settings, prompt: RenderedPrompt) -> str:
    """A hash of everything that shapes the model's answer (see the module docstring)."""
    from .drafting.structured import base_messages

    parts: dict[str, Any] = {
        "version": CACHE_VERSION,
        "base_url": settings.base_url,
        "model": settings.model,
        "temperature": settings.temperature,
        "structured_output": settings.structured_output,
        "limits": settings.limits.model_dump(),
        "fingerprint": prompt.fingerprint,
        "messages": base_messages(settings, prompt.as_openai()),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _reused(original: Provenance, created_at: str) -> Provenance:
    cost = "unknown" if original.cost_usd is None else f"${original.cost_usd:.6f}"
    first_id = next((a.request_id for a in original.attempts if a.request_id), None)
    detail = (f"reused the answer cached {created_at}; the original draft cost {cost} for "
              f"{original.usage.prompt_tokens} tokens in / {original.usage.completion_tokens} out"
              + (f" (request {first_id})" if first_id else ""))
    return Provenance(
        drafter=original.drafter, model=original.model,
        prompt_fingerprint=original.prompt_fingerprint, usage=Usage(), cost_usd=0.0,
        cached=True, attempts=[Attempt(number=1, outcome="cached", detail=detail)],
    )


class ResponseCache:
    """Cached successful drafts in the database; pass ``store.transaction``."""

    def __init__(self, transaction: Transaction) -> None:
        self.transaction = transaction

    def find(self, settings: Settings, prompt: RenderedPrompt) -> DraftOutput | None:
        key = cache_key(settings, prompt)
        with self.transaction() as conn:
            row = conn.execute(sa.select(response_cache).where(
                response_cache.c.key == key)).mappings().first()
        if row is None:
            return None
        original = Provenance.model_validate_json(row["provenance_json"])
        return DraftOutput(summary=LaySummary.model_validate_json(row["summary_json"]),
                           provenance=_reused(original, row["created_at"]))

    def save(self, settings: Settings, prompt: RenderedPrompt, output: DraftOutput) -> None:
        """Remember a fresh, successful draft (a cached one is never re-saved)."""
        if output.provenance.cached:
            return
        key = cache_key(settings, prompt)
        with self.transaction() as conn:
            conn.execute(response_cache.delete().where(response_cache.c.key == key))
            conn.execute(response_cache.insert().values(
                key=key, model=output.provenance.model,
                prompt_fingerprint=output.provenance.prompt_fingerprint,
                summary_json=output.summary.model_dump_json(),
                provenance_json=output.provenance.model_dump_json(),
                created_at=utcnow().isoformat(timespec="seconds"),
            ))
