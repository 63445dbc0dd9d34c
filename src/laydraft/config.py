"""Settings: the shipped config.toml, a user's file, environment variables, then flags.

Secrets are resolved in one place, ``api_key()``: the key comes from ``OPENAI_API_KEY`` in the
environment and nowhere else, so it can never be read from or written to a file by laydraft.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, ValidationError, field_validator

from .errors import ConfigError, ErrorCode
from .models import WordLimits
from .resources import default_config_path, default_prompts_dir

APP_NAME = "laydraft"
API_KEY_ENV = "OPENAI_API_KEY"


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float
    cached_input: float | None = None
    output: float


class Settings(BaseModel):
    """Every setting laydraft reads; ``config.toml`` documents each one."""

    drafter: Literal["auto", "openai", "offline"] = "auto"
    model: str = "gpt-4o-mini"
    base_url: str = ""
    temperature: float = Field(default=0.2, ge=0, le=2)
    structured_output: Literal["json_schema", "json_object", "tools"] = "json_schema"
    request_timeout: float = Field(default=60.0, gt=0)
    retry_deadline: float = Field(default=120.0, gt=0)
    retry_max_wait: float = Field(default=30.0, gt=0)
    repair_attempts: int = Field(default=2, ge=0)
    max_tokens_per_draft: int = Field(default=12000, gt=0)
    answer_limit_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    context_window: int = Field(default=0, ge=0)
    cache: bool = True
    audience: str = "people living with multiple sclerosis and their caregivers"
    target_grade: float = 8
    database: str = ""
    journal: str = ""  # answer journal file; empty: answers.jsonl in the user data folder
    prompts_dir: str = ""
    max_input_bytes: int = Field(default=5_000_000, gt=0)
    reviewer: str = ""
    claim_minutes: float = Field(default=60, gt=0)
    four_eyes: bool = True
    shared_queue: bool = False
    export_templates_dir: str = ""
    disclaimer: str = (
        "This summary explains one research study in everyday language. It is not medical "
        "advice, and a single study rarely settles a question. Before changing anything about "
        "your care, talk it over with your doctor or care team."
    )
    rpm: int = Field(default=0, ge=0)
    tpm: int = Field(default=0, ge=0)
    concurrency: int = Field(default=16, gt=0)
    batch_api_discount: float = Field(default=0.5, gt=0, le=1)
    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost"])
    secure_cookies: bool = False
    session_idle_minutes: float = Field(default=60, gt=0)
    session_max_hours: float = Field(default=12, gt=0)
    signin_account_limit: int = Field(default=5, ge=0)
    signin_address_limit: int = Field(default=20, ge=0)
    signin_window_minutes: float = Field(default=15, gt=0)
    signin_concurrency: int = Field(default=4, gt=0)
    signin_wait_seconds: float = Field(default=3, ge=0)
    limits: WordLimits = WordLimits()
    prices: dict[str, Price] = Field(default_factory=dict)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        """``LAYDRAFT_ALLOWED_HOSTS=a.example,b.example`` gives a list, as the file does."""
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    def api_key(self) -> str | None:
        """The API key, from the environment only. Never stored on the settings object."""
        return os.environ.get(API_KEY_ENV) or None

    def use_model(self) -> bool:
        """True when drafts should go to the model rather than the offline drafter."""
        if self.drafter != "auto":
            return self.drafter == "openai"
        return bool(self.api_key() or self.base_url)

    def database_url(self) -> str:
        """A SQLAlchemy URL: a plain path means SQLite; empty means the user data directory."""
        if "://" in self.database:
            return self.database
        path = Path(self.database).expanduser() if self.database else user_data_dir() / "laydraft.db"
        return f"sqlite:///{path}"

    def is_shared_queue(self) -> bool:
        """True when several people use this queue: a server database, or ``shared_queue``.

        The CLI then acts only as a known user with their role, never on a name alone.
        """
        return self.shared_queue or not self.database_url().startswith("sqlite:")

    def prompts_path(self) -> Path:
        return Path(self.prompts_dir).expanduser() if self.prompts_dir else default_prompts_dir()

    def price_for(self, model: str) -> Price | None:
        """The price row for a model; dated snapshots (gpt-4o-2024-08-06) match their family."""
        if model in self.prices:
            return self.prices[model]
        family = [name for name in self.prices if model.startswith(name + "-")]
        return self.prices[max(family, key=len)] if family else None


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}", code=ErrorCode.CONFIG_FILE,
                          path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}",
                          code=ErrorCode.CONFIG_FILE, path=str(path)) from exc


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overrides(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if environ.get("OPENAI_BASE_URL"):
        values["base_url"] = environ["OPENAI_BASE_URL"]
    for name in Settings.model_fields:
        if name in ("limits", "prices"):
            continue
        env_value = environ.get(f"LAYDRAFT_{name.upper()}")
        if env_value is not None:
            values[name] = env_value
    if environ.get("LAYDRAFT_DB"):
        values["database"] = environ["LAYDRAFT_DB"]
    return values


def _reject_secrets(data: dict[str, Any], origin: Path) -> None:
    for key in ("api_key", "openai_api_key", "key"):
        if key in data:
            raise ConfigError(
                f"{origin} sets '{key}': an API key is never read from a config file; "
                "remove it from the file", code=ErrorCode.API_KEY_IN_FILE, path=str(origin),
                setting=key, env=API_KEY_ENV)


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
) -> Settings:
    """Build Settings from defaults, a user file, the environment and explicit overrides."""
    env = os.environ if environ is None else environ
    data = _read_toml(default_config_path())
    user_file = config_file or env.get("LAYDRAFT_CONFIG")
    if user_file:
        user_path = Path(user_file).expanduser()
    elif user_config_path().exists():
        user_path = user_config_path()
    else:
        user_path = None
    if user_path is not None:
        user_data = _read_toml(user_path)
        _reject_secrets(user_data, user_path)
        data = _merge(data, user_data)
    data = _merge(data, _env_overrides(env))
    data = _merge(data, {k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"setting '{where}' is invalid: {first['msg']}", setting=where) from exc
