"""Secrets inside URLs, hidden wherever a URL can be shown.

People write credentials into the URLs laydraft is given: ``base_url`` with ``user:password@``
or an ``?api-key=`` query parameter, a PostgreSQL URL with its password. Anything that shows a
URL to a person or a log (``laydraft config``, error messages in the terminal and the browser,
the web server's log, batch summaries) passes it through ``mask_url``, or a whole message
through ``mask_secrets``, so the secret is replaced by ``***`` while the rest (scheme, user,
host, port, path) stays readable enough to find the mistake.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# Query parameters whose value is a credential: api-key, api_key, key, token, access_token,
# password, secret, sig / signature (Azure SAS), auth...
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|sig|auth|credential", re.IGNORECASE)
# scheme://[user[:password]@]host... up to whitespace, a quote or a closing bracket.
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>`)\]]*")
# An OpenAI-style key on its own (sk-..., sk-proj-...), should one ever reach a message.
_BARE_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")
# A libpq keyword/value connection string's password (host=... password=...).
_DSN_PASSWORD = re.compile(r"\b(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` with the password of its user part and secret query values replaced by ***."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    split = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if found != -1:
            split = min(split, found)
    authority, tail = rest[:split], rest[split:]
    userinfo, at, host = authority.rpartition("@")
    if at:
        user, colon, _password = userinfo.partition(":")
        authority = f"{user}:{MASK}@{host}" if colon else f"{userinfo}@{host}"
    return f"{scheme}://{authority}{_mask_query(tail)}"


def _mask_query(tail: str) -> str:
    path, question, query = tail.partition("?")
    if not question:
        return tail
    query, hash_, fragment = query.partition("#")
    pairs = []
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if equals and value and _SECRET_PARAM.search(name):
            value = MASK
        pairs.append(f"{name}{equals}{value}")
    return f"{path}?{'&'.join(pairs)}{hash_}{fragment}"


def mask_secrets(text: str) -> str:
    """``text`` with every URL in it masked (``mask_url``), and a ``password=`` of a
    connection string or a bare ``sk-`` key hidden."""
    masked = _URL.sub(lambda match: mask_url(match.group(0)), text)
    masked = _DSN_PASSWORD.sub(lambda match: match.group(1) + MASK, masked)
    return _BARE_KEY.sub(MASK, masked)


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in a record's message and its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_secrets(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True
