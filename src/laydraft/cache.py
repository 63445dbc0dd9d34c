"""Reuse a successful model answer instead of paying for the same draft twice.

The key covers everything that shapes the answer: the full messages sent (the abstract, its
title, the instructions and the output-mode additions), the prompt fingerprint (which hashes the
rendered templates and the LaySummary JSON schema), the model, the server, the temperature, the
output mode and the word limits. Change any of them and the cache misses.

A hit returns the stored summary with ``cached=True``, no usage and cost 0 for this draft; its
one attempt (outcome ``cached``) says what the original call cost. The rows live in the store's
``response_cache`` table (``Store.cache_get`` / ``Store.cache_put``). The drafting core
(``laydraft.core``) consults it for every model draft.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from .config import Settings
from .drafting import DraftOutput
from .models import Attempt, Provenance, Usage, utcnow
from .prompts import RenderedPrompt

if TYPE_CHECKING:
    from .db import Store

CACHE_VERSION = 1


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
    """Cached successful drafts in the database, through the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find(self, settings: Settings, prompt: RenderedPrompt,
             key: str | None = None) -> DraftOutput | None:
        """The cached answer for the prompt, if any; ``key``: its ``cache_key``, if known."""
        hit = self.store.cache_get(key or cache_key(settings, prompt))
        if hit is None:
            return None
        return DraftOutput(summary=hit.summary, provenance=_reused(
            hit.provenance, hit.created_at.isoformat(timespec="seconds")))

    def save(self, settings: Settings, prompt: RenderedPrompt, output: DraftOutput,
             key: str | None = None) -> None:
        """Remember a fresh, successful draft (a cached one is never re-saved)."""
        if output.provenance.cached:
            return
        self.store.cache_put(key or cache_key(settings, prompt), output.summary,
                             output.provenance,
                             utcnow().replace(microsecond=0))
