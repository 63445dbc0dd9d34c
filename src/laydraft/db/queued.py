"""Is this record already in the queue? The one rule ``batch`` and ``draft`` share.

A record counts as drafted when the queue holds a draft of it (same stable key) whose first
version was written with the same prompt fingerprint and model. The queue is the proof, not a
flag set afterwards, so a run killed between queueing a draft and noting it still never
drafts that record twice. ``Store.queued_draft`` applies the rule.
"""

from __future__ import annotations

from ..models import Provenance
from .batch import ItemKey

__all__ = ["OFFLINE_MODEL", "ItemKey", "model_label", "provenance_matches"]

OFFLINE_MODEL = "offline"


def model_label(drafter: str, model: str) -> str:
    """The model part of an item key: the configured model, or ``offline``."""
    return OFFLINE_MODEL if drafter == "offline" else model


def provenance_matches(provenance: Provenance, key: ItemKey) -> bool:
    """True when a draft was written with the key's prompt and model.

    A dated snapshot (``gpt-4o-2024-08-06``) or a tag (``llama3.1:8b``) matches its family;
    another model whose name merely starts the same way (``gpt-4o-mini``) does not.
    """
    if provenance.prompt_fingerprint != key.fingerprint:
        return False
    if key.model == OFFLINE_MODEL:
        return provenance.drafter == "offline"
    written = provenance.model or ""
    if written == key.model or written.startswith(key.model + ":"):
        return True
    return written.startswith(key.model + "-") and written[len(key.model) + 1:][:1].isdigit()
