"""What a batch has done so far: the skip check that makes re-running a list safe.

A record counts as drafted when the queue holds a draft of it (same stable key) whose first
version was written with the same prompt fingerprint and model. The queue is the proof, not a
flag set afterwards, so a run killed between queueing a draft and updating ``batch_items``
still never drafts that record twice. ``batch_items`` keeps what the queue cannot: failures
with their reasons, and records submitted to the Batch API and not yet collected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..models import Provenance, utcnow
from ..store import Store, drafts, new_id, versions
from .schema import batch_items, batch_jobs, batch_runs

OFFLINE_MODEL = "offline"


@dataclass(frozen=True)
class ItemKey:
    """One record drafted with one prompt version and one model."""

    record_key: str
    fingerprint: str
    model: str


@dataclass
class ItemRow:
    key: ItemKey
    status: str
    run_id: int
    source: str | None = None
    draft_id: int | None = None
    reason: str | None = None
    detail: str | None = None
    remote_batch_id: str | None = None
    custom_id: str | None = None
    abstract_json: str | None = None


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


def _now() -> str:
    return utcnow().isoformat(timespec="microseconds")


class BatchState:
    """Reads and writes the batch tables through the queue's Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start_run(self, list_path: str, via: str, drafter: str, model: str,
                  fingerprint: str) -> int:
        with self.store.transaction(write=True) as conn:
            return new_id(conn.execute(batch_runs.insert().values(
                list_path=list_path, via=via, drafter=drafter, model=model,
                fingerprint=fingerprint, status="running", created_at=_now(), updated_at=_now(),
            )))

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.store.transaction(write=True) as conn:
            conn.execute(batch_runs.update().where(batch_runs.c.id == run_id).values(
                status=status, summary_json=json.dumps(summary, default=str), updated_at=_now()))

    def drafted(self, key: ItemKey) -> int | None:
        """The id of a queued draft of this record with this prompt and model, if any."""
        query = (sa.select(drafts.c.id, versions.c.provenance_json)
                 .join(versions, versions.c.draft_id == drafts.c.id)
                 .where(drafts.c.record_key == key.record_key, versions.c.version == 1,
                        versions.c.provenance_json.contains(key.fingerprint))
                 .order_by(drafts.c.id))
        with self.store.transaction() as conn:
            for draft_id, provenance_json in conn.execute(query):
                if provenance_matches(Provenance.model_validate_json(provenance_json), key):
                    return int(draft_id)
        return None

    def item(self, key: ItemKey) -> ItemRow | None:
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(batch_items).where(*_match(key))).mappings().first()
        return _to_item(row) if row else None

    def save(self, item: ItemRow) -> None:
        """Insert or replace the outcome of one record (one row per key)."""
        values = {
            "run_id": item.run_id, "status": item.status, "source": item.source,
            "draft_id": item.draft_id, "reason": item.reason, "detail": item.detail,
            "remote_batch_id": item.remote_batch_id, "custom_id": item.custom_id,
            "abstract_json": item.abstract_json, "updated_at": _now(),
        }
        with self.store.transaction(write=True) as conn:
            updated = conn.execute(batch_items.update().where(*_match(item.key)).values(**values))
            if updated.rowcount == 0:
                conn.execute(batch_items.insert().values(
                    record_key=item.key.record_key, fingerprint=item.key.fingerprint,
                    model=item.key.model, **values))

    def failures(self, run_id: int | None = None) -> list[ItemRow]:
        query = sa.select(batch_items).where(batch_items.c.status == "failed")
        if run_id is not None:
            query = query.where(batch_items.c.run_id == run_id)
        with self.store.transaction() as conn:
            return [_to_item(r) for r in conn.execute(query.order_by(batch_items.c.id)).mappings()]

    def items_for_job(self, batch_id: str) -> list[ItemRow]:
        query = sa.select(batch_items).where(batch_items.c.remote_batch_id == batch_id)
        with self.store.transaction() as conn:
            return [_to_item(r) for r in conn.execute(query.order_by(batch_items.c.id)).mappings()]

    # -- Batch API jobs -------------------------------------------------------------------------

    def item_by_custom_id(self, custom_id: str) -> ItemRow | None:
        query = sa.select(batch_items).where(batch_items.c.custom_id == custom_id)
        with self.store.transaction() as conn:
            row = conn.execute(query).mappings().first()
        return _to_item(row) if row else None

    def attach_job(self, run_id: int, custom_ids: list[str], batch_id: str) -> None:
        """Record which Batch API job holds these submitted items (one transaction)."""
        with self.store.transaction(write=True) as conn:
            for start in range(0, len(custom_ids), 500):
                conn.execute(batch_items.update().where(
                    batch_items.c.run_id == run_id,
                    batch_items.c.custom_id.in_(custom_ids[start:start + 500]),
                ).values(remote_batch_id=batch_id, updated_at=_now()))

    def add_job(self, batch_id: str, run_id: int, input_file_id: str, status: str,
                requests: int) -> None:
        with self.store.transaction(write=True) as conn:
            conn.execute(batch_jobs.insert().values(
                id=batch_id, run_id=run_id, input_file_id=input_file_id, status=status,
                requests=requests, created_at=_now(), updated_at=_now()))

    def update_job(self, batch_id: str, **values: Any) -> None:
        with self.store.transaction(write=True) as conn:
            conn.execute(batch_jobs.update().where(batch_jobs.c.id == batch_id)
                         .values(updated_at=_now(), **values))

    def jobs(self, batch_id: str | None = None, pending_only: bool = False) -> list[dict[str, Any]]:
        query = sa.select(batch_jobs).order_by(batch_jobs.c.created_at)
        if batch_id:
            query = query.where(batch_jobs.c.id == batch_id)
        if pending_only:
            query = query.where(batch_jobs.c.collected == sa.false())
        with self.store.transaction() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(batch_runs).where(batch_runs.c.id == run_id)).mappings()
            found = row.first()
        return dict(found) if found else None


def _match(key: ItemKey) -> list[Any]:
    return [batch_items.c.record_key == key.record_key,
            batch_items.c.fingerprint == key.fingerprint, batch_items.c.model == key.model]


def _to_item(row: Any) -> ItemRow:
    return ItemRow(
        key=ItemKey(row["record_key"], row["fingerprint"], row["model"]), status=row["status"],
        run_id=row["run_id"], source=row["source"], draft_id=row["draft_id"],
        reason=row["reason"], detail=row["detail"], remote_batch_id=row["remote_batch_id"],
        custom_id=row["custom_id"], abstract_json=row["abstract_json"],
    )
