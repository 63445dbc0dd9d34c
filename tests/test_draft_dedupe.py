"""Drafting the same abstract again with the same prompt and model says where it is queued.

`laydraft draft` and the web's draft page (tests/web/test_draft_dedupe_page.py) use the rule `batch` skips records by
(``Store.queued_draft``): the same record, prompt fingerprint and model.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from answer_fakes import CountingModel, titled_example_file
from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings
from laydraft.core import DraftingCore
from laydraft.db import ItemKey, Store
from laydraft.db.queued import model_label
from laydraft.drafting.provider import ModelProvider
from laydraft.prompts import render_draft_prompt

EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "abstracts" / "example.txt"


def run(*args: str, model: CountingModel | None = None) -> Result:
    obj = Context(provider=(lambda s, **_: ModelProvider(s, transport=model))
                  if model is not None else None)
    return CliRunner().invoke(cli, list(args), obj=obj)


def queued(settings: Settings) -> int:
    with Store(settings.database_url()) as store:
        return store.count()


def test_the_same_abstract_again_is_already_queued_and_again_drafts_it(
        settings: Settings) -> None:
    first = run("draft", "--drafter", "offline", str(EXAMPLE))
    assert first.exit_code == 0, first.output
    second = run("draft", "--drafter", "offline", str(EXAMPLE))
    assert second.exit_code == 0, second.output
    assert second.output.startswith("Already queued as #1 (same abstract, prompt and model)")
    assert "--again" in second.output and "nothing was drafted" in second.output
    assert queued(settings) == 1
    as_json = run("draft", "--drafter", "offline", "--json", str(EXAMPLE))
    assert json.loads(as_json.output) == {"id": 1, "already_queued": True}
    again = run("draft", "--drafter", "offline", "--again", str(EXAMPLE))
    assert again.exit_code == 0 and "Already queued" not in again.output
    assert queued(settings) == 2


def test_no_queue_does_not_dedupe_and_another_model_is_another_draft(
        settings: Settings, api_key: str, tmp_path: Path) -> None:
    assert run("draft", "--drafter", "offline", str(EXAMPLE)).exit_code == 0
    printed = run("draft", "--drafter", "offline", "--no-queue", str(EXAMPLE))
    assert printed.exit_code == 0 and "(not queued: --no-queue)" in printed.output
    model = CountingModel()
    source = titled_example_file(tmp_path)
    by_model = run("draft", "--drafter", "openai", str(source), model=model)
    assert by_model.exit_code == 0, by_model.output
    assert model.calls == 1 and queued(settings) == 2
    repeat = run("draft", "--drafter", "openai", str(source), model=model)
    assert "Already queued as #2" in repeat.output
    assert model.calls == 1  # nothing sent
    other = run("draft", "--drafter", "openai", "--model", "gpt-4o", str(source), model=model)
    assert other.exit_code == 0 and "Already queued" not in other.output
    assert model.calls == 2 and queued(settings) == 3


def test_draft_and_batch_share_one_rule(settings: Settings, store: Store) -> None:
    from laydraft.batch.state import BatchState
    from laydraft.ingest import read_abstract

    core = DraftingCore(settings)
    abstract = read_abstract(str(EXAMPLE), settings.max_input_bytes)
    assert core.queued(store, abstract) is None
    stored = store.add(core.sync.draft(abstract))
    key = ItemKey(abstract.stable_key(), render_draft_prompt(settings, abstract).fingerprint,
                  model_label("offline", settings.model))
    assert core.queued(store, abstract) == BatchState(store).drafted(key) == stored.id


def test_a_snapshot_matches_its_family_but_not_a_longer_model_name() -> None:
    from laydraft.db.queued import provenance_matches
    from laydraft.models import Provenance

    def written(model: str) -> Provenance:
        return Provenance(drafter="openai", model=model, prompt_fingerprint="f")

    assert provenance_matches(written("gpt-4o-2024-08-06"), ItemKey("r", "f", "gpt-4o"))
    assert provenance_matches(written("llama3.1:8b"), ItemKey("r", "f", "llama3.1"))
    assert provenance_matches(written("gpt-4o"), ItemKey("r", "f", "gpt-4o"))
    assert not provenance_matches(written("gpt-4o-mini-2024-07-18"), ItemKey("r", "f", "gpt-4o"))
    assert not provenance_matches(written("gpt-4o"), ItemKey("r", "other", "gpt-4o"))


def test_what_a_run_reads_at_once_agrees_with_the_rule_for_one_record(
        settings: Settings, store: Store) -> None:
    """``Store.batch_known`` (one read a run) and ``Store.queued_draft`` (one record) apply the
    same rule: the same prompt and model family count, another model does not."""
    from laydraft.models import Abstract, Provenance

    core = DraftingCore(settings)
    written = {"a": "gpt-4o-2024-08-06", "b": "gpt-4o-mini", "c": "llama3.1:8b", "d": None}
    for name, model in written.items():
        draft = core.sync.draft(Abstract(doi=f"10.1/{name}", text=EXAMPLE.read_text()))
        provenance = Provenance(drafter="openai" if model else "offline", model=model,
                                prompt_fingerprint="f")
        store.add(draft.model_copy(update={"provenance": provenance}))
    for model in ("gpt-4o", "llama3.1", "offline"):
        known = store.batch_known("f", model)
        one_by_one = {f"doi:10.1/{name}": store.queued_draft(ItemKey(f"doi:10.1/{name}", "f",
                                                                          model))
                      for name in written}
        assert {key for key, seen in known.items() if seen == "drafted"} == \
            {key for key, found in one_by_one.items() if found is not None}
        assert set(known) == set(one_by_one)  # every record of this prompt is looked at
    assert store.batch_known("other prompt", "gpt-4o") == {}
