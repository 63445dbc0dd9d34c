"""Configuration that refuses mistakes, says where each setting came from, and hides secrets.

A typo in a config file is an error naming the nearest valid key; an in-memory database is
refused (its drafts would vanish); every database error is one line; a password written into
``base_url`` or a database URL never reaches the terminal, the browser or the web log.
Through the real command line in separate processes where the exact stderr matters.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from laydraft.cli.messages import cli_message
from laydraft.config import SettingSource, in_memory_database, load_settings
from laydraft.errors import ConfigError, ErrorCode
from laydraft.masking import MASK, mask_secrets, mask_url
from laydraft.web.messages import web_message

LAYDRAFT = [sys.executable, "-m", "laydraft"]
SECRET = "Tr0ub4dor-s3cret"


def laydraft(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LAYDRAFT, *args], env={**os.environ, "NO_COLOR": "1", **env},
                          capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("laydraft: error: "), done.stderr
    return lines[0]


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def refused(tmp_path: Path, text: str) -> ConfigError:
    path = config_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value


# -- unknown keys and tables -------------------------------------------------------------


def test_a_misspelt_setting_names_the_file_the_line_and_the_nearest_key(tmp_path: Path) -> None:
    err = refused(tmp_path, '# mine\nmodle = "gpt-4o"\n')
    assert err.code is ErrorCode.UNKNOWN_SETTING
    assert str(err) == (f"unknown setting 'modle' in {tmp_path / 'config.toml'} (line 2); "
                        "did you mean 'model'?")
    assert err.context["suggestion"] == "model" and err.context["line"] == 2


def test_a_misspelt_table_names_the_nearest_table(tmp_path: Path) -> None:
    err = refused(tmp_path, "[limits.headlines]\nmin = 3\nmax = 20\n")
    assert str(err) == (f"unknown table [limits.headlines] in {tmp_path / 'config.toml'} "
                        "(line 1); did you mean [limits.headline]?")


def test_a_misspelt_key_inside_a_table_is_found_too(tmp_path: Path) -> None:
    err = refused(tmp_path, '[prices."my-model"]\ninput = 1.0\noutptu = 2.0\n')
    assert "unknown setting 'prices.my-model.outptu'" in str(err)
    assert "(line 3); did you mean 'prices.my-model.output'?" in str(err)


def test_a_top_level_key_below_a_table_header_is_explained(tmp_path: Path) -> None:
    err = refused(tmp_path, "[limits]\nheadline = { min = 3, max = 20 }\nmodel = 'x'\n")
    assert "unknown setting 'limits.model'" in str(err) and "(line 3)" in str(err)
    assert "did you mean the top-level setting 'model'?" in str(err)


def test_every_unknown_key_is_listed_in_one_line(tmp_path: Path) -> None:
    err = refused(tmp_path, 'modle = "x"\ntempreature = 0.1\n')
    assert str(err).startswith("2 unknown settings in ")
    assert "'modle' (line 1; did you mean 'model'?)" in str(err)
    assert "'tempreature' (line 2; did you mean 'temperature'?)" in str(err)
    assert "\n" not in str(err)


def test_a_key_like_nothing_known_points_at_the_reference(tmp_path: Path) -> None:
    err = refused(tmp_path, "zzz_unrelated = 1\n")
    assert str(err).endswith("unknown setting 'zzz_unrelated' in "
                             f"{tmp_path / 'config.toml'} (line 1)")
    assert "configuration reference lists every setting" in cli_message(err)


def test_an_api_key_in_the_file_is_still_refused_as_such(tmp_path: Path) -> None:
    err = refused(tmp_path, 'api_key = "sk-abc"\n')
    assert err.code is ErrorCode.API_KEY_IN_FILE


def test_the_shipped_config_and_a_valid_file_load(tmp_path: Path) -> None:
    path = config_file(tmp_path, 'model = "gpt-4o"\n[limits.headline]\nmin = 4\nmax = 22\n'
                                 '[prices."local"]\ninput = 0\noutput = 0\n')
    settings = load_settings(path)
    assert settings.model == "gpt-4o" and settings.limits.headline.min == 4


def test_the_cli_exits_2_with_one_line_for_a_typo(tmp_path: Path) -> None:
    path = config_file(tmp_path, 'modle = "gpt-4o"\n')
    done = laydraft("--config", str(path), "draft", "--example")
    assert done.returncode == 2
    assert one_error_line(done) == (f"laydraft: error: unknown setting 'modle' in {path} "
                                    "(line 1); did you mean 'model'?")


def test_an_invalid_value_from_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"LAYDRAFT_TEMPERATURE": "9"})
    assert caught.value.context["origin"] == "environment"
    assert cli_message(caught.value).endswith("(set by LAYDRAFT_TEMPERATURE in the environment)")


# -- in-memory databases ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", ":memory:",
                                 "sqlite:///file:queue?mode=memory&uri=true",
                                 "file::memory:?cache=shared", "sqlite+pysqlite://"])
def test_in_memory_database_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"LAYDRAFT_DATABASE": url})
    assert caught.value.code is ErrorCode.DATABASE_IN_MEMORY
    assert "every draft queued there would vanish" in str(caught.value)


@pytest.mark.parametrize("url", ["sqlite:////tmp/q.db", "sqlite:///memory.db", "queue.db",
                                 "postgresql+psycopg://u@/db?host=/tmp"])
def test_file_and_server_databases_are_not_in_memory(url: str) -> None:
    settings = load_settings(environ={"LAYDRAFT_DATABASE": url})
    assert not in_memory_database(settings.database_url())


def test_draft_refuses_an_in_memory_database_before_drafting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = laydraft("draft", "--example", LAYDRAFT_DATABASE="sqlite://")
    assert done.returncode == 2 and done.stdout == ""
    line = one_error_line(done)
    assert "the database 'sqlite://' lives in memory" in line
    assert "(set by LAYDRAFT_DATABASE in the environment)" in line
    flagged = laydraft("--db", ":memory:", "queue", "list")
    assert flagged.returncode == 2
    assert "(given as a command-line flag)" in one_error_line(flagged)
    path = config_file(tmp_path, 'database = "sqlite:///:memory:"\n')
    monkeypatch.delenv("LAYDRAFT_DATABASE")  # the test's own queue would win over the file
    from_file = laydraft("--config", str(path), "queue", "list")
    assert f"(in {path})" in one_error_line(from_file)


# -- database errors: one line ---------------------------------------------------------


def test_a_file_that_is_not_sqlite_gives_one_line_naming_it(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("These are my notes, not a database. " * 40)
    done = laydraft("--db", str(notes), "queue", "list")
    assert done.returncode == 2
    line = one_error_line(done)
    assert f"{notes} is not a SQLite database (file is not a database)" in line
    assert "unexpected" not in line and "sqlalche.me" not in line
    assert notes.read_text().startswith("These are my notes")


@pytest.mark.parametrize("where", ["tcp", "socket"])
def test_an_unreachable_postgres_gives_one_line_without_the_password(tmp_path: Path,
                                                                     where: str) -> None:
    url = (f"postgresql+psycopg://editor:{SECRET}@127.0.0.1:1/laydraft" if where == "tcp" else
           f"postgresql+psycopg://editor:{SECRET}@/laydraft?host={tmp_path}&port=5")
    done = laydraft("queue", "list", LAYDRAFT_DATABASE=url)
    assert done.returncode == 2
    line = one_error_line(done)
    assert "cannot connect to the database postgresql+psycopg://editor:***@" in line
    assert "check that the database server is running" in line
    assert SECRET not in done.stderr + done.stdout


# -- secrets masked everywhere -----------------------------------------------------------


@pytest.mark.parametrize(("url", "shown"), [
    (f"http://me:{SECRET}@localhost:11434/v1", "http://me:***@localhost:11434/v1"),
    (f"https://x.openai.azure.com/openai/v1/?api-version=1&api-key={SECRET}",
     "https://x.openai.azure.com/openai/v1/?api-version=1&api-key=***"),
    (f"postgresql+psycopg://bob:{SECRET}@db.example:5432/q?sslmode=require&password={SECRET}",
     "postgresql+psycopg://bob:***@db.example:5432/q?sslmode=require&password=***"),
    (f"postgresql://bob:p@ss{SECRET}@db/q", "postgresql://bob:***@db/q"),
    ("sqlite:////home/ana/queue.db", "sqlite:////home/ana/queue.db"),
    ("postgresql+psycopg://bob@/q?host=/tmp", "postgresql+psycopg://bob@/q?host=/tmp"),
])
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_mask_secrets_finds_urls_and_passwords_inside_text() -> None:
    text = (f"could not reach http://u:{SECRET}@h:1/v1/ (ConnectError); "
            f"host=db password={SECRET} user=x; key sk-{SECRET}abcdefgh")
    masked = mask_secrets(text)
    assert SECRET not in masked
    assert "http://u:***@h:1/v1/ (ConnectError)" in masked and f"password={MASK}" in masked


def test_laydraft_config_masks_urls_and_says_where_each_setting_came_from(
        tmp_path: Path) -> None:
    path = config_file(tmp_path, 'model = "llama3.1"\n')
    env = {"LAYDRAFT_BASE_URL": f"http://me:{SECRET}@localhost:11434/v1?token={SECRET}",
           "LAYDRAFT_TEMPERATURE": "0.5",
           "OPENAI_API_KEY": f"sk-{SECRET}-0123456789"}
    db = f"postgresql+psycopg://bob:{SECRET}@db.example/q"
    done = laydraft("--config", str(path), "--db", db, "config", **env)
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    lines = dict(line.split(" = ", 1) for line in done.stdout.splitlines())
    assert lines["model"] == f'"llama3.1"  # file {path}'
    assert lines["temperature"] == "0.5  # environment LAYDRAFT_TEMPERATURE"
    assert lines["base_url"] == ('"http://me:***@localhost:11434/v1?token=***"  '
                                 "# environment LAYDRAFT_BASE_URL")
    assert lines["database"] == '"postgresql+psycopg://bob:***@db.example/q"  # flag'
    assert lines["drafter"] == '"auto"  # default'
    assert lines["api_key"] == '"set in environment"  # environment OPENAI_API_KEY'
    assert lines["database_url"].startswith('"postgresql+psycopg://bob:***@')

    as_json = laydraft("--config", str(path), "--db", db, "config", "--json", **env)
    assert as_json.returncode == 0 and SECRET not in as_json.stdout
    data = json.loads(as_json.stdout)
    assert data["model"] == "llama3.1"
    assert data["sources"]["model"] == {"from": "file", "where": str(path)}
    assert data["sources"]["base_url"] == {"from": "environment",
                                           "where": "LAYDRAFT_BASE_URL"}
    assert data["sources"]["database"] == {"from": "flag", "where": None}
    assert data["sources"]["drafter"] == {"from": "default", "where": None}


def test_sources_in_the_library() -> None:
    settings = load_settings(overrides={"model": "m"},
                             environ={"OPENAI_BASE_URL": "http://h/v1", "LAYDRAFT_DB": "x.db"})
    assert settings.source_of("model") == SettingSource("flag")
    assert settings.source_of("base_url") == SettingSource("environment", "OPENAI_BASE_URL")
    assert settings.source_of("database") == SettingSource("environment", "LAYDRAFT_DB")
    assert str(settings.source_of("cache")) == "default"


def test_an_unreachable_model_server_error_never_shows_the_password() -> None:
    done = laydraft("draft", "--example", "--drafter", "openai",
                    LAYDRAFT_BASE_URL=f"http://me:{SECRET}@127.0.0.1:1/v1",
                    LAYDRAFT_RETRY_DEADLINE="1", LAYDRAFT_REQUEST_TIMEOUT="2")
    assert done.returncode == 1
    line = one_error_line(done)
    assert "could not reach the model server at http://me:***@127.0.0.1:1/v1" in line
    assert SECRET not in done.stdout + done.stderr


def test_errors_are_masked_in_the_terminal_the_browser_and_the_web_log(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = ConfigError(f"the database postgresql://bob:{SECRET}@db/q cannot be used: gone\n"
                      "HINT: is the server running?", code=ErrorCode.DATABASE)
    line = cli_message(err)
    assert SECRET not in line and "postgresql://bob:***@db/q" in line and "\n" not in line
    log = logging.getLogger("laydraft.web")
    monkeypatch.setattr(log, "disabled", False)  # another test's logging set-up may turn it off
    monkeypatch.setattr(log, "level", logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log.addHandler(handler)
    try:
        page = web_message(err)
        try:
            raise RuntimeError(f"boom at http://u:{SECRET}@h/")
        except RuntimeError:
            log.exception("unexpected error on %s", f"http://u:{SECRET}@h/x")
    finally:
        log.removeHandler(handler)
    assert SECRET not in page
    logged = stream.getvalue()
    assert "This site cannot use its database right now." in logged
    assert SECRET not in logged
    assert "postgresql://bob:***@db/q" in logged and "http://u:***@h/" in logged
