"""The key that signs session cookies, resolved in one documented order.

1. ``LAYDRAFT_WEB_SECRET`` in the environment (at least 32 characters);
2. else the file ``web_secret`` in the user data directory, created on first use with a
   random key and permissions 0600 so only its owner can read it.

The key never lives in the repository or in a config file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from ..config import user_data_dir
from ..errors import ConfigError, ErrorCode

SECRET_ENV = "LAYDRAFT_WEB_SECRET"
MIN_SECRET_LENGTH = 32


def secret_path() -> Path:
    return user_data_dir() / "web_secret"


def session_secret(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The session signing key: from the environment, else the private key file."""
    env = os.environ if environ is None else environ
    value = env.get(SECRET_ENV, "").strip()
    if value:
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigError(f"the session key is too short: use at least "
                              f"{MIN_SECRET_LENGTH} random characters",
                              code=ErrorCode.SESSION_KEY, setting=SECRET_ENV, problem="short",
                              minimum=MIN_SECRET_LENGTH)
        return value
    return _file_secret(secret_path())


def _file_secret(path: Path) -> str:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_private(path)
    except OSError as exc:
        raise ConfigError(f"cannot create the session key file {path}: {exc}",
                          code=ErrorCode.SESSION_KEY, path=str(path), setting=SECRET_ENV,
                          problem="create") from exc
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
    return _read_private(path)


def _read_private(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"the session key file {path} is readable by others "
                          f"(mode {mode:o})", code=ErrorCode.SESSION_KEY, path=str(path),
                          setting=SECRET_ENV, problem="mode")
    value = path.read_text().strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"the session key file {path} is too short; delete it and a new "
                          "one is made on the next start", code=ErrorCode.SESSION_KEY,
                          path=str(path), setting=SECRET_ENV, problem="file_short")
    return value
