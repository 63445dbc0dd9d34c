"""The response cache: a repeat draft costs nothing, and any change that matters misses."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE
from laydraft.cache import cache_key
from laydraft.config import Settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.drafting.testing import FakeModel
from laydraft.errors import DraftFailed
from laydraft.models import Abstract, Draft, LaySummary, WordLimits, WordRange
from laydraft.prompts import render_draft_prompt, schema_fingerprint
from replay import Cassette, replay_provider

pytestmark = pytest.mark.model  # the `settings` fixture drafts with the model


def draft_abstract(settings: Settings, abstract: Abstract, store: Store,
                   transport: Cassette) -> Draft:
    """A draft through the core with the store's response cache, replaying ``transport``."""
    core = DraftingCore.from_settings(settings, store,
                                      provider=replay_provider(settings, transport))
    return core.sync.draft(abstract)


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
    first = draft_abstract(settings, abstract, store, first_transport)
    assert first_transport.calls == 1 and not first.provenance.cached

    again = Cassette(tmp_path / "no-calls.json")
    second = draft_abstract(settings, abstract, store, again)
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
        draft_abstract(settings, abstract, store, refusal)
    success = cassette("openai/success")
    draft_abstract(settings, abstract, store, success)
    assert success.calls == 1


def test_the_cache_can_be_turned_off_and_never_serves_the_offline_drafter(
    settings: Settings, abstract: Abstract, store: Store
) -> None:
    summary = LaySummary(headline="A headline of enough words here.", what_was_found="Found.",
                         why_it_matters="It matters.", limitations="Limited.")
    model = FakeModel(summary, summary)
    DraftingCore.from_settings(settings, store, model=model).sync.draft(abstract)
    assert DraftingCore.from_settings(settings, store, model=model).sync.draft(
        abstract).provenance.cached
    assert len(model.prompts) == 1  # the second draft was the cache's
    off = settings.model_copy(update={"cache": False})
    DraftingCore.from_settings(off, store, model=model).sync.draft(abstract)
    assert len(model.prompts) == 2
    offline = settings.model_copy(update={"drafter": "offline"})
    assert DraftingCore.from_settings(offline, store).cache is None


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
