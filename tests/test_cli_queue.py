"""`laydraft queue list` a page at a time: --limit, --offset, --status, --search.

The filters and the paging run in SQL (``Store.list`` and ``Store.count``), so test_postgres.py
runs these tests again against a PostgreSQL server.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from laydraft.cli import cli
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.models import DraftStatus
from test_store import example_draft


def _queue(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["queue", "list", *args],
                              env={"LAYDRAFT_DATABASE": store_url, "NO_COLOR": "1"})


def _ids(result: Result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [int(line.split()[0]) for line in result.stdout.splitlines()
            if line.split() and line.split()[0].isdigit()]


@pytest.fixture
def twelve(settings: Settings, store_url: str) -> list[int]:
    """Twelve queued drafts titled "Study 01".."Study 12"; 4 and 8 approved; 5's headline
    mentions vitamin D; 9 has a DOI and a PMID."""
    made = example_draft(settings)
    ids = []
    with Store(store_url) as store:
        for n in range(1, 13):
            abstract = made.abstract.model_copy(update={
                "title": f"Study {n:02}", "doi": "10.1000/Trial.2024.9" if n == 9 else None,
                "pmid": "39005555" if n == 9 else None})
            summary = made.summary.model_copy(update={
                "headline": "Vitamin D and fatigue" if n == 5 else made.summary.headline})
            status = DraftStatus.approved if n in (4, 8) else DraftStatus.pending_review
            ids.append(store.insert(made.model_copy(update={
                "abstract": abstract, "summary": summary, "status": status})))
    return ids


def test_the_limit_pages_the_queue_and_the_footer_names_the_next_offset(
        twelve: list[int], store_url: str) -> None:
    first = _queue(store_url, "--limit", "5")
    assert _ids(first) == twelve[:5]
    assert first.stdout.rstrip().endswith("showing 1-5 of 12; next: --offset 5")
    middle = _queue(store_url, "--limit", "5", "--offset", "5")
    assert _ids(middle) == twelve[5:10]
    assert "showing 6-10 of 12; next: --offset 10" in middle.stdout
    last = _queue(store_url, "--limit", "5", "--offset", "10")
    assert _ids(last) == twelve[10:]
    assert last.stdout.rstrip().endswith("showing 11-12 of 12")
    assert "next:" not in last.stdout


def test_a_queue_that_fits_one_page_has_no_footer(twelve: list[int], store_url: str) -> None:
    whole = _queue(store_url)  # the default limit (50) holds all twelve
    assert _ids(whole) == twelve
    assert "showing" not in whole.stdout


def test_status_and_search_filter_before_paging_and_the_total_counts_the_matches(
        twelve: list[int], store_url: str) -> None:
    approved = _queue(store_url, "--status", "approved", "--limit", "1")
    assert _ids(approved) == [twelve[3]]
    assert "showing 1-1 of 2; next: --offset 1" in approved.stdout
    assert _ids(_queue(store_url, "--status", "approved", "--offset", "1")) == [twelve[7]]
    assert _ids(_queue(store_url, "--search", "study 1")) == twelve[9:]  # 10, 11, 12


def test_search_matches_the_headline_doi_or_pmid_in_any_case(
        twelve: list[int], store_url: str) -> None:
    assert _ids(_queue(store_url, "--search", "VITAMIN d")) == [twelve[4]]
    assert _ids(_queue(store_url, "--search", "trial.2024")) == [twelve[8]]
    assert _ids(_queue(store_url, "--search", "3900555")) == [twelve[8]]
    assert _ids(_queue(store_url, "--search", "10%_")) == []  # wildcards are plain text
    nothing = _queue(store_url, "--search", "no such study")
    assert nothing.exit_code == 0 and nothing.stdout.strip() == "No drafts match."


def test_json_is_the_page_and_the_footer_goes_to_stderr(twelve: list[int],
                                                        store_url: str) -> None:
    result = _queue(store_url, "--json", "--limit", "3", "--offset", "3")
    assert [row["id"] for row in json.loads(result.stdout)] == twelve[3:6]
    assert result.stderr.strip() == "showing 4-6 of 12; next: --offset 6"


def test_an_offset_past_the_end_says_how_many_there_are(twelve: list[int],
                                                        store_url: str) -> None:
    result = _queue(store_url, "--offset", "40")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Nothing at --offset 40: there are only 12; try --offset 0."


@pytest.mark.parametrize(("args", "message"), [
    (["--limit", "0"], "--limit '0' is not a whole number of 1 or more"),
    (["--limit", "ten"], "--limit 'ten' is not a whole number of 1 or more"),
    (["--offset", "-5"], "--offset '-5' is not a whole number of 0 or more"),
    (["--status", "done"], "--status 'done' is not a status; use one of: pending_review, "),
])
def test_bad_values_are_one_line_errors(store_url: str, args: list[str], message: str) -> None:
    result = _queue(store_url, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"laydraft: error: {message}")
