"""Word-level differences between two versions of a summary, section by section."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import BaseModel

from .models import SECTION_TITLES, LaySummary

_TOKEN = re.compile(r"\S+")

Op = Literal["equal", "delete", "insert"]


class Segment(BaseModel):
    op: Op
    text: str


class SectionDiff(BaseModel):
    section: str
    title: str
    changed: bool
    segments: list[Segment]


class VersionDiff(BaseModel):
    """The sections of version ``old`` compared with version ``new``."""

    old: int
    new: int
    sections: list[SectionDiff]

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sections)


def diff_words(old: str, new: str) -> list[Segment]:
    """Runs of equal, deleted and inserted words (difflib on whitespace-split words)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            segments.append(Segment(op="delete", text=" ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment(op="insert", text=" ".join(b[j1:j2])))
        if tag == "equal":
            segments.append(Segment(op="equal", text=" ".join(a[i1:i2])))
    return segments


def diff_summaries(old: LaySummary, new: LaySummary, old_number: int,
                   new_number: int) -> VersionDiff:
    sections = []
    for name, before in old.sections().items():
        segments = diff_words(before, getattr(new, name))
        sections.append(SectionDiff(
            section=name, title=SECTION_TITLES[name], segments=segments,
            changed=any(s.op != "equal" for s in segments),
        ))
    return VersionDiff(old=old_number, new=new_number, sections=sections)


def inline_markup(segments: list[Segment]) -> str:
    """``[-removed-]{+added+}`` markup, as ``git diff --word-diff`` prints it."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[s.op].format(s.text) for s in segments)
