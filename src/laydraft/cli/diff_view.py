"""`laydraft review diff` as the terminal shows it: coloured on a terminal, plain elsewhere.

Plain text marks changes as ``git diff --word-diff`` does (``[-removed-]{+added+}``), so a
pipe, a log or a screen reader gets the same words. In colour, deleted words are red and struck
through and inserted words green and underlined: the marks are not only colour, so a reader
who cannot tell red from green still sees which is which.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Mapping

import click

from ..diff import Segment, VersionDiff, inline_markup

WIDTH = 88
INDENT = "  "


def use_color(flag: bool | None, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """``--color``/``--no-color`` when given; else colour only on a terminal, and never when
    ``NO_COLOR`` is set to anything but the empty string (https://no-color.org)."""
    if flag is not None:
        return flag
    return is_tty and not environ.get("NO_COLOR")


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def diff_text(diff: VersionDiff, color: bool) -> str:
    """The sections that changed, wrapped at 88 columns; unchanged ones named in one line."""
    lines = [f"version {diff.old} → version {diff.new}"]
    for section in diff.sections:
        if not section.changed:
            lines.append(f"\n{section.title}: unchanged")
            continue
        body = _colored(section.segments) if color else _plain(section.segments)
        lines += [f"\n{section.title}:", body]
    return "\n".join(lines)


def _plain(segments: list[Segment]) -> str:
    return textwrap.fill(inline_markup(segments), WIDTH, initial_indent=INDENT,
                         subsequent_indent=INDENT)


def _colored(segments: list[Segment]) -> str:
    """Words wrapped by their visible width (escape codes take no columns), each line's run of
    deleted or inserted words styled as one, so the strike or underline spans their spaces."""
    words = [(word, s.op) for s in segments for word in s.text.split()]
    lines: list[list[tuple[str, str]]] = [[]]
    used = len(INDENT)
    for word, op in words:
        needed = len(word) + (1 if lines[-1] else 0)
        if lines[-1] and used + needed > WIDTH:
            lines.append([])
            used, needed = len(INDENT), len(word)
        lines[-1].append((word, op))
        used += needed
    return "\n".join(INDENT + _styled_line(line) for line in lines)


def _styled_line(line: list[tuple[str, str]]) -> str:
    runs: list[tuple[str, list[str]]] = []
    for word, op in line:
        if runs and runs[-1][0] == op:
            runs[-1][1].append(word)
        else:
            runs.append((op, [word]))
    return " ".join(_style(" ".join(words), op) for op, words in runs)


def _style(text: str, op: str) -> str:
    if op == "delete":
        return click.style(text, fg="red", strikethrough=True)
    if op == "insert":
        return click.style(text, fg="green", underline=True)
    return text
