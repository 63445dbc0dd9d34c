"""Every input format that carries a citation's parts (authors, volume, issue, pages) keeps them.

The published page cites the study in full, so each reader must hand these on. Each test takes a
shipped fixture and adds the fields as that format writes them, then reads it the normal way.
"""

from __future__ import annotations

import json
from pathlib import Path

from laydraft.ingest import read_abstract
from laydraft.models import Abstract

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
LIMIT = 5_000_000
ABSTRACT = ("We randomly assigned 80 adults with multiple sclerosis to aerobic exercise or "
            "stretching for 16 weeks. Processing speed improved more with aerobic exercise. "
            "Exercise may help thinking skills, but larger trials are needed to confirm this.")


def read(tmp_path: Path, name: str, text: str) -> Abstract:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_abstract(str(path), LIMIT)


def citation_parts(abstract: Abstract) -> tuple[list[str], str | None, str | None, str | None]:
    return abstract.authors, abstract.volume, abstract.issue, abstract.pages


def test_pubmed_xml_gives_authors_in_nlm_form_volume_issue_and_pages(tmp_path: Path) -> None:
    xml = (FIXTURES / "pubmed_one.xml").read_text()
    xml = xml.replace("<ELocationID", """<Pagination><MedlinePgn>512-20</MedlinePgn></Pagination>
        <AuthorList CompleteYN="Y">
          <Author ValidYN="Y"><LastName>Example</LastName><ForeName>Ann B</ForeName>
            <Initials>AB</Initials></Author>
          <Author ValidYN="N"><LastName>Wrong</LastName><Initials>W</Initials></Author>
          <Author ValidYN="Y"><LastName>Sample</LastName><Initials>C</Initials></Author>
          <Author ValidYN="Y"><CollectiveName>MS Balance Trial Group</CollectiveName></Author>
        </AuthorList>
        <ELocationID""", 1)
    abstract = read(tmp_path, "one.xml", xml)
    assert citation_parts(abstract) == (["Example AB", "Sample C", "MS Balance Trial Group"],
                                        "30", "4", "512-20")
    assert abstract.journal == "Journal of invented neurology"  # as given; the page title-cases


def test_medline_gives_au_vi_ip_and_pg(tmp_path: Path) -> None:
    text = (FIXTURES / "single.nbib").read_text()
    text = text.replace("JT  - ", "FAU - Example, Ann\nAU  - Example A\nFAU - Sample, Ben\n"
                        "AU  - Sample B\nCN  - Invented Continence Group\nVI  - 12\nIP  - 2\n"
                        "PG  - 15-22\nJT  - ", 1)
    assert citation_parts(read(tmp_path, "one.nbib", text)) == (
        ["Example A", "Sample B", "Invented Continence Group"], "12", "2", "15-22")


def test_ris_gives_authors_as_written_and_a_page_range(tmp_path: Path) -> None:
    record = (FIXTURES / "references.ris").read_text().split("\n\n")[0]
    record = record.replace("JO  - ", "AU  - Sample, Cara\nVL  - 7\nIS  - 3\nSP  - 101\n"
                            "EP  - 109\nJO  - ", 1)
    assert citation_parts(read(tmp_path, "one.ris", record + "\n")) == (
        ["Example, Ben", "Sample, Cara"], "7", "3", "101-109")


def test_bibtex_splits_authors_at_and_and_reads_volume_number_pages(tmp_path: Path) -> None:
    entry = (FIXTURES / "references.bib").read_text().split("@inproceedings")[0]
    entry = entry.replace("  year ", "  volume   = {41},\n  number   = {5},\n"
                          "  pages    = {15--22},\n  year ", 1)
    assert citation_parts(read(tmp_path, "one.bib", entry)) == (
        ["Example, Cara", "Sample, Dan"], "41", "5", "15-22")


def test_jats_gives_contributors_volume_issue_and_first_to_last_page(tmp_path: Path) -> None:
    xml = (FIXTURES / "article.nxml").read_text()
    meta = """<contrib-group>
        <contrib contrib-type="author"><name><surname>Example</surname>
          <given-names>Ann</given-names></name></contrib>
        <contrib contrib-type="editor"><name><surname>Editor</surname></name></contrib>
        <contrib contrib-type="author"><collab>Invented Study Group</collab></contrib>
      </contrib-group>
      <volume>9</volume><issue>1</issue><fpage>e33</fpage><lpage>e41</lpage>
      """
    xml = xml.replace("<abstract", meta + "<abstract", 1)
    assert citation_parts(read(tmp_path, "one.nxml", xml)) == (
        ["Example, Ann", "Invented Study Group"], "9", "1", "e33-e41")


def test_csv_columns_give_authors_volume_issue_and_pages(tmp_path: Path) -> None:
    text = ("Title,Abstract,Authors,Journal,Volume,Issue,Pages,Year\n"
            f'Exercise and cognition,"{ABSTRACT}","Example A, Sample B",Invented Journal,'
            "12,3,45-52,2021\n")
    abstract = read(tmp_path, "list.csv", text)
    assert citation_parts(abstract) == (["Example A", "Sample B"], "12", "3", "45-52")


def test_a_csv_author_written_surname_comma_given_name_stays_one_name(tmp_path: Path) -> None:
    text = f'Title,Abstract,Author\nExercise,"{ABSTRACT}","Example, Ann"\n'
    assert read(tmp_path, "list.csv", text).authors == ["Example, Ann"]


def test_jsonl_takes_an_author_list_or_a_string_of_names(tmp_path: Path) -> None:
    lines = [{"title": "Exercise", "abstract": ABSTRACT, "authors": ["Example A", "Sample B"],
              "volume": 12, "issue": "3", "pages": "45-52"}]
    assert citation_parts(read(tmp_path, "list.jsonl", json.dumps(lines[0]) + "\n")) == (
        ["Example A", "Sample B"], "12", "3", "45-52")
    lines[0]["authors"] = "Example, Ann; Sample, Ben"
    assert read(tmp_path, "list2.jsonl", json.dumps(lines[0]) + "\n").authors == [
        "Example, Ann", "Sample, Ben"]


def test_formats_without_these_fields_leave_them_empty() -> None:
    abstract = read_abstract(str(FIXTURES / "single.nbib"), LIMIT)
    assert citation_parts(abstract) == ([], None, None, None)


def test_an_abstract_stored_before_these_fields_existed_still_loads() -> None:
    stored = {"text": ABSTRACT, "title": "Exercise", "journal": "Invented Journal",
              "doi": "10.5555/x", "pmid": "1", "published": "2021", "url": None,
              "sections": [], "source": None, "flags": []}
    abstract = Abstract.model_validate(stored)
    assert citation_parts(abstract) == ([], None, None, None)
