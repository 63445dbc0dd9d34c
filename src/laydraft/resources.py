"""Files shipped with laydraft: default config, prompt templates, the example abstract.

An installed wheel carries them under ``laydraft/_bundled``; a source checkout (editable
install, tests) reads them from the repository root, so there is one copy of each file.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"
_REPO_ROOT = _PACKAGE.parent.parent


def _locate(bundled_name: str, repo_path: str) -> Path:
    candidate = _BUNDLED / bundled_name
    if candidate.exists():
        return candidate
    return _REPO_ROOT / repo_path


def default_config_path() -> Path:
    return _locate("config.toml", "config.toml")


def default_prompts_dir() -> Path:
    return _locate("prompts", "prompts")


def example_abstract_path() -> Path:
    return _locate("example.txt", "fixtures/abstracts/example.txt")
