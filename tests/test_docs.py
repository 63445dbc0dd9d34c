"""Docs that check themselves: every setting is documented where users look for it, and the
README's walk-through runs as written."""

from __future__ import annotations

import re
import shlex
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO_ROOT
from laydraft.cli import cli
from laydraft.config import Settings

README = (REPO_ROOT / "README.md").read_text()
CONFIG_TOML = (REPO_ROOT / "config.toml").read_text()


def test_every_setting_is_in_the_readme_reference() -> None:
    for name in Settings.model_fields:
        assert f"`{name}`" in README or f"`[{name}]`" in README, f"{name} missing from README"


def test_every_setting_has_a_documented_default_in_config_toml() -> None:
    defaults = tomllib.loads(CONFIG_TOML)
    for name in Settings.model_fields:
        assert name in defaults, f"{name} has no default in config.toml"


def test_config_toml_defaults_are_valid_settings() -> None:
    Settings.model_validate(tomllib.loads(CONFIG_TOML))


def test_ci_runs_the_readme_test_command_unchanged() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c and "[test" in c)
    assert test_command in (REPO_ROOT / ".ci" / "run").read_text()


# -- the README's walk-through, run top to bottom ---------------------------------------------

WALK_THROUGH = "### Review and publish"

# What a person following the walk-through should see, by command (the first words after
# `laydraft`): each must appear in that command's output (spaces and line breaks as one space). Every command in the block must be
# listed here, so a line added to the README is checked too.
EXPECTED = {
    ("draft", "--example"): ["draft #1 · version 1 · pending_review"],
    ("review", "next"): ["SOURCE ABSTRACT", "draft #1 · version 1 · in_review · reviewer Ana"],
    ("review", "edit"): ["Saved draft 1 version 2 (based on 1"],
    ("review", "comment"): ["Comment 1 added to draft 1 (version 2)."],
    ("review", "diff"): ["version 1 → version 2", "{+Ask your care team what this means for you.+}",
                         "Headline: unchanged"],
    ("review", "release"): ["Released draft 1"],
    ("review", "claim"): ["Claimed draft 1 until"],
    ("review", "approve"): ["Draft 1 approved by Ben (version 2)."],
    ("review", "history"): ["draft #1 · approved · version 2 · reviewer Ben", "v2 edit",
                            "Ana comment", "Ben approve in_review → approved"],
    ("export", "--status"): ["site/"],
    ("queue", "list"): ["published"],
}

# The editor the walk-through's `review edit` opens: it adds a sentence to "Why it matters", as
# a reviewer would, and saves.
EDITOR_SCRIPT = '''\
import sys
from pathlib import Path
path = Path(sys.argv[1])
text = path.read_text()
marker = "\\n\\n## Limitations"
assert marker in text, text
path.write_text(text.replace(marker, " Ask your care team what this means for you." + marker, 1))
'''


def walk_through_lines() -> list[str]:
    """The command lines of the walk-through's shell block, comments dropped."""
    section = README.split(WALK_THROUGH, 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)\n```", section, re.S)
    assert blocks, "the walk-through has no shell block"
    lines = []
    for block in blocks:
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(words)
    return [shlex.join(words) for words in lines]


def test_the_readme_walk_through_runs_top_to_bottom(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the walk-through, in order, on a new queue in a temporary home, with the
    offline drafter (no key is set; the socket guard blocks the network): each exits 0 and
    prints what the README says it does, and the published page is on disk at the end."""
    monkeypatch.chdir(tmp_path)
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR_SCRIPT)
    env = {"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}",
           "VISUAL": "", "NO_COLOR": "1"}
    ran = []
    for line in walk_through_lines():
        words = shlex.split(line)
        if words[0] == "export" and "=" in words[1]:
            name, value = words[1].split("=", 1)
            env[name] = value
            continue
        assert words[0] == "laydraft", f"the walk-through runs only laydraft: {line}"
        result = CliRunner().invoke(cli, words[1:], env=env)
        assert result.exit_code == 0, (line, result.output, result.stderr)
        key = tuple(words[1:3])
        assert key in EXPECTED, f"add what {line!r} should print to EXPECTED"
        shown = " ".join(result.stdout.split())  # as read, whatever the line wrapping
        for expected in EXPECTED[key]:
            assert expected in shown, (line, expected, result.stdout)
        ran.append(key)
    assert ran == list(EXPECTED), "the walk-through's commands changed order or were dropped"
    pages = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert [Path(p).suffix for p in pages] == [".html", ".md"]
    html = next((tmp_path / "site").glob("*.html")).read_text()
    assert "<main" in html and "Ask your care team what this means for you." in html
