"""`laydraft check` on summaries people write, in Markdown or plain text."""

from __future__ import annotations

import json
from pathlib import Path

from laydraft.ingest.handwritten import read_summary
from test_cli import EXAMPLE, laydraft

FAITHFUL = """# People with MS who slept poorly had more relapses

## What was found
Researchers looked back at the clinic records of 212 adults with relapsing MS. About 62% said
they slept poorly. Over the next 24 months, people who slept poorly had 0.41 relapses a year,
compared with 0.27 for people who slept well. They also felt more tired in the daytime.

## Why it matters
Sleep problems are common in MS and can often be helped. This study suggests that poor sleep
and relapses may go together, so it may be worth mentioning sleep troubles to your care team.

## Limitations
The team looked back at past records from a single clinic, so the study can show a link but
cannot show cause and effect. People rated their own sleep, and results may differ elsewhere.
"""


def test_markdown_headings_map_to_sections_and_the_title_to_the_headline() -> None:
    summary = read_summary(FAITHFUL)
    assert summary.headline == "People with MS who slept poorly had more relapses"
    assert summary.what_was_found.startswith("Researchers looked back")
    assert summary.limitations.endswith("results may differ elsewhere.")


def test_plain_text_paragraphs_fill_headline_then_sections_in_order() -> None:
    summary = read_summary("Short headline here\n\nFound this.\n\nIt matters.\n\nSome limits.")
    assert (summary.headline, summary.what_was_found, summary.why_it_matters,
            summary.limitations) == ("Short headline here", "Found this.", "It matters.",
                                     "Some limits.")


def test_missing_sections_stay_empty_for_the_completeness_check() -> None:
    summary = read_summary("## What was found\nOnly this part was written.")
    assert summary.what_was_found == "Only this part was written."
    assert summary.why_it_matters == "" and summary.headline == ""


def test_a_faithful_summary_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "mine.md"
    path.write_text(FAITHFUL)
    result = laydraft("check", str(EXAMPLE), str(path), "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 0, data
    assert data["errors"] == 0


def test_an_invented_number_is_an_error_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "mine.md"
    path.write_text(FAITHFUL.replace("About 62%", "About 75%"))
    result = laydraft("check", str(EXAMPLE), str(path))
    assert result.returncode == 1
    assert "75%" in result.stdout and "error" in result.stdout
    assert laydraft("queue", "list", "--json").stdout.strip() == "[]"


def test_an_empty_summary_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("  \n")
    result = laydraft("check", str(EXAMPLE), str(path))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("is empty")
