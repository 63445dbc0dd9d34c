"""End-to-end: the real `laydraft` command, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from laydraft.cli import cli
from replay import Cassette, replay_provider

EXAMPLE = FIXTURES / "abstracts" / "example.txt"


def laydraft(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI in a subprocess with the test's environment."""
    return subprocess.run(
        [sys.executable, "-c", "from laydraft.cli import main; main()", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )


def queued_ids() -> list[int]:
    result = laydraft("queue", "list", "--json")
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_draft_example_prints_a_complete_offline_draft_and_queues_it() -> None:
    result = laydraft("draft", "--example")
    assert result.returncode == 0, result.stderr
    for heading in ("What was found", "Why it matters", "Limitations"):
        assert heading in result.stdout
    assert "offline drafter" in result.stdout
    assert "offline drafter" in result.stderr and "OPENAI_API_KEY" in result.stderr
    listing = laydraft("queue", "list")
    assert "pending_review" in listing.stdout
    assert queued_ids() == [1]


def test_draft_json_has_all_sections_and_provenance() -> None:
    result = laydraft("draft", str(EXAMPLE), "--json")
    data = json.loads(result.stdout)
    assert all(data["summary"][k].strip() for k in
               ("headline", "what_was_found", "why_it_matters", "limitations"))
    assert data["provenance"]["drafter"] == "offline"
    assert data["id"] == 1 and data["status"] == "pending_review"


def test_draft_reads_a_pasted_abstract_from_stdin() -> None:
    result = laydraft("draft", "-", stdin=EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr
    assert queued_ids() == [1]


def test_no_queue_prints_without_storing() -> None:
    result = laydraft("draft", str(EXAMPLE), "--no-queue")
    assert result.returncode == 0
    assert "not queued" in result.stdout
    assert queued_ids() == []


@pytest.mark.parametrize("case", ["empty stdin", "binary file", "missing file", "too short"])
def test_bad_input_is_one_line_exit_2_and_the_queue_is_unchanged(
    case: str, tmp_path: Path
) -> None:
    assert laydraft("draft", str(EXAMPLE)).returncode == 0
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\x00\x01\x02\xff" * 50)
    short = tmp_path / "short.txt"
    short.write_text("Not an abstract.")
    args, stdin = {
        "empty stdin": (["draft", "-"], b""),
        "binary file": (["draft", str(binary)], None),
        "missing file": (["draft", str(tmp_path / "nope.txt")], None),
        "too short": (["draft", str(short)], None),
    }[case]
    result = laydraft(*args, stdin=stdin)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("laydraft: error:")
    assert "Traceback" not in result.stderr
    assert queued_ids() == [1]


def test_unknown_draft_id_is_a_one_line_error() -> None:
    result = laydraft("queue", "show", "42")
    assert result.returncode == 2
    assert result.stderr.strip() == "laydraft: error: no draft with id 42: see `laydraft queue list`"


def test_queue_show_prints_the_draft_and_json() -> None:
    laydraft("draft", str(EXAMPLE))
    shown = laydraft("queue", "show", "1")
    assert "Limitations" in shown.stdout and "draft #1" in shown.stdout
    data = json.loads(laydraft("queue", "show", "1", "--json").stdout)
    assert data["version"] == 1


def test_db_flag_overrides_the_configured_database(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.db"
    assert laydraft("--db", str(other), "draft", str(EXAMPLE)).returncode == 0
    assert other.exists()
    assert queued_ids() == []


def _all_commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import click

    found = []
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"command {name} is listed but does not load"
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found += _all_commands(command, path)
    return found


@pytest.mark.parametrize("command", _all_commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`laydraft {' '.join(command)} --help` has no example"


def test_unauthorized_key_through_the_cli_says_how_to_fix_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, api_key: str, cassette: Callable[[str], Cassette]
) -> None:
    from laydraft.cli import draft as draft_module
    from laydraft.cli.app import Context

    transport = cassette("openai/unauthorized")
    # The recorded request was made from the titled example abstract.
    monkeypatch.setattr(draft_module, "read_abstract", lambda *_: _example_abstract())
    result = CliRunner().invoke(cli, ["draft", "--drafter", "openai", str(EXAMPLE)], obj=Context(
        provider=lambda settings, **_: replay_provider(settings, transport)))
    assert result.exit_code == 1
    assert "OPENAI_API_KEY" in result.output
    assert queued_ids() == []


def _example_abstract():  # type: ignore[no-untyped-def]
    from laydraft.models import Abstract

    return Abstract(text=EXAMPLE.read_text().strip(),
                    title="Sleep quality and relapse activity in MS")


def _cli_in_a_fresh_interpreter(args: list[str], probe: str) -> str:
    """Run the CLI with ``args`` in a new Python process, then print ``probe`` (an expression
    over ``sys.modules``): what a command imports is only visible in a fresh interpreter."""
    code = (
        "import sys\n"
        "from laydraft.cli import cli\n"
        "try:\n"
        f"    cli.main({args!r}, prog_name='laydraft')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"print('probe:', {probe})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_loads_no_command_module_and_not_the_openai_sdk() -> None:
    heavy = ("openai", "sqlalchemy", "httpx2", "pydantic", "laydraft.cli.batch")
    out = _cli_in_a_fresh_interpreter(
        ["--help"], f"*(m for m in {heavy!r} if m in sys.modules)")
    assert "Commands:" in out
    assert out.strip().splitlines()[-1] == "probe:"  # none of them


def test_an_offline_batch_does_not_load_the_openai_sdk(tmp_path: Path) -> None:
    """The SDK costs about a second and 40 MB at start-up: only model calls may load it."""
    listing = tmp_path / "list.txt"
    listing.write_text(EXAMPLE.read_text())
    out = _cli_in_a_fresh_interpreter(["batch", str(listing), "--json"], "'openai' in sys.modules")
    assert '"drafted": 1' in out
    assert out.strip().splitlines()[-1] == "probe: False"


def test_the_command_line_ends_with_its_objects_frozen_for_a_quick_exit() -> None:
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen:', gc.get_freeze_count() > 0))\n"
        "from laydraft.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True,
                          text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "frozen: True"


def test_the_help_table_matches_each_commands_own_help() -> None:
    from laydraft.cli.app import COMMAND_HELP, COMMAND_MODULES

    ctx = click.Context(cli)
    assert set(COMMAND_HELP) == set(COMMAND_MODULES)
    for name, text in COMMAND_HELP.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(limit=500) == text, name


def test_a_reader_that_leaves_early_ends_the_command_quietly() -> None:
    """`laydraft config | head -1`: no "unexpected BrokenPipeError", the status a shell expects."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    try:
        done = subprocess.run([sys.executable, "-c", "from laydraft.cli import main; main()",
                               "config"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              env=os.environ.copy(), timeout=60)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141
