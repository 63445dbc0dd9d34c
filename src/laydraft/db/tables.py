"""Every live table, in one registry: what the code reads and writes today.

Migrations never use these definitions (see ``migrations.py``); a test checks that migrating
an empty database yields exactly this schema, on SQLite and on PostgreSQL.

A draft's versions are rows of ``versions``; version 1 is the drafter's original and no row is
ever rewritten, except that a re-check (``laydraft check --queue``) replaces a version's findings
and checks' version, recording what changed in the audit log.
``drafts.current_version`` always names the newest version.
"""

from __future__ import annotations

import sqlalchemy as sa

from .types import JSONDocument, Timestamp

metadata = sa.MetaData()

migrations = sa.Table(
    "migrations", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", Timestamp, nullable=False),
)

# -- the review queue ---------------------------------------------------------------------------

drafts = sa.Table(
    "drafts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_key", sa.String(200), nullable=False, index=True),
    sa.Column("title", sa.Text),
    sa.Column("status", sa.String(40), nullable=False, index=True),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("reviewer", sa.String(200), index=True),
    sa.Column("abstract_json", JSONDocument(), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, index=True),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("claimed_at", Timestamp),
    sa.Column("claim_expires", Timestamp),
    sa.Column("published_at", Timestamp),
    sa.Column("doi", sa.String(200), index=True),
    sa.Column("pmid", sa.String(40), index=True),
    sa.Column("created_by", sa.String(200)),
    sa.Column("headline", sa.Text),  # the current version's, for the queue's search
)
versions = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("summary_json", JSONDocument(), nullable=False),
    sa.Column("findings_json", JSONDocument(), nullable=False),
    sa.Column("provenance_json", JSONDocument(), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False, server_default="draft"),
    sa.Column("based_on", sa.Integer),
    sa.Column("note", sa.Text),
    sa.Column("checks_version", sa.Integer),  # the checks' version that computed the findings
    sa.UniqueConstraint("draft_id", "version", name="uq_versions_draft_version"),
)
comments = sa.Table(
    "comments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("section", sa.String(40)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)
audit = sa.Table(
    "audit", metadata,
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
    sa.Column("at", Timestamp, nullable=False),
)
# A reviewer's written reason why one finding needs no change (``models.Dismissal``); those
# given while approving despite an error finding (``approval``) are what used to be overrides.
# Matched to findings by code, section and the words of the span (``span``), not by position.
# Undoing one fills ``revoked_*`` and keeps the row, so the history keeps both acts.
dismissals = sa.Table(
    "dismissals", metadata,
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
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("revoked_at", Timestamp),
    sa.Column("revoked_by", sa.String(200)),
    sa.Column("revoke_reason", sa.Text),
)

# -- model answers reused instead of paid for twice (see ``laydraft.cache``) -------------------

response_cache = sa.Table(
    "response_cache", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("model", sa.String(200)),
    sa.Column("prompt_fingerprint", sa.String(40), nullable=False),
    sa.Column("summary_json", JSONDocument(), nullable=False),
    sa.Column("provenance_json", JSONDocument(), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
)

# -- batch runs: one row per run, per record outcome, per Batch API job ------------------------
# ``batch_items`` has one row per (record key, prompt fingerprint, model): the latest outcome of
# drafting that record with that prompt and model.

batch_runs = sa.Table(
    "batch_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("list_path", sa.Text, nullable=False),
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("drafter", sa.String(40), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("summary_json", JSONDocument()),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("pid", sa.Integer),  # the process running it, on host (to spot a killed run)
    sa.Column("host", sa.String(255)),
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
    sa.Column("abstract_json", JSONDocument()),
    sa.Column("updated_at", Timestamp, nullable=False),
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
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)
# The rate limits a server's headers last reported for a model (None: not reported).
server_limits = sa.Table(
    "server_limits", metadata,
    sa.Column("server", sa.String(500), primary_key=True),
    sa.Column("model", sa.String(200), primary_key=True),
    sa.Column("rpm", sa.Integer),
    sa.Column("tpm", sa.Integer),
    sa.Column("heard_at", Timestamp, nullable=False),
)

# -- web accounts (password hashing lives in ``laydraft.users``) -------------------------------

users = sa.Table(
    "users", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_signin", Timestamp),
    sa.Column("role", sa.String(20), nullable=False, server_default="editor"),
)

# -- web sessions and sign-in attempts (rules in ``laydraft.sessions`` and ``laydraft.throttle``) --
# A session row is keyed by the SHA-256 of the random id its cookie carries, so reading this
# table does not yield usable cookies. Deleting a user deletes their sessions (ON DELETE CASCADE).

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_seen", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False, index=True),
)
# One row per sign-in attempt not (yet) followed by a success; a success deletes the account's.
signin_attempts = sa.Table(
    "signin_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(200), nullable=False),
    sa.Column("address", sa.String(100), nullable=False),
    sa.Column("at", Timestamp, nullable=False, index=True),
    sa.Index("ix_signin_attempts_account_at", "account", "at"),
    sa.Index("ix_signin_attempts_address_at", "address", "at"),
)

# -- reviewer effort: one row per decided draft (computed by ``laydraft.effort``) ---------------
# The grouping keys and headline figures are columns (for SQL); ``effort_json`` holds the whole
# ``models.Effort`` (per-section edits, per-check findings). Re-deciding a draft replaces its row.

reviewer_effort = sa.Table(
    "reviewer_effort", metadata,
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("outcome", sa.String(40), nullable=False),
    sa.Column("reviewer", sa.String(200)),
    sa.Column("decided_at", Timestamp, nullable=False, index=True),
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
    sa.Column("computed_at", Timestamp, nullable=False),
)
