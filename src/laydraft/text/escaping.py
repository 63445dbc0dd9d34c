"""Text leaving laydraft for a page: links kept only when http(s), Markdown escaped, JSON plain.

A summary and the abstract's metadata come from outside (a pasted abstract, an uploaded RIS
record, a model's answer), so every export treats them as untrusted text:

- ``safe_url`` is the one test for a link: only absolute ``http``/``https`` addresses with a host
  are kept; ``javascript:``, ``data:``, relative and malformed addresses are dropped. The Markdown,
  HTML and JSON exports and the web pages all use it.
- ``markdown_text`` escapes text for a Markdown page so that no renderer, even one that lets raw
  HTML through, sees a tag, an entity, a link, an image or code in it.
- ``markdown_url`` makes a kept link safe inside ``(...)`` and ``<...>`` in Markdown.
- ``plain_text`` strips any markup with nh3 (the Ammonia sanitizer, no tags allowed), for the JSON
  export, whose values sites insert into their own pages.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import nh3

SAFE_SCHEMES = frozenset({"http", "https"})
# Characters a URL may keep as they are; everything else (spaces, quotes, <>, (), backslash,
# backticks, brackets) is percent-encoded so it cannot end a Markdown link or an attribute.
_URL_SAFE = "/:?#=&%+,;@$~.-_'"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MarkdownSafe(str):
    """Text already made safe for a Markdown page; the Markdown templates print it as it is."""

    __slots__ = ()


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address with a host, else None.

    Browsers ignore tabs, newlines and leading spaces in a scheme ("java\\nscript:"), so those
    are removed before the scheme is read, and the kept address is the cleaned one.
    """
    if not url:
        return None
    cleaned = _CONTROL.sub("", url.strip())
    if "\\" in cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc or parts.netloc.startswith("@"):
        return None
    return cleaned


def markdown_url(url: str | None) -> MarkdownSafe:
    """A kept link percent-encoded for Markdown link targets and autolinks; "" when dropped."""
    kept = safe_url(url)
    if kept is None:
        return MarkdownSafe("")
    return MarkdownSafe(quote(kept, safe=_URL_SAFE))


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]])")
_NEWLINES = re.compile(r"\s*\n\s*")


def markdown_text(value: object) -> MarkdownSafe:
    """``value`` as literal text on a Markdown page.

    ``&``, ``<`` and ``>`` become character references, which every renderer shows as the
    characters and none reads as a tag or an autolink; backslash, backticks, ``*``, ``_`` and
    square brackets are backslash-escaped, so no emphasis, code, link or image starts. Line
    breaks become spaces: a field is one paragraph and cannot open a heading or a list.
    """
    if isinstance(value, MarkdownSafe):
        return value
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return MarkdownSafe(_NEWLINES.sub(" ", text))


_LONGEST_UNWRAP = 4


def plain_text(text: str) -> str:
    """``text`` with every tag removed (script and style with their content), as plain text.

    nh3 returns HTML, so its entities are decoded again; text that held encoded tags
    (``&lt;script&gt;``) is cleaned once more, until nothing changes. What is left is text a
    site must still escape when it puts it into HTML, as with any other text.
    """
    for _ in range(_LONGEST_UNWRAP):
        cleaned = html.unescape(nh3.clean(text, tags=set(), attributes={},
                                          clean_content_tags={"script", "style"}))
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "").replace(">", "")


def plain_data(value: object) -> object:
    """``value`` (JSON-like: dicts, lists, strings) with ``plain_text`` applied to every string."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return value
