"""Bad input: each problem gets one line naming the file (and record) and how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from laydraft.cli.messages import cli_message
from laydraft.errors import InputError, RecordError
from laydraft.ingest import iter_records, read_abstract
from laydraft.ingest.decoding import CP1252_FLAG
from laydraft.models import Abstract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
LIMIT = 1_000_000
BODY = (FIXTURES / "unstructured.md").read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def one_line(exc: pytest.ExceptionInfo[InputError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as exc:
        read_abstract(tmp_path / "nope.txt", LIMIT)
    assert "nope.txt" in one_line(exc)


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        iter_records(tmp_path, LIMIT)


@pytest.mark.parametrize("data", [b"", b"   \n\t\n  \n"])
def test_empty_or_whitespace_only_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(InputError, match="is empty") as exc:
        read_abstract(path, LIMIT)
    assert str(path) in one_line(exc)
    with pytest.raises(InputError, match="is empty"):
        iter_records(path, LIMIT)


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
     (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
     (b"\x00\x01\x02\x03binary\x00\x00", "a binary file")],
)
def test_binary_file_is_refused(tmp_path: Path, data: bytes, kind: str) -> None:
    path = write(tmp_path, "paper.txt", data)
    with pytest.raises(InputError, match=kind) as exc:
        read_abstract(path, LIMIT)
    assert "copy the abstract text" in one_line(exc)


def test_windows_1252_text_is_read_with_a_warning_flag(tmp_path: Path) -> None:
    text = BODY.replace("41 minutes", "41 \u00b1 9 minutes")
    path = write(tmp_path, "legacy.txt", text.encode("cp1252"))
    abstract = read_abstract(path, LIMIT)
    assert "41 ± 9 minutes" in abstract.text
    assert CP1252_FLAG in abstract.flags


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_has_no_encoding_flag(tmp_path: Path, bom: bytes) -> None:
    path = write(tmp_path, "ok.txt", bom + BODY.encode("utf-8"))
    abstract = read_abstract(path, LIMIT)
    assert abstract.flags == [] and abstract.text.startswith("People")


def test_text_that_no_encoding_can_read_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "garbled.txt", BODY.encode("utf-8") + b" \x81\x8d\x90 end.")
    with pytest.raises(InputError, match="cannot be decoded.*save the file as UTF-8") as exc:
        read_abstract(path, LIMIT)
    assert str(path) in one_line(exc)


def test_one_undecodable_row_in_a_reading_list_fails_alone(tmp_path: Path) -> None:
    good = BODY.strip().encode("utf-8")
    data = b"abstract\n\"" + good + b"\"\n\"bad \x81\x8d row\"\n\"" + good + b"\"\n"
    found = list(iter_records(write(tmp_path, "list.csv", data), LIMIT))
    assert [type(r).__name__ for r in found] == ["Abstract", "RecordError", "Abstract"]
    assert "record 2: the record cannot be decoded" in str(found[1])


def test_a_cp1252_row_in_a_reading_list_is_flagged(tmp_path: Path) -> None:
    row = BODY.strip().replace("41 minutes", "41 \u00b1 9 minutes").encode("cp1252")
    found = list(iter_records(write(tmp_path, "list.csv", b"abstract\n\"" + row + b"\"\n"), LIMIT))
    (only,) = found
    assert isinstance(only, Abstract) and CP1252_FLAG in only.flags


def test_file_larger_than_max_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", BODY.encode("utf-8"))
    with pytest.raises(InputError, match="larger than the 100-byte limit") as info:
        read_abstract(path, 100)
    assert info.value.context["setting"] == "max_input_bytes"
    assert "raise max_input_bytes in your config" in cli_message(info.value)


def test_record_larger_than_max_bytes_in_a_reading_list(tmp_path: Path) -> None:
    small = "Short row. " * 3
    rows = f'abstract\n"{BODY.strip()}"\n"{small}"\n'
    found = list(iter_records(write(tmp_path, "list.csv", rows.encode()), 300))
    assert "record 1: larger than the 300-byte limit" in str(found[0])
    assert isinstance(found[1], RecordError) and "does not look like an abstract" in str(found[1])


def test_text_too_short_to_be_an_abstract(tmp_path: Path) -> None:
    path = write(tmp_path, "short.txt", b"Vitamin D and relapses in MS.\n")
    with pytest.raises(InputError, match=r"short.txt, record 1: this does not look like an abstract"):
        read_abstract(path, LIMIT)


def test_reading_list_without_an_abstract_column_lists_the_columns() -> None:
    with pytest.raises(InputError) as exc:
        list(iter_records(FIXTURES / "no_abstract_column.csv", LIMIT))
    assert one_line(exc).endswith(
        "no 'abstract' column (columns found: 'Title', 'Summary', 'Year'); name the column "
        "that holds the abstract text 'abstract'")


def test_malformed_xml_keeps_the_records_before_the_error() -> None:
    found = list(iter_records(FIXTURES / "malformed.xml", LIMIT))
    assert isinstance(found[0], Abstract)
    assert isinstance(found[1], RecordError)
    assert "malformed.xml, record 2: malformed XML (mismatched tag" in str(found[1])


def test_malformed_xml_as_a_single_abstract_names_the_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.xml", b"<PubmedArticleSet><PubmedArticle><MedlineCitation>")
    with pytest.raises(RecordError, match=r"cut.xml, record 1: malformed XML"):
        read_abstract(path, LIMIT)


def test_xml_entity_expansion_is_refused() -> None:
    (only,) = list(iter_records(FIXTURES / "entity_expansion.xml", LIMIT))
    assert isinstance(only, RecordError)
    assert "unsafe XML refused (EntitiesForbidden)" in str(only)


def test_unknown_xml_root_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.xml", b"<?xml version='1.0'?><rss><channel/></rss>")
    with pytest.raises(InputError, match=r"root <rss> is not a format laydraft reads"):
        read_abstract(path, LIMIT)


def test_malformed_ris_records_fail_alone() -> None:
    found = list(iter_records(FIXTURES / "broken.ris", LIMIT))
    assert [type(r).__name__ for r in found] == [
        "Abstract", "RecordError", "Abstract", "RecordError"]
    assert "record 2: malformed RIS record: 'this line was pasted here by mistake'" in str(found[1])
    assert "record 4: malformed RIS record: no 'ER  -' line ends it" in str(found[3])


def test_malformed_bibtex_entry_fails_alone() -> None:
    found = list(iter_records(FIXTURES / "references.bib", LIMIT))
    assert "record 3: malformed BibTeX entry" in str(found[2])


def test_malformed_medline_record_fails_alone(tmp_path: Path) -> None:
    good = (FIXTURES / "single.nbib").read_text(encoding="utf-8")
    bad = "PMID- 1\nTI  - A title\nthis line has no tag and no indent\n"
    found = list(iter_records(write(tmp_path, "mixed.nbib", (bad + "\n" + good).encode()), LIMIT))
    assert isinstance(found[0], RecordError) and "malformed MEDLINE record" in str(found[0])
    assert isinstance(found[1], Abstract)


def test_record_errors_carry_their_source_and_reason() -> None:
    found = list(iter_records(FIXTURES / "reading_list.csv", LIMIT))
    error = found[1]
    assert isinstance(error, RecordError)
    assert error.source == f"{FIXTURES / 'reading_list.csv'}, record 2"
    assert error.reason.startswith("the abstract is empty")


def test_json_array_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "list.json", b'[{"abstract": "x"}]')
    with pytest.raises(InputError, match="one JSON object per line"):
        iter_records(path, LIMIT)
