"""Errors phrased for a person at a terminal: the library's message plus what to type next.

The library's ``str(err)`` says what happened in words any interface can show. Here, keyed by
``ErrorCode``, is the terminal's half: the command, option, config setting or environment
variable that fixes it. Every code has an entry (a test holds us to it), so a new code cannot
reach a user unphrased. Decisions use ``err.code`` and ``err.context``, never message text.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import API_KEY_ENV
from ..errors import ErrorCode, LaydraftError
from ..masking import mask_secrets

E = ErrorCode
Hint = Callable[[LaydraftError], str]


def _none(err: LaydraftError) -> str:
    return ""


def _ctx(err: LaydraftError, key: str, default: object = "?") -> object:
    return err.context.get(key, default)


def _empty_text(err: LaydraftError) -> str:
    if _ctx(err, "field") == "instruction":
        return "; give it with -m, e.g. -m \"shorter, simpler words\""
    return "; write it with -m TEXT"


def _not_claimed(err: LaydraftError) -> str:
    return f": run `laydraft review claim {_ctx(err, 'draft_id')}`"


def _illegal(err: LaydraftError) -> str:
    if _ctx(err, "action") in ("export", "publish"):
        return " (use --preview to look at it without publishing)"
    if _ctx(err, "status", None) == "rejected" and _ctx(err, "action", None) != "reopen":
        return f"; a reviewer can reopen it: `laydraft review reopen {_ctx(err, 'draft_id')}`"
    return ""


def _session_key(err: LaydraftError) -> str:
    problem = _ctx(err, "problem")
    if problem == "short":
        return " (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
    if problem == "create":
        return f"; set {_ctx(err, 'setting')} instead"
    if problem == "mode":
        return f"; run: chmod 600 {_ctx(err, 'path')}"
    return ""


def _database(err: LaydraftError) -> str:
    extra = _ctx(err, "extra", None)
    return f" (install the extra: pip install 'laydraft[{extra}]')" if extra else ""


def _origin(err: LaydraftError) -> str:
    """Where a refused setting came from, when not a file the message already names."""
    kind, where = _ctx(err, "origin", None), _ctx(err, "origin_where", None)
    if kind == "environment":
        return f" (set by {where} in the environment)"
    if kind == "flag":
        return " (given as a command-line flag)"
    return ""


def _unknown_setting(err: LaydraftError) -> str:
    if _ctx(err, "suggestion", None):
        return ""
    return "; the README's configuration reference lists every setting"


def _too_large(err: LaydraftError) -> str:
    if _ctx(err, "piped", False):
        return (f"; save it to a file (a reading list in a file is read record by record) or "
                f"raise {_ctx(err, 'setting')} in your config")
    return f"; raise {_ctx(err, 'setting')} in your config or split the file"


def _ncbi_error(err: LaydraftError) -> str:
    return "; set NCBI_API_KEY for a higher limit" if _ctx(err, "status") == 429 else ""


def _not_permitted(err: LaydraftError) -> str:
    if _ctx(err, "role") == "unknown":
        return ""
    return (f"; an admin can change it with `laydraft user role {_ctx(err, 'person')} "
            f"{_ctx(err, 'needed')}`")


def _unresolved(err: LaydraftError) -> str:
    return (f": give a reason for each, e.g. `laydraft review approve {_ctx(err, 'draft_id')} "
            "--override 1=\"checked against table 2\"` (one --override per finding number), "
            "or edit the draft")


def _unknown_actor(err: LaydraftError) -> str:
    return (f": this queue is shared, so act as a known user (--as NAME or LAYDRAFT_REVIEWER); "
            f"an admin adds one with `laydraft user add {_ctx(err, 'name')} --role "
            f"{_ctx(err, 'needed', 'editor')}`")


def _storage(fix: str) -> Hint:
    """A storage hint; a failure found by the check before drafting cost nothing."""
    def hint(err: LaydraftError) -> str:
        before = (" (found before drafting: no model call was made)"
                  if _ctx(err, "checked", False) else "")
        return before + fix
    return hint


def _batch_step(err: LaydraftError) -> str:
    """What to check after a Batch API step failed, by the status the server gave."""
    step, status = _ctx(err, "step"), _ctx(err, "status", None)
    if status == 401:
        return f"; check {API_KEY_ENV} (a key of the server at base_url, if you set one)"
    if status == 403:
        return "; check that the key may use the Files and Batches endpoints"
    if _ctx(err, "api_code", None) == "insufficient_quota":
        return "; retrying cannot help: add credit to the account or use another key"
    if status == 404 and step in ("upload", "create"):
        return ("; check base_url: the server there may not offer the Batch API (its Files "
                "and Batches endpoints)")
    if status == 404:
        return ("; check base_url and the key: a batch and its files belong to the server and "
                "project that created them")
    if status in (400, 413, 422):
        return "; check the request file named above" if step == "upload" else ""
    if step in ("upload", "create"):
        wait = ("check base_url and your connection, then" if status is None else "the server "
                "may be busy or down:")
        return (f"; {wait} run `laydraft batch {_ctx(err, 'list_path', 'LIST')} --via "
                "batch-api` again to submit them (or raise retry_deadline to keep retrying "
                "longer)")
    again = "`laydraft batch status` or `laydraft batch collect`" if step == "poll" else (
        "`laydraft batch collect`")
    return (f"; {'check base_url and your connection, then ' if status is None else ''}"
            f"run {again} again later")


HINTS: dict[ErrorCode, Hint] = {
    E.USAGE: _none,
    E.REVIEWER_MISSING: lambda e: (": pass --as NAME, set LAYDRAFT_REVIEWER, or add "
                                   "reviewer = \"NAME\" to your config file"),
    E.NO_CHANGES: _none,
    E.EMPTY_TEXT: _empty_text,
    E.UNKNOWN_CHOICE: _none,
    E.INVALID_SECTION: _none,
    E.EDIT_UNREADABLE: _none,
    E.NOTHING_TO_COMPARE: lambda e: (" (give two versions: laydraft review diff "
                                     f"{_ctx(e, 'draft_id')} A B)"),
    E.INVALID_USER: _none,
    E.USER_EXISTS: lambda e: " (see `laydraft user list`)",
    E.LAST_ADMIN: lambda e: ": first make another account admin with `laydraft user role "
                            "NAME admin`",
    E.SIGNIN_THROTTLED: _none,
    E.SIGNIN_BUSY: _none,
    E.DRAFTER_UNAVAILABLE: lambda e: f"; set {API_KEY_ENV} or base_url where the server runs",
    E.INPUT: _none,
    E.NO_INPUT: lambda e: "; give a FILE, '-', --example, --pmid or --doi",
    E.FILE_MISSING: _none,
    E.FILE_IS_FOLDER: _none,
    E.FILE_EMPTY: _none,
    E.FILE_UNREADABLE: _none,
    E.FILE_BINARY: _none,
    E.FILE_UNDECODABLE: _none,
    E.FILE_TOO_LARGE: _too_large,
    E.INPUT_TIMEOUT: lambda e: ("; start the program that writes to it, or raise "
                                f"{_ctx(e, 'setting')} in your config (0 waits forever)"),
    E.FORMAT_UNSUPPORTED: _none,
    E.NO_ABSTRACT_COLUMN: _none,
    E.SEVERAL_RECORDS: lambda e: f"; draft them all with `laydraft batch {_ctx(e, 'path')}`",
    E.NO_RECORD: _none,
    E.BAD_RECORD: _none,
    E.BAD_IDENTIFIER: _none,
    E.NO_PUBMED_RECORD: _none,
    E.AMBIGUOUS_DOI: lambda e: "; use --pmid with one of them",
    E.OVER_BUDGET: lambda e: (f": shorten the abstract or raise {_ctx(e, 'setting')} in "
                              "your config"),
    E.TOO_LONG_FOR_MODEL: _none,
    E.CONFIG: _origin,
    E.CONFIG_FILE: _none,
    E.UNKNOWN_SETTING: _unknown_setting,
    E.API_KEY_IN_FILE: lambda e: f"; set the {_ctx(e, 'env')} environment variable instead",
    E.MISSING_API_KEY: lambda e: (f": set {_ctx(e, 'setting')} in the environment, or set "
                                  "base_url for a local server"),
    E.MISSING_EXTRA: lambda e: f": pip install 'laydraft[{_ctx(e, 'extra')}]'",
    E.SESSION_KEY: _session_key,
    E.DATABASE: _database,
    E.DATABASE_IN_MEMORY: _origin,
    E.DATABASE_NOT_SQLITE: lambda e: ("; point the database setting (or --db) at another file, "
                                      "or move that file aside"),
    E.DATABASE_UNREACHABLE: lambda e: ("; check that the database server is running and the "
                                       "URL in the database setting (--db, LAYDRAFT_DATABASE)"),
    E.TEMPLATE: _none,
    E.NOT_FOUND: _none,
    E.DRAFT_NOT_FOUND: lambda e: ": see `laydraft queue list`",
    E.VERSION_NOT_FOUND: lambda e: f" (see `laydraft review history {_ctx(e, 'draft_id')}`)",
    E.USER_NOT_FOUND: lambda e: f": add one with `laydraft user add {_ctx(e, 'name')}`",
    E.BATCH_JOB_NOT_FOUND: lambda e: ": see `laydraft batch status`",
    E.ILLEGAL_TRANSITION: _illegal,
    E.NOT_CLAIMED: _not_claimed,
    E.STALE_VERSION: lambda e: (" (look at the new version with `laydraft review diff "
                                f"{_ctx(e, 'draft_id')}`)"),
    E.NOT_PERMITTED: _not_permitted,
    E.FOUR_EYES: lambda e: (f"; another reviewer must claim and approve it (`laydraft review "
                            f"release {_ctx(e, 'draft_id')}`, then they run `laydraft review "
                            f"claim {_ctx(e, 'draft_id')} --as NAME`), or set four_eyes = "
                            "false for a one-person queue"),
    E.UNRESOLVED_ERRORS: _unresolved,
    E.BAD_OVERRIDE: lambda e: (f" (see the numbered error findings with `laydraft review "
                               f"approve {_ctx(e, 'draft_id')}` without --override)"),
    E.NO_SUCH_FINDING: lambda e: (f" (see the numbered findings with `laydraft review show "
                                  f"{_ctx(e, 'draft_id')}`)"),
    E.ALREADY_DISMISSED: _none,
    E.NOT_DISMISSED: lambda e: (f" (dismissed findings are marked in `laydraft review show "
                                f"{_ctx(e, 'draft_id')}`)"),
    E.UNKNOWN_ACTOR: _unknown_actor,
    E.CHANGED_MEANWHILE: lambda e: ("; look again with `laydraft review show "
                                    f"{_ctx(e, 'draft_id')}`"),
    E.NETWORK: _none,
    E.NCBI_UNREACHABLE: lambda e: ("; check the network connection, or save the record from "
                                   "PubMed (Send to > File > PubMed) and pass the file instead"),
    E.NCBI_ERROR: _ncbi_error,
    E.MODEL_UNREACHABLE: lambda e: (": check base_url and your connection, or raise "
                                    "request_timeout in your config"
                                    if e.context.get("timed_out", True) else
                                    ": check that the server runs at that address, base_url "
                                    "(OPENAI_BASE_URL) and the network, proxy or TLS settings"),
    E.MODEL_API: _none,
    E.BATCH_API_STEP: _batch_step,
    E.DRAFT_FAILED: _none,
    E.DRAFTING: _none,
    E.RUN_HALTED: _none,
    E.STORAGE_READONLY: _storage("; make the database file and its folder writable (SQLite "
                                 "writes -wal and -shm files beside it), or point --db or "
                                 "database in your config at a writable place"),
    E.STORAGE_FULL: _storage("; free space on that disk, or point --db or database in your "
                             "config at another disk, then run the command again"),
    E.STORAGE_GONE: _storage("; put the database file back (or start a new queue with --db), "
                             "then run the command again: a batch run continues where it "
                             "stopped"),
    E.STORAGE_FAILED: _storage("; check the disk (or the database server) and run the "
                               "command again"),
    E.ERROR: _none,
}


def cli_message(err: LaydraftError) -> str:
    """One line for stderr: what happened, what to run or set, and what a failure cost.

    Secrets inside URLs are masked and a driver's multi-line message is joined into one line,
    whatever the library put in the message.
    """
    kept = err.context.get("kept_in")
    text = str(err) + (f"; your text is kept in {kept}" if kept else "")
    kept_answer = ("; the model's answer is kept in the answer journal: run the same command "
                   "again once the queue can be written and it is queued without a new call"
                   if err.context.get("answer_kept") else "")
    return one_line(text + HINTS.get(err.code, _none)(err) + kept_answer + _billed(err))


def one_line(text: str) -> str:
    """``text`` on one line, with passwords and keys inside URLs shown as ***."""
    return mask_secrets(" ".join(text.split()))


def _billed(err: LaydraftError) -> str:
    """What a failed draft's calls cost, so no bill goes unexplained."""
    # A send that never reached a server (refused, DNS, TLS) is no call and costs nothing.
    attempts = [a for a in err.context.get("attempts") or []
                if getattr(a, "outcome", None) != "connection_error"]
    cost = err.context.get("cost_usd")
    if not attempts:
        return ""
    spent = f", cost ${cost:.6f}" if cost else ""
    return f" ({len(attempts)} call{'s' if len(attempts) != 1 else ''} made{spent})"
