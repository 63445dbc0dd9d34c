"""The Markdown a reviewer edits, and reading it back."""

from __future__ import annotations

import pytest

from laydraft import editing
from laydraft.errors import UsageError
from laydraft.models import Abstract as _Abstract
from laydraft.models import Draft, LaySummary, Provenance

SUMMARY = LaySummary(headline="Poor sleep was linked to more relapses.",
                     what_was_found="Researchers looked at 212 people.\n\nSecond paragraph.",
                     why_it_matters="People with MS may care.",
                     limitations="It looked back at records.")
DRAFT = Draft(id=7, version=3, abstract=_Abstract(text="An abstract."), summary=SUMMARY,
              provenance=Provenance(drafter="offline", prompt_fingerprint="p-x"))


def test_round_trip_keeps_the_text_and_names_the_base() -> None:
    text = editing.to_markdown(DRAFT)
    assert "# Headline" in text and "## Limitations" in text
    assert editing.from_markdown(text) == SUMMARY
    assert editing.base_version(text) == 3


def test_rewrapped_lines_are_not_a_change() -> None:
    text = editing.to_markdown(DRAFT).replace("looked at 212", "looked\nat 212")
    assert editing.from_markdown(text) == SUMMARY


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("## Limitations\n\nIt looked back at records.", ""),
     "missing section heading 'Limitations'"),
    (lambda t: t.replace("It looked back at records.", ""),
     "section 'Limitations' must not be empty"),
    (lambda t: t.replace("## Why it matters", "## Why care"), "unknown heading 'Why care'"),
    (lambda t: t + "\n## Headline\n\nAgain.\n", "'Headline' appears twice"),
    (lambda t: "Stray words.\n" + t, "text before the first heading"),
    (lambda t: "<!-- all gone -->\n\n", "the edited file is empty"),
])
def test_broken_files_are_explained(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=message):
        editing.from_markdown(edit(editing.to_markdown(DRAFT)))


def test_error_note_is_replaced_not_stacked() -> None:
    once = editing.with_error("## Headline\n", "first problem")
    twice = editing.with_error(once, "second problem")
    assert "first problem" not in twice and twice.count("could not save") == 1
    assert twice.endswith("## Headline\n")
