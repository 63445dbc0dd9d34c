"""Is this record already in the queue? The one rule ``batch`` and ``draft`` share.

A record counts as drafted when the queue holds a draft of it (same stable key) whose first
version was written with the same prompt fingerprint and model. The queue is the proof, not a
flag set afterwards, so a run killed between queueing a draft and noting it still never
drafts that record twice. ``Store.queued_draft`` applies the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Provenance

if TYPE_CHECKING:  # the batch rows' module asks this rule too
    from .batch import ItemKey

__all__ = ["OFFLINE_MODEL", "model_label", "provenance_matches", "written_with"]

OFFLINE_MODEL = "offline"


def model_label(drafter: str, model: str) -> str:
    """The model part of an item key: the configured model, or ``offline``."""
    return OFFLINE_MODEL if drafter == "offline" else model


def provenance_matches(provenance: Provenance, key: ItemKey) -> bool:
    """True when a draft was written with the key's prompt and model (``written_with``)."""
    return written_with(provenance.prompt_fingerprint, provenance.drafter, provenance.model, key)


def written_with(fingerprint: str, drafter: str, model: str | None, key: ItemKey) -> bool:
    """True when a version written with this prompt, by this drafter and model, counts as a
    draft for the key.

    A dated snapshot (``gpt-4o-2024-08-06``) or a tag (``llama3.1:8b``) matches its family;
    another model whose name merely starts the same way (``gpt-4o-mini``) does not.
    """
    if fingerprint != key.fingerprint:
        return False
    if key.model == OFFLINE_MODEL:
        return drafter == "offline"
    written = model or ""
    if written == key.model or written.startswith(key.model + ":"):
        return True
    return written.startswith(key.model + "-") and written[len(key.model) + 1:][:1].isdigit()
