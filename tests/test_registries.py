"""The extension points: one record per export format, input format and check."""
# ruff: noqa: F811

from __future__ import annotations

import gzip
import importlib

import pytest

from conftest import FIXTURES
from laydraft.checks import CHECKS, checks_for
from laydraft.cli.export import export_cmd
from laydraft.errors import ErrorCode, InputError, RecordError, UsageError
from laydraft.export import EXPORT_FORMATS, FORMATS, export_format, render_page
from laydraft.ingest import iter_records, read_abstract, read_abstract_bytes, read_records_bytes
from laydraft.ingest.formats import BY_NAME, detect_format
from laydraft.models import Abstract, Draft
from test_store import queued  # noqa: F401  (shared fixture)

INGEST = FIXTURES / "ingest"
LIMIT = 1_000_000


def test_the_cli_offers_exactly_the_registered_export_formats() -> None:
    option = next(p for p in export_cmd.params if p.name == "formats")
    assert list(option.type.choices) == list(EXPORT_FORMATS) == list(FORMATS)  # type: ignore[attr-defined]


def test_a_page_is_named_with_its_formats_extension(queued: Draft, settings) -> None:  # noqa: ANN001
    for fmt in EXPORT_FORMATS.values():
        page = render_page(queued, fmt.name, settings)
        assert page.filename.endswith(f".{fmt.extension}") and page.content.strip()


def test_an_unknown_export_format_lists_the_choices() -> None:
    with pytest.raises(UsageError, match="use one of md, html, json") as info:
        export_format("pdf")
    assert info.value.code is ErrorCode.UNKNOWN_CHOICE
    assert info.value.context["choices"] == list(FORMATS)


@pytest.mark.parametrize(("name", "fmt"), [
    ("pubmed_efetch.xml", "pubmed-xml"), ("article.nxml", "jats"), ("reading_list.csv", "csv"),
    ("citations.nbib", "medline"), ("references.ris", "ris"), ("references.bib", "bibtex"),
    ("reading_list.jsonl", "jsonl"), ("unstructured.md", "text"), ("pasted.html", "text"),
])
def test_each_fixture_is_detected_as_its_registered_format(name: str, fmt: str) -> None:
    sample = (INGEST / name).read_bytes()[:65536].decode("utf-8", errors="replace")
    assert detect_format(name, sample).name == fmt


def test_web_of_science_and_refusals_go_through_the_same_registry() -> None:
    assert detect_format("savedrecs.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\n"
                         ).name == "wos"
    with pytest.raises(InputError, match="JSON array") as info:
        detect_format("list.json", '[{"abstract": "x"}]')
    assert info.value.code is ErrorCode.FORMAT_UNSUPPORTED
    with pytest.raises(InputError, match="root <svg>"):
        detect_format("picture.xml", "<svg></svg>")
    whole = {name for name, fmt in BY_NAME.items() if fmt.whole_file}
    assert whole == {"text", "bibtex", "jats"}


@pytest.mark.parametrize("name", ["pubmed_efetch.xml", "reading_list.csv", "references.ris",
                                  "references.bib", "reading_list.jsonl", "citations.nbib"])
def test_bytes_in_memory_read_like_the_file(name: str) -> None:
    path = INGEST / name
    from_path = list(iter_records(path, LIMIT))
    from_bytes = list(read_records_bytes(path.read_bytes(), str(path), LIMIT))
    zipped = list(read_records_bytes(gzip.compress(path.read_bytes()), str(path) + ".gz", LIMIT))

    def key(items: list[Abstract | RecordError]) -> list[str]:
        return [r.text if isinstance(r, Abstract) else str(r) for r in items]

    assert key(from_bytes) == key(from_path) and len(from_path) > 1
    assert [r.text for r in zipped if isinstance(r, Abstract)] == \
        [r.text for r in from_path if isinstance(r, Abstract)]


def test_one_abstract_from_bytes_has_the_same_guards_as_from_a_file(tmp_path) -> None:  # noqa: ANN001
    text = (FIXTURES / "abstracts" / "example.txt").read_bytes()
    path = tmp_path / "example.txt"
    path.write_bytes(text)
    assert read_abstract_bytes(text, "example.txt", LIMIT).text == read_abstract(path, LIMIT).text
    with pytest.raises(InputError) as binary:
        read_abstract_bytes(b"%PDF-1.7 \x00\x01", "paper.pdf", LIMIT)
    assert binary.value.code is ErrorCode.FILE_BINARY and "paper.pdf" in str(binary.value)
    with pytest.raises(InputError) as big:
        read_abstract_bytes(text, "example.txt", 100)
    assert big.value.code is ErrorCode.FILE_TOO_LARGE and big.value.context["max_bytes"] == 100
    with pytest.raises(InputError) as several:
        read_abstract_bytes((INGEST / "references.ris").read_bytes(), "refs.ris", LIMIT)
    assert several.value.code is ErrorCode.SEVERAL_RECORDS and several.value.context["count"] == 3


def test_every_check_is_registered_under_the_name_its_findings_carry() -> None:
    for spec in CHECKS:
        module = importlib.import_module(f"laydraft.checks.{spec.name}")
        assert spec.name == module.NAME and spec.reports
    assert len(checks_for()) == len(CHECKS) == len({spec.name for spec in CHECKS})
