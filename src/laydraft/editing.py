"""The Markdown a reviewer edits: one heading per section, parsed back into a LaySummary.

The file opens with an HTML comment naming the draft and the version it is based on, so a
file saved for later (``--from-file``) still knows its base. Comments are ignored on the way
back; lines of a paragraph are joined and blank lines separate paragraphs, so re-wrapping
text in the editor is not a change.
"""

from __future__ import annotations

import re

from .errors import ErrorCode, UsageError
from .models import SECTION_TITLES, SUMMARY_FIELDS, Draft, LaySummary
from .review import parse_summary

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_BASE = re.compile(r"<!--\s*laydraft draft (\d+), based on version (\d+)")
_BY_TITLE = {title.lower(): name for name, title in SECTION_TITLES.items()}
_BY_TITLE.update({name: name for name in SUMMARY_FIELDS})

HELP = """Edit the text under each heading and keep the four headings.
     Save and close the editor to save a new version; close without saving to cancel.
     Lines inside comments like this one are ignored."""


def to_markdown(draft: Draft) -> str:
    """The editable file for a draft's current version."""
    parts = [f"<!-- laydraft draft {draft.id}, based on version {draft.version}.\n     {HELP} -->"]
    for name in SUMMARY_FIELDS:
        level = "#" if name == "headline" else "##"
        parts.append(f"{level} {SECTION_TITLES[name]}\n\n{getattr(draft.summary, name)}")
    return "\n\n".join(parts) + "\n"


def with_error(text: str, message: str) -> str:
    """The user's own text, with the problem noted at the top for the next round."""
    note = f"<!-- laydraft could not save this: {message}. Fix it, then save and close. -->\n"
    return note + re.sub(r"\A<!-- laydraft could not save this:.*?-->\n", "", text,
                         flags=re.DOTALL)


def base_version(text: str) -> int | None:
    """The version named in the file's header comment, if it has one."""
    match = _BASE.search(text)
    return int(match.group(2)) if match else None


def is_blank(text: str) -> bool:
    """True when nothing but comments and whitespace is left: the user emptied the file."""
    return not _COMMENT.sub("", text).strip()


def normalise(text: str) -> str:
    """Join wrapped lines; keep paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def split_sections(text: str) -> dict[str, str]:
    """Section text by field name; raises UsageError for a file that cannot be read back."""
    body = _COMMENT.sub("", text)
    if is_blank(text):
        raise UsageError("the edited file is empty; nothing saved",
                         code=ErrorCode.EDIT_UNREADABLE)
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in body.splitlines():
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(1).strip().lower()
            if title not in _BY_TITLE:
                raise UsageError(f"unknown heading '{heading.group(1)}'; the headings are "
                                 + ", ".join(SECTION_TITLES.values()),
                                 code=ErrorCode.EDIT_UNREADABLE)
            current = _BY_TITLE[title]
            if current in found:
                raise UsageError(f"section '{SECTION_TITLES[current]}' appears twice",
                                 code=ErrorCode.EDIT_UNREADABLE)
            found[current] = []
        elif current is None:
            if line.strip():
                raise UsageError("text before the first heading; put it under a section "
                                 "heading", code=ErrorCode.EDIT_UNREADABLE)
        else:
            found[current].append(line)
    missing = [SECTION_TITLES[n] for n in SUMMARY_FIELDS if n not in found]
    if missing:
        raise UsageError(f"missing section heading '{missing[0]}'",
                         code=ErrorCode.EDIT_UNREADABLE)
    return {name: normalise("\n".join(found[name])) for name in SUMMARY_FIELDS}


def from_markdown(text: str) -> LaySummary:
    """Parse an edited file back into a summary (every section present and non-empty)."""
    return parse_summary(split_sections(text))
