"""`laydraft review diff`: coloured on a terminal, plain marks when piped, with NO_COLOR or
--no-color, and coloured in a pipe with --color."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from laydraft.cli import cli, diff_view
from laydraft.diff import SectionDiff, VersionDiff, diff_words

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
RED_STRUCK = "\x1b[31m\x1b[9m"
GREEN_UNDERLINED = "\x1b[32m\x1b[4m"


def _run(env: dict[str, str], *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def env(store_url: str, tmp_path: Path) -> dict[str, str]:
    """A queue whose draft 1 has version 2: "212 adults" became "212 grown-ups", and a
    sentence was added to the end of "What was found"."""
    env = {"LAYDRAFT_DATABASE": store_url, "LAYDRAFT_REVIEWER": "alice",
           "LAYDRAFT_DRAFTER": "offline"}
    _run(env, "draft", "--example")
    _run(env, "review", "next")
    text = _run(env, "review", "show", "1", "--markdown").stdout
    assert "212 adults" in text
    edited = tmp_path / "edited.md"
    edited.write_text(text.replace("212 adults", "212 grown-ups").replace(
        "\n\n## Why it matters", " Everyone was followed for two full years.\n\n## Why it matters"))
    _run(env, "review", "edit", "1", "--from-file", str(edited))
    return env


def _on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_view, "stdout_is_tty", lambda: True)


def test_a_pipe_gets_the_plain_word_diff_marks(env: dict[str, str]) -> None:
    out = _run(env, "review", "diff", "1").stdout
    assert "\x1b[" not in out
    assert "[-adults.-] {+grown-ups.+}" in out
    assert "{+Everyone was followed for two full years.+}" in out
    assert "Why it matters: unchanged" in out


def test_a_terminal_gets_deletions_red_and_struck_insertions_green_and_underlined(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _on_a_terminal(monkeypatch)
    out = _run(env, "review", "diff", "1").stdout
    assert f"{RED_STRUCK}adults.\x1b[0m {GREEN_UNDERLINED}grown-ups.\x1b[0m" in out
    plain = ESCAPE.sub("", out)
    assert "[-" not in plain and "{+" not in plain  # the styles mark the changes
    assert "212 adults. grown-ups." in plain
    assert all(len(line) <= 88 for line in plain.splitlines())


def test_a_long_insertion_wraps_by_visible_width_and_is_styled_on_each_line() -> None:
    old = "The study included 212 adults."
    added = " ".join(f"word{n}" for n in range(40))
    diff = VersionDiff(old=1, new=2, sections=[SectionDiff(
        section="what_was_found", title="What was found", changed=True,
        segments=diff_words(old, f"{old} {added}"))])
    lines = diff_view.diff_text(diff, color=True).splitlines()[3:]
    assert len(lines) >= 3
    assert all(len(ESCAPE.sub("", line)) <= 88 for line in lines)
    assert len(ESCAPE.sub("", lines[1])) > 80  # filled by what shows, not by the codes
    for line in lines[1:]:  # each line of the insertion opens and closes its own style
        assert line.startswith(f"  {GREEN_UNDERLINED}") and line.endswith("\x1b[0m")
    assert " ".join(ESCAPE.sub("", line).strip() for line in lines) == f"{old} {added}"


@pytest.mark.parametrize("value", ["1", "true", "0", "no"])
def test_no_color_with_any_value_keeps_a_terminal_plain(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _on_a_terminal(monkeypatch)
    out = _run({**env, "NO_COLOR": value}, "review", "diff", "1").stdout
    assert "\x1b[" not in out and "[-adults.-] {+grown-ups.+}" in out


def test_the_no_color_flag_keeps_a_terminal_plain(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _on_a_terminal(monkeypatch)
    out = _run(env, "review", "diff", "1", "--no-color").stdout
    assert "\x1b[" not in out and "[-adults.-] {+grown-ups.+}" in out


def test_the_color_flag_colours_a_pipe_even_with_no_color_set(env: dict[str, str]) -> None:
    out = _run({**env, "NO_COLOR": "1"}, "review", "diff", "1", "--color").stdout
    assert RED_STRUCK in out and GREEN_UNDERLINED in out


@pytest.mark.parametrize(("flag", "tty", "environ", "expected"), [
    (None, True, {}, True),
    (None, False, {}, False),
    (None, True, {"NO_COLOR": "1"}, False),
    (None, True, {"NO_COLOR": ""}, True),  # no-color.org: set and not empty
    (True, False, {"NO_COLOR": "1"}, True),
    (False, True, {}, False),
])
def test_the_colour_decision(flag: bool | None, tty: bool, environ: dict[str, str],
                             expected: bool) -> None:
    assert diff_view.use_color(flag, tty, environ) is expected
