"""One exception tree for everything laydraft tells a user.

    LaydraftError                  root; ``str(err)`` is a one-line message for a person
    ├── UsageError                 you configured or called it wrong (exit 2)
    │   ├── ConfigError            a setting is missing or invalid
    │   ├── InputError             the abstract / file / reading list cannot be used
    │   │   └── RecordError        one record of a reading list is bad (carries its position)
    │   ├── BudgetError            the prompt would exceed the context window or token budget
    │   └── NotFoundError          no draft / user with that id
    ├── WorkflowError              the review workflow refuses the action (illegal transition)
    │   └── StaleVersionError      someone saved a newer version first (optimistic locking)
    └── DraftingError              the model or the network failed (exit 1)
        ├── ModelAPIError          the API answered with an error that retrying cannot fix
        └── DraftFailed            a draft ended in a failure state (refused, truncated, ...)

Library code raises these; only the CLI and web layers turn them into exits or pages.
"""

from __future__ import annotations

from typing import Any


class LaydraftError(Exception):
    """Root of every error laydraft reports to a user."""

    exit_code = 1

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class UsageError(LaydraftError):
    """The user asked for something that cannot work as asked; fix the input or settings."""

    exit_code = 2


class ConfigError(UsageError):
    """A setting is missing or invalid."""


class InputError(UsageError):
    """The abstract, file or reading list cannot be used."""


class RecordError(InputError):
    """One record of a reading list is bad; ``source`` names where it came from."""

    def __init__(self, message: str, source: str = "", **context: Any) -> None:
        super().__init__(f"{source}: {message}" if source else message, **context)
        self.source = source
        self.reason = message


class BudgetError(UsageError):
    """The prompt would not fit the model's context window or the configured budget."""


class NotFoundError(UsageError):
    """No draft (or user) with that id."""


class WorkflowError(LaydraftError):
    """The review workflow refuses the action, e.g. an illegal state transition."""

    exit_code = 2


class StaleVersionError(WorkflowError):
    """A save was based on a version that is no longer the latest."""


class DraftingError(LaydraftError):
    """The model or the network failed."""


class ModelAPIError(DraftingError):
    """The API answered with an error that retrying cannot fix (bad key, unknown model...)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None,
                 **context: Any) -> None:
        super().__init__(message, **context)
        self.status = status
        self.code = code


class DraftFailed(DraftingError):
    """A draft request ended in a failure state; ``reason`` is one of FailureReason."""

    def __init__(self, message: str, reason: str, **context: Any) -> None:
        super().__init__(message, **context)
        self.reason = reason
