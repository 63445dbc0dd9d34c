"""`laydraft config` and `laydraft prompts`: what is in effect, and editable templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from ..config import user_config_path
from ..errors import InputError
from ..resources import default_prompts_dir
from .app import Context, cli, echo_json, pass_context


@cli.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@pass_context
def config_cmd(obj: Context, as_json: bool) -> None:
    """Show the settings in effect and where they come from (never the API key).

    \b
    Example:
      laydraft config --json
    """
    settings = obj.settings()
    data = settings.model_dump(mode="json")
    data["api_key"] = "set in environment" if settings.api_key() else "not set"
    data["effective_drafter"] = "openai" if settings.use_model() else "offline"
    data["database_url"] = settings.database_url()
    data["prompts_path"] = str(settings.prompts_path())
    data["user_config_file"] = str(user_config_path())
    if as_json:
        echo_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key} = {json.dumps(value, ensure_ascii=False)}")


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
