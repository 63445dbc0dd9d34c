"""The response cache: a repeat draft costs nothing, and any change that matters misses."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from conftest import FIXTURES
from laydraft.cache import CachingDrafter, ResponseCache, cache_key
from laydraft.config import Settings, load_settings
from laydraft.db import Store
from laydraft.drafting.openai_drafter import OpenAIDrafter
from laydraft.errors import DraftFailed
from laydraft.models import Abstract, LaySummary, WordLimits, WordRange
from laydraft.pipeline import draft_abstract
from laydraft.prompts import render_draft_prompt, schema_fingerprint
from replay import Cassette

EXAMPLE = (FIXTURES / "abstracts" / "example.txt").read_text().strip()


@pytest.fixture
def settings(api_key: str) -> Settings:
    return load_settings(overrides={"drafter": "openai"})


@pytest.fixture
def abstract() -> Abstract:
    return Abstract(text=EXAMPLE, title="Sleep quality and relapse activity in MS")


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store(settings.database_url())


def cached_drafter(settings: Settings, store: Store, transport: httpx2.BaseTransport
                   ) -> CachingDrafter:
    inner = OpenAIDrafter(settings, http_client=httpx2.Client(transport=transport),
                          sleep=lambda _: None)
    return CachingDrafter(inner, ResponseCache(store), settings)


def test_the_migration_creates_the_cache_table(store: Store) -> None:
    assert "010_response_cache" in store.applied_migrations()
    import sqlalchemy as sa

    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("response_cache")}
    assert columns == {"key", "model", "prompt_fingerprint", "summary_json", "provenance_json",
                       "created_at"}


def test_a_repeat_draft_is_served_from_the_cache_with_zero_calls_and_zero_cost(
    settings: Settings, abstract: Abstract, store: Store, cassette: Callable[[str], Cassette],
    tmp_path: Path,
) -> None:
    first_transport = cassette("openai/success")
    first = draft_abstract(settings, abstract, cached_drafter(settings, store, first_transport))
    assert first_transport.calls == 1 and not first.provenance.cached

    again = Cassette(tmp_path / "no-calls.json")
    second = draft_abstract(settings, abstract, cached_drafter(settings, store, again))
    assert again.calls == 0
    assert second.summary == first.summary
    p = second.provenance
    assert (p.cached, p.cost_usd, p.tokens_in, p.tokens_out) == (True, 0.0, 0, 0)
    assert p.model == "gpt-4o-mini-2024-07-18"
    assert p.prompt_fingerprint == first.provenance.prompt_fingerprint
    [attempt] = p.attempts
    assert attempt.outcome == "cached"
    assert "$0.000263" in (attempt.detail or "")  # what the first draft cost (812 in, 236 out)
    assert "req_1f3e5d7c9b0a42e6a8c4d2f0e1b3a5c7" in (attempt.detail or "")


def test_failures_are_not_cached(
    settings: Settings, abstract: Abstract, store: Store, cassette: Callable[[str], Cassette]
) -> None:
    refusal = cassette("openai/refusal")
    with pytest.raises(DraftFailed):
        draft_abstract(settings, abstract, cached_drafter(settings, store, refusal))
    success = cassette("openai/success")
    draft_abstract(settings, abstract, cached_drafter(settings, store, success))
    assert success.calls == 1


def key(settings: Settings, abstract: Abstract) -> str:
    return cache_key(settings, render_draft_prompt(settings, abstract))


def test_the_key_changes_with_everything_that_shapes_the_answer(
    settings: Settings, abstract: Abstract
) -> None:
    base = key(settings, abstract)
    assert key(settings, abstract) == base
    changes = {
        "abstract": key(settings, Abstract(text=EXAMPLE + " Extra.", title=abstract.title)),
        "title": key(settings, Abstract(text=EXAMPLE)),
        "model": key(settings.model_copy(update={"model": "gpt-4o"}), abstract),
        "temperature": key(settings.model_copy(update={"temperature": 0.7}), abstract),
        "mode": key(settings.model_copy(update={"structured_output": "tools"}), abstract),
        "server": key(settings.model_copy(update={"base_url": "http://localhost:8000/v1"}),
                      abstract),
        "limits": key(settings.model_copy(update={"limits": WordLimits(
            headline=WordRange(min=5, max=20))}), abstract),
    }
    assert all(value != base for value in changes.values()), changes


def test_the_fingerprint_and_key_change_when_a_template_changes(
    settings: Settings, abstract: Abstract, tmp_path: Path
) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(settings.prompts_path(), copy)
    edited = settings.model_copy(update={"prompts_dir": str(copy)})
    assert key(edited, abstract) == key(settings, abstract)
    system = copy / "system.j2"
    system.write_text(system.read_text() + "\nKeep every sentence under twenty words.\n")
    assert (render_draft_prompt(edited, abstract).fingerprint
            != render_draft_prompt(settings, abstract).fingerprint)
    assert key(edited, abstract) != key(settings, abstract)


def test_the_fingerprint_and_key_change_when_the_schema_changes(
    settings: Settings, abstract: Abstract, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_fp = render_draft_prompt(settings, abstract).fingerprint
    before_key = key(settings, abstract)
    schema = LaySummary.model_json_schema()
    schema["properties"]["headline"]["description"] = "A different instruction."
    monkeypatch.setattr(LaySummary, "model_json_schema", classmethod(lambda cls, *a, **k: schema))
    # The schema is fixed for the life of a process; a changed schema means a new release,
    # i.e. a new process, which clearing the cached fingerprint stands in for.
    schema_fingerprint.cache_clear()
    assert render_draft_prompt(settings, abstract).fingerprint != before_fp
    assert key(settings, abstract) != before_key
    monkeypatch.undo()
    schema_fingerprint.cache_clear()
