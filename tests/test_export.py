"""Published pages: content, escaping, site templates, and the approved → published rule."""

# Fixtures imported from test_store.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from laydraft import review
from laydraft.config import load_settings
from laydraft.db import Store
from laydraft.errors import ConfigError, UsageError, WorkflowError
from laydraft.export import export_draft, json_script, render_page
from laydraft.models import Draft, DraftStatus
from laydraft.text.citation import journal_title
from test_store import queued  # noqa: F401  (shared fixture)


def _approve(store: Store, draft: Draft) -> int:
    assert draft.id is not None
    review.claim(store, draft.id, "alice")
    review.transition(store, draft.id, "approve", "alice")
    return draft.id


def test_markdown_page_has_every_part(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    page = render_page(queued, "md", settings).content
    assert page.startswith(f"# {queued.summary.headline}\n")
    for title in ("## What was found", "## Why it matters", "## Limitations"):
        assert title in page
    assert "[doi:10.1234/example.5678](https://doi.org/10.1234/example.5678)" in page
    assert "Sleep quality and relapses in MS" in page and "Journal of Examples" in page
    assert settings.disclaimer in page
    assert "Preview" not in page


def test_html_is_escaped(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    nasty = queued.model_copy(update={"summary": queued.summary.model_copy(
        update={"headline": "Risk <script>alert(1)</script> & more"})})
    page = render_page(nasty, "html", settings).content
    assert "<script>alert" not in page
    assert "Risk &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert 'href="https://doi.org/10.1234/example.5678"' in page


def test_json_page(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render_page(queued, "json", settings).content)
    assert data["headline"] == queued.summary.headline
    assert [s["name"] for s in data["sections"]] == [
        "what_was_found", "why_it_matters", "limitations"]
    assert data["study"]["doi_url"] == "https://doi.org/10.1234/example.5678"


def test_site_templates_override_the_shipped_ones(queued: Draft, tmp_path: Path,
                                                  settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.md.j2").write_text("SITE {{ headline }}\n")
    custom = settings.model_copy(update={"export_templates_dir": str(tmp_path / "site")})
    assert render_page(queued, "md", custom).content == f"SITE {queued.summary.headline}\n"
    assert "<!DOCTYPE html>" in render_page(queued, "html", custom).content
    (tmp_path / "site" / "page.md.j2").write_text("{{ no_such_thing }}")
    with pytest.raises(ConfigError, match="unknown variable"):
        render_page(queued, "md", custom)
    with pytest.raises(ConfigError, match="is not a folder"):
        render_page(queued, "md", settings.model_copy(
            update={"export_templates_dir": str(tmp_path / "nope")}))


def test_export_publishes_only_approved(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError, match="it is pending_review; only approved"):
        export_draft(store, queued.id or 0, ["md"], settings, "alice")
    preview = export_draft(store, queued.id or 0, ["md"], settings, preview=True)
    assert "Preview" in preview[0].content
    assert store.get(queued.id or 0).status is DraftStatus.pending_review
    draft_id = _approve(store, queued)
    with pytest.raises(UsageError, match="reviewer name"):
        export_draft(store, draft_id, ["md"], settings, "")
    pages = export_draft(store, draft_id, ["md", "html"], settings, "alice")
    assert [p.format for p in pages] == ["md", "html"]
    assert pages[0].filename.startswith(f"{draft_id}-") and pages[0].filename.endswith(".md")
    assert store.get(draft_id).status is DraftStatus.published
    first = json.loads(export_draft(store, draft_id, ["json"], settings, "alice")[0].content)
    again = export_draft(store, draft_id, ["md", "json"], settings, "alice")
    assert json.loads(again[1].content)["published_at"] == first["published_at"]
    assert f"*Published {first['published_shown']}*" in again[0].content
    assert [e.action for e in store.events(draft_id)][-3:] == ["publish", "export", "export"]


def test_templates_ship_inside_the_package() -> None:
    import laydraft
    from laydraft.export import DEFAULT_TEMPLATES_DIR

    assert DEFAULT_TEMPLATES_DIR.parent == Path(laydraft.__file__).parent
    assert {p.name for p in DEFAULT_TEMPLATES_DIR.iterdir()} >= {"page.md.j2", "page.html.j2"}
    assert load_settings().disclaimer


def test_a_failed_write_leaves_the_draft_approved(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    draft_id = _approve(store, queued)

    def disk_full(pages: list) -> None:  # type: ignore[type-arg]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        export_draft(store, draft_id, ["md"], settings, "alice", deliver=disk_full)
    assert store.get(draft_id).status is DraftStatus.approved
    written: list[str] = []
    export_draft(store, draft_id, ["md"], settings, "alice",
                 deliver=lambda pages: written.extend(p.filename for p in pages))
    assert len(written) == 1 and store.get(draft_id).status is DraftStatus.published


# --- the published page a site puts its name to -----------------------------------------------

class _Page(HTMLParser):
    """The parts of an HTML page a browser, a search engine and a link preview read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.scripts: list[dict[str, str]] = []
        self.script_text: list[str] = []
        self.times: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append(tag)
        if tag == "meta" and ("name" in values or "property" in values):
            self.meta[values.get("name") or values["property"]] = values.get("content", "")
        elif tag == "link":
            self.links[values.get("rel", "")] = values.get("href", "")
        elif tag == "script":
            self.scripts.append(values)
            self.script_text.append("")
            self._in_script = True
        elif tag == "time":
            self.times.append(values.get("datetime", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text[-1] += data
        else:
            self.text.append(data)

    def json_ld(self) -> dict[str, Any]:
        assert self.scripts == [{"type": "application/ld+json"}], self.scripts
        data = json.loads(self.script_text[0])
        assert isinstance(data, dict)
        return data

    def visible(self) -> str:
        return " ".join("".join(self.text).split())


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def with_metadata(draft: Draft, **fields: Any) -> Draft:
    return draft.model_copy(update={"abstract": draft.abstract.model_copy(update=fields)})


AUTHORS = ["Example, Ann", "Sample B", "Third C", "Fourth D", "Fifth E", "Sixth F", "Seventh G"]


def _publish(store: Store, queued: Draft, settings, approver: str = "bob") -> list[Any]:  # type: ignore[no-untyped-def]
    draft_id = queued.id or 0
    review.claim(store, draft_id, approver)
    review.transition(store, draft_id, "approve", approver)
    return export_draft(store, draft_id, ["html", "json", "md"], settings, "alice",
                        now=datetime(2026, 3, 5, 9, 30, tzinfo=UTC))


def test_the_exported_page_parses_with_main_meta_description_opengraph_and_json_ld(
        store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    site = settings.model_copy(update={
        "page_url": "https://example.org/summaries/{id}-{slug}.html",
        "page_stylesheet": "/css/site.css"})
    html, data, _ = (p.content for p in _publish(store, queued, site))
    page = parse(html)
    assert page.tags.count("main") == 1 and page.tags.count("h1") == 1
    assert "dl" not in page.tags  # the citation is a citation block, not a definition list
    first_sentence = queued.summary.what_was_found.split(". ")[0]
    assert page.meta["description"].startswith(first_sentence[:60])
    assert len(page.meta["description"]) <= 160
    assert page.meta["og:type"] == "article"
    assert page.meta["og:title"] == queued.summary.headline
    assert page.meta["og:description"] == page.meta["description"]
    url = f"https://example.org/summaries/{queued.id}-"
    assert page.meta["og:url"].startswith(url) and page.links["canonical"] == page.meta["og:url"]
    assert page.links["stylesheet"] == "/css/site.css"
    ld = page.json_ld()
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Article"
    assert ld["headline"] == queued.summary.headline
    assert ld["datePublished"] == json.loads(data)["published_at"] == "2026-03-05T09:30:00+00:00"
    assert ld["url"] == page.meta["og:url"]
    study = ld["citation"]
    assert study["@type"] == "ScholarlyArticle"
    assert study["headline"] == queued.abstract.title
    assert {"@type": "PropertyValue", "propertyID": "DOI",
            "value": "10.1234/example.5678"} in study["identifier"]
    assert "2026-03-05" in page.times and "5 March 2026" in page.visible()


def test_hostile_text_cannot_break_out_of_the_json_ld_or_the_meta_tags(
        queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    hostile = 'p<0.001 </script><script>alert("x")</script> "quoted" & \'single\' <!-- end'
    draft = with_metadata(queued, title="Study " + hostile, authors=[hostile],
                          journal=hostile)
    draft = draft.model_copy(update={"summary": draft.summary.model_copy(update={
        "headline": "Sleep " + hostile, "what_was_found": "Found " + hostile + ". More."})})
    html = render_page(draft, "html", settings).content
    page = parse(html)
    ld = page.json_ld()  # one script element, and all of it is JSON
    assert "alert" not in "".join(page.script_text).split('"headline"')[0]
    assert "</" not in page.script_text[0] and "<!--" not in page.script_text[0]
    assert '"quoted"' in ld["headline"] and "'single'" in ld["headline"]
    assert "p<0.001" in ld["headline"] and "p\\u003c0.001" in page.script_text[0]
    assert page.meta["og:title"] == "Sleep " + hostile  # the attribute held it whole
    assert page.tags.count("script") == 1


def test_the_credit_line_names_the_reviewer_who_approved(store: Store, queued: Draft,
                                                         settings) -> None:  # type: ignore[no-untyped-def]
    html, data, md = (p.content for p in _publish(store, queued, settings, approver="bob"))
    approval = next(e for e in store.events(queued.id or 0) if e.action == "approve")
    day = f"{approval.at.day} {approval.at:%B %Y}"
    credit = f"Drafted with AI assistance; reviewed by bob on {day}."
    assert credit in parse(html).visible() and credit in md
    exported = json.loads(data)
    assert exported["reviewer"] == "bob" and exported["credit"] == credit
    assert datetime.fromisoformat(exported["approved_at"]).date() == approval.at.date()
    assert exported["published_at"] == "2026-03-05T09:30:00+00:00"
    assert parse(html).json_ld()["creditText"] == credit


def test_the_credit_line_is_configurable_and_absent_before_approval(
        queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    assert "reviewed by" not in render_page(queued, "html", settings).content
    data = json.loads(render_page(queued, "json", settings).content)
    assert data["reviewer"] is None and data["approved_at"] is None and data["credit"] is None
    with pytest.raises(ConfigError, match="only {reviewer} and {date}"):
        load_settings(overrides={"credit_line": "Checked by {name}"})


def test_dates_follow_the_configured_locale_and_pattern(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    french = settings.model_copy(update={"page_locale": "fr_FR", "page_date_format": "d MMMM y"})
    published = datetime(2026, 3, 5, tzinfo=UTC)
    page = parse(render_page(queued, "html", french, published).content)
    assert "5 mars 2026" in page.visible() and "2026-03-05" in page.times
    us = settings.model_copy(update={"page_locale": "en_US", "page_date_format": "MMMM d, y"})
    assert "*Published March 5, 2026*" in render_page(queued, "md", us, published).content
    with pytest.raises(ConfigError, match="locale"):
        load_settings(overrides={"page_locale": "xx_QQ"})
    with pytest.raises(ConfigError, match="date pattern"):
        load_settings(overrides={"page_date_format": "the day"})


def test_the_default_locale_and_date_pattern_pass_the_full_checks() -> None:
    """The validators let the defaults through without loading Babel: they must be good."""
    from babel import Locale
    from babel.dates import format_date

    from laydraft.config import DEFAULT_PAGE_DATE_FORMAT, DEFAULT_PAGE_LOCALE

    Locale.parse(DEFAULT_PAGE_LOCALE)
    shown = format_date(datetime(2024, 3, 5).date(), DEFAULT_PAGE_DATE_FORMAT, locale="en")
    assert shown == "5 March 2024"


def test_the_citation_names_six_authors_then_et_al_and_title_cases_the_journal(
        queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    draft = with_metadata(queued, authors=AUTHORS, journal="JAMA NEUROLOGY", volume="12",
                          issue="2", pages="15-22", published="2021-02-15")
    page = parse(render_page(draft, "html", settings).content).visible()
    assert ("Example A, Sample B, Third C, Fourth D, Fifth E, Sixth F, et al. "
            "Sleep quality and relapses in MS.") in page
    assert "JAMA Neurology. 2021;12(2):15-22. doi:10.1234/example.5678." in page
    three = settings.model_copy(update={"citation_authors": 3})
    data = json.loads(render_page(draft, "json", three).content)
    assert data["study"]["authors_cited"] == "Example A, Sample B, Third C, et al."
    assert data["study"]["authors"] == AUTHORS  # as the source gave them
    assert data["study"]["journal_as_given"] == "JAMA NEUROLOGY"
    everyone = settings.model_copy(update={"citation_authors": 0})
    assert "et al" not in render_page(draft, "md", everyone).content


@pytest.mark.parametrize(("given", "shown"), [
    ("Invented rehabilitation journal", "Invented Rehabilitation Journal"),
    ("BMJ open", "BMJ Open"),
    ("THE NEW ENGLAND JOURNAL OF MEDICINE", "The New England Journal of Medicine"),
    ("PLoS one", "PLoS One"),
    ("Journal of Examples", "Journal of Examples"),
    ("eLife", "eLife"),
])
def test_journal_names_in_sentence_case_or_capitals_are_title_cased(given: str,
                                                                    shown: str) -> None:
    assert journal_title(given) == shown


def test_the_meta_description_is_the_first_sentence_in_plain_text_within_160_characters(
        queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    long = "The <b>team</b> followed " + "many people for a long time and " * 8 + "found it."
    draft = queued.model_copy(update={"summary": queued.summary.model_copy(
        update={"what_was_found": long + " Second sentence."})})
    description = parse(render_page(draft, "html", settings).content).meta["description"]
    assert description.startswith("The team followed many people")
    assert len(description) <= 160 and description.endswith("\u2026")
    assert "Second sentence" not in description


def test_the_preview_shows_the_real_state_not_today_as_a_publication_date(
        store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    before = export_draft(store, queued.id or 0, ["json", "md"], settings, preview=True)
    assert json.loads(before[0].content)["published_at"] is None
    assert "not yet published" in before[1].content and "*Published" not in before[1].content
    _publish(store, queued, settings)
    after = export_draft(store, queued.id or 0, ["json"], settings, preview=True)
    assert json.loads(after[0].content)["published_at"] == "2026-03-05T09:30:00+00:00"


def test_the_page_styles_are_custom_properties_a_site_can_override(queued: Draft,
                                                                   settings) -> None:  # type: ignore[no-untyped-def]
    html = render_page(queued, "html", settings).content
    style = html.split("<style>")[1].split("</style>")[0]
    assert ":root {" in style and "--ld-headline-size" in style
    assert "font-size: var(--ld-headline-size)" in style
    assert "stylesheet" not in parse(html).links  # none configured
    remote = settings.model_copy(update={"page_stylesheet": "javascript:alert(1)"})
    assert "stylesheet" not in parse(render_page(queued, "html", remote).content).links


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "</SCRIPT >", "<!--",
                                  "a & b", "\u2028line", "<\u2028/script>"])
def test_json_for_a_script_element_cannot_close_it_and_reads_back_the_same(text: str) -> None:
    written = str(json_script({"headline": text, "list": [text]}))
    assert "<" not in written and ">" not in written and "&" not in written
    assert "\u2028" not in written
    assert json.loads(written) == {"headline": text, "list": [text]}
