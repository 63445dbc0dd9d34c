"""Which keys a config file may hold: unknown keys and tables, the nearest valid name, the line.

A typo in a config file (``modle = "gpt-4o"``, ``[limits.headlines]``) used to be ignored
silently, so laydraft ran with the default while the user believed their setting was in
effect. ``unknown_keys`` walks the parsed TOML against the settings model (nested models such
as ``limits`` and tables of models such as ``prices`` included) and ``describe`` turns what it
finds into one line naming the file, the line and the nearest valid key (difflib).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

# A [table] or [[array]] header, and the (possibly dotted, possibly quoted) key of a line.
_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(?:#.*)?$")
_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_PARTS = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


@dataclass(frozen=True)
class UnknownKey:
    """One key or table the settings do not have, with the nearest valid name if any."""

    path: tuple[str, ...]
    is_table: bool
    suggestion: tuple[str, ...] | None
    line: int | None = None

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def shown(self) -> str:
        """``'modle'`` for a key, ``[limits.headlines]`` for a table header."""
        return f"[{self.name}]" if self.is_table else f"'{self.name}'"

    def hint(self) -> str:
        """"did you mean 'model'?", or "" when nothing is near."""
        if self.suggestion is None:
            return ""
        wanted = ".".join(self.suggestion)
        if len(self.suggestion) == 1 and len(self.path) > 1:
            return (f"did you mean the top-level setting '{wanted}'? (a key below a [table] "
                    "header belongs to that table: put it above the first table)")
        return f"did you mean [{wanted}]?" if self.is_table else f"did you mean '{wanted}'?"


def unknown_keys(data: Mapping[str, Any], model: type[BaseModel],
                 text: str = "") -> list[UnknownKey]:
    """Every key of ``data`` that ``model`` does not have; ``text`` (the file) gives lines."""
    found = list(_walk(data, model, (), model))
    return [_with_line(item, text) for item in found] if text else found


def _walk(data: Mapping[str, Any], model: type[BaseModel], prefix: tuple[str, ...],
          root: type[BaseModel]) -> Iterator[UnknownKey]:
    fields = model.model_fields
    for key, value in data.items():
        if key not in fields:
            yield UnknownKey(path=(*prefix, key), is_table=isinstance(value, dict),
                             suggestion=_nearest(key, prefix, list(fields), root))
            continue
        yield from _nested(value, fields[key].annotation, (*prefix, key), root)


def _nested(value: Any, annotation: Any, path: tuple[str, ...],
            root: type[BaseModel]) -> Iterator[UnknownKey]:
    if not isinstance(value, dict):
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _walk(value, annotation, path, root)
    elif get_origin(annotation) is dict:
        item = get_args(annotation)[1]
        for name, inner in value.items():
            yield from _nested(inner, item, (*path, str(name)), root)


def _nearest(key: str, prefix: tuple[str, ...], siblings: list[str],
             root: type[BaseModel]) -> tuple[str, ...] | None:
    """A sibling spelled nearly the same, else the same name one level up or down."""
    lowered = {name.lower(): name for name in siblings}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return (*prefix, lowered[close[0]])
    if prefix and key in root.model_fields:
        return (key,)  # a top-level key written below a [table] header
    if not prefix:
        for name, field in root.model_fields.items():
            inner = field.annotation
            if isinstance(inner, type) and issubclass(inner, BaseModel) and \
                    key in inner.model_fields:
                return (name, key)  # e.g. headline = {...} outside [limits]
    return None


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PARTS.findall(dotted))


def _with_line(item: UnknownKey, text: str) -> UnknownKey:
    """The same key with the line of ``text`` that sets it, when a simple scan finds it."""
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            if table == item.path:
                return UnknownKey(item.path, True, item.suggestion, number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        full = (*table, *_parts(key.group(1)))
        if full == item.path:
            return UnknownKey(item.path, False, item.suggestion, number)
        rest = item.path[len(full):]
        if item.path[:len(full)] == full and all(part in line for part in rest):
            return UnknownKey(item.path, False, item.suggestion, number)  # inline table
    return item


def describe(unknown: list[UnknownKey], origin: str) -> str:
    """One line for every unknown key of the file ``origin``."""
    def one(item: UnknownKey, with_origin: bool) -> str:
        where = [f"line {item.line}"] if item.line else []
        kind = "table" if item.is_table else "setting"
        head = f"unknown {kind} {item.shown()}" if with_origin else item.shown()
        if with_origin:
            head += f" in {origin}"
        hint = item.hint()
        if with_origin:
            return head + (f" ({where[0]})" if where else "") + (f"; {hint}" if hint else "")
        detail = "; ".join(where + ([hint] if hint else []))
        return head + (f" ({detail})" if detail else "")

    if len(unknown) == 1:
        return one(unknown[0], with_origin=True)
    return (f"{len(unknown)} unknown settings in {origin}: "
            + ", ".join(one(item, with_origin=False) for item in unknown))
