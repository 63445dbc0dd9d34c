"""The web app for editors and reviewers: a thin layer of pages over the library.

Needs the ``web`` extra (``pip install 'laydraft[web]'``); importing this package without it
raises a ConfigError that says so, and nothing else in laydraft imports it.
"""

from __future__ import annotations

from ..errors import ConfigError, ErrorCode

_NEEDED = ("starlette", "uvicorn", "multipart", "argon2", "itsdangerous")


def require_web_extra() -> None:
    """Raise a ConfigError naming the install command when a web dependency is missing."""
    import importlib.util

    missing = [name for name in _NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(f"the web app needs {', '.join(missing)}, which is not installed",
                          code=ErrorCode.MISSING_EXTRA, extra="web", packages=missing)


require_web_extra()

from .app import create_app  # noqa: E402

__all__ = ["create_app", "require_web_extra"]
