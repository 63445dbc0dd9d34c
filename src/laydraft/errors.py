"""One exception tree for everything laydraft tells a user.

    LaydraftError                  root; ``code`` + ``context`` say what happened
    ├── UsageError                 you called it wrong or gave unusable input (exit 2)
    │   ├── ConfigError            a setting is missing or invalid
    │   ├── InputError             the abstract / file / reading list cannot be used
    │   │   └── RecordError        one record of a reading list is bad (carries its position)
    │   ├── BudgetError            the prompt would exceed the context window or token budget
    │   └── NotFoundError          no draft / version / user / batch job with that id
    ├── StorageError               the queue database cannot be written: read-only, full,
    │                              gone (deleted or replaced) or failing (exit 1)
    ├── WorkflowError              the review workflow refuses the action (exit 2)
    │   ├── NotClaimedError        the action needs the reviewer to hold the draft's claim
    │   └── StaleVersionError      someone saved a newer version first (optimistic locking)
    └── DraftingError              the model or the network failed (exit 1)
        ├── NetworkError           a server could not be reached or answered badly (NCBI)
        │   └── ModelUnreachableError  the model server could not be reached (also a
        │                              ModelAPIError, so batch runs count it as a failed call)
        ├── ModelAPIError          the API answered with an error that retrying cannot fix
        │   └── BatchAPIError      a Batch API step (upload, create, poll, download) failed
        ├── RunHalted              a stopped run refused to send another model request
        └── DraftFailed            a draft ended in a failure state (refused, truncated, ...)

Every error carries a stable ``code`` (an ``ErrorCode``; each class has a default) and a
``context`` dict of structured facts (``draft_id``, ``setting``, ``status``, ``path``...).
``str(err)`` is neutral, interface-free text: it never names a CLI command, option or
environment variable as the fix, because the web shows errors to people without a terminal.
The interfaces phrase errors for their users from ``code`` and ``context``:
``laydraft.cli.messages`` for a terminal, ``laydraft.web.messages`` for a browser. They decide
by code or class, never by matching message text.

Exit codes (the CLI's contract, see the README): 2 for usage, input, config, not found and
workflow errors; 1 for network, model API, storage and failed drafts (and anything unexpected).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable machine-readable error codes; the value is what scripts and logs see."""

    # usage and input (exit 2)
    USAGE = "usage"                          # a command or form was used wrongly
    REVIEWER_MISSING = "reviewer_missing"    # the action needs to know who acts
    NO_CHANGES = "no_changes"                # the edit changed nothing; nothing saved
    EMPTY_TEXT = "empty_text"                # a comment or instruction is empty (context: field)
    UNKNOWN_CHOICE = "unknown_choice"        # not one of the allowed values (context: field,
                                             # value, choices)
    INVALID_SECTION = "invalid_section"      # a section's text is not acceptable (context: section)
    EDIT_UNREADABLE = "edit_unreadable"      # an edited Markdown file cannot be read back
    NOTHING_TO_COMPARE = "nothing_to_compare"  # the draft has one version (context: draft_id)
    INVALID_USER = "invalid_user"            # a user name or password is not acceptable
    USER_EXISTS = "user_exists"              # context: name
    LAST_ADMIN = "last_admin"                # the change would leave no admin (context: name)
    SIGNIN_THROTTLED = "signin_throttled"    # too many failed sign-ins (context: retry_after
                                             # seconds, limit: "account" or "address")
    SIGNIN_BUSY = "signin_busy"              # too many sign-ins at once (context: retry_after)
    DRAFTER_UNAVAILABLE = "drafter_unavailable"  # context: drafter
    INPUT = "input"                          # the input cannot be used (generic)
    NO_INPUT = "no_input"                    # nothing was given to draft
    FILE_MISSING = "file_missing"            # context: path
    FILE_IS_FOLDER = "file_is_folder"        # context: path
    FILE_EMPTY = "file_empty"                # context: path
    FILE_UNREADABLE = "file_unreadable"      # cannot be read / decompressed (context: path)
    FILE_BINARY = "file_binary"              # a PDF, image, archive... (context: path, kind)
    FILE_UNDECODABLE = "file_undecodable"    # not UTF-8 or Windows-1252 (context: path)
    FILE_TOO_LARGE = "file_too_large"        # context: path, max_bytes, setting (piped: True
                                             # when a pipe had to fit in memory whole)
    INPUT_TIMEOUT = "input_timeout"          # a pipe or FIFO sent nothing in time (context:
                                             # path, seconds, setting, received bytes)
    FORMAT_UNSUPPORTED = "format_unsupported"  # context: path
    NO_ABSTRACT_COLUMN = "no_abstract_column"  # a CSV without an abstract column (context: path)
    SEVERAL_RECORDS = "several_records"      # one abstract expected (context: path, count)
    NO_RECORD = "no_record"                  # context: path
    BAD_RECORD = "bad_record"                # one record of a list (context: source, reason)
    BAD_IDENTIFIER = "bad_identifier"        # not a PMID / DOI (context: kind, value)
    NO_PUBMED_RECORD = "no_pubmed_record"    # context: pmid or doi
    AMBIGUOUS_DOI = "ambiguous_doi"          # context: doi, pmids
    OVER_BUDGET = "over_budget"              # context: limit, setting (max_tokens_per_draft)
    TOO_LONG_FOR_MODEL = "too_long_for_model"  # context: model, context_window
    # configuration (exit 2)
    CONFIG = "config"                        # a setting is invalid (context: setting)
    CONFIG_FILE = "config_file"              # the config file is missing or broken (context: path)
    UNKNOWN_SETTING = "unknown_setting"      # a config file has a key or table laydraft does
                                             # not know (context: path, setting, line,
                                             # suggestion)
    API_KEY_IN_FILE = "api_key_in_file"      # context: path, setting
    MISSING_API_KEY = "missing_api_key"      # context: setting (the environment variable)
    MISSING_EXTRA = "missing_extra"          # an optional dependency is missing (context: extra)
    SESSION_KEY = "session_key"              # the web session key is unusable (context: path)
    DATABASE = "database"                    # the database cannot be used (context: url)
    DATABASE_IN_MEMORY = "database_in_memory"  # an in-memory URL; drafts would vanish
                                             # (context: url masked, setting, origin)
    DATABASE_NOT_SQLITE = "database_not_sqlite"  # the file is not a SQLite database (context:
                                             # path)
    DATABASE_UNREACHABLE = "database_unreachable"  # the database server cannot be reached or
                                             # refuses the connection (context: url masked,
                                             # reason)
    TEMPLATE = "template"                    # a prompt or export template is broken
    # not found (exit 2)
    NOT_FOUND = "not_found"
    DRAFT_NOT_FOUND = "draft_not_found"      # context: draft_id
    VERSION_NOT_FOUND = "version_not_found"  # context: draft_id, version
    USER_NOT_FOUND = "user_not_found"        # context: name
    BATCH_JOB_NOT_FOUND = "batch_job_not_found"  # context: batch_id
    # workflow (exit 2)
    ILLEGAL_TRANSITION = "illegal_transition"  # context: draft_id, action, status
    NOT_CLAIMED = "not_claimed"              # context: draft_id, action, status, holder
    STALE_VERSION = "stale_version"          # context: draft_id, base
    CHANGED_MEANWHILE = "changed_meanwhile"  # the draft changed while an action ran
    NOT_PERMITTED = "not_permitted"          # the person's role does not allow the action
                                             # (context: draft_id, action, role, needed, person)
    FOUR_EYES = "four_eyes"                  # the approver created or last saved the draft
                                             # (context: draft_id, person, reason)
    UNRESOLVED_ERRORS = "unresolved_errors"  # approving needs a reason for each error finding
                                             # (context: draft_id, version, findings)
    BAD_OVERRIDE = "bad_override"            # an override names no error finding or has no
                                             # reason (context: draft_id, key, count)
    NO_SUCH_FINDING = "no_such_finding"      # a dismissal names no finding of the current
                                             # version (context: draft_id, version, finding,
                                             # count)
    ALREADY_DISMISSED = "already_dismissed"  # that finding is dismissed already (context:
                                             # draft_id, finding, actor, reason)
    NOT_DISMISSED = "not_dismissed"          # undoing a dismissal of a finding no dismissal
                                             # covers (context: draft_id, finding)
    UNKNOWN_ACTOR = "unknown_actor"          # a shared queue needs a known user (context: name,
                                             # action)
    # network (exit 1)
    NETWORK = "network"
    NCBI_UNREACHABLE = "ncbi_unreachable"
    NCBI_ERROR = "ncbi_error"                # NCBI answered with an HTTP error (context: status)
    MODEL_UNREACHABLE = "model_unreachable"  # context: base_url
    # model (exit 1)
    MODEL_API = "model_api"                  # context: status, api_code
    BATCH_API_STEP = "batch_api_step"        # a Batch API step failed for good (context: step =
                                             # upload|create|poll|download, status, api_code,
                                             # tries, seconds, path, file_id, batch_id)
    DRAFT_FAILED = "draft_failed"            # context: reason
    DRAFTING = "drafting"                    # the model or network failed (generic)
    RUN_HALTED = "run_halted"                # a stopped run sends no more requests (context:
                                             # reason)
    # storage (exit 1): context url or path, reason (the OS / database's own words)
    STORAGE_READONLY = "storage_readonly"    # the database (file or folder) is read-only
    STORAGE_FULL = "storage_full"            # the disk (or the database's quota) is full
    STORAGE_GONE = "storage_gone"            # the database file was deleted or replaced
    STORAGE_FAILED = "storage_failed"        # any other write failure (disk I/O error...)
    ERROR = "error"                          # anything else


class LaydraftError(Exception):
    """Root of every error laydraft reports to a user."""

    exit_code = 1
    default_code = ErrorCode.ERROR

    def __init__(self, message: str, *, code: ErrorCode | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code: ErrorCode = code or self.default_code
        self.context = context

    def __str__(self) -> str:
        return self.message


class UsageError(LaydraftError):
    """The user asked for something that cannot work as asked; fix the input or settings."""

    exit_code = 2
    default_code = ErrorCode.USAGE


class ConfigError(UsageError):
    """A setting is missing or invalid."""

    default_code = ErrorCode.CONFIG


class InputError(UsageError):
    """The abstract, file or reading list cannot be used."""

    default_code = ErrorCode.INPUT


class RecordError(InputError):
    """One record of a reading list is bad; ``source`` names where it came from."""

    default_code = ErrorCode.BAD_RECORD

    def __init__(self, message: str, source: str = "", **context: Any) -> None:
        super().__init__(f"{source}: {message}" if source else message, source=source,
                         reason=message, **context)
        self.source = source
        self.reason = message


class BudgetError(UsageError):
    """The prompt would not fit the model's context window or the configured budget."""

    default_code = ErrorCode.OVER_BUDGET


class NotFoundError(UsageError):
    """No draft (or version, user, batch job) with that id."""

    default_code = ErrorCode.NOT_FOUND


class StorageError(LaydraftError):
    """The queue database could not be written: nothing more can be stored, so work stops.

    ``code`` says why (read-only, full, gone, failed); ``context`` holds ``url`` or ``path``
    and ``reason``, the database's or operating system's own words.
    """

    default_code = ErrorCode.STORAGE_FAILED


class WorkflowError(LaydraftError):
    """The review workflow refuses the action, e.g. an illegal state transition."""

    exit_code = 2
    default_code = ErrorCode.ILLEGAL_TRANSITION


class NotClaimedError(WorkflowError):
    """The action needs the reviewer to hold the draft's claim, and they do not."""

    default_code = ErrorCode.NOT_CLAIMED


class StaleVersionError(WorkflowError):
    """A save was based on a version that is no longer the latest."""

    default_code = ErrorCode.STALE_VERSION


class DraftingError(LaydraftError):
    """The model or the network failed."""

    default_code = ErrorCode.DRAFTING


class NetworkError(DraftingError):
    """A server (NCBI E-utilities, the model server) could not be reached or answered badly."""

    default_code = ErrorCode.NETWORK


class ModelAPIError(DraftingError):
    """The API answered with an error that retrying cannot fix (bad key, unknown model...).

    ``status`` is the HTTP status and ``api_code`` the API's own error code, when known.
    """

    default_code = ErrorCode.MODEL_API

    def __init__(self, message: str, status: int | None = None, api_code: str | None = None,
                 *, code: ErrorCode | None = None, **context: Any) -> None:
        super().__init__(message, code=code, status=status, api_code=api_code, **context)
        self.status = status
        self.api_code = api_code


class ModelUnreachableError(ModelAPIError, NetworkError):
    """The model server could not be reached (connection refused, DNS, timeouts)."""

    default_code = ErrorCode.MODEL_UNREACHABLE

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message, api_code="unreachable", **context)


class RunHalted(DraftingError):
    """A run stopped (a fatal answer, a storage failure, an interrupt): no request is sent.

    Raised by the halt gate in the model client's transport chain; a record that meets it was
    not drafted and is left for the next run, not counted as failed.
    """

    default_code = ErrorCode.RUN_HALTED

    def __init__(self, reason: str) -> None:
        super().__init__(f"no model request was sent: the run has stopped ({reason})",
                         reason=reason)
        self.reason = reason


class BatchAPIError(ModelAPIError):
    """A Batch API step failed for good: refused, or still failing when retrying ran out.

    ``step`` (``upload``, ``create``, ``poll`` or ``download``) says which call, so the user
    knows what did and did not reach the server; ``tries`` and ``seconds`` what was tried.
    """

    default_code = ErrorCode.BATCH_API_STEP

    def __init__(self, message: str, step: str, status: int | None = None,
                 api_code: str | None = None, **context: Any) -> None:
        super().__init__(message, status, api_code, step=step, **context)
        self.step = step


class DraftFailed(DraftingError):
    """A draft request ended in a failure state; ``reason`` is one of FailureReason."""

    default_code = ErrorCode.DRAFT_FAILED

    def __init__(self, message: str, reason: str, **context: Any) -> None:
        super().__init__(message, reason=reason, **context)
        self.reason = reason
