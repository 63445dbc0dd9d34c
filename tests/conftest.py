"""Hermetic tests: no network, no user files, no API key from the developer's shell."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from laydraft.config import Settings, load_settings
from laydraft.db import Store
from replay import Cassette, Recorder

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
RECORD = os.environ.get("LAYDRAFT_RECORD") == "1"
# Only record mode may see a real key; it is read here, before the environment is cleared.
_RECORDING_KEY = os.environ.get("OPENAI_API_KEY") if RECORD else None
FAKE_KEY = "sk-test-not-a-real-key"


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
def settings(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Offline drafting against ``store_url`` (some test files define their own)."""
    monkeypatch.setenv("LAYDRAFT_DATABASE", store_url)
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
def grant(monkeypatch: pytest.MonkeyPatch) -> Callable[[Store, str, str], None]:
    """``grant(store, name, role)``: give an existing account a role for this test.

    Where the database holds roles (``users.role``) the row is updated, so other processes see
    it too; before that column exists the role is laid over ``Store.get_user`` in this process.
    """

    from laydraft import actors
    from laydraft.db.accounts import AccountRows
    from laydraft.db.tables import users
    from laydraft.models import Role

    overlay: dict[str, Role] = {}
    if not actors.ROLES_STORED:
        original = AccountRows.get_user
        monkeypatch.setattr(actors, "ROLES_STORED", True)

        def get_user(self: AccountRows, name: str):  # type: ignore[no-untyped-def]
            found = original(self, name)
            if found is None:
                return None
            return found.model_copy(update={"role": overlay.get(name, Role.editor)})

        monkeypatch.setattr(AccountRows, "get_user", get_user)

    def assign(store: Store, name: str, role: str) -> None:
        assert store.get_user(name) is not None, f"no account {name}"
        if "role" in users.c:
            with store.transaction(write=True) as conn:
                conn.execute(users.update().where(users.c.name == name).values(role=role))
        overlay[name] = Role(role)

    return assign
