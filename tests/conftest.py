"""Hermetic tests: no network, no user files, no API key from the developer's shell."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from blockbuster import BlockBuster, blockbuster_ctx

from laydraft.config import Settings, load_settings
from laydraft.db import Store
from laydraft.models import Abstract
from replay import Cassette, Recorder

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
RECORD = os.environ.get("LAYDRAFT_RECORD") == "1"
# Only record mode may see a real key; it is read here, before the environment is cleared.
_RECORDING_KEY = os.environ.get("OPENAI_API_KEY") if RECORD else None
FAKE_KEY = "sk-test-not-a-real-key"
EXAMPLE = (FIXTURES / "abstracts" / "example.txt").read_text().strip()
EXAMPLE_TITLE = "Sleep quality and relapse activity in MS"


# Every DBAPI connection a pool opened and has not closed yet -> where it was opened. Python
# 3.13's sqlite3 warns about a connection collected unclosed (an error under filterwarnings),
# but only when the garbage collector gets to it, in whatever test runs then; 3.11 and 3.12
# never warn, nor does psycopg. The pool's own events catch a leak on every version and
# driver, in the test that made it.
_OPEN_CONNECTIONS: dict[int, tuple[Any, str]] = {}


def _where_opened() -> str:
    """The laydraft and test frames that asked for the connection, above the store itself."""
    frames = [frame for frame in traceback.extract_stack()[:-2]
              if ("/laydraft/" in frame.filename and "/laydraft/db/" not in frame.filename)
              or "/tests/" in frame.filename]
    return "".join(traceback.format_list(frames[-4:]))


@sa.event.listens_for(sa.pool.Pool, "connect")
def _connection_opened(dbapi_connection: Any, _record: Any) -> None:
    _OPEN_CONNECTIONS[id(dbapi_connection)] = (dbapi_connection, _where_opened())


@sa.event.listens_for(sa.pool.Pool, "close")
@sa.event.listens_for(sa.pool.Pool, "close_detached")
def _connection_closed(dbapi_connection: Any, *_record: Any) -> None:
    _OPEN_CONNECTIONS.pop(id(dbapi_connection), None)


@pytest.fixture(autouse=True)
def closed_connections() -> Iterator[None]:
    """Fail a test that leaves a database connection open: each Store must be closed by its
    owner (the CLI context, the web app, a fixture). Set up before, so torn down after, every
    fixture that opens a Store."""
    before = set(_OPEN_CONNECTIONS)
    yield
    leaked = {key: found for key, found in _OPEN_CONNECTIONS.items() if key not in before}
    for key, (connection, _where) in leaked.items():
        del _OPEN_CONNECTIONS[key]
        connection.close()  # so the leak is reported here, once, not by a later test's GC
    assert not leaked, ("database connections left open (close the Store/engine), opened at:\n"
                        + "\n".join(where for _connection, where in leaked.values()))


@pytest.fixture(autouse=True)
def absl_logs_to_the_real_stderr() -> Iterator[None]:
    """Keep absl's log handler off pytest's capture files.

    rouge-score (the offline evaluation's ROUGE) imports absl.logging. Its handler keeps the
    ``sys.stderr`` of the moment of import, which is a capture file that pytest later closes.
    A later write to it kills the whole run with "lost sys.stderr", at import-linter's run in
    test_architecture. After each test, the handler is pointed at the process's own stderr.
    """
    yield
    absl_logging = sys.modules.get("absl.logging")
    if absl_logging is not None:
        absl_logging.get_absl_handler().python_handler.stream = sys.__stderr__


@pytest.fixture(autouse=True)
def hermetic_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user directory and the database at tmp_path; clear laydraft/openai env vars."""
    for name in list(os.environ):
        if name.startswith(("LAYDRAFT_", "OPENAI_", "AZURE_OPENAI", "NCBI_")):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("LAYDRAFT_DATABASE", str(tmp_path / "queue.db"))
    return tmp_path


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The database the test uses; test_postgres.py overrides this with a server."""
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def settings(request: pytest.FixtureRequest, store_url: str,
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings against ``store_url``: offline drafting, or drafting with the model (the fake
    key; calls replay cassettes) in modules marked ``pytestmark = pytest.mark.model``."""
    monkeypatch.setenv("LAYDRAFT_DATABASE", store_url)
    if request.node.get_closest_marker("model") is not None:
        request.getfixturevalue("api_key")
        return load_settings(overrides={"drafter": "openai"})
    return load_settings(overrides={"drafter": "offline"})


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The Store at ``store_url``, closed after the test (some test files define their own)."""
    with Store(store_url) as opened:
        yield opened


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A key in the environment: the real one in record mode, else an obviously fake one."""
    key = _RECORDING_KEY or FAKE_KEY
    monkeypatch.setenv("OPENAI_API_KEY", key)
    return key


@pytest.fixture
def cassette() -> Iterator[Callable[[str], Cassette | Recorder]]:
    """Open ``fixtures/http/NAME.json`` as a transport; unused recordings fail the test."""
    opened: list[Cassette | Recorder] = []

    def open_cassette(name: str) -> Cassette | Recorder:
        path = FIXTURES / "http" / f"{name}.json"
        transport: Cassette | Recorder = Recorder(path) if RECORD else Cassette(path)
        opened.append(transport)
        return transport

    yield open_cassette
    for transport in opened:
        transport.close()
        unused = transport.unused()
        assert not unused, f"{transport.path.name}: recorded interactions {unused} were never requested"


@pytest.fixture
def shared_data() -> Path:
    """The shared evaluation data; tests using it skip when it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture
def abstract() -> Abstract:
    """The example abstract, titled as in the recorded requests."""
    return Abstract(text=EXAMPLE, title=EXAMPLE_TITLE)


@pytest.fixture
def no_blocking() -> Iterator[BlockBuster]:
    """Fail the test when blocking I/O runs on an event loop's thread.

    Use it around async code (the batch runner, the async core): blocking calls made in worker
    threads (asyncio.to_thread) are fine, the same calls on the loop raise BlockingError.
    """
    with blockbuster_ctx() as detector:
        yield detector


@pytest.fixture
def grant() -> Callable[[Store, str, str], None]:
    """``grant(store, name, role)``: give an existing account a role for this test."""

    def assign(store: Store, name: str, role: str) -> None:
        from laydraft.models import Role

        assert store.get_user(name) is not None, f"no account {name}"
        store.set_role(name, Role(role))

    return assign
