"""What a batch has done so far: the skip check that makes re-running a list safe.

A record counts as drafted when the queue holds a draft of it (same stable key) whose first
version was written with the same prompt fingerprint and model (``db.queued``, the rule
``laydraft draft`` shares). The queue is the proof, not a flag set afterwards, so a run killed
between queueing a draft and updating ``batch_items`` still never drafts that record twice.
``batch_items`` keeps what the queue cannot: failures with their reasons, and records
submitted to the Batch API and not yet collected.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from ..db import ItemKey, ItemRow, Store
from ..db.queued import OFFLINE_MODEL, model_label, provenance_matches

__all__ = ["BatchState", "ItemKey", "ItemRow", "OFFLINE_MODEL", "RUN_STATUSES", "model_label",
           "process_alive", "provenance_matches"]

# How a run's row can read: running (now, or killed before it could say otherwise), finished
# (went through its list), failed (stopped by a fatal model answer, bad input or the storage),
# interrupted (Ctrl-C, or found killed by a later run), submitted (handed to the Batch API).
RUN_STATUSES = ("running", "finished", "failed", "interrupted", "submitted")
# Rows written before the statuses were renamed (migration 080 renames stored ones).
OLD_STATUSES = {"done": "finished", "stopped": "failed"}
# A process that started this long after a run's row was written cannot be the run's process.
PID_REUSE_SLACK = 2.0


def _started_at(pid: int) -> tuple[float, bool] | None:
    """When a process started (epoch seconds) and whether it is a zombie; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text()
                    .splitlines() if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK"), fields[0] == "Z"
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def process_alive(pid: int, since: float | None = None) -> bool:
    """True when process ``pid`` of this host runs and may be the one that began at ``since``.

    A zombie is dead; a process that started well after ``since`` reuses a dead run's pid.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    found = _started_at(pid)
    if found is None:
        return True
    started, zombie = found
    return not zombie and (since is None or started <= since + PID_REUSE_SLACK)



class BatchState:
    """Reads and writes the batch rows through the queue's Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start_run(self, list_path: str, via: str, drafter: str, model: str,
                  fingerprint: str) -> int:
        """A new ``running`` row owned by this process (first closing runs found killed)."""
        self.close_dead_runs()
        return self.store.start_batch_run(list_path, via, drafter, model, fingerprint,
                                          pid=os.getpid(), host=socket.gethostname())

    def close_dead_runs(self) -> list[int]:
        """Mark ``interrupted`` the runs still ``running`` whose process is gone (kill -9).

        Only runs of this host can be judged (by pid and start time); a run on another host,
        or one that is alive, is left as it is. Returns the ids marked.
        """
        host = socket.gethostname()
        closed = []
        for run in self.store.running_batch_runs():
            pid = run.get("pid")
            if pid is None or run.get("host") != host or pid == os.getpid():
                continue
            since = run["created_at"].timestamp() if run.get("created_at") else None
            if not process_alive(int(pid), since) and self.store.interrupt_batch_run(run["id"]):
                closed.append(int(run["id"]))
        return closed

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        self.store.finish_batch_run(run_id, status, summary)

    def run(self, run_id: int) -> dict[str, Any] | None:
        """A run's row, its status in today's words (``done`` -> finished, ``stopped`` -> failed)."""
        found = self.store.batch_run(run_id)
        if found is not None:
            found["status"] = OLD_STATUSES.get(found["status"], found["status"])
        return found

    def known(self, fingerprint: str, model: str) -> dict[str, str]:
        """What the queue holds of the records a run must look at (``Store.batch_known``):
        any other record of the run needs drafting, no query asked."""
        return self.store.batch_known(fingerprint, model)

    def heard_limits(self, server: str, model: str) -> tuple[int | None, int | None] | None:
        return self.store.heard_limits(server, model)

    def save_heard_limits(self, server: str, model: str, rpm: int | None,
                           tpm: int | None) -> None:
        self.store.save_heard_limits(server, model, rpm, tpm)

    def drafted(self, key: ItemKey) -> int | None:
        """The id of a queued draft of this record with this prompt and model, if any."""
        return self.store.queued_draft(key)

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
