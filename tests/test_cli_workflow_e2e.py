"""Roles, four eyes, the publish gate, corrections and withdrawal through the command line.

Every test runs whole `laydraft` commands (in-process, with CliRunner, so accounts on a shared
queue can be given roles with ``grant``) and checks what a person sees: exit codes and the
one-line refusals.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from laydraft.cli import cli
from laydraft.db import Store
from laydraft.text.page_dates import show_date
from laydraft.users import create_user

PASSWORD = "correct horse battery"
ERROR_SENTENCE = " About 9,999 people took part."


@pytest.fixture
def env(store_url: str) -> dict[str, str]:
    return {"LAYDRAFT_DATABASE": store_url, "LAYDRAFT_REVIEWER": "alice",
            "LAYDRAFT_DRAFTER": "offline", "NO_COLOR": "1"}


class Done:
    """What one command did: its exit code and what it printed on stdout and stderr."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(env: dict[str, str], *args: str) -> Done:
    """Run `laydraft ARGS` in-process (the machine is busy; a process each would be slow)."""
    result = CliRunner().invoke(cli, list(args), env=env)
    return Done(result.exit_code, result.stdout, result.stderr)


def ok(env: dict[str, str], *args: str) -> str:
    done = run(env, *args)
    assert done.returncode == 0, (done.stderr, done.stdout)
    return done.stdout


def refused(env: dict[str, str], *args: str) -> str:
    done = run(env, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("laydraft: error: "), done.stderr
    return lines[0]


def add_error(env: dict[str, str], tmp_path: Path, draft_id: int = 1) -> None:
    """Save a version whose 'Why it matters' has a number the abstract does not have."""
    text = ok(env, "review", "show", str(draft_id), "--markdown")
    marker = "## Limitations"
    edited = tmp_path / "with-error.md"
    edited.write_text(text.replace(f"\n\n{marker}", f"{ERROR_SENTENCE}\n\n{marker}", 1))
    assert "Saved draft" in ok(env, "review", "edit", str(draft_id), "--from-file", str(edited))


def test_the_person_who_created_a_draft_cannot_approve_it(env: dict[str, str]) -> None:
    ok(env, "draft", "--example")
    assert "alice create" in ok(env, "review", "history", "1")
    ok(env, "review", "next")
    line = refused(env, "review", "approve", "1")
    assert "alice cannot approve draft 1: they created it" in line
    assert "four-eyes rule" in line and "review claim 1 --as NAME" in line
    ok(env, "review", "release", "1")
    ok(env, "review", "claim", "1", "--as", "bob")
    approved = ok(env, "review", "approve", "1", "--as", "bob", "-m", "clear")
    assert "Draft 1 approved by bob" in approved
    assert "approved with 1 warning: [readability]" in approved


def test_the_person_who_saved_the_current_version_cannot_approve_it(
        env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "LAYDRAFT_REVIEWER": "carol"}
    ok(env, "draft", "--example")
    ok(env, "review", "claim", "1", "--as", "bob")
    text = ok(env, "review", "show", "1", "--markdown").replace(
        "## Limitations\n\n", "## Limitations\n\nSelf-reported sleep may be wrong. ", 1)
    (tmp_path / "edit.md").write_text(text)
    ok(env, "review", "edit", "1", "--as", "bob", "--from-file", str(tmp_path / "edit.md"))
    line = refused(env, "review", "approve", "1", "--as", "bob")
    assert "bob cannot approve draft 1: they saved its current version" in line
    # four_eyes = false (a one-person queue) lets the same person approve
    assert "approved by bob" in ok({**env, "LAYDRAFT_FOUR_EYES": "false"},
                                   "review", "approve", "1", "--as", "bob")


def test_approving_with_errors_needs_a_reason_for_each_and_keeps_them(
        env: dict[str, str], tmp_path: Path) -> None:
    ok(env, "draft", "--example")
    ok(env, "review", "next")
    add_error(env, tmp_path)
    ok(env, "review", "release", "1")
    bob = {**env, "LAYDRAFT_REVIEWER": "bob"}
    ok(bob, "review", "claim", "1")
    line = refused(bob, "review", "approve", "1")
    assert "cannot approve draft 1: version 2 has 1 error finding that need a written reason" \
        in line
    assert "1. [numbers]" in line and "9,999" in line
    assert '--override 1="checked against table 2"' in line
    bad = refused(bob, "review", "approve", "1", "--override", "2=no such finding")
    assert "there is no error finding 2 to override on draft 1 (version 2 has 1)" in bad
    empty = refused(bob, "review", "approve", "1", "--override", "1=  ")
    assert "need a written reason" in empty
    approved = ok(bob, "review", "approve", "1", "--override",
                  "1=The full paper reports 9,999 in table 2")
    assert "Draft 1 approved by bob (version 2)" in approved
    assert "approved with 1 warning: [readability]" in approved
    assert "overrode 1 error finding" in approved
    history = ok(env, "review", "history", "1")
    assert "Overrides (approved despite error findings):" in history
    assert ("v2" in history and "bob overrode [numbers]" in history
            and "reason: The full paper reports 9,999 in table 2" in history)
    assert "overrode 1 error finding: [numbers]" in history  # the audit log's approve event
    shown = ok(env, "review", "show", "1")
    assert "✗ error [numbers]" in shown  # the finding itself stays visible...
    assert "✓ overridden [numbers]" in shown  # ...marked as overridden, with its reason
    assert "✓ overridden [numbers]" in ok(env, "queue", "show", "1")
    data = json.loads(ok(env, "review", "show", "1", "--json"))
    assert data["overrides"][0]["reason"] == "The full paper reports 9,999 in table 2"


def test_a_bare_override_reason_takes_the_next_finding() -> None:
    from laydraft.cli.review import parse_overrides

    assert parse_overrides(("first", "3=third", "second")) == {1: "first", 3: "third",
                                                                2: "second"}
    assert parse_overrides(("1=a=b",)) == {1: "a=b"}


def test_correction_and_withdrawal_show_on_the_exported_page(
        env: dict[str, str], tmp_path: Path) -> None:
    ok(env, "draft", "--example")
    bob = {**env, "LAYDRAFT_REVIEWER": "bob"}
    ok(bob, "review", "claim", "1")
    ok(bob, "review", "approve", "1")
    site = tmp_path / "site"
    refused_early = refused(env, "review", "withdraw", "1", "-m", "too soon")
    assert "cannot withdraw draft 1: it is approved; only published drafts can be withdrawn" \
        in refused_early
    md, html, js = (Path(p) for p in ok(env, "export", "1", "--format", "md", "--format",
                                        "html", "--format", "json", "--out", str(site)).split())
    for page in (md, html, js):
        assert stat.S_IMODE(page.stat().st_mode) == 0o644, page

    text = ok(env, "review", "show", "1", "--markdown").replace(
        "## Limitations\n\n", "## Limitations\n\nThe study asked people about their own sleep. ",
        1)
    (tmp_path / "fix.md").write_text(text)
    saved = ok(env, "review", "correct", "1", "-m", "We added that sleep was self-reported.",
               "--from-file", str(tmp_path / "fix.md"))
    assert "Saved draft 1 version 2" in saved
    ok(env, "export", "1", "--format", "md", "--format", "html", "--format", "json",
       "--out", str(site))
    today = date.today().isoformat()
    shown = show_date(date.today(), "d MMMM y", "en_GB")  # the default page_date_format
    assert f"**Correction ({shown}):** We added that sleep was self-reported." in md.read_text()
    assert "The study asked people about their own sleep." in md.read_text()
    assert "We added that sleep was self-reported." in html.read_text()
    corrections = json.loads(js.read_text())["corrections"]
    assert corrections == [{"date": today, "note": "We added that sleep was self-reported.",
                            "version": 2}]
    assert "queue" not in ok(env, "queue", "list").split("published")[0][-5:]

    ok(env, "review", "withdraw", "1", "-m", "The journal retracted the study.")
    ok(env, "export", "1", "--format", "md", "--format", "html", "--format", "json",
       "--out", str(site))
    page = md.read_text()
    assert f"**Withdrawn ({shown}):** The journal retracted the study." in page
    assert "## What was found" not in page and "## Limitations" not in page
    assert "Withdrawn (" in html.read_text() and "<h2>What was found</h2>" not in html.read_text()
    data = json.loads(js.read_text())
    assert data["withdrawn"] == {"date": today, "reason": "The journal retracted the study."}
    assert data["sections"] == []
    history = ok(env, "review", "history", "1")
    assert "alice correction" in history and "alice withdraw published → withdrawn" in history
    assert "withdrawn" in ok(env, "queue", "list")
    again = refused(env, "review", "correct", "1", "-m", "x", "--from-file",
                    str(tmp_path / "fix.md"))
    assert "cannot correct draft 1: it is withdrawn" in again


# -- a shared queue: the CLI acts only as a known user, with that user's role -------------------

Grant = Callable[[Store, str, str], None]


@pytest.fixture
def shared(store_url: str, monkeypatch: pytest.MonkeyPatch, grant: Grant) -> Iterator[Store]:
    monkeypatch.setenv("LAYDRAFT_DATABASE", store_url)
    monkeypatch.setenv("LAYDRAFT_SHARED_QUEUE", "true")
    monkeypatch.setenv("LAYDRAFT_DRAFTER", "offline")
    store = Store(store_url)
    for name, role in (("ed", "editor"), ("rita", "reviewer"), ("rob", "reviewer"),
                       ("ada", "admin")):
        create_user(store, name, PASSWORD)
        grant(store, name, role)
    with store:
        yield store


def cli_run(*args: str, **env: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr)."""
    result = CliRunner().invoke(cli, list(args), env=env or None)
    return result.exit_code, result.output


def test_a_shared_queue_refuses_unknown_names_and_actions_beyond_a_role(shared: Store) -> None:
    code, out = cli_run("draft", "--example")
    assert code == 2 and "needs to know who you are" in out
    code, out = _as("zed", "draft", "--example")
    assert code == 2 and "'zed' is not a user of this shared queue" in out
    assert "laydraft user add zed --role editor" in out
    code, out = _as("ed", "draft", "--example")
    assert code == 0, out
    assert shared.events(1)[0].actor == "ed"
    refusals = {
        ("ed", "review", "claim", "1"): "ed (editor) may not claim draft 1: that needs the "
                                        "reviewer role",
        ("ed", "review", "next"): "ed (editor) may not claim: that needs the reviewer role",
        ("ed", "review", "approve", "1"): "ed (editor) may not approve draft 1",
        ("rita", "export", "1"): "rita (reviewer) may not publish draft 1: that needs the "
                                 "admin role",
        ("rita", "review", "withdraw", "1", "-m", "x"): "rita (reviewer) may not withdraw",
    }
    for (who, *args), message in refusals.items():
        code, out = _as(who, *args)
        assert code == 2 and message in out, (args, out)
    assert _as("ed", "review", "comment", "1", "-m", "explain relapse")[0] == 0

    assert _as("rita", "review", "claim", "1")[0] == 0
    code, out = _as("rita", "review", "approve", "1", "--override", "1=none")
    assert code == 2 and "there is no error finding 1" in out
    code, out = _as("rita", "review", "approve", "1")
    assert code == 0 and "approved by rita" in out
    code, out = _as("rita", "review", "correct", "1", "-m", "x")
    assert code == 2 and "rita (reviewer) may not correct draft 1" in out
    code, out = _as("ada", "export", "1")
    assert code == 0 and out.startswith("# ")


def test_on_a_shared_queue_the_creator_cannot_approve(shared: Store) -> None:
    assert _as("rita", "draft", "--example")[0] == 0
    assert _as("rita", "review", "claim", "1")[0] == 0
    code, out = _as("rita", "review", "approve", "1")
    assert code == 2 and "rita cannot approve draft 1: they created it" in out
    assert _as("rita", "review", "release", "1")[0] == 0
    assert _as("rob", "review", "claim", "1")[0] == 0
    assert _as("rob", "review", "approve", "1")[0] == 0


def _as(name: str, *args: str) -> tuple[int, str]:
    """Run a command as ``name`` (LAYDRAFT_REVIEWER, which `draft` and `export` also read)."""
    return cli_run(*args, LAYDRAFT_REVIEWER=name)
