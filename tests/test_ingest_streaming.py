"""Reading lists are streamed: memory stays flat however many records a file holds."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from laydraft.ingest import iter_records
from laydraft.models import Abstract

BODY = (
    "We followed {n} adults with multiple sclerosis for two years and counted their relapses. "
    "Relapses were fewer in those who exercised every week than in those who did not, after "
    "allowing for age, sex and treatment."
)


def csv_list(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("title,abstract\n")
        for n in range(rows):
            fh.write(f'Study {n},"{BODY.format(n=n)}"\n')


def jsonl_list(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(rows):
            fh.write(json.dumps({"title": f"Study {n}", "abstract": BODY.format(n=n)}) + "\n")


def pubmed_list(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<?xml version='1.0'?>\n<PubmedArticleSet>\n")
        for n in range(rows):
            fh.write(
                f"<PubmedArticle><MedlineCitation><PMID>{n + 1}</PMID><Article>"
                f"<ArticleTitle>Study {n}</ArticleTitle><Abstract><AbstractText>"
                f"{BODY.format(n=n)}</AbstractText></Abstract></Article></MedlineCitation>"
                "</PubmedArticle>\n"
            )
        fh.write("</PubmedArticleSet>\n")


def peak_bytes(path: Path) -> tuple[int, int]:
    """(records read, peak traced memory) while consuming the whole list."""
    tracemalloc.start()
    try:
        count = sum(1 for r in iter_records(path, 1_000_000) if isinstance(r, Abstract))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("make", "suffix"), [(csv_list, ".csv"), (jsonl_list, ".jsonl"), (pubmed_list, ".xml")]
)
def test_memory_does_not_grow_with_the_number_of_records(
    tmp_path: Path, make: Callable[[Path, int], None], suffix: str
) -> None:
    small, large = tmp_path / f"small{suffix}", tmp_path / f"large{suffix}"
    make(small, 200)
    make(large, 2000)
    small_count, small_peak = peak_bytes(small)
    large_count, large_peak = peak_bytes(large)
    assert (small_count, large_count) == (200, 2000)
    assert large_peak < small_peak * 2, (small_peak, large_peak)
