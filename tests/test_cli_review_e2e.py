"""The review workflow through the real command line, in separate processes.

Covers the whole path (draft → claim → edit in $EDITOR → comment → approve → export), two
writers racing on one base version, a process killed in the middle of a save, and the
one-line errors a person sees.
"""

# Fixtures imported from test_store.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.users import create_user

LAYDRAFT = [sys.executable, "-m", "laydraft"]
HEADING = "## Limitations\n\n"


def write_editor(folder: Path, name: str, body: str) -> str:
    """A scripted $EDITOR: a small Python program run on the file to edit."""
    script = folder / f"{name}.py"
    script.write_text("import pathlib, sys, time\npath = pathlib.Path(sys.argv[1])\n"
                      "text = path.read_text()\n" + textwrap.dedent(body))
    return f'"{sys.executable}" "{script}"'


@pytest.fixture
def env(store_url: str, tmp_path: Path, grant) -> dict[str, str]:  # type: ignore[no-untyped-def]  # noqa: F811
    if not store_url.startswith("sqlite"):  # a shared queue: the CLI acts only as known users
        with Store(store_url) as store:
            for name in ("alice", "bob"):
                create_user(store, name, "correct horse battery")
                grant(store, name, "admin")
    values = dict(os.environ)
    values.update(LAYDRAFT_DATABASE=store_url, LAYDRAFT_REVIEWER="alice",
                  LAYDRAFT_DRAFTER="offline", NO_COLOR="1")
    values.pop("VISUAL", None)
    return values


def run(env: dict[str, str], *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LAYDRAFT, *args], env={**env, **extra_env}, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def ok(env: dict[str, str], *args: str, **extra_env: str) -> str:
    done = run(env, *args, **extra_env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def claimed(env: dict[str, str]) -> int:
    ok(env, "draft", "--example")
    ok(env, "review", "next")
    return 1


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("laydraft: error: "), done.stderr
    for needle in needles:
        assert needle in lines[0]


def test_draft_claim_edit_comment_approve_export(env: dict[str, str], tmp_path: Path) -> None:
    ok(env, "draft", "--example")
    shown = ok(env, "review", "next", "--as", "alice")
    assert "SOURCE ABSTRACT" in shown and "in_review" in shown and "reviewer alice" in shown
    editor = write_editor(tmp_path, "rewrite", f"""\
        marker = {HEADING!r}
        start = text.index(marker) + len(marker)
        path.write_text(text[:start] + "People in the study reported their own sleep, "
                        "and memory can be unreliable; results might differ elsewhere.\\n")
    """)
    saved = ok(env, "review", "edit", "1", EDITOR=editor)
    assert "Saved draft 1 version 2" in saved
    diff = ok(env, "review", "diff", "1")
    assert "{+People in the" in diff and "What was found: unchanged" in diff
    ok(env, "review", "comment", "1", "-m", "Limitations read well now", "--section",
       "limitations")
    # alice created and edited it, so bob approves it (four eyes)
    ok(env, "review", "release", "1")
    ok(env, "review", "claim", "1", "--as", "bob")
    ok(env, "review", "approve", "1", "-m", "ready", "--as", "bob")
    out = tmp_path / "site"
    written = ok(env, "export", "1", "--format", "md", "--format", "html", "--out", str(out))
    md, html = (Path(line) for line in written.split())
    assert md.suffix == ".md" and html.suffix == ".html" and md.parent == out
    page = md.read_text()
    assert page.startswith("# ") and "## Limitations\n\nPeople in the study reported" in page
    assert "*Published " in page and "not medical advice" in page
    web = html.read_text()
    assert "<h2>Limitations</h2>" in web and "People in the study reported" in web
    assert "<h1>" in web and "not medical advice" in web
    history = ok(env, "review", "history", "1")
    for action in ("create", "claim", "edit", "comment", "release", "publish"):
        assert f"alice {action}" in history, action
    assert "bob claim" in history and "bob approve" in history
    assert "published" in ok(env, "queue", "list")


def test_two_writers_on_one_base_one_wins_and_nothing_is_lost(
        env: dict[str, str], claimed: int, tmp_path: Path) -> None:
    base = ok(env, "review", "show", str(claimed), "--markdown")
    files = []
    for who in ("first", "second"):
        path = tmp_path / f"{who}.md"
        path.write_text(base.replace(HEADING, f"{HEADING}Text written by the {who} writer. "))
        files.append(path)
    procs = [subprocess.Popen([*LAYDRAFT, "review", "edit", str(claimed), "--from-file", str(p)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in files]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    (loser_err,) = [err for code, _, err in results if code == 2]
    assert "changed after version 1" in loser_err and "alice saved version 2" in loser_err
    recovery = Path(loser_err.split("your text is kept in ")[1].split(" (")[0])
    winner_text = ok(env, "queue", "show", str(claimed))
    loser_text = recovery.read_text()
    texts = {"first", "second"}
    won = next(w for w in texts if f"by the {w} writer" in winner_text)
    assert f"by the {(texts - {won}).pop()} writer" in loser_text
    assert "version 3" not in ok(env, "review", "history", str(claimed))


def test_a_slow_editor_loses_to_a_faster_save_and_keeps_its_text(
        env: dict[str, str], claimed: int, tmp_path: Path) -> None:
    go = tmp_path / "go"
    editor = write_editor(tmp_path, "slow", f"""\
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.05)
        path.write_text(text.replace({HEADING!r}, {HEADING!r} + "Slow editor words. "))
    """)
    slow = subprocess.Popen([*LAYDRAFT, "review", "edit", str(claimed)], env={**env, "EDITOR": editor},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    time.sleep(1.0)  # the slow editor has the file open, based on version 1
    quick = ok(env, "review", "show", str(claimed), "--markdown").replace(
        HEADING, HEADING + "Quick save words. ")
    (tmp_path / "quick.md").write_text(quick)
    ok(env, "review", "edit", str(claimed), "--from-file", str(tmp_path / "quick.md"))
    go.touch()
    _, err = slow.communicate(timeout=60)
    assert slow.returncode == 2, err
    recovery = Path(err.split("your text is kept in ")[1].split(" (")[0])
    assert "Slow editor words." in recovery.read_text()
    assert "Quick save words." in ok(env, "queue", "show", str(claimed))


KILL_SCRIPT = """
import sys, time
from laydraft import review
from laydraft.db import store
from laydraft.config import load_settings

original = store.Store._insert_version

def slow_insert(self, conn, version):
    if version.version > 1:
        print("inside-transaction", flush=True)
        time.sleep(60)
    return original(self, conn, version)

store.Store._insert_version = slow_insert
settings = load_settings()
db = store.Store(settings.database_url())
draft = db.get(1)
summary = draft.summary.model_copy(update={"headline": "This save is killed halfway."})
review.save_edit(db, 1, summary, draft.version, "alice", settings)
"""


def _consistent(store_url: str) -> tuple[int, int]:  # noqa: F811
    with Store(store_url) as db, db.transaction() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        current = conn.execute(sa.text("SELECT current_version FROM drafts WHERE id = 1")).scalar()
        newest = conn.execute(sa.text("SELECT max(version) FROM versions WHERE draft_id = 1")
                              ).scalar()
        assert current == newest
        db.get(1)
    return current, newest


def test_killing_a_save_between_its_statements_loses_nothing_committed(
        env: dict[str, str], claimed: int, store_url: str) -> None:  # noqa: F811
    before = ok(env, "queue", "show", "1", "--json")
    with subprocess.Popen([sys.executable, "-c", KILL_SCRIPT], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "inside-transaction"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert _consistent(store_url) == (1, 1)
    assert ok(env, "queue", "show", "1", "--json") == before
    ok(env, "review", "comment", "1", "-m", "the database still takes writes")


def edit_once(env: dict[str, str], folder: Path, words: str, save: bool = True) -> str:
    text = ok(env, "review", "show", "1", "--markdown").replace(HEADING, f"{HEADING}{words}. ")
    path = folder / "e.md"
    path.write_text(text)
    if save:
        ok(env, "review", "edit", "1", "--from-file", str(path))
    return str(path)


def test_killing_saves_at_random_moments(env: dict[str, str], claimed: int, tmp_path: Path,
                                         store_url: str) -> None:  # noqa: F811
    rng = random.Random(6)
    started = time.monotonic()
    edit_once(env, tmp_path, "warm-up")
    full = time.monotonic() - started  # mostly start-up; the save is in the last part
    for attempt in range(3):
        edit_file = edit_once(env, tmp_path, f"attempt {attempt}", save=False)
        proc = subprocess.Popen([*LAYDRAFT, "review", "edit", "1", "--from-file", edit_file],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.6, 1.05) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        _consistent(store_url)


def test_illegal_transition_is_one_line(env: dict[str, str], claimed: int) -> None:
    ok(env, "review", "reject", str(claimed))
    assert_one_line_error(run(env, "review", "approve", str(claimed)),
                          "cannot approve draft 1", "it is rejected",
                          "laydraft review reopen 1")


def test_unknown_id_is_one_line(env: dict[str, str], claimed: int) -> None:
    assert_one_line_error(run(env, "review", "show", "404"), "no draft with id 404")
    assert_one_line_error(run(env, "review", "claim", "404"), "no draft with id 404")


def test_empty_edits_are_one_line(env: dict[str, str], claimed: int, tmp_path: Path) -> None:
    untouched = write_editor(tmp_path, "noop", "")
    assert_one_line_error(run(env, "review", "edit", "1", EDITOR=untouched),
                          "no changes to draft 1; nothing saved")
    same = tmp_path / "same.md"
    same.write_text(ok(env, "review", "show", "1", "--markdown"))
    assert_one_line_error(run(env, "review", "edit", "1", "--from-file", str(same)),
                          "no changes to draft 1")
    emptied = write_editor(tmp_path, "empty", "path.write_text('')\n")
    assert_one_line_error(run(env, "review", "edit", "1", EDITOR=emptied),
                          "the file was emptied")
    assert "version 2" not in ok(env, "review", "history", "1")


def test_missing_reviewer_says_how_to_set_it(env: dict[str, str], claimed: int) -> None:
    env = {k: v for k, v in env.items() if k != "LAYDRAFT_REVIEWER"}
    assert_one_line_error(run(env, "review", "approve", "1"), "--as NAME", "LAYDRAFT_REVIEWER")


def test_offline_redraft_says_it_cannot_follow_instructions(env: dict[str, str],
                                                            claimed: int) -> None:
    done = run(env, "review", "redraft", "1", "-m", "simpler words")
    assert done.returncode == 0, done.stderr
    assert "Saved draft 1 version 2" in done.stdout
    assert "offline drafter cannot follow instructions" in done.stderr
    assert "OPENAI_API_KEY" in done.stderr


def test_a_broken_file_reopens_the_editor_with_the_users_text(
        env: dict[str, str], claimed: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rounds = tmp_path / "rounds"
    editor = write_editor(tmp_path, "twice", f"""\
        rounds = pathlib.Path({str(rounds)!r})
        n = int(rounds.read_text()) if rounds.exists() else 0
        rounds.write_text(str(n + 1))
        if n == 0:  # first round: keep my words, but break the Limitations heading
            path.write_text(text.replace("## Limitations", "## Limits") + "MY WORDS\\n")
        else:
            assert "MY WORDS" in text and "unknown heading" in text
            path.write_text(text.replace("## Limits", "## Limitations"))
    """)
    for name in ("LAYDRAFT_DATABASE", "LAYDRAFT_REVIEWER", "LAYDRAFT_DRAFTER"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setenv("EDITOR", editor)
    opened: list[Store] = []
    real_store = Context.store

    def tracked(self: Context, settings: Settings | None = None) -> Store:
        opened.append(real_store(self, settings))
        return opened[-1]

    monkeypatch.setattr(Context, "store", tracked)
    result = CliRunner().invoke(cli, ["review", "edit", "1"], input="y\n")
    for db in opened:
        db.close()
    assert result.exit_code == 0, result.output
    assert rounds.read_text() == "2"
    assert "MY WORDS" in ok(env, "queue", "show", "1")


def test_declining_to_reopen_keeps_the_text_in_a_recovery_file(
        env: dict[str, str], claimed: int, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "breaks", "path.write_text(text.replace('## Limitations', "
                                             "'') + 'KEEP ME\\n')\n")
    done = run(env, "review", "edit", "1", EDITOR=editor)
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert "missing section heading 'Limitations'" in last
    assert "KEEP ME" in Path(last.split("your text is kept in ")[1]).read_text()


def test_every_review_and_export_command_has_an_example() -> None:
    runner = CliRunner()
    review_group = cli.get_command(None, "review")  # type: ignore[arg-type]  (loads it)
    names = [["review", n] for n in review_group.commands] + [["export"], ["review"]]  # type: ignore[attr-defined]
    for name in names:
        result = runner.invoke(cli, [*name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, name


def test_review_reopen_sends_a_rejected_draft_back_to_the_queue(env: dict[str, str],
                                                                claimed: int) -> None:
    refused = run(env, "review", "reopen", "1")
    assert_one_line_error(refused, "only rejected drafts can be reopened")
    ok(env, "review", "reject", "1", "--as", "alice")
    out = ok(env, "review", "reopen", "1", "-m", "new data", "--as", "bob")
    assert "Reopened draft 1; it is waiting for review again." in out
    assert "pending_review" in ok(env, "review", "show", "1", "--json")
    assert "reopen" in ok(env, "review", "history", "1")
