"""The batch tables: runs, one row a record's outcome, and submitted Batch API jobs.

``batch_items`` has one row per (record key, prompt fingerprint, model): the latest outcome of
drafting that record with that prompt and model. A drafted record's proof is its draft in the
queue (see ``state.py``); the row adds failures with their reasons and Batch API submissions.
Only sqlalchemy is imported here, because ``store.py`` imports this module for its migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

batch_runs = sa.Table(
    "batch_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("list_path", sa.Text, nullable=False),
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("drafter", sa.String(40), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("summary_json", sa.Text),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)
batch_items = sa.Table(
    "batch_items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_key", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(40), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("source", sa.Text),
    sa.Column("draft_id", sa.Integer),
    sa.Column("reason", sa.String(40)),
    sa.Column("detail", sa.Text),
    sa.Column("remote_batch_id", sa.String(100), index=True),
    sa.Column("custom_id", sa.String(100), index=True),
    sa.Column("abstract_json", sa.Text),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("record_key", "fingerprint", "model", name="uq_batch_items_record"),
)
batch_jobs = sa.Table(
    "batch_jobs", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("run_id", sa.Integer, nullable=False, index=True),
    sa.Column("input_file_id", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("requests", sa.Integer, nullable=False),
    sa.Column("output_file_id", sa.String(100)),
    sa.Column("error_file_id", sa.String(100)),
    sa.Column("collected", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)


def migrate_batch_runs(conn: Connection) -> None:
    """Migration ``020_batch_runs``: the tables above, as first shipped.

    When a table above changes, freeze this copy of it here and add a new migration.
    """
    frozen = sa.MetaData()
    for table in (batch_runs, batch_items, batch_jobs):
        table.to_metadata(frozen)
    frozen.create_all(conn)
