"""Hermetic tests: no network, no user files, no API key from the developer's shell."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def hermetic_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user directory and the database at tmp_path; clear laydraft/openai env vars."""
    import os

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
def shared_data() -> Path:
    """The shared evaluation data; tests using it skip when it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA
