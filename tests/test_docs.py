"""Docs that check themselves: every setting is documented where users look for it."""

from __future__ import annotations

import re
import tomllib

from conftest import REPO_ROOT
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
