"""Every schema change, in order: a database from any earlier laydraft upgrades in place.

A migration is a function ``mNNN_name(conn)``; ``@migration`` registers it and the database
records it as ``NNN_name`` in the ``migrations`` table, in the same transaction that applies it,
so a step is either wholly applied and recorded or not at all. A migration defines tables as
they were when it was written (frozen definitions or SQL), never the live ones in
``tables.py``: those describe today's schema, which a test checks these steps arrive at.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from ..models import Abstract, utcnow
from .types import JSONDocument, Timestamp

Migration = Callable[[Connection], None]
Transaction = Callable[..., AbstractContextManager[Connection]]

MIGRATIONS: list[Migration] = []


def migration(step: Migration) -> Migration:
    """Register a step (like ``MIGRATIONS.append``, but the function keeps its name here)."""
    MIGRATIONS.append(step)
    return step


_PG_MIGRATION_LOCK = 0x1A7D4AF7


def migration_name(step: Migration) -> str:
    """The name recorded for a step: its function name without the leading ``m``."""
    return step.__name__.removeprefix("m")


@migration
def m001_initial_queue(conn: Connection) -> None:
    """The queue as the first release shipped it: drafts and their versions."""
    frozen = sa.MetaData()
    sa.Table(
        "drafts", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_key", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.Text),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("abstract_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "versions", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.Column("findings_json", sa.Text, nullable=False),
        sa.Column("provenance_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("draft_id", "version", name="uq_versions_draft_version"),
    )
    frozen.create_all(conn, checkfirst=True)


@migration
def m002_review_workflow(conn: Connection) -> None:
    """Claims with expiry, publication time, version kind/base/note, comments and audit log."""
    for column in ("claimed_at", "claim_expires", "published_at"):
        conn.execute(sa.text(f"ALTER TABLE drafts ADD COLUMN {column} VARCHAR(40)"))
    conn.execute(sa.text(
        "ALTER TABLE versions ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'draft'"))
    conn.execute(sa.text("ALTER TABLE versions ADD COLUMN based_on INTEGER"))
    conn.execute(sa.text("ALTER TABLE versions ADD COLUMN note TEXT"))
    frozen = sa.MetaData()
    sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "comments", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("section", sa.String(40)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "audit", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40)),
        sa.Column("from_version", sa.Integer),
        sa.Column("to_version", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.String(40), nullable=False),
    )
    for name in ("comments", "audit"):
        frozen.tables[name].create(conn)


@migration
def m010_response_cache(conn: Connection) -> None:
    """Successful model answers, keyed by everything that shapes them."""
    frozen = sa.MetaData()
    sa.Table(
        "response_cache", frozen,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(200)),
        sa.Column("prompt_fingerprint", sa.String(40), nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.Column("provenance_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    frozen.create_all(conn, checkfirst=True)


@migration
def m020_batch_runs(conn: Connection) -> None:
    """Batch runs, the latest outcome of each record, and submitted Batch API jobs."""
    frozen = sa.MetaData()
    sa.Table(
        "batch_runs", frozen,
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
    sa.Table(
        "batch_items", frozen,
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
    sa.Table(
        "batch_jobs", frozen,
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
    frozen.create_all(conn)


@migration
def m030_users(conn: Connection) -> None:
    """Accounts for the web app: a name and an argon2 hash."""
    frozen = sa.MetaData()
    sa.Table(
        "users", frozen,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("last_signin", sa.String(40)),
    )
    frozen.create_all(conn)


@migration
def m040_search_columns(conn: Connection) -> None:
    """DOI and PMID as columns, so the queue can be searched without reading every abstract."""
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN doi VARCHAR(200)"))
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN pmid VARCHAR(40)"))
    conn.execute(sa.text("CREATE INDEX ix_drafts_doi ON drafts (doi)"))
    conn.execute(sa.text("CREATE INDEX ix_drafts_pmid ON drafts (pmid)"))
    rows = conn.execute(sa.text("SELECT id, abstract_json FROM drafts")).all()
    for draft_id, abstract_json in rows:
        abstract = Abstract.model_validate_json(abstract_json)
        conn.execute(sa.text("UPDATE drafts SET doi = :doi, pmid = :pmid WHERE id = :id"),
                     {"doi": abstract.doi, "pmid": abstract.pmid, "id": draft_id})


# The columns migration 050 gave real types: moments and JSON documents, until then text.
_TYPED_050: dict[str, dict[str, str]] = {
    "migrations": {"applied_at": "timestamp"},
    "drafts": {"abstract_json": "json", "created_at": "timestamp", "updated_at": "timestamp",
               "claimed_at": "timestamp", "claim_expires": "timestamp",
               "published_at": "timestamp"},
    "versions": {"summary_json": "json", "findings_json": "json", "provenance_json": "json",
                 "created_at": "timestamp"},
    "comments": {"created_at": "timestamp"},
    "audit": {"at": "timestamp"},
    "response_cache": {"summary_json": "json", "provenance_json": "json",
                       "created_at": "timestamp"},
    "batch_runs": {"summary_json": "json", "created_at": "timestamp", "updated_at": "timestamp"},
    "batch_items": {"abstract_json": "json", "updated_at": "timestamp"},
    "batch_jobs": {"created_at": "timestamp", "updated_at": "timestamp"},
    "users": {"created_at": "timestamp", "last_signin": "timestamp"},
}


@migration
def m050_typed_columns(conn: Connection) -> None:
    """Moments become ``timestamptz`` and JSON ``jsonb`` on PostgreSQL.

    The text already there converts in place (it is ISO-8601 with an offset, and JSON). SQLite
    keeps the same text; its tables are rebuilt only so they declare DATETIME and JSON.
    """
    if conn.dialect.name == "postgresql":
        for table, columns in _TYPED_050.items():
            for column, kind in columns.items():
                target = "timestamptz" if kind == "timestamp" else "jsonb"
                conn.execute(sa.text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {target} "
                                     f"USING {column}::{target}"))
    else:
        _rebuild_sqlite_tables(conn, {
            table: {column: Timestamp() if kind == "timestamp" else JSONDocument()
                    for column, kind in columns.items()}
            for table, columns in _TYPED_050.items()
        })


def _rebuild_sqlite_tables(conn: Connection, retype: dict[str, dict[str, TypeEngine[Any]]]
                           ) -> None:
    """Change column types the way SQLite allows: new tables, copy the rows, drop, rename.

    Everything but the named types is copied from the database itself. The new tables refer to
    each other under their temporary names until renamed, so dropping an old parent table never
    cascades into the copied rows (the foreign keys stay on throughout).
    """
    old = sa.MetaData()
    old.reflect(conn, only=list(retype))
    fresh = sa.MetaData()
    for name in retype:
        table = old.tables[name]
        columns = [
            sa.Column(c.name, retype[name].get(c.name, c.type), nullable=c.nullable,
                      primary_key=c.primary_key,
                      server_default=(sa.text(str(c.server_default.arg))
                                      if isinstance(c.server_default, sa.DefaultClause)
                                      else None))
            for c in table.columns
        ]
        constraints: list[sa.Constraint] = [
            sa.ForeignKeyConstraint(
                [c.name for c in fk.columns],
                [f"{_temporary(fk.referred_table.name, retype)}.{e.column.name}"
                 for e in fk.elements],
                ondelete=fk.ondelete, onupdate=fk.onupdate)
            for fk in table.foreign_key_constraints
        ]
        constraints += [sa.UniqueConstraint(*c.columns.keys(), name=c.name)
                        for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
        sa.Table(_temporary(name, retype), fresh, *columns, *constraints)
    fresh.create_all(conn)
    for name in retype:
        listed = ", ".join(f'"{c.name}"' for c in old.tables[name].columns)
        conn.execute(sa.text(f'INSERT INTO "{_temporary(name, retype)}" ({listed}) '
                             f'SELECT {listed} FROM "{name}"'))
    for table in reversed(old.sorted_tables):
        conn.execute(sa.text(f'DROP TABLE "{table.name}"'))
    for name in retype:
        conn.execute(sa.text(f'ALTER TABLE "{_temporary(name, retype)}" RENAME TO "{name}"'))
    for table in old.sorted_tables:
        for index in table.indexes:
            indexed = ", ".join(f'"{c.name}"' for c in index.columns)
            unique = "UNIQUE " if index.unique else ""
            conn.execute(sa.text(f'CREATE {unique}INDEX "{index.name}" ON "{table.name}" '
                                 f"({indexed})"))


def _temporary(name: str, retype: dict[str, Any]) -> str:
    return f"{name}__050" if name in retype else name


@migration
def m060_user_roles(conn: Connection) -> None:
    """Each account gets a role (editor < reviewer < admin).

    Accounts made before roles existed could do everything, so they all become ``admin``:
    nobody loses what they could do on upgrade. New accounts default to ``editor``.
    """
    conn.execute(sa.text(
        "ALTER TABLE users ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'editor'"))
    conn.execute(sa.text("UPDATE users SET role = 'admin'"))


@migration
def m061_sessions(conn: Connection) -> None:
    """Server-side web sessions: the cookie carries a random id whose hash keys a row here."""
    frozen = sa.MetaData()
    sa.Table("users", frozen, sa.Column("name", sa.String(64), primary_key=True))
    sa.Table(
        "sessions", frozen,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("last_seen", Timestamp, nullable=False),
        sa.Column("expires_at", Timestamp, nullable=False, index=True),
    )
    frozen.tables["sessions"].create(conn)


@migration
def m062_signin_attempts(conn: Connection) -> None:
    """Sign-in attempts per account and address, so throttling holds across server processes."""
    frozen = sa.MetaData()
    sa.Table(
        "signin_attempts", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("at", Timestamp, nullable=False, index=True),
        sa.Index("ix_signin_attempts_account_at", "account", "at"),
        sa.Index("ix_signin_attempts_address_at", "address", "at"),
    )
    frozen.create_all(conn)


@migration
def m070_draft_creators_and_overrides(conn: Connection) -> None:
    """Who created each draft (for the four-eyes rule), and reasons for overridden findings."""
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN created_by VARCHAR(200)"))
    frozen = sa.MetaData()
    sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "overrides", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("check", sa.String(40), nullable=False),
        sa.Column("section", sa.String(40)),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", Timestamp(), nullable=False),
    )
    frozen.tables["overrides"].create(conn)


@migration
def m080_batch_run_owner(conn: Connection) -> None:
    """Which process runs a batch (pid, host), so a killed run can be told from a live one;
    run statuses renamed to how a run ends: finished, failed, interrupted."""
    conn.execute(sa.text("ALTER TABLE batch_runs ADD COLUMN pid INTEGER"))
    conn.execute(sa.text("ALTER TABLE batch_runs ADD COLUMN host VARCHAR(255)"))
    for old, new in (("done", "finished"), ("stopped", "failed"), ("running", "interrupted")):
        # A run left 'running' before this migration has no owner to ask: it was killed.
        conn.execute(sa.text("UPDATE batch_runs SET status = :new WHERE status = :old"),
                     {"new": new, "old": old})


@migration
def m090_dismissals(conn: Connection) -> None:
    """Dismissed findings with their reasons, overrides among them; the checks' version.

    An override (a reason for approving despite an error finding) is a dismissal given while
    approving, so the ``overrides`` rows move into ``dismissals`` (``approval`` true, no code:
    they keep matching by check, place and message) with the words they pointed at, and the
    ``overrides`` table goes. Each version records which version of the checks computed its
    findings (NULL for those computed before).
    """
    conn.execute(sa.text("ALTER TABLE versions ADD COLUMN checks_version INTEGER"))
    frozen = sa.MetaData()
    sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True))
    dismissals = sa.Table(
        "dismissals", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("check", sa.String(40), nullable=False),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("section", sa.String(40)),
        sa.Column("span", sa.Text, nullable=False),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("approval", sa.Boolean, nullable=False),
        sa.Column("at", Timestamp(), nullable=False),
    )
    dismissals.create(conn)
    conn.execute(sa.text(
        'INSERT INTO dismissals (draft_id, version, "check", code, section, span, start, "end", '
        'message, reason, actor, approval, at) SELECT draft_id, version, "check", \'\', section, '
        '\'\', start, "end", message, reason, actor, :approval, at FROM overrides ORDER BY id'
    ).bindparams(sa.bindparam("approval", type_=sa.Boolean())), {"approval": True})
    rows = conn.execute(sa.text(
        'SELECT d.id, d.section, d.start, d."end", v.summary_json FROM dismissals d '
        "JOIN versions v ON v.draft_id = d.draft_id AND v.version = d.version")).all()
    for row_id, section, start, end, summary in rows:
        sections = json.loads(summary) if isinstance(summary, str | bytes) else summary
        text = sections.get(section or "", "") if isinstance(sections, dict) else ""
        if start is not None and end is not None and 0 <= start < end <= len(text):
            conn.execute(sa.text("UPDATE dismissals SET span = :span WHERE id = :id"),
                         {"span": text[start:end], "id": row_id})
    conn.execute(sa.text("DROP TABLE overrides"))


@migration
def m100_dismissal_undo(conn: Connection) -> None:
    """A dismissal can be undone: who undid it, when and why, on the row itself.

    The row stays (the history keeps the dismissal and its undoing); a row with ``revoked_at``
    set no longer covers any finding.
    """
    moment = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    conn.execute(sa.text(f"ALTER TABLE dismissals ADD COLUMN revoked_at {moment}"))
    conn.execute(sa.text("ALTER TABLE dismissals ADD COLUMN revoked_by VARCHAR(200)"))
    conn.execute(sa.text("ALTER TABLE dismissals ADD COLUMN revoke_reason TEXT"))


@migration
def m110_reviewer_effort(conn: Connection) -> None:
    """Reviewer effort per decided draft (edits, time, rounds, findings, outcome).

    Drafts decided before this step get their rows from ``laydraft.effort.backfill`` (run by
    ``laydraft stats``): computing them needs the workflow's rules, which this layer lacks.
    """
    frozen = sa.MetaData()
    sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "reviewer_effort", frozen,
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("decided_at", Timestamp(), nullable=False, index=True),
        sa.Column("drafter", sa.String(40), nullable=False),
        sa.Column("model", sa.String(200)),
        sa.Column("prompt_fingerprint", sa.String(40), nullable=False),
        sa.Column("variant", sa.String(100)),
        sa.Column("audience", sa.Text),
        sa.Column("words_drafted", sa.Integer, nullable=False),
        sa.Column("words_kept", sa.Integer, nullable=False),
        sa.Column("words_inserted", sa.Integer, nullable=False),
        sa.Column("words_deleted", sa.Integer, nullable=False),
        sa.Column("rounds", sa.Integer, nullable=False),
        sa.Column("seconds_to_claim", sa.Integer),
        sa.Column("seconds_to_decide", sa.Integer),
        sa.Column("effort_json", JSONDocument(), nullable=False),
        sa.Column("computed_at", Timestamp(), nullable=False),
    )
    frozen.tables["reviewer_effort"].create(conn)


@migration
def m120_queue_at_scale(conn: Connection) -> None:
    """What the queue page needs to filter and page in SQL at any size: indexes for the
    reviewer and date filters, and the current headline as a column the search reads."""
    conn.execute(sa.text("CREATE INDEX ix_drafts_reviewer ON drafts (reviewer)"))
    conn.execute(sa.text("CREATE INDEX ix_drafts_created_at ON drafts (created_at)"))
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN headline TEXT"))
    rows = conn.execute(sa.text(
        "SELECT d.id, v.summary_json FROM drafts d JOIN versions v "
        "ON v.draft_id = d.id AND v.version = d.current_version")).all()
    for draft_id, summary in rows:
        if isinstance(summary, str):  # SQLite hands JSON back as text
            summary = json.loads(summary)
        conn.execute(sa.text("UPDATE drafts SET headline = :headline WHERE id = :id"),
                     {"headline": (summary or {}).get("headline"), "id": draft_id})


@migration
def m130_server_limits(conn: Connection) -> None:
    """The rate limits a model server last reported for a model, so the next batch against
    it starts at that rate instead of sending one request alone to learn them."""
    frozen = sa.MetaData()
    sa.Table(
        "server_limits", frozen,
        sa.Column("server", sa.String(500), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("rpm", sa.Integer),
        sa.Column("tpm", sa.Integer),
        sa.Column("heard_at", Timestamp(), nullable=False),
    )
    frozen.tables["server_limits"].create(conn)


# -- applying them -------------------------------------------------------------------------------

_bootstrap = sa.MetaData()
_migrations_as_first_shipped = sa.Table(
    "migrations", _bootstrap,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.String(40), nullable=False),
)


def applied(transaction: Transaction) -> list[str]:
    """The names of the migrations this database has recorded."""
    with transaction(write=True) as conn:
        _migrations_as_first_shipped.create(conn, checkfirst=True)
        return list(conn.execute(sa.text("SELECT name FROM migrations")).scalars())


def migrate(transaction: Transaction, steps: list[Migration] | None = None) -> list[str]:
    """Apply every step not yet recorded, each atomically with its record; the names applied.

    On PostgreSQL an advisory lock makes concurrent starts apply each step once.
    """
    done = set(applied(transaction))
    applied_now = []
    for step in MIGRATIONS if steps is None else steps:
        name = migration_name(step)
        if name in done:
            continue
        with transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                             {"key": _PG_MIGRATION_LOCK})
            if conn.execute(sa.text("SELECT 1 FROM migrations WHERE name = :name"),
                            {"name": name}).first():
                continue
            step(conn)
            conn.execute(
                sa.text("INSERT INTO migrations (name, applied_at) VALUES (:name, :at)")
                .bindparams(sa.bindparam("at", type_=Timestamp())),
                {"name": name, "at": utcnow()})
        applied_now.append(name)
    return applied_now
