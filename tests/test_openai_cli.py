"""`laydraft draft` with a model: dry runs, the response cache, failures as one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import FIXTURES
from laydraft import tokens
from laydraft.cli import cli
from laydraft.cli import draft as draft_module
from laydraft.cli.app import Context
from laydraft.models import Abstract
from replay import Cassette, replay_provider

EXAMPLE = FIXTURES / "abstracts" / "example.txt"


@pytest.fixture
def titled_example(monkeypatch: pytest.MonkeyPatch, abstract: Abstract) -> None:
    """The recorded requests carry the example's title, which the plain-text file lacks."""
    monkeypatch.setattr(draft_module, "read_abstract", lambda *_: abstract)


def draft_with(transport: Cassette, *args: str) -> Result:
    """`laydraft draft` with the model, its calls replaying ``transport`` (injected, not patched)."""
    return CliRunner().invoke(cli, ["draft", "--drafter", "openai", *args, str(EXAMPLE)],
                              obj=Context(provider=lambda s, **_: replay_provider(s, transport)))


def test_dry_run_shows_tokens_labelled_estimate_and_cost_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tokens, "SHIPPED_FILES", {})
    tokens.load_encoding.cache_clear()
    result = CliRunner().invoke(cli, ["draft", "--example", "--dry-run"])
    tokens.load_encoding.cache_clear()
    assert result.exit_code == 0, result.output
    assert "tokens (estimate)" in result.output
    assert "answer up to 1250 tokens" in result.output
    assert "estimated cost at most $0.000" in result.output
    assert "nothing was sent" in result.output
    listed = CliRunner().invoke(cli, ["queue", "list", "--json"])
    assert json.loads(listed.output) == []


def test_dry_run_json_and_an_unpriced_model() -> None:
    result = CliRunner().invoke(cli, ["draft", "--example", "--dry-run", "--json",
                                      "--model", "llama3.1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == "llama3.1" and data["exact"] is False
    assert data["estimated_cost_usd"] is None and data["max_answer_tokens"] == 1250


def test_dry_run_refuses_an_abstract_over_the_budget(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Relapse rates were compared across clinics in great detail. " * 1500)
    result = CliRunner().invoke(cli, ["draft", str(big), "--dry-run"])
    assert result.exit_code == 2
    assert "max_tokens_per_draft" in result.output


def test_second_draft_of_the_same_abstract_comes_from_the_cache(
    api_key: str, titled_example: None, cassette: Callable[[str], Cassette], tmp_path: Path,
) -> None:
    first = cassette("openai/success")
    result = draft_with(first)
    assert result.exit_code == 0, result.output
    assert first.calls == 1 and "cost $0.000263" in result.output

    none = Cassette(tmp_path / "no-calls.json")
    result = draft_with(none, "--again")  # already queued: drafted again only when asked
    assert result.exit_code == 0, result.output
    assert none.calls == 0
    assert "(cached)" in result.output
    assert "cost $0" in result.output

    fresh = cassette("openai/success")
    result = draft_with(fresh, "--again", "--no-cache")
    assert result.exit_code == 0, result.output
    assert fresh.calls == 1


def test_a_refusal_is_one_line_exit_1_and_nothing_is_queued(
    api_key: str, titled_example: None, cassette: Callable[[str], Cassette],
) -> None:
    result = draft_with(cassette("openai/refusal"))
    assert result.exit_code == 1
    assert "the model refused" in result.output and "Traceback" not in result.output
    listed = CliRunner().invoke(cli, ["queue", "list", "--json"])
    assert json.loads(listed.output) == []
