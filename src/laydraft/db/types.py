"""Column types shared by the live tables and the migrations that create them.

``Timestamp`` is a timezone-aware moment: ``timestamptz`` on PostgreSQL; on SQLite, which has
no date type, ISO-8601 text in UTC (the format laydraft always wrote there, so rows from before
these types load unchanged). Python always gets an aware UTC datetime back.

``JSONDocument`` is JSON: ``jsonb`` on PostgreSQL, JSON text on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine


class _ISOText(sqlite.DATETIME):
    """SQLite's DATETIME declaration without SQLAlchemy's own (offset-dropping) conversion."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class Timestamp(sa.types.TypeDecorator[datetime]):
    """An aware datetime; naive values are refused rather than guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_ISOText())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value!r}")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.isoformat(timespec="microseconds")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        if moment.tzinfo is None:  # SQLite text written without an offset is UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def JSONDocument() -> TypeEngine[Any]:  # noqa: N802 - used like a type class
    """A JSON column: ``jsonb`` on PostgreSQL, JSON text elsewhere."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
