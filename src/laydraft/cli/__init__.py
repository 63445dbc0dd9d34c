"""The command line: a thin layer over the library, one module per command group."""

from __future__ import annotations

from . import batch, check, draft, export, queue, review, settings, web  # noqa: F401  (registers the commands)
from .app import cli


def main() -> None:
    cli(prog_name="laydraft")


__all__ = ["cli", "main"]
