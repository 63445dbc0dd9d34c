"""The command group, its shared context, and the one place errors become exits.

Errors from the library arrive as LaydraftError and leave as one line on stderr, phrased for
a terminal by ``messages.cli_message`` (by error code), with the class's exit code: 2 (usage,
input, config, workflow) or 1 (the model, network or something else failed).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import __version__
from ..errors import LaydraftError

if TYPE_CHECKING:  # loaded on first use, so `laydraft --help` stays fast
    from ..config import Settings
    from ..core import DraftingCore
    from ..db import Store
    from ..drafting.provider import ModelProvider

# Builds the model provider for a command's settings; ``rate_limited`` for batch runs.
ProviderFactory = Callable[..., "ModelProvider"]


class Context:
    """What every command needs: settings (with flag overrides) and, lazily, the store and
    the drafting core.

    ``provider`` builds the model provider (the SDK clients); tests pass their own through
    ``CliRunner().invoke(cli, args, obj=Context(provider=...))`` to replay recorded calls.

    The context owns the stores and providers it hands out: ``close()`` (run when the command
    ends, however it ends) closes their database connections and SDK clients.
    """

    def __init__(self, config: str | None = None, db: str | None = None,
                 provider: ProviderFactory | None = None) -> None:
        self.config_file = config
        self.db = db
        self.make_provider = provider
        self._opened: list[Store | ModelProvider] = []

    def close(self) -> None:
        """Close every store and provider this command opened, newest first."""
        while self._opened:
            self._opened.pop().close()

    def settings(self, **overrides: Any) -> Settings:
        from ..config import load_settings

        return load_settings(self.config_file, {"database": self.db, **overrides})

    def store(self, settings: Settings | None = None) -> Store:
        from ..db import Store

        store = Store((settings or self.settings()).database_url())
        self._opened.append(store)
        return store

    def check_queue(self, settings: Settings) -> None:
        """Before the first paid call: prove the queue can be written (StorageError if not)."""
        from ..db import Store
        from ..db.writable import check_writable_file

        url = settings.database_url()
        check_writable_file(url)  # a read-only SQLite folder fails even to open: check first
        with Store(url) as store:
            store.check_writable()

    def provider(self, settings: Settings, rate_limited: bool = False) -> ModelProvider:
        """Where model calls go: the one place the CLI builds SDK clients."""
        if self.make_provider is not None:
            provider = self.make_provider(settings, rate_limited=rate_limited)
        else:
            from ..drafting.provider import ModelProvider

            provider = (ModelProvider.rate_limited(settings) if rate_limited
                        else ModelProvider(settings))
        self._opened.append(provider)
        return provider

    def core(self, settings: Settings, store: Store | None = None,
             provider: ModelProvider | None = None) -> DraftingCore:
        """The drafting core for these settings; ``store`` holds the response cache."""
        from ..core import DraftingCore

        if provider is None and settings.use_model():
            provider = self.provider(settings)
        return DraftingCore.from_settings(settings, store, provider=provider)


def fail(message: str, code: int) -> NoReturn:
    from ..masking import mask_secrets  # an unexpected error's text may hold a database URL

    click.echo(f"laydraft: error: {mask_secrets(' '.join(message.split()))}", err=True)
    sys.exit(code)


def reader_gone() -> NoReturn:
    """The reader of our output left (``laydraft config | head``): stop quietly, as ``cat`` does.

    Output still buffered for the closed pipe is sent to /dev/null, so the flush at exit does
    not raise a second time; 141 is what a shell reports for a command ended by SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


# Command name -> the module under laydraft.cli that registers it. Modules load on first use,
# so `laydraft queue list` does not pay for importing the batch runner or the openai SDK.
COMMAND_MODULES = {
    "batch": "batch", "check": "check", "config": "settings", "draft": "draft",
    "export": "export", "prompts": "settings", "queue": "queue", "review": "review",
    "serve": "web", "user": "web", "stats": "stats",
}


# Each command's one-line help, so `laydraft --help` lists the commands without importing
# them (and the openai SDK, sqlalchemy, the checks...). test_cli checks it matches the
# commands' own docstrings.
COMMAND_HELP = {
    "batch": "Draft every record of a reading list, resumably, at the API's rate limits.",
    "check": "Check a lay summary against its abstract; exit 1 when a finding is an error.",
    "config": "Show the settings in effect and where they come from (never the API key).",
    "draft": "Draft a lay summary of one abstract and queue it for review.",
    "export": "Publish approved drafts as pages: headline, sections, citation, date, disclaimer.",
    "prompts": "Copy the prompt templates so an editor can change the wording.",
    "queue": "Look at the review queue.",
    "review": "Review drafts: claim, edit, comment, approve or reject.",
    "serve": "Run the web app for editors and reviewers.",
    "stats": "Compare prompts, models and reviewers on what reviewers had to change.",
    "user": "Accounts that may sign in to the web app, and their roles.",
}


class LaydraftGroup(click.Group):
    """Loads commands lazily and turns library errors into one-line messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, from COMMAND_HELP where it can, so no command module loads."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = (click.Command(name, help=COMMAND_HELP[name]) if name in COMMAND_HELP
                       else self.get_command(ctx, name))
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
            from .messages import cli_message  # only on failure: it loads the settings

            fail(cli_message(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            fail("interrupted; nothing half-written was kept", 130)
        except BrokenPipeError:
            reader_gone()
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
    obj = ctx.ensure_object(Context)
    obj.config_file, obj.db = config, db
    ctx.call_on_close(obj.close)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
