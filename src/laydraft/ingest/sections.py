"""Find labelled sections and a leading title in cleaned text.

Headings come in three shapes: on their own line (``RESULTS.``, ``Main results``), at the start
of a line before the text (``BACKGROUND: ...``, ``Methods. ...``), and inside a paragraph after a
sentence (MEDLINE's ``... resources. RESULTS: We ...``). Capitalised labels with a colon are
conventional enough to trust even when unknown; any other shape must be a known label
(see ``labels.py``) so ordinary sentences are not cut into sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import join_lines
from .labels import is_known_label

_CAPS = r"[A-Z][A-Z'’&/,()\-]*(?: [A-Z&/(][A-Z'’&/,()\-]*)*(?: \d{1,2})?"
_WORDY = r"[A-Z][A-Za-z'’]*(?:[ ,/&]{1,2}[A-Za-z][A-Za-z'’()]*){0,6}"
_LINE_CAPS = re.compile(rf"^({_CAPS})\s*([:.])(?:\s+(.*))?$|^({_CAPS})$")
_LINE_WORDY = re.compile(rf"^({_WORDY})\s*([:.])(?:\s+(.*))?$|^({_WORDY})$")
_INLINE = re.compile(rf"(?<=[.!?)\]])\s+({_CAPS}|{_WORDY})\s?([:.])\s+(?=\S)")
_ABSTRACT_WORD = re.compile(r"^abstract(?:\s*[:.]\s*|[ \t]*\n\s*)", re.IGNORECASE)
MAX_LABEL_CHARS = 70


@dataclass
class Block:
    """A run of text under one label (None before the first heading)."""

    label: str | None
    paragraphs: list[list[str]] = field(default_factory=list)

    def add_line(self, line: str, new_paragraph: bool) -> None:
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([line])
        else:
            self.paragraphs[-1].append(line)

    @property
    def text(self) -> str:
        return "\n\n".join(text for text in map(join_lines, self.paragraphs) if text)


def _accept(label: str, mark: str | None, caps: bool) -> bool:
    """Whether a candidate at the start of a line is a heading, from its shape and words."""
    label = label.strip()
    if len(label) > MAX_LABEL_CHARS or not re.search(r"[A-Za-z]{2}", label):
        return False
    if is_known_label(label):
        return True
    letters = len(re.sub(r"[^A-Za-z]", "", label))
    return caps and mark == ":" and letters >= 5


def line_heading(line: str) -> tuple[str, str] | None:
    """(label, rest of line) when the line starts with a heading, else None."""
    for pattern, caps in ((_LINE_CAPS, True), (_LINE_WORDY, False)):
        match = pattern.match(line)
        if not match:
            continue
        label = match.group(1) or match.group(4)
        mark = match.group(2)
        rest = match.group(3) or ""
        if mark == "." and rest and not is_known_label(label):
            continue
        if _accept(label, mark, caps):
            return label.strip(), rest.strip()
    return None


def split_inline(block: Block) -> list[Block]:
    """Cut a block where a heading follows a sentence inside a paragraph."""
    blocks = [Block(block.label)]
    for paragraph in map(join_lines, block.paragraphs):
        start = 0
        for match in _INLINE.finditer(paragraph):
            label, mark = match.group(1).strip(), match.group(2)
            if not (is_known_label(label) and (label.isupper() or mark == ":")):
                continue
            blocks[-1].add_line(paragraph[start : match.start()].strip(), new_paragraph=True)
            blocks.append(Block(label))
            start = match.end()
        blocks[-1].add_line(paragraph[start:].strip(), new_paragraph=True)
    return [b for b in blocks if b.label is not None or b.text]


def _is_title(lines: list[str], index: int) -> bool:
    """A short first line without a final period, followed by the body, is a title."""
    line = lines[index]
    rest = [ln for ln in lines[index + 1 :] if ln]
    if not rest or len(line) > 300 or _ABSTRACT_WORD.match(line + "\n"):
        return False
    if line.endswith((".", ",", ";", ":", "-")) or line_heading(line):
        return False
    following = lines[index + 1]
    if not following or line_heading(following):
        return True
    if not following[:1].isupper():
        return False
    paragraph = _paragraph_after(lines, index + 1)
    return len(line) < 0.6 * max(len(ln) for ln in paragraph)


def _paragraph_after(lines: list[str], start: int) -> list[str]:
    paragraph: list[str] = []
    for line in lines[start:]:
        if not line:
            break
        paragraph.append(line)
    return paragraph


def take_title(text: str) -> tuple[str | None, str]:
    """Split off a leading title line (and a bare "Abstract" line after it)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or not _is_title(lines, first):
        return None, text
    return lines[first], "\n".join(lines[first + 1 :]).strip()


def segment(text: str) -> list[Block]:
    """Blocks of text, each under the heading that starts it; lines a PDF broke are rejoined."""
    text = _ABSTRACT_WORD.sub("", text, count=1)
    blocks = [Block(None)]
    new_paragraph = True
    for line in text.split("\n"):
        if not line:
            new_paragraph = True
            continue
        heading = line_heading(line)
        if heading:
            blocks.append(Block(heading[0]))
            line, new_paragraph = heading[1], True
            if not line:
                continue
        blocks[-1].add_line(line, new_paragraph)
        new_paragraph = False
    split = [part for block in blocks for part in split_inline(block)]
    return [b for b in split if b.text or b.label]
