"""Migrating an empty database yields exactly the live schema of ``laydraft.db.tables``.

Runs on SQLite here and on PostgreSQL in test_postgres.py (which overrides ``store_url``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from laydraft.db import Store
from laydraft.db.tables import metadata, users


def _type(column_type: Any, dialect: sa.Dialect) -> str:
    return str(column_type.compile(dialect=dialect))


def _live(dialect: sa.Dialect) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    for table in metadata.sorted_tables:
        schema[table.name] = {
            "columns": {c.name: (_type(c.type, dialect), c.nullable, c.primary_key)
                        for c in table.columns},
            "indexes": {(i.name, tuple(c.name for c in i.columns), bool(i.unique))
                        for i in table.indexes},
            "unique": {(u.name, tuple(u.columns.keys())) for u in table.constraints
                       if isinstance(u, sa.UniqueConstraint)},
            "foreign_keys": {(tuple(fk.column_keys), fk.referred_table.name,
                              tuple(e.column.name for e in fk.elements), fk.ondelete)
                             for fk in table.foreign_key_constraints},
        }
    return schema


def _migrated(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    schema: dict[str, Any] = {}
    for name in inspector.get_table_names():
        primary = set(inspector.get_pk_constraint(name)["constrained_columns"])
        schema[name] = {
            "columns": {c["name"]: (_type(c["type"], engine.dialect), c["nullable"],
                                    c["name"] in primary)
                        for c in inspector.get_columns(name)},
            "indexes": {(i["name"], tuple(i["column_names"]), bool(i["unique"]))
                        for i in inspector.get_indexes(name)
                        if not i.get("duplicates_constraint")},  # PostgreSQL's unique index
            "unique": {(u["name"], tuple(u["column_names"]))
                       for u in inspector.get_unique_constraints(name)},
            "foreign_keys": {(tuple(fk["constrained_columns"]), fk["referred_table"],
                              tuple(fk["referred_columns"]),
                              fk.get("options", {}).get("ondelete"))
                             for fk in inspector.get_foreign_keys(name)},
        }
    return schema


def test_migrating_an_empty_database_yields_the_live_schema(store_url: str) -> None:
    with Store(store_url) as store:
        migrated = _migrated(store.engine)
        live = _live(store.engine.dialect)
    assert sorted(migrated) == sorted(live)
    for name in live:
        assert migrated[name] == live[name], name


def test_the_live_schema_uses_real_types(store_url: str) -> None:
    with Store(store_url) as store:
        columns = _migrated(store.engine)["drafts"]["columns"]
        if store.engine.dialect.name == "postgresql":
            assert columns["created_at"][0] == "TIMESTAMP WITH TIME ZONE"
            assert columns["abstract_json"][0] == "JSONB"
        else:
            assert columns["created_at"][0] == "DATETIME"
            assert columns["abstract_json"][0] == "JSON"


def test_moments_come_back_aware_and_naive_ones_are_refused(store_url: str) -> None:
    berlin = datetime(2025, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    with Store(store_url) as store:
        store.add_user("alice", "hash", berlin)
        found = store.get_user("alice")
        assert found is not None and found.created_at == berlin
        assert found.created_at.tzinfo is UTC and found.created_at.hour == 12
        with pytest.raises(sa.exc.StatementError, match="naive datetime"), \
                store.transaction(write=True) as conn:
            conn.execute(users.insert().values(name="bob", password_hash="h",
                                               created_at=datetime(2025, 6, 1)))
        assert [u.name for u in store.list_users()] == ["alice"]
