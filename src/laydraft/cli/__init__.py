"""The command line: a thin layer over the library, one module per command group."""

from __future__ import annotations

from .app import cli  # commands load on first use: see COMMAND_MODULES


def main() -> None:
    cli(prog_name="laydraft")


__all__ = ["cli", "main"]
