"""The error contract: codes, context, exit codes, neutral library text, terminal phrasing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner

from laydraft.cli import cli
from laydraft.cli.messages import HINTS, cli_message
from laydraft.config import load_settings
from laydraft.drafting.provider import ModelProvider
from laydraft.errors import (
    BudgetError,
    ConfigError,
    DraftFailed,
    DraftingError,
    ErrorCode,
    InputError,
    LaydraftError,
    ModelAPIError,
    ModelUnreachableError,
    NetworkError,
    NotClaimedError,
    NotFoundError,
    RecordError,
    StaleVersionError,
    UsageError,
    WorkflowError,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "laydraft"
# What only a terminal user can act on: commands, options, environment variables, installs.
TERMINAL_ONLY = re.compile(
    r"`laydraft|laydraft (?:review|queue|draft|batch|user|serve|export|config|prompts|check)\b"
    r"|(?<![\w-])--[a-z]|\b(?:OPENAI|LAYDRAFT|NCBI)_[A-Z_]+|pip install|chmod "
)


def test_every_code_has_a_terminal_phrasing() -> None:
    assert set(HINTS) == set(ErrorCode)


@pytest.mark.parametrize(("kind", "code", "exit_code"), [
    (UsageError, ErrorCode.USAGE, 2), (ConfigError, ErrorCode.CONFIG, 2),
    (InputError, ErrorCode.INPUT, 2), (BudgetError, ErrorCode.OVER_BUDGET, 2),
    (NotFoundError, ErrorCode.NOT_FOUND, 2), (WorkflowError, ErrorCode.ILLEGAL_TRANSITION, 2),
    (NotClaimedError, ErrorCode.NOT_CLAIMED, 2), (StaleVersionError, ErrorCode.STALE_VERSION, 2),
    (NetworkError, ErrorCode.NETWORK, 1), (ModelAPIError, ErrorCode.MODEL_API, 1),
    (ModelUnreachableError, ErrorCode.MODEL_UNREACHABLE, 1), (DraftingError, ErrorCode.DRAFTING, 1),
])
def test_each_class_has_a_default_code_and_its_documented_exit_code(
        kind: type[LaydraftError], code: ErrorCode, exit_code: int) -> None:
    err = kind("what happened")
    assert (err.code, err.exit_code, str(err)) == (code, exit_code, "what happened")


def test_code_and_context_are_kept_and_records_and_failures_carry_theirs() -> None:
    err = InputError("too big", code=ErrorCode.FILE_TOO_LARGE, path="a.txt", max_bytes=10)
    assert err.code is ErrorCode.FILE_TOO_LARGE and err.context == {"path": "a.txt",
                                                                    "max_bytes": 10}
    record = RecordError("the abstract is empty", source="list.csv record 2")
    assert record.code is ErrorCode.BAD_RECORD and record.context["reason"] == record.reason
    failed = DraftFailed("cut off", reason="truncated")
    assert failed.context["reason"] == "truncated" and failed.exit_code == 1


def test_an_unreachable_model_server_is_a_network_error_that_batch_runs_count_as_api_errors(
) -> None:
    err = ModelUnreachableError("could not reach the model server at http://x")
    assert isinstance(err, NetworkError) and isinstance(err, ModelAPIError)
    assert err.api_code == "unreachable" and err.exit_code == 1
    assert "request_timeout" in cli_message(err)


def test_a_missing_api_key_is_a_config_error() -> None:
    settings = load_settings(overrides={"drafter": "openai"}, environ={})
    with pytest.raises(ConfigError) as info:
        ModelProvider(settings).async_client()
    err = info.value
    assert err.code is ErrorCode.MISSING_API_KEY and err.exit_code == 2
    assert "OPENAI_API_KEY" not in str(err)
    assert "set OPENAI_API_KEY in the environment" in cli_message(err)


def test_a_missing_api_key_exits_2_from_the_cli() -> None:
    result = CliRunner().invoke(cli, ["draft", "--example", "--drafter", "openai", "--no-queue"])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("laydraft: error: no API key")
    assert "OPENAI_API_KEY" in line


def test_an_ncbi_network_failure_exits_1_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("Name or service not known", request=request)

    real = httpx2.Client
    monkeypatch.setattr(httpx2, "Client",
                        lambda *a, **k: real(transport=httpx2.MockTransport(refuse)))
    result = CliRunner().invoke(cli, ["draft", "--pmid", "39000071", "--no-queue"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("laydraft: error: cannot reach NCBI")
    assert "pass the file instead" in lines[0] and "Traceback" not in result.stderr


def test_cli_phrasing_names_the_command_for_the_draft_in_the_context() -> None:
    err = NotClaimedError("cannot approve draft 3: it is pending_review; claim it first",
                          draft_id=3, action="approve")
    assert cli_message(err) == ("cannot approve draft 3: it is pending_review; claim it first: "
                                "run `laydraft review claim 3`")
    kept = StaleVersionError("draft 3 changed after version 1", draft_id=3, kept_in="/tmp/x.md")
    assert cli_message(kept) == ("draft 3 changed after version 1; your text is kept in "
                                 "/tmp/x.md (look at the new version with `laydraft review diff "
                                 "3`)")


def _messages_in_library_raises() -> list[tuple[str, int, str]]:
    """Every string literal in a LaydraftError constructed outside the CLI package."""
    names = {name for name, value in vars(__import__("laydraft.errors").errors).items()
             if isinstance(value, type) and issubclass(value, LaydraftError)}
    found = []
    for path in SRC.rglob("*.py"):
        if "cli" in path.relative_to(SRC).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
                for part in ast.walk(node):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found.append((str(path.relative_to(SRC)), node.lineno, part.value))
    return found


def test_library_error_messages_name_no_terminal_commands() -> None:
    messages = _messages_in_library_raises()
    assert len(messages) > 50  # the scan sees the raise sites
    offending = [m for m in messages if TERMINAL_ONLY.search(m[2])]
    assert offending == []
