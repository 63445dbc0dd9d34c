"""Published pages: Markdown, HTML and JSON for an approved draft.

Pages are rendered from Jinja2 templates (``page.md.j2``, ``page.html.j2``). The defaults ship
inside the package in ``export_templates/``; a site overrides any of them by putting a file of
the same name in the ``export_templates_dir`` folder. HTML is autoescaped and every template
uses StrictUndefined, so a misspelt variable fails loudly instead of printing nothing.

Every value is untrusted text (it comes from an abstract, a model or an edit): HTML pages are
autoescaped; Markdown pages escape every printed value with ``escaping.markdown_text`` (links go
through the ``md_url`` filter); JSON values are plain text with any markup stripped
(``escaping.plain_text``). Links are kept only when ``escaping.safe_url`` accepts them (http(s)).

Exporting publishes: the draft moves from ``approved`` to ``published`` (recorded in the audit
log); only admins publish (``permissions.decide``). ``preview=True`` renders any draft without
changing anything, for the web page. A corrected page lists its dated correction notes; a
withdrawn page says so, with the date and reason, and carries no summary text.

The page is what a site publishes under its name: dates in the site's locale and CLDR pattern
(``page_locale``, ``page_date_format``; ISO stays in ``<time datetime>``), the study's full
citation in NLM/Vancouver style (``text.citation``), a credit line naming the reviewer who
approved it (``credit_line``, filled from the approval in the audit log), a meta description,
OpenGraph tags and schema.org JSON-LD. The JSON-LD is serialised with ``<``, ``>`` and ``&``
escaped, so no text in it can close its ``<script>`` element.

Each format is one ``ExportFormat`` record in ``EXPORT_FORMATS`` (name, renderer, media type,
label, file extension); the CLI's ``--format`` choices and the web's download buttons and
headers come from it, so a new format is one record here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from pydantic import BaseModel

from .config import Settings
from .db import Store
from .errors import ConfigError, ErrorCode, UsageError
from .models import (
    SECTION_TITLES,
    SUMMARY_SECTIONS,
    AuditEvent,
    Draft,
    DraftStatus,
    VersionKind,
    utcnow,
)
from .permissions import PUBLISHABLE, Action, decide
from .review import Person, as_actor
from .text.citation import citation, full_stop, journal_title
from .text.escaping import markdown_text, markdown_url, plain_data, plain_text, safe_url
from .text.page_dates import show_date, year_of
from .text.sentences import split_sentences

Format = str  # the name of an ExportFormat in EXPORT_FORMATS
DEFAULT_TEMPLATES_DIR = Path(__file__).resolve().parent / "export_templates"
EXPORTABLE = PUBLISHABLE  # approved, published, withdrawn (a withdrawn page is re-exported)
log = logging.getLogger(__name__)


class Approval(BaseModel):
    """Who approved the version being published, and when (from the audit log)."""

    reviewer: str
    at: datetime


class Notices(BaseModel):
    """What the page must tell readers beyond the summary, from the draft's record:
    corrections, a withdrawal, the approval the credit line names, the first publication."""

    corrections: list[dict[str, Any]] = []  # {"date", "note", "version"}, oldest first
    withdrawn: dict[str, Any] | None = None  # {"date", "reason"}
    approval: Approval | None = None
    published_at: datetime | None = None


def notices(store: Store, draft_id: int) -> Notices:
    """The dated correction notes, the withdrawal, the approval and the publication date."""
    corrections = [{"date": v.created_at.date().isoformat(), "note": v.note or "",
                    "version": v.version}
                   for v in store.versions(draft_id) if v.kind is VersionKind.correction]
    events = store.events(draft_id)
    withdrawn = None
    if store.get(draft_id).status is DraftStatus.withdrawn:
        event = next(e for e in reversed(events) if e.action == "withdraw")
        withdrawn = {"date": event.at.date().isoformat(), "reason": event.note or ""}
    approved = [e for e in events if e.to_status is DraftStatus.approved]
    approval = Approval(reviewer=approved[-1].actor, at=approved[-1].at) if approved else None
    published = next((e.at for e in events if e.action == "publish"), None)
    return Notices(corrections=corrections, withdrawn=withdrawn, approval=approval,
                   published_at=published)


class Page(BaseModel):
    """One rendered page of one draft."""

    draft_id: int
    version: int
    format: Format
    filename: str
    content: str


def template_environment(settings: Settings) -> jinja2.Environment:
    folders = [str(DEFAULT_TEMPLATES_DIR)]
    if settings.export_templates_dir:
        custom = Path(settings.export_templates_dir).expanduser()
        if not custom.is_dir():
            raise ConfigError(f"export_templates_dir {custom} is not a folder",
                              setting="export_templates_dir")
        folders.insert(0, str(custom))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                            default_for_string=False),
        keep_trailing_newline=True,
        finalize=_escape_markdown,
    )
    env.filters["md_url"] = markdown_url
    env.filters["safe_url"] = safe_url
    env.filters["json_script"] = json_script
    env.filters["full_stop"] = full_stop
    env.filters["local_date"] = lambda value: show_date(value, settings.page_date_format,
                                                        settings.page_locale)
    return env


def json_script(value: Any) -> Markup:
    """JSON for inside a ``<script>`` element: ``<``, ``>`` and ``&`` are written as ``\\u003c``
    and so on, so no text (``</script>``, ``<!--``) can end the element or start markup."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704  (escaped above for a script element's content)


_MARKDOWN_TEMPLATES = (".md.j2", ".md")


@jinja2.pass_context
def _escape_markdown(context: jinja2.runtime.Context, value: Any) -> Any:
    """Markdown's autoescape: every value a Markdown template prints is escaped."""
    if context.name and context.name.endswith(_MARKDOWN_TEMPLATES) and not isinstance(
            value, jinja2.Undefined):
        return markdown_text(value)
    return value


# (settings, the page context) -> the page's text
Renderer = Callable[[Settings, dict[str, Any]], str]


@dataclass(frozen=True)
class ExportFormat:
    """One kind of published page: how it is rendered, served and named."""

    name: str
    label: str
    media_type: str
    extension: str
    render: Renderer


def _json_page(settings: Settings, context: dict[str, Any]) -> str:
    """The context as JSON; sites insert these values into pages, so they carry no markup."""
    return json.dumps(plain_data(context), indent=2, ensure_ascii=False) + "\n"


def _template_page(template: str) -> Renderer:
    return lambda settings, context: _render_template(settings, template, context)


EXPORT_FORMATS: dict[str, ExportFormat] = {fmt.name: fmt for fmt in (
    ExportFormat("md", "Markdown", "text/markdown; charset=utf-8", "md",
                 _template_page("page.md.j2")),
    ExportFormat("html", "HTML", "text/html; charset=utf-8", "html",
                 _template_page("page.html.j2")),
    ExportFormat("json", "JSON", "application/json", "json", _json_page),
)}
FORMATS: tuple[str, ...] = tuple(EXPORT_FORMATS)


def export_format(name: str) -> ExportFormat:
    """The registered format called ``name``, or a UsageError listing the choices."""
    if name not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}",
                         code=ErrorCode.UNKNOWN_CHOICE, field="format", value=name,
                         choices=list(FORMATS))
    return EXPORT_FORMATS[name]


def slug(text: str, limit: int = 60) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "summary"


def page_context(draft: Draft, settings: Settings, published_at: datetime | None,
                 preview: bool, extra: Notices | None = None) -> dict[str, Any]:
    """Everything a page template may use; the JSON export is this, as JSON.

    A withdrawn draft's page keeps its headline but no summary sections.
    """
    abstract = draft.abstract
    doi = (abstract.doi or "").strip()
    doi_url = safe_url(f"https://doi.org/{quote(doi, safe='/:;()')}") if doi else None
    extra = extra or Notices()

    def shown(value: datetime | str | None) -> str | None:
        return show_date(value, settings.page_date_format, settings.page_locale)

    study = _study(draft, settings, doi, doi_url)
    approval = extra.approval
    context: dict[str, Any] = {
        "corrections": extra.corrections,
        "withdrawn": extra.withdrawn,
        "draft_id": draft.id,
        "version": draft.version,
        "preview": preview,
        "headline": draft.summary.headline,
        "description": _description(draft.summary.what_was_found or draft.summary.headline),
        "sections": [] if extra.withdrawn else [
            {"name": name, "title": SECTION_TITLES[name], "text": getattr(draft.summary, name)}
            for name in SUMMARY_SECTIONS],
        "published": published_at.date().isoformat() if published_at else None,
        "published_shown": shown(published_at),
        "published_at": _iso(published_at),
        "reviewer": approval.reviewer if approval else None,
        "approved_at": _iso(approval.at) if approval else None,
        "credit": _credit(settings.credit_line, approval, shown),
        "study": study,
        "page_url": _page_url(settings.page_url, draft),
        "stylesheet": _stylesheet(settings.page_stylesheet),
        "language": settings.language,
        "locale": settings.page_locale,
        "disclaimer": settings.disclaimer,
    }
    context["json_ld"] = plain_data(_json_ld(context))  # text for search engines: no markup
    return context


def _iso(moment: datetime | None) -> str | None:
    """An ISO 8601 timestamp in UTC (stored times are UTC; naive ones from SQLite too)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _study(draft: Draft, settings: Settings, doi: str, doi_url: str | None) -> dict[str, Any]:
    """The study's metadata, its citation in parts and as one line."""
    abstract = draft.abstract
    year = year_of(abstract.published)
    cited = citation(abstract.authors, abstract.title, abstract.journal, year, abstract.volume,
                     abstract.issue, abstract.pages, settings.citation_authors)
    return {
        "title": abstract.title, "journal": journal_title(abstract.journal),
        "journal_as_given": abstract.journal,
        "authors": list(abstract.authors), "authors_cited": cited.authors or None,
        "volume": abstract.volume, "issue": abstract.issue, "pages": abstract.pages,
        "year": year, "date": abstract.published,
        "date_shown": show_date(abstract.published, settings.page_date_format,
                                settings.page_locale),
        "source": cited.source or None, "citation": cited.text() or None,
        "doi": doi or None, "doi_url": doi_url,
        "pmid": abstract.pmid, "url": _kept_url(abstract.url, draft.id),
        "pubmed_url": _pubmed_url(abstract.pmid),
    }


DESCRIPTION_LIMIT = 160


def _description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The first sentence as plain text, cut at a word to ``limit`` characters (search results
    and link previews show about that much)."""
    plain = " ".join(plain_text(text).split())
    sentences = split_sentences(plain)
    first = sentences[0].text.strip() if sentences else plain
    if len(first) <= limit:
        return first
    cut = first[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def _credit(template: str, approval: Approval | None,
            shown: Callable[[datetime | str | None], str | None]) -> str | None:
    """The credit line with the approving reviewer and date; None before approval."""
    if not template.strip() or approval is None:
        return None
    return template.format(reviewer=approval.reviewer, date=shown(approval.at) or "")


def _page_url(template: str, draft: Draft) -> str | None:
    if not template:
        return None
    return safe_url(template.format(id=draft.id or 0, slug=slug(draft.summary.headline)))


_SITE_PATH = re.compile(r"^/(?!/)[A-Za-z0-9._~/%-]*$")


def _stylesheet(address: str) -> str | None:
    """The site's stylesheet: an http(s) address or a path on the site ("/css/site.css")."""
    address = address.strip()
    if not address:
        return None
    return address if _SITE_PATH.match(address) else safe_url(address)


def _json_ld(context: dict[str, Any]) -> dict[str, Any]:
    """schema.org Article about the summary, citing the study it explains (ScholarlyArticle)."""
    study = context["study"]
    ids = [{"@type": "PropertyValue", "propertyID": "DOI", "value": study["doi"]}
           if study["doi"] else None,
           {"@type": "PropertyValue", "propertyID": "PMID", "value": study["pmid"]}
           if study["pubmed_url"] else None]
    cited: dict[str, Any] = {
        "@type": "ScholarlyArticle",
        "headline": study["title"],
        "author": [{"@type": "Person", "name": name} for name in study["authors"]] or None,
        "isPartOf": {"@type": "Periodical", "name": study["journal"]}
        if study["journal"] else None,
        "datePublished": study["date"],
        "volumeNumber": study["volume"], "issueNumber": study["issue"],
        "pagination": study["pages"],
        "identifier": [i for i in ids if i] or None,
        "url": study["doi_url"] or study["url"],
        "sameAs": [u for u in (study["pubmed_url"],) if u] or None,
    }
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": context["headline"],
        "description": context["description"],
        "inLanguage": context["language"],
        "datePublished": context["published_at"],
        "url": context["page_url"],
        "mainEntityOfPage": context["page_url"],
        "creditText": context["credit"],
        "citation": _compact(cited),
        "isBasedOn": study["doi_url"] or study["url"],
    }
    return _compact(article)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Without the keys a source left empty (schema.org has no use for nulls)."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _kept_url(url: str | None, draft_id: int | None) -> str | None:
    kept = safe_url(url)
    if url and kept is None:
        log.warning("draft %s: link %r left out of the page: not an http(s) address",
                    draft_id, url[:200])
    return kept


def _pubmed_url(pmid: str | None) -> str | None:
    pmid = (pmid or "").strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else None


def render_page(draft: Draft, fmt: Format, settings: Settings,
                published_at: datetime | None = None, preview: bool = False,
                extra: Notices | None = None) -> Page:
    """Render one format of one draft; no state changes."""
    kind = export_format(fmt)
    content = kind.render(settings, page_context(draft, settings, published_at, preview, extra))
    name = f"{draft.id}-{slug(draft.summary.headline)}.{kind.extension}"
    return Page(draft_id=draft.id or 0, version=draft.version, format=fmt, filename=name,
                content=content)


def _render_template(settings: Settings, name: str, context: dict[str, Any]) -> str:
    try:
        return template_environment(settings).get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"export template {name} is missing", code=ErrorCode.TEMPLATE,
                          template=name) from exc
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"export template {name} uses an unknown variable: {exc.message}",
                          code=ErrorCode.TEMPLATE, template=name) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"export template {exc.name or name} line {exc.lineno}: "
                          f"{exc.message}", code=ErrorCode.TEMPLATE, template=name) from exc


def export_draft(store: Store, draft_id: int, formats: list[Format], settings: Settings,
                 actor: Person | None = None, preview: bool = False,
                 now: datetime | None = None,
                 deliver: Callable[[list[Page]], None] | None = None) -> list[Page]:
    """Render a draft and, unless previewing, mark it published.

    Only approved drafts publish; a published draft can be exported again and keeps its
    first publication date. The pages are rendered, and handed to ``deliver`` (which writes
    them out), before the status changes in the same transaction: a template error or a
    failed write never leaves a draft published without its page.
    """
    if preview:
        draft = store.get(draft_id)
        extra = notices(store, draft_id)
        pages = [render_page(draft, fmt, settings, extra.published_at, preview=True,
                             extra=extra) for fmt in formats]
        if deliver is not None:
            deliver(pages)
        return pages
    person = as_actor(actor)
    now = now or utcnow()
    draft = store.get(draft_id)
    extra = notices(store, draft_id)
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        decide(person, Action.publish, state).enforce()
        published_at = state.published_at or now
        pages = [render_page(draft, fmt, settings, published_at, extra=extra)
                 for fmt in formats]
        if deliver is not None:
            deliver(pages)
        status = DraftStatus.published if state.status is DraftStatus.approved else state.status
        after = state.model_copy(update={"status": status, "published_at": published_at})
        store.update_state(conn, state, after)
        store.record(conn, AuditEvent(
            draft_id=draft_id, actor=person.name,
            action="publish" if state.status is DraftStatus.approved else "export",
            from_status=state.status, to_status=after.status,
            from_version=state.current_version, to_version=state.current_version,
            note=", ".join(formats), at=now))
    return pages
