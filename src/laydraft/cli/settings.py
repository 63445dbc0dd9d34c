"""`laydraft config` and `laydraft prompts`: what is in effect, and editable templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click

from ..config import API_KEY_ENV, SettingSource, user_config_path
from ..errors import InputError
from ..masking import mask_secrets
from ..resources import default_prompts_dir
from .app import Context, cli, echo_json, pass_context


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@pass_context
def config_cmd(obj: Context, as_json: bool) -> None:
    """Show the settings in effect and where they come from (never the API key).

    Each setting says where its value came from: default (the shipped config.toml), file
    (which file), environment (which variable) or flag. Passwords and keys written inside
    URLs are shown as ***.

    \b
    Example:
      laydraft config --json
    """
    settings = obj.settings()
    data = settings.model_dump(mode="json")
    sources = {name: settings.source_of(name) for name in data}
    data["api_key"] = "set in environment" if settings.api_key() else "not set"
    if settings.api_key():
        sources["api_key"] = SettingSource("environment", API_KEY_ENV)
    data["effective_drafter"] = "openai" if settings.use_model() else "offline"
    data["database_url"] = settings.database_url()
    data["prompts_path"] = str(settings.prompts_path())
    data["user_config_file"] = str(user_config_path())
    data = _masked(data)
    if as_json:
        data["sources"] = {name: {"from": source.kind, "where": source.where or None}
                           for name, source in sources.items()}
        echo_json(data)
        return
    for key, value in data.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        click.echo(f"{line}  # {sources[key]}" if key in sources else line)


def _masked(value: Any) -> Any:
    """Every string in the settings with secrets inside URLs shown as ***."""
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, dict):
        return {key: _masked(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_masked(inner) for inner in value]
    return value


@cli.command("prompts")
@click.option("--copy", "copy_to", metavar="DIR", required=True,
              help="Copy the shipped templates to DIR so you can edit them.")
def prompts_cmd(copy_to: str) -> None:
    """Copy the prompt templates so an editor can change the wording.

    Then set prompts_dir = "DIR" in your config.

    \b
    Example:
      laydraft prompts --copy ~/laydraft-prompts
    """
    target = Path(copy_to).expanduser()
    if target.exists() and any(target.iterdir()):
        raise InputError(f"{target} already exists and is not empty; choose a new folder")
    shutil.copytree(default_prompts_dir(), target, dirs_exist_ok=True)
    click.echo(f"Copied the templates to {target}; set prompts_dir = \"{target}\" in your config.")
