"""Settings: the shipped config.toml, a user's file, environment variables, then flags.

Secrets are resolved in one place, ``api_key()``: the key comes from ``OPENAI_API_KEY`` in the
environment and nowhere else, so it can never be read from or written to a file by laydraft.

Mistakes are refused rather than ignored: an unknown key or table in a config file is an error
naming the nearest valid one (``config_keys``), and a database URL that lives in memory is
refused because every draft queued there would vanish. Each setting remembers where its value
came from (``Settings.source_of``), so ``laydraft config`` can say so.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs

import platformdirs
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator

from .config_keys import describe, unknown_keys
from .errors import ConfigError, ErrorCode
from .masking import mask_url
from .models import WordLimits
from .resources import default_config_path, default_prompts_dir

APP_NAME = "laydraft"
API_KEY_ENV = "OPENAI_API_KEY"
SourceKind = Literal["default", "file", "environment", "flag"]


@dataclass(frozen=True)
class SettingSource:
    """Where a setting's value came from: the shipped defaults, a file, a variable, a flag.

    ``where`` is the file's path or the environment variable's name; empty otherwise.
    """

    kind: SourceKind
    where: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.where}".rstrip()


DEFAULT_SOURCE = SettingSource("default")
FLAG_SOURCE = SettingSource("flag")


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float
    cached_input: float | None = None
    output: float


# The published page's defaults; the validators pass them without loading Babel (a test
# checks they pass the full checks too).
DEFAULT_PAGE_LOCALE = "en_GB"
DEFAULT_PAGE_DATE_FORMAT = "d MMMM y"


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
    # The audiences the web's new-draft page offers (``audience`` is always one of them).
    audiences: list[str] = Field(default_factory=lambda: [
        "people living with multiple sclerosis and their caregivers",
        "patients and their families", "the general public", "secondary-school students"])
    target_grade: float = 8
    language: str = "en"  # ISO 639-1 code of the language summaries must be written in
    database: str = ""
    journal: str = ""  # answer journal file; empty: answers.jsonl in the user data folder
    prompts_dir: str = ""
    # Prompt variants to compare: name -> template folder ("" = the shipped templates). New
    # drafts go to one by a stable hash of the record key (``variant_for``); empty: prompts_dir.
    prompt_variants: dict[str, str] = Field(default_factory=dict)
    max_input_bytes: int = Field(default=5_000_000, gt=0)
    # Seconds to wait for a pipe or FIFO to send input before giving up (0 waits forever).
    input_timeout: float = Field(default=30.0, ge=0)
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
    # The published page: how dates read, the citation, the credit line, links for sharing.
    page_locale: str = DEFAULT_PAGE_LOCALE
    page_date_format: str = DEFAULT_PAGE_DATE_FORMAT
    citation_authors: int = Field(default=6, ge=0)
    credit_line: str = "Drafted with AI assistance; reviewed by {reviewer} on {date}."
    page_url: str = ""
    page_stylesheet: str = ""
    rpm: int = Field(default=0, ge=0)
    tpm: int = Field(default=0, ge=0)
    concurrency: int = Field(default=256, gt=0)  # a cap: the rate limit sizes what is in flight
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
    _sources: dict[str, SettingSource] = PrivateAttr(default_factory=dict)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        """``LAYDRAFT_ALLOWED_HOSTS=a.example,b.example`` gives a list, as the file does."""
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("audiences", mode="before")
    @classmethod
    def _split_audiences(cls, value: Any) -> Any:
        """``LAYDRAFT_AUDIENCES="patients; the general public"`` gives a list, as the file does."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(";") if item.strip()]
        return value

    def audience_choices(self) -> list[str]:
        """The audiences a draft may be written for: ``audience`` first, then ``audiences``."""
        found: list[str] = []
        for item in [self.audience, *self.audiences]:
            item = " ".join(item.split())
            if item and item not in found:
                found.append(item)
        return found

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        """An ISO 639-1 code the language check's detector knows ("en", "fr", ...)."""
        from lingua import IsoCode639_1  # the detector's list; importing it is cheap

        code = value.strip().lower()
        try:
            IsoCode639_1.from_str(code)
        except ValueError:
            raise ValueError(f"{value!r} is not a two-letter ISO 639-1 language code the "
                             "language check knows, such as \"en\" or \"fr\"") from None
        return code

    @field_validator("page_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        """A locale Babel has CLDR data for ("en_GB", "fr", "de-CH")."""
        if value == DEFAULT_PAGE_LOCALE:  # known good: no need to load Babel's data for it
            return value
        from babel import Locale, UnknownLocaleError

        code = value.strip().replace("-", "_")
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            raise ValueError(f"{value!r} is not a locale laydraft has date names for, such "
                             "as \"en_GB\", \"en_US\" or \"fr\"") from None
        return code

    @field_validator("page_date_format")
    @classmethod
    def _date_pattern(cls, value: str) -> str:
        """A CLDR date pattern ("d MMMM y", "MMMM d, y", "dd.MM.y") that shows a date."""
        if value == DEFAULT_PAGE_DATE_FORMAT:
            return value
        from datetime import date

        from babel.dates import format_date

        try:
            shown = format_date(date(2024, 3, 5), value, locale="en")
        except (ValueError, KeyError, AttributeError):
            shown = value
        if not value.strip() or shown == value:
            raise ValueError(f"{value!r} is not a date pattern; use CLDR letters such as "
                             "\"d MMMM y\" (5 March 2024) or \"y-MM-dd\"")
        return value

    @field_validator("credit_line")
    @classmethod
    def _credit_fields(cls, value: str) -> str:
        """Only {reviewer} and {date} may be filled in; a typo would otherwise fail at export."""
        import string

        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"the credit line has an unmatched brace ({exc}); write {{ and }} "
                             "for a literal brace") from None
        unknown = names - {"reviewer", "date"}
        if unknown:
            raise ValueError(f"the credit line uses {', '.join(sorted(unknown))}; only "
                             "{reviewer} and {date} are filled in")
        return value

    @field_validator("page_url")
    @classmethod
    def _page_url_fields(cls, value: str) -> str:
        """An http(s) address template with {id} and/or {slug}, or empty."""
        import string

        if not value.strip():
            return ""
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"{value!r} is not an http(s) address")
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"page_url has an unmatched brace ({exc})") from None
        if names - {"id", "slug"}:
            raise ValueError(f"page_url uses {', '.join(sorted(names - {'id', 'slug'}))}; "
                             "only {id} and {slug} are filled in")
        return value

    def source_of(self, name: str) -> SettingSource:
        """Where setting ``name`` came from (the last layer that set any part of it)."""
        return self._sources.get(name, DEFAULT_SOURCE)

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

    @field_validator("prompt_variants")
    @classmethod
    def _two_or_more_variants(cls, value: dict[str, str]) -> dict[str, str]:
        """A comparison needs two variants at least; blank names could not be told apart."""
        if any(not name.strip() for name in value):
            raise ValueError("a prompt variant needs a name")
        if len(value) == 1:
            raise ValueError("name two or more prompt variants to compare (one template "
                             "folder alone is prompts_dir)")
        return value

    def variant_for(self, record_key: str) -> str | None:
        """The prompt variant a record is drafted with: the same one every time (a SHA-256 of
        the record key picks among the sorted names), None when no variants are configured."""
        if not self.prompt_variants:
            return None
        names = sorted(self.prompt_variants)
        digest = hashlib.sha256(record_key.encode()).digest()
        return names[int.from_bytes(digest[:8], "big") % len(names)]

    def for_record(self, record_key: str) -> Settings:
        """These settings with ``prompts_dir`` set to the record's variant's folder (or as is)."""
        variant = self.variant_for(record_key)
        if variant is None:
            return self
        return self.model_copy(update={"prompts_dir": self.prompt_variants[variant]})

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


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed file and its text (the text gives line numbers for unknown keys)."""
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text), text
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}", code=ErrorCode.CONFIG_FILE,
                          path=str(path)) from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"config file {path} is a folder, not a file",
                          code=ErrorCode.CONFIG_FILE, path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text", code=ErrorCode.CONFIG_FILE,
                          path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}",
                          code=ErrorCode.CONFIG_FILE, path=str(path)) from exc
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror or exc}",
                          code=ErrorCode.CONFIG_FILE, path=str(path)) from exc


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overrides(environ: dict[str, str] | os._Environ[str]
                   ) -> tuple[dict[str, Any], dict[str, SettingSource]]:
    """Settings from ``LAYDRAFT_<SETTING>`` (and OPENAI_BASE_URL, LAYDRAFT_DB), with the
    variable each came from."""
    values: dict[str, Any] = {}
    sources: dict[str, SettingSource] = {}

    def take(name: str, variable: str) -> None:
        values[name] = environ[variable]
        sources[name] = SettingSource("environment", variable)

    if environ.get("OPENAI_BASE_URL"):
        take("base_url", "OPENAI_BASE_URL")
    for name in Settings.model_fields:
        if name in ("limits", "prices"):
            continue
        if environ.get(f"LAYDRAFT_{name.upper()}") is not None:
            take(name, f"LAYDRAFT_{name.upper()}")
    if environ.get("LAYDRAFT_DB"):
        take("database", "LAYDRAFT_DB")
    return values, sources


def _reject_secrets(data: dict[str, Any], origin: Path) -> None:
    for key in ("api_key", "openai_api_key", "key"):
        if key in data:
            raise ConfigError(
                f"{origin} sets '{key}': an API key is never read from a config file; "
                "remove it from the file", code=ErrorCode.API_KEY_IN_FILE, path=str(origin),
                setting=key, env=API_KEY_ENV)


def _read_config_file(path: Path, user: bool) -> dict[str, Any]:
    """A config file's settings, refusing keys and tables laydraft does not have."""
    data, text = _read_toml(path)
    if user:
        _reject_secrets(data, path)
    unknown = unknown_keys(data, Settings, text)
    if unknown:
        first = unknown[0]
        raise ConfigError(describe(unknown, str(path)), code=ErrorCode.UNKNOWN_SETTING,
                          path=str(path), setting=first.name, line=first.line,
                          suggestion=".".join(first.suggestion) if first.suggestion else None)
    return data


def _user_file(config_file: str | Path | None,
               env: dict[str, str] | os._Environ[str]) -> Path | None:
    user_file = config_file or env.get("LAYDRAFT_CONFIG")
    if user_file:
        return Path(user_file).expanduser()
    return user_config_path() if user_config_path().exists() else None


def load_settings(
    config_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
) -> Settings:
    """Build Settings from defaults, a user file, the environment and explicit overrides.

    Each layer records where its values came from; ``overrides`` are the command's flags.
    """
    env = os.environ if environ is None else environ
    data = _read_config_file(default_config_path(), user=False)
    sources = dict.fromkeys(data, DEFAULT_SOURCE)
    user_path = _user_file(config_file, env)
    if user_path is not None:
        user_data = _read_config_file(user_path, user=True)
        data = _merge(data, user_data)
        sources.update(dict.fromkeys(user_data, SettingSource("file", str(user_path))))
    env_values, env_sources = _env_overrides(env)
    data = _merge(data, env_values)
    sources.update(env_sources)
    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    data = _merge(data, flags)
    sources.update(dict.fromkeys(flags, FLAG_SOURCE))
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        origin = sources.get(str(first["loc"][0]), DEFAULT_SOURCE) if first["loc"] else None
        in_file = f" in {origin.where}" if origin and origin.kind == "file" else ""
        raise ConfigError(f"setting '{where}'{in_file} is invalid: {first['msg']}",
                          setting=where, origin=origin.kind if origin else None,
                          origin_where=origin.where if origin else None) from exc
    settings._sources = sources
    _refuse_memory_database(settings)
    return settings


def in_memory_database(url: str) -> bool:
    """True for a SQLite URL whose database lives in memory and vanishes with the process:
    ``sqlite://``, ``sqlite:///:memory:``, ``file::memory:``, ``?mode=memory``."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+")[0].lower() != "sqlite":
        return False
    database, _, query = rest.partition("?")
    database = database.removeprefix("/")
    options = parse_qs(query)
    if "memory" in options.get("mode", []):
        return True
    return database in ("", ":memory:") or database.startswith("file::memory:") or \
        "mode=memory" in database


def _refuse_memory_database(settings: Settings) -> None:
    url = settings.database_url()
    if not in_memory_database(url):
        return
    origin = settings.source_of("database")
    in_file = f" (in {origin.where})" if origin.kind == "file" else ""
    raise ConfigError(
        f"the database '{mask_url(url)}'{in_file} lives in memory: every draft queued there "
        "would vanish when laydraft exits; give a file path or a server URL instead",
        code=ErrorCode.DATABASE_IN_MEMORY, url=mask_url(url), setting="database",
        origin=origin.kind, origin_where=origin.where)
