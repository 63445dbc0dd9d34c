"""Files in every supported format, read as one abstract or as a reading list."""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import pytest

from laydraft.cli.messages import cli_message
from laydraft.errors import ErrorCode, InputError, RecordError
from laydraft.ingest import iter_records, read_abstract
from laydraft.models import Abstract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
LIMIT = 1_000_000


def records(path: Path) -> list[Abstract | RecordError]:
    return list(iter_records(path, LIMIT))


def abstracts(path: Path) -> list[Abstract]:
    return [r for r in records(path) if isinstance(r, Abstract)]


def errors(path: Path) -> list[str]:
    return [str(r) for r in records(path) if isinstance(r, RecordError)]


@pytest.mark.parametrize("name", ["pdf_copy.txt", "unstructured.md", "pasted.html"])
def test_text_and_markdown_files_are_one_record(name: str) -> None:
    (only,) = records(FIXTURES / name)
    assert isinstance(only, Abstract)
    assert only.source is not None and only.source.record == 1


def test_stdin_is_read_when_the_path_is_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "unstructured.md").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    abstract = read_abstract("-", LIMIT)
    assert abstract.source is not None and abstract.source.file == "stdin"
    assert abstract.text.startswith("People with multiple sclerosis")


def test_pubmed_efetch_xml_gives_sections_from_label_and_nlm_category() -> None:
    first, second = abstracts(FIXTURES / "pubmed_efetch.xml")
    assert [(s.label, s.category) for s in first.sections] == [
        ("BACKGROUND", "background"), ("AIMS", "objective"), ("METHODS", "methods"),
        ("RESULTS", "results"), ("CONCLUSIONS", "conclusions")]
    assert "25 µg" in first.text and "IL-1β2" in first.text
    assert "0.47–0.81; p < 0.001" in first.text and "4.1 ± 2.2" in first.text
    assert second.sections == []


def test_pubmed_xml_metadata_is_filled() -> None:
    first, second = abstracts(FIXTURES / "pubmed_efetch.xml")
    assert first.title == ("Balance training for people with progressive multiple sclerosis: "
                           "a randomised trial.")
    assert first.journal == "Journal of invented neurology"
    assert (first.pmid, first.doi) == ("39000001", "10.5555/jin.2024.0101")
    assert first.published == "2024-04-09"
    assert first.url == "https://pubmed.ncbi.nlm.nih.gov/39000001/"
    assert second.published == "2023-11"
    assert second.doi == "10.5555/irr.2023.77"


def test_a_pubmed_record_without_abstract_is_a_record_error() -> None:
    (error,) = errors(FIXTURES / "pubmed_efetch.xml")
    assert error == (f"{FIXTURES / 'pubmed_efetch.xml'}, record 3: no abstract (PMID 39000003); "
                     "laydraft needs the abstract text")


def test_gzipped_medline_baseline_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "baseline.xml.gz"
    with (FIXTURES / "medline_citations.xml").open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    found = records(packed)
    assert [type(r).__name__ for r in found] == ["Abstract", "RecordError", "Abstract"]
    first = found[0]
    assert isinstance(first, Abstract)
    assert [s.category for s in first.sections] == [
        "objective", "methods", "results", "conclusions"]
    assert first.published == "2015-06" and first.pmid == "39000011"


def test_read_abstract_takes_a_one_record_pubmed_file() -> None:
    abstract = read_abstract(FIXTURES / "pubmed_one.xml", LIMIT)
    assert abstract.pmid == "39000001"


def test_medline_tagged_text_is_read_with_wrapped_lines_joined() -> None:
    found = records(FIXTURES / "citations.nbib")
    first, second, third = found
    assert isinstance(first, Abstract) and isinstance(third, Abstract)
    assert first.title == ("Walking aids and quality of life in multiple sclerosis: "
                           "a cross-sectional survey.")
    assert [s.category for s in first.sections] == [
        "background", "methods", "results", "conclusions"]
    assert (first.journal, first.doi, first.pmid, first.published) == (
        "Invented rehabilitation journal", "10.5555/irj.2021.015", "39000021", "2021-02-15")
    assert isinstance(second, RecordError) and "record 2: no abstract" in str(second)
    assert third.doi == "10.5555/icj.2019.88" and third.published == "2019-10"


def test_read_abstract_takes_a_single_medline_record() -> None:
    abstract = read_abstract(FIXTURES / "single.nbib", LIMIT)
    assert abstract.pmid == "39000023"
    assert "six-week bladder training plan" in abstract.text


def test_ris_fields_map_to_metadata() -> None:
    first, second = abstracts(FIXTURES / "references.ris")
    assert (first.title, first.journal, first.doi, first.published, first.url) == (
        "Diet quality and disability in multiple sclerosis", "Invented Nutrition Journal",
        "10.5555/inj.2022.5", "2022-05-03", "https://example.org/inj/2022/5")
    assert second.title == "Mindfulness classes for anxiety in multiple sclerosis"
    assert second.journal == "Invented Journal of Psychology"
    assert second.published == "2018"
    assert second.text.startswith("Anxiety is common")


def test_ris_record_without_abstract_is_a_record_error() -> None:
    assert errors(FIXTURES / "references.ris") == [
        f"{FIXTURES / 'references.ris'}, record 3: no abstract (no AB or N2 field); "
        "laydraft needs the abstract text"]


def test_bibtex_abstract_is_read_with_latex_decoded() -> None:
    (entry,) = abstracts(FIXTURES / "references.bib")
    assert entry.title == "Sunlight exposure in childhood and later multiple sclerosis"
    assert entry.doi == "10.5555/ije.2023.7"
    assert (entry.pmid, entry.published, entry.journal) == (
        "39000031", "2023-07", "Invented Journal of Epidemiology")
    assert "40% of participants" in entry.text and "42 ± 11 years" in entry.text


def test_jats_abstract_sections_and_metadata() -> None:
    abstract = read_abstract(FIXTURES / "article.nxml", LIMIT)
    assert abstract.title == "Yoga for balance in relapsing multiple sclerosis"
    assert [s.label for s in abstract.sections] == [
        "Background", "Methods", "Results", "Conclusions"]
    assert "Body text" not in abstract.text and "picture" not in abstract.text
    assert (abstract.journal, abstract.doi, abstract.pmid, abstract.published) == (
        "Invented Open Neurology", "10.5555/ion.2020.41", "39000041", "2020-08-14")
    assert abstract.url == "https://doi.org/10.5555/ion.2020.41"


def test_csv_reading_list_keeps_row_numbers_and_goes_on_after_bad_rows() -> None:
    found = records(FIXTURES / "reading_list.csv")
    assert [type(r).__name__ for r in found] == [
        "Abstract", "RecordError", "RecordError", "Abstract"]
    first, last = found[0], found[3]
    assert isinstance(first, Abstract) and isinstance(last, Abstract)
    assert (first.title, first.doi, first.pmid, first.journal, first.published) == (
        "Exercise and cognition in multiple sclerosis", "10.5555/iec.2021.3", "39000051",
        "Invented Exercise and Cognition", "2021-03-15")
    assert last.source is not None and last.source.record == 4
    assert last.url == "https://example.org/apps"
    assert "six weeks. Fatigue scores" in last.text
    assert "record 2: the abstract is empty" in str(found[1])


def test_semicolon_separated_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    body = (FIXTURES / "unstructured.md").read_text(encoding="utf-8").strip()
    path.write_text(f"title;abstract\nSleep study;\"{body}\"\n", encoding="utf-8")
    (only,) = abstracts(path)
    assert only.title == "Sleep study"


def test_jsonl_reading_list_matches_keys_in_any_case() -> None:
    found = records(FIXTURES / "reading_list.jsonl")
    assert [type(r).__name__ for r in found] == [
        "Abstract", "RecordError", "RecordError", "Abstract"]
    first = found[0]
    assert isinstance(first, Abstract)
    assert (first.pmid, first.published, first.doi) == ("39000061", "2019-07", "10.5555/ihf.2019.2")
    assert "not valid JSON" in str(found[1])
    assert "keys found: 'title', 'summary'" in str(found[2])


def test_reading_list_is_a_lazy_iterator() -> None:
    stream = iter_records(FIXTURES / "reading_list.jsonl", LIMIT)
    first = next(stream)
    assert isinstance(first, Abstract) and first.title == "Heat and fatigue"


@pytest.mark.parametrize(
    ("name", "count"),
    [("pubmed_efetch.xml", 3), ("citations.nbib", 3), ("references.ris", 3),
     ("references.bib", 3), ("reading_list.csv", 4)],
)
def test_read_abstract_refuses_a_file_with_many_records(name: str, count: int) -> None:
    with pytest.raises(InputError, match=rf"holds {count} records") as info:
        read_abstract(FIXTURES / name, LIMIT)
    assert info.value.code is ErrorCode.SEVERAL_RECORDS
    assert "laydraft batch" in cli_message(info.value)


@pytest.mark.parametrize("name", [
    "pubmed_efetch.xml", "medline_citations.xml", "citations.nbib", "references.ris",
    "references.bib", "reading_list.csv", "reading_list.jsonl", "article.nxml",
])
def test_a_record_passed_over_by_its_key_is_the_one_that_would_have_been_built(
        name: str) -> None:
    """``skip`` sees the key the record's Abstract would have (DOI, else PMID) before it is
    built; records keyed by their text are always built."""
    from laydraft.ingest import KnownRecord

    built = list(iter_records(FIXTURES / name, 10**7))
    keys = [r.stable_key() for r in built if isinstance(r, Abstract)]
    asked: list[str] = []
    passed = list(iter_records(FIXTURES / name, 10**7,
                               skip=lambda key: asked.append(key) or "known"))
    assert len(passed) == len(built)
    by_identifier = [k for k in keys if not k.startswith("text:")]
    assert [r.key for r in passed if isinstance(r, KnownRecord)] == by_identifier == asked
    assert all(r.reason == "known" for r in passed if isinstance(r, KnownRecord))
    rebuilt = [r for r in passed if isinstance(r, Abstract)]
    assert [r.stable_key() for r in rebuilt] == [k for k in keys if k.startswith("text:")]
