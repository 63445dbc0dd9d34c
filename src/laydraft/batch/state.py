"""What a batch has done so far: the skip check that makes re-running a list safe.

A record counts as drafted when the queue holds a draft of it (same stable key) whose first
version was written with the same prompt fingerprint and model. The queue is the proof, not a
flag set afterwards, so a run killed between queueing a draft and updating ``batch_items``
still never drafts that record twice. ``batch_items`` keeps what the queue cannot: failures
with their reasons, and records submitted to the Batch API and not yet collected.
"""

from __future__ import annotations

from typing import Any

from ..db import ItemKey, ItemRow, Store
from ..models import Provenance

__all__ = ["BatchState", "ItemKey", "ItemRow", "OFFLINE_MODEL", "model_label",
           "provenance_matches"]

OFFLINE_MODEL = "offline"


def model_label(drafter: str, model: str) -> str:
    """The model part of an item key: the configured model, or ``offline``."""
    return OFFLINE_MODEL if drafter == "offline" else model


def provenance_matches(provenance: Provenance, key: ItemKey) -> bool:
    """True when a draft was written with the key's prompt and model (snapshots match family)."""
    if provenance.prompt_fingerprint != key.fingerprint:
        return False
    if key.model == OFFLINE_MODEL:
        return provenance.drafter == "offline"
    written = provenance.model or ""
    return written == key.model or written.startswith((key.model + "-", key.model + ":"))


class BatchState:
    """Reads and writes the batch rows through the queue's Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start_run(self, list_path: str, via: str, drafter: str, model: str,
                  fingerprint: str) -> int:
        return self.store.start_batch_run(list_path, via, drafter, model, fingerprint)

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        self.store.finish_batch_run(run_id, status, summary)

    def drafted(self, key: ItemKey) -> int | None:
        """The id of a queued draft of this record with this prompt and model, if any."""
        for draft_id, provenance in self.store.first_versions(key.record_key, key.fingerprint):
            if provenance_matches(provenance, key):
                return draft_id
        return None

    def item(self, key: ItemKey) -> ItemRow | None:
        return self.store.batch_item(key)

    def save(self, item: ItemRow) -> None:
        """Insert or replace the outcome of one record (one row per key)."""
        self.store.save_batch_item(item)

    def failures(self, run_id: int | None = None) -> list[ItemRow]:
        return self.store.batch_items(status="failed", run_id=run_id)

    def items_for_job(self, batch_id: str) -> list[ItemRow]:
        return self.store.batch_items(remote_batch_id=batch_id)

    # -- Batch API jobs -------------------------------------------------------------------------

    def item_by_custom_id(self, custom_id: str) -> ItemRow | None:
        found = self.store.batch_items(custom_id=custom_id)
        return found[0] if found else None

    def record_job(self, batch_id: str, run_id: int, input_file_id: str, status: str,
                   items: list[ItemRow]) -> None:
        """Store a created batch and its items as submitted (one transaction)."""
        self.store.record_batch_job(batch_id, run_id, input_file_id, status, items)

    def update_job(self, batch_id: str, **values: Any) -> None:
        self.store.update_batch_job(batch_id, **values)

    def jobs(self, batch_id: str | None = None, pending_only: bool = False) -> list[dict[str, Any]]:
        return self.store.batch_jobs(batch_id, pending_only)

    def run(self, run_id: int) -> dict[str, Any] | None:
        return self.store.batch_run(run_id)
