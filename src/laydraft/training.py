"""Learning data: approved drafts as JSONL for fine-tuning and evaluation tools.

Each approved (or published) draft gives one line: the abstract, the drafter's text, the text
its reviewer approved, its ids and the prompt variant and model that drafted it (``jsonl``);
or, for chat fine-tuning, ``{"messages": [system, user, assistant]}`` where system and user
are the draft's prompt as rendered now and the assistant's answer is the approved summary as
JSON (``chat``). Nothing from the settings but the prompt goes in: never the API key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from . import effort
from .config import Settings
from .db import Store
from .models import DraftStatus, Version
from .prompts import render_draft_prompt

TrainingFormat = Literal["jsonl", "chat"]
TRAINING_FORMATS: tuple[TrainingFormat, ...] = ("jsonl", "chat")
APPROVED = (DraftStatus.approved, DraftStatus.published)


def approved_version(store: Store, draft_id: int) -> Version | None:
    """The version the reviewer approved (None unless the last decision was an approval)."""
    decided = store.effort(draft_id) or effort.compute(store, draft_id)
    if decided is None or decided.outcome != "approved":
        return None
    return store.version(draft_id, decided.final_version)


def training_examples(store: Store, settings: Settings, fmt: TrainingFormat = "jsonl",
                      draft_ids: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """One example per approved draft (of ``draft_ids``, or all), oldest first."""
    wanted = None if draft_ids is None else set(draft_ids)
    items = [item for status in APPROVED for item in store.list(status=status.value)]
    for item in sorted(items, key=lambda i: i.id):
        if wanted is not None and item.id not in wanted:
            continue
        final = approved_version(store, item.id)
        if final is None:
            continue
        drafted = store.version(item.id, 1)
        abstract = store.get(item.id).abstract
        if fmt == "chat":
            prompt = render_draft_prompt(settings, abstract)
            yield {"messages": [*prompt.as_openai(), {
                "role": "assistant", "content": json.dumps(final.summary.model_dump(),
                                                           ensure_ascii=False)}]}
            continue
        yield {
            "draft_id": item.id, "approved_version": final.version,
            "record_key": abstract.stable_key(), "doi": abstract.doi, "pmid": abstract.pmid,
            "title": abstract.title, "abstract": abstract.text,
            "drafted": drafted.summary.model_dump(), "approved": final.summary.model_dump(),
            "prompt_fingerprint": drafted.provenance.prompt_fingerprint,
            "prompt_variant": drafted.provenance.variant, "drafter": drafted.provenance.drafter,
            "model": drafted.provenance.model,
        }


def training_jsonl(store: Store, settings: Settings, fmt: TrainingFormat = "jsonl",
                   draft_ids: list[int] | None = None) -> str:
    """The examples as JSON Lines (one object per line, UTF-8, newline-terminated)."""
    return "".join(json.dumps(example, ensure_ascii=False) + "\n"
                   for example in training_examples(store, settings, fmt, draft_ids))
