"""The store, review, export and CLI workflow tests again, against a real PostgreSQL server.

Runs when LAYDRAFT_TEST_POSTGRES_URL names a database the tests may wipe, for example
``postgresql+psycopg://postgres@/laydraft_test?host=/var/run/postgresql`` (a unix socket,
which the socket guard allows); skipped otherwise. Every table in that database (or, under
pytest-xdist, in the worker's own database beside it) is dropped before each test.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from postgres_server import POSTGRES_URL, worker_database_url

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="set LAYDRAFT_TEST_POSTGRES_URL to run"),
    pytest.mark.enable_socket,
]

if POSTGRES_URL:
    pytest.importorskip("psycopg", reason="install the extra: pip install 'laydraft[postgres]'")
    from test_accounts import *  # noqa: F403
    from test_cli_queue import *  # noqa: F403
    from test_cli_review_e2e import *  # noqa: F403
    from test_dismissals import *  # noqa: F403
    from test_effort import *  # noqa: F403
    from test_export import *  # noqa: F403
    from test_recheck import *  # noqa: F403
    from test_review_workflow import *  # noqa: F403
    from test_schema import *  # noqa: F403
    from test_store import *  # noqa: F403


@pytest.fixture
def store_url() -> str:
    """The server's database, emptied (overrides the SQLite fixture of test_store.py)."""
    url = worker_database_url()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            found = sa.MetaData()
            found.reflect(conn)
            found.drop_all(conn)
    finally:
        engine.dispose()
    return url


def test_the_server_is_postgresql(store_url: str) -> None:
    from laydraft.db import Store

    with Store(store_url) as db:
        assert db.engine.dialect.name == "postgresql"
