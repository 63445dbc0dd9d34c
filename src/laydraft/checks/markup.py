"""Markup in a summary (errors): summaries are plain text.

A summary is published as Markdown, HTML and JSON. Every export escapes it, but markup in a
summary is still a sign that the drafter copied hostile text from the abstract (or that someone
pasted it in an edit), and a site that reuses the text carelessly would run it. So any HTML tag
or comment (found with the standard library's HTML tokenizer, the way a browser reads tags, not
with a pattern), event-handler attribute, ``javascript:``/``vbscript:``/``data:`` address,
Markdown link or image, or HTML character reference is an error at its place in the summary. The
abstract's own link is checked as well: one that is not http(s) is left out of every export.

Codes:

- ``markup.html``: an HTML tag, comment or declaration in the summary;
- ``markup.event_handler``: an event-handler attribute (``onclick=``) in the summary;
- ``markup.script_address``: a ``javascript:``, ``vbscript:`` or ``data:`` address;
- ``markup.markdown_link``: a Markdown link, image or link definition;
- ``markup.char_reference``: an HTML character reference such as ``&amp;``;
- ``markup.unsafe_link``: the abstract's own link is not an http(s) address.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..models import Abstract, Finding, LaySummary, Severity
from ..text.escaping import safe_url

NAME = "markup"
_SUGGESTION = "remove the markup; a summary is plain text and links are added by the page"

_HANDLER = re.compile(r"\bon[a-z]{3,}\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"\b(?:java|vb|live)script\s*:|\bdata\s*:\s*[a-z]+/[a-z0-9.+-]+[;,]",
                         re.IGNORECASE)
# Images always; links whose target looks like an address (so "[Ca(2+)](i)" stays chemistry);
# reference links and link definitions.
_MARKDOWN_LINK = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"
                            r"|\[[^\]\n]*\]\(\s*<?[^)\s]*[:/.#?@][^)\n]*\)"
                            r"|\[[^\]\n]+\]\[[^\]\n]*\]"
                            r"|^\s*\[[^\]\n]+\]:\s*\S+", re.MULTILINE)
_CHAR_REF = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]{1,30});", re.IGNORECASE)


class _Tags(HTMLParser):
    """Collects (start, end, description) for every tag, comment and declaration."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.found: list[tuple[int, int, str]] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _until(self, start: int, closer: str, description: str) -> None:
        end = self.text.find(closer, start)
        self.found.append((start, len(self.text) if end < 0 else end + len(closer), description))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._here()
        raw = self.get_starttag_text() or f"<{tag}>"
        handlers = [name for name, _ in attrs if name.startswith("on")]
        what = f"HTML tag <{tag}>" + (f" with event handler {', '.join(handlers)}"
                                      if handlers else "")
        self.found.append((start, start + len(raw), what))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._until(self._here(), ">", f"HTML tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        self._until(self._here(), "-->", "HTML comment")

    def handle_decl(self, decl: str) -> None:
        self._until(self._here(), ">", "HTML declaration")

    def handle_pi(self, data: str) -> None:
        self._until(self._here(), ">", "HTML processing instruction")

    def unknown_decl(self, data: str) -> None:
        self._until(self._here(), ">", "HTML declaration")


def markup_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what) for each piece of markup in ``text``, in order, none overlapping."""
    parser = _Tags(text)
    parser.feed(text)
    parser.close()
    found = list(parser.found)
    for pattern, what in ((_HANDLER, "event-handler attribute"),
                          (_SCRIPT_URL, "script or data address"),
                          (_MARKDOWN_LINK, "Markdown link or image"),
                          (_CHAR_REF, "HTML character reference")):
        found.extend((m.start(), m.end(), f"{what} {m.group().strip()!r}")
                     for m in pattern.finditer(text))
    kept: list[tuple[int, int, str]] = []
    for start, end, what in sorted(found, key=lambda f: (f[0], -f[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, what))
    return kept


_CODES = (("HTML", "markup.html"), ("event-handler", "markup.event_handler"),
          ("script or data", "markup.script_address"), ("Markdown", "markup.markdown_link"),
          ("HTML character", "markup.char_reference"))


def _code(what: str) -> str:
    """The code of a span ``markup_spans`` described as ``what`` (longest prefix wins)."""
    return max(((p, c) for p, c in _CODES if what.startswith(p)), key=lambda pc: len(pc[0]),
               default=("", "markup.html"))[1]


def check_markup(abstract: Abstract, summary: LaySummary) -> list[Finding]:
    findings = [
        Finding(check=NAME, code=_code(what), severity=Severity.error, section=section,
                start=start, end=end,
                message=f"{what} in the summary; summaries are plain text",
                suggestion=_SUGGESTION)
        for section, text in summary.sections().items()
        for start, end, what in markup_spans(text)
    ]
    if abstract.url and safe_url(abstract.url) is None:
        findings.append(Finding(
            check=NAME, code="markup.unsafe_link", severity=Severity.error, section=None,
            message=f"the abstract's link {abstract.url[:80]!r} is not an http(s) address; "
                    "it is left out of every export",
            suggestion="give the study's http(s) address or its DOI",
        ))
    return findings
