"""The command group, its shared context, and the one place errors become exits.

Errors from the library arrive as LaydraftError and leave as one line on stderr, phrased for
a terminal by ``messages.cli_message`` (by error code), with the class's exit code: 2 (usage,
input, config, workflow) or 1 (the model, network or something else failed).
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any, NoReturn

import click

from .. import __version__
from ..config import Settings, load_settings
from ..db import Store
from ..errors import LaydraftError
from .messages import cli_message


class Context:
    """What every command needs: settings (with flag overrides) and, lazily, the store."""

    def __init__(self, config: str | None, db: str | None) -> None:
        self.config_file = config
        self.db = db

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.config_file, {"database": self.db, **overrides})

    def store(self, settings: Settings | None = None) -> Store:
        return Store((settings or self.settings()).database_url())


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"laydraft: error: {message}", err=True)
    sys.exit(code)


# Command name -> the module under laydraft.cli that registers it. Modules load on first use,
# so `laydraft queue list` does not pay for importing the batch runner or the openai SDK.
COMMAND_MODULES = {
    "batch": "batch", "check": "check", "config": "settings", "draft": "draft",
    "export": "export", "prompts": "settings", "queue": "queue", "review": "review",
    "serve": "web", "user": "web",
}


class LaydraftGroup(click.Group):
    """Loads commands lazily and turns library errors into one-line messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[cmd_name]}")
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        debug = "--debug" in sys.argv
        try:
            return super().invoke(ctx)
        except LaydraftError as exc:
            if debug:
                raise
            fail(cli_message(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            fail("interrupted; nothing half-written was kept", 130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if debug:
                raise
            fail(f"unexpected {exc.__class__.__name__}: {exc} (run with --debug for details)", 1)


pass_context = click.make_pass_decorator(Context)


@click.group(cls=LaydraftGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="laydraft")
@click.option("--config", "config", metavar="PATH", help="Your config file (or LAYDRAFT_CONFIG).")
@click.option("--db", metavar="PATH|URL", help="Review queue database for this command.")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, db: str | None, debug: bool) -> None:
    """Draft plain-language summaries of research abstracts for human review.

    \b
    Example:
      laydraft draft abstract.txt        draft one abstract and queue it
      laydraft queue list                see what is waiting for review
    """
    ctx.obj = Context(config, db)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
