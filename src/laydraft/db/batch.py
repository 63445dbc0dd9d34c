"""The batch rows: runs, the latest outcome of each record, and submitted Batch API jobs.

``batch_items`` has one row per (record key, prompt fingerprint, model). Whether a record
counts as drafted is decided by ``laydraft.batch.state`` from the queue, not from these rows.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..models import utcnow
from .engine import Database, new_id
from .queued import written_with
from .tables import batch_items, batch_jobs, batch_runs, drafts, server_limits, versions


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


class BatchRows(Database):
    def start_batch_run(self, list_path: str, via: str, drafter: str, model: str,
                        fingerprint: str, pid: int | None = None,
                        host: str | None = None) -> int:
        """A new run, ``running`` in process ``pid`` on ``host`` until it is finished."""
        now = utcnow()
        with self.transaction(write=True) as conn:
            return new_id(conn.execute(batch_runs.insert().values(
                list_path=list_path, via=via, drafter=drafter, model=model,
                fingerprint=fingerprint, status="running", created_at=now, updated_at=now,
                pid=pid, host=host,
            )))

    def finish_batch_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        """Close a run with its summary (values JSON cannot hold are stored as text)."""
        document = json.loads(json.dumps(summary, default=str))
        with self.transaction(write=True) as conn:
            conn.execute(batch_runs.update().where(batch_runs.c.id == run_id).values(
                status=status, summary_json=document, updated_at=utcnow()))

    def running_batch_runs(self) -> builtins.list[dict[str, Any]]:
        """The runs whose row says ``running`` (live, or killed before they could say so)."""
        with self.transaction() as conn:
            return [dict(row) for row in conn.execute(
                sa.select(batch_runs).where(batch_runs.c.status == "running")
                .order_by(batch_runs.c.id)).mappings()]

    def interrupt_batch_run(self, run_id: int) -> bool:
        """Mark a run that is still ``running`` as ``interrupted``; False if it ended meanwhile."""
        with self.transaction(write=True) as conn:
            changed = conn.execute(batch_runs.update().where(
                batch_runs.c.id == run_id, batch_runs.c.status == "running",
            ).values(status="interrupted", updated_at=utcnow()))
            return bool(changed.rowcount)

    def batch_run(self, run_id: int) -> dict[str, Any] | None:
        with self.transaction() as conn:
            found = conn.execute(sa.select(batch_runs).where(batch_runs.c.id == run_id)
                                 ).mappings().first()
        return dict(found) if found else None

    def batch_known(self, fingerprint: str, model: str) -> builtins.dict[str, str]:
        """What the queue holds of each record a run with this prompt and model must look at
        before drafting it: "drafted" (a queued draft matches, as ``queued_draft`` decides),
        else "submitted" (in a Batch API job) or "failed" from its batch row, else "" (queued
        with another model, or a row in another state: look again, row by row).

        One read for a whole run, so that a record absent here is known new and a finished
        one known done without a query of their own; a few tens of bytes a record.
        """
        prompt = versions.c.provenance_json["prompt_fingerprint"].as_string()
        queued = (sa.select(drafts.c.record_key,
                            versions.c.provenance_json["drafter"].as_string(),
                            versions.c.provenance_json["model"].as_string())
                  .join(versions, versions.c.draft_id == drafts.c.id)
                  .where(versions.c.version == 1, prompt == fingerprint))
        rows = sa.select(batch_items.c.record_key, batch_items.c.status,
                         batch_items.c.remote_batch_id).where(
            batch_items.c.fingerprint == fingerprint, batch_items.c.model == model)
        known: dict[str, str] = {}
        with self.transaction() as conn:
            for key, status, remote in conn.execute(rows):
                known[str(key)] = ("submitted" if status == "submitted" and remote
                                   else "failed" if status == "failed" else "")
            for key, drafter, written in conn.execute(queued):
                if written_with(fingerprint, drafter, written, ItemKey(str(key), fingerprint,
                                                                       model)):
                    known[str(key)] = "drafted"
                else:
                    known.setdefault(str(key), "")
        return known

    def heard_limits(self, server: str, model: str) -> tuple[int | None, int | None] | None:
        """(requests, tokens) a minute the server last reported for the model (None in
        either: it reported none); None when no run has heard from it."""
        query = sa.select(server_limits.c.rpm, server_limits.c.tpm).where(
            server_limits.c.server == server, server_limits.c.model == model)
        with self.transaction() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1]) if row else None

    def save_heard_limits(self, server: str, model: str, rpm: int | None,
                           tpm: int | None) -> None:
        """Keep what the server reported, replacing what an earlier run heard."""
        with self.transaction(write=True) as conn:
            conn.execute(server_limits.delete().where(server_limits.c.server == server,
                                                      server_limits.c.model == model))
            conn.execute(server_limits.insert().values(server=server, model=model, rpm=rpm,
                                                       tpm=tpm, heard_at=utcnow()))

    def batch_item(self, key: ItemKey) -> ItemRow | None:
        with self.transaction() as conn:
            row = conn.execute(sa.select(batch_items).where(*_match(key))).mappings().first()
        return _to_item(row) if row else None

    def batch_items(self, *, status: str | None = None, run_id: int | None = None,
                    remote_batch_id: str | None = None,
                    custom_id: str | None = None) -> builtins.list[ItemRow]:
        """The item rows matching every filter given, oldest first."""
        query = sa.select(batch_items).order_by(batch_items.c.id)
        for column, value in ((batch_items.c.status, status), (batch_items.c.run_id, run_id),
                              (batch_items.c.remote_batch_id, remote_batch_id),
                              (batch_items.c.custom_id, custom_id)):
            if value is not None:
                query = query.where(column == value)
        with self.transaction() as conn:
            return [_to_item(row) for row in conn.execute(query).mappings()]

    def save_batch_item(self, item: ItemRow) -> None:
        """Insert or replace the outcome of one record (one row per key)."""
        with self.transaction(write=True) as conn:
            _upsert_item(conn, item)

    def record_batch_job(self, batch_id: str, run_id: int, input_file_id: str, status: str,
                         items: builtins.list[ItemRow]) -> None:
        """Store a batch the API created and its items as submitted, in one transaction.

        Called only once the API has returned the batch id: an item is never ``submitted``
        without the job that holds it, so a failed upload leaves nothing to clean up.
        """
        now = utcnow()
        with self.transaction(write=True) as conn:
            conn.execute(batch_jobs.insert().values(
                id=batch_id, run_id=run_id, input_file_id=input_file_id, status=status,
                requests=len(items), created_at=now, updated_at=now))
            for item in items:
                _upsert_item(conn, item)

    def update_batch_job(self, batch_id: str, **values: Any) -> None:
        with self.transaction(write=True) as conn:
            conn.execute(batch_jobs.update().where(batch_jobs.c.id == batch_id)
                         .values(updated_at=utcnow(), **values))

    def batch_jobs(self, batch_id: str | None = None,
                   pending_only: bool = False) -> builtins.list[dict[str, Any]]:
        query = sa.select(batch_jobs).order_by(batch_jobs.c.created_at)
        if batch_id:
            query = query.where(batch_jobs.c.id == batch_id)
        if pending_only:
            query = query.where(batch_jobs.c.collected == sa.false())
        with self.transaction() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]


def _upsert_item(conn: sa.Connection, item: ItemRow) -> None:
    values = {
        "run_id": item.run_id, "status": item.status, "source": item.source,
        "draft_id": item.draft_id, "reason": item.reason, "detail": item.detail,
        "remote_batch_id": item.remote_batch_id, "custom_id": item.custom_id,
        "abstract_json": (json.loads(item.abstract_json)
                          if item.abstract_json is not None else None),
        "updated_at": utcnow(),
    }
    updated = conn.execute(batch_items.update().where(*_match(item.key)).values(**values))
    if updated.rowcount == 0:
        conn.execute(batch_items.insert().values(
            record_key=item.key.record_key, fingerprint=item.key.fingerprint,
            model=item.key.model, **values))


def _match(key: ItemKey) -> list[Any]:
    return [batch_items.c.record_key == key.record_key,
            batch_items.c.fingerprint == key.fingerprint, batch_items.c.model == key.model]


def _to_item(row: Any) -> ItemRow:
    document = row["abstract_json"]
    return ItemRow(
        key=ItemKey(row["record_key"], row["fingerprint"], row["model"]), status=row["status"],
        run_id=row["run_id"], source=row["source"], draft_id=row["draft_id"],
        reason=row["reason"], detail=row["detail"], remote_batch_id=row["remote_batch_id"],
        custom_id=row["custom_id"],
        abstract_json=json.dumps(document) if document is not None else None,
    )
