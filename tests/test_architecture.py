"""The layering in ARCHITECTURE.md holds: imports only point down, only drafting talks to openai.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter checks them against
the real import graph, including imports inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"
PACKAGE = REPO_ROOT / "src" / "laydraft"
NOT_LAYERED = {"__init__", "__main__", "data"}


def _layered_modules() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    names = {part.strip() for layer in layers for part in layer.replace(":", "|").split("|")}
    return {name.removeprefix("laydraft.") for name in names}


def test_every_import_points_down_and_only_drafting_imports_openai(
        capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report


def test_every_module_of_the_package_has_a_place_in_the_layers() -> None:
    top_level = {path.stem for path in PACKAGE.iterdir()
                 if (path.suffix == ".py" or (path / "__init__.py").exists())}
    unplaced = top_level - NOT_LAYERED - _layered_modules()
    assert not unplaced, f"add these to the layers contract in pyproject.toml: {sorted(unplaced)}"
