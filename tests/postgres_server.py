"""The PostgreSQL database a test may wipe: LAYDRAFT_TEST_POSTGRES_URL, one per test worker.

Under pytest-xdist (the README's test command runs the suite on every core) two workers would
drop each other's tables, so each worker gets a database of its own beside the named one
(``laydraft_test_gw0``, ...), created on first use.
"""

from __future__ import annotations

import os
from functools import cache

import sqlalchemy as sa

# Read at import: the hermetic fixture clears LAYDRAFT_* variables before each test runs.
POSTGRES_URL = os.environ.get("LAYDRAFT_TEST_POSTGRES_URL", "")


@cache
def worker_database_url() -> str:
    """POSTGRES_URL, or on an xdist worker the URL of that worker's own database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not POSTGRES_URL or not worker:
        return POSTGRES_URL
    url = sa.engine.make_url(POSTGRES_URL)
    name = f"{url.database or 'postgres'}_{worker}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": name}).first()
            if exists is None:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)
