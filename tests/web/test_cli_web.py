"""`laydraft user` and `laydraft serve`, and the CLI without the web extra installed."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from laydraft.cli import cli
from laydraft.config import load_settings
from laydraft.db import Store
from laydraft.users import authenticate

from .conftest import PASSWORD


def test_user_add_reads_the_password_from_stdin_and_list_never_shows_it() -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "carol", "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    with Store(load_settings().database_url()) as store:
        assert authenticate(store, "carol", PASSWORD) is not None
    listed = runner.invoke(cli, ["user", "list", "--json"])
    assert [u["name"] for u in json.loads(listed.output)] == ["carol"]
    assert PASSWORD not in listed.output and "argon2" not in listed.output


def test_user_add_prompts_twice_and_refuses_mismatches_and_duplicates() -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["user", "add", "dave"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(cli, ["user", "add", "dave", "--password-stdin"], input=PASSWORD)
    assert again.exit_code == 2
    assert "already exists" in again.output
    short = runner.invoke(cli, ["user", "add", "erin", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "too short" in short.output


def test_the_cli_runs_without_the_web_extra_and_serve_says_what_to_install() -> None:
    blocked = ("import sys\n"
               "for name in ('starlette', 'uvicorn', 'multipart', 'argon2', 'itsdangerous'):\n"
               "    sys.modules[name] = None\n"
               "from laydraft.cli import main\n"
               "sys.argv = ['laydraft', *sys.argv[1:]]\n"
               "main()\n")
    help_run = subprocess.run([sys.executable, "-c", blocked, "--help"], capture_output=True,
                              text=True, timeout=60)
    assert help_run.returncode == 0 and "serve" in help_run.stdout
    serve_run = subprocess.run([sys.executable, "-c", blocked, "serve"], capture_output=True,
                               text=True, timeout=60)
    assert serve_run.returncode == 2
    assert "pip install 'laydraft[web]'" in serve_run.stderr
    assert "Traceback" not in serve_run.stderr
    user_run = subprocess.run([sys.executable, "-c", blocked, "user", "add", "x",
                               "--password-stdin"], input=PASSWORD, capture_output=True,
                              text=True, timeout=60)
    assert user_run.returncode == 2 and "pip install 'laydraft[web]'" in user_run.stderr


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "127.0.0.1" in result.output and "Example" in result.output
