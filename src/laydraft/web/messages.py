"""Errors phrased for a person in a browser: what happened, and what to do on the page.

A browser user has no terminal and cannot change the server's settings, so nothing here names
a command, option or environment variable. Where the library's neutral message helps (it says
which section, which file, which limit) it is shown; where the fix lies with whoever runs the
site, the page says so and the details go to the server's log instead. Every ``ErrorCode`` has
an entry (a test holds us to it); decisions use ``err.code`` and ``err.context``, never text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import PurePath

from ..errors import ErrorCode, LaydraftError
from ..masking import MaskingFilter, mask_secrets

E = ErrorCode
Phrase = Callable[[LaydraftError], str]
log = logging.getLogger("laydraft.web")
log.addFilter(MaskingFilter())  # no password inside a URL reaches the server's log
ADMIN = "If it keeps happening, tell whoever runs this site; the details are in its log."


def _said(err: LaydraftError) -> str:
    """The library's neutral message as a sentence."""
    text = str(err).strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def _also(advice: str) -> Phrase:
    return lambda err: f"{_said(err)} {advice}"


def _ctx(err: LaydraftError, key: str, default: object = "?") -> object:
    return err.context.get(key, default)


def _file(err: LaydraftError) -> str:
    """The file's name (an upload's own name), followed by a space, or nothing."""
    path = err.context.get("path")
    return f"{PurePath(str(path)).name} " if path else ""


def _size(n: object) -> str:
    if not isinstance(n, int):
        return "its size limit"
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    return f"{n / 1000:g} kB" if n >= 1000 else f"{n} bytes"


def _server_problem(what: str) -> Phrase:
    """A problem with the server's own set-up: the user can only report it."""
    def phrase(err: LaydraftError) -> str:
        log.warning("%s (%s): %s", what, err.code, err)
        return f"{what} {ADMIN}"
    return phrase


def _minutes(seconds: object) -> str:
    """A wait in whole minutes, rounded up: "1 minute", "15 minutes"."""
    whole = max(1, -(-int(seconds) // 60)) if isinstance(seconds, int | float) else 1
    return f"{whole} minute" + ("" if whole == 1 else "s")


def _not_claimed(err: LaydraftError) -> str:
    action = str(_ctx(err, "action", "change")).replace("_", " ")
    return (f"You cannot {action} draft #{_ctx(err, 'draft_id')} yet: it is waiting for "
            "review. Claim this draft first with the Claim button, then try again.")


def _illegal(err: LaydraftError) -> str:
    if _ctx(err, "action") in ("export", "publish"):
        return (f"{_said(err)} Use the preview to look at the page without publishing; it "
                "can be published once the draft is approved.")
    if _ctx(err, "status", None) == "rejected" and _ctx(err, "action", None) != "reopen":
        return (f"{_said(err)} A reviewer can send it back to the queue with the Reopen for "
                "review button on its page.")
    return f"{_said(err)} Reload the page to see the draft's current state."


def too_large(name: str, max_bytes: object) -> str:
    """An upload (or pasted text) over the site's limit: what to do about it on the page."""
    what = f"The file {name}is" if name else "This abstract is"
    limit = f" ({_size(max_bytes)} max)" if isinstance(max_bytes, int) else ""
    return (f"{what} larger than this site accepts{limit}. Shorten it, "
            "upload just the abstract or paste it into the box, or ask an administrator "
            "of this site.")


def _no_version(err: LaydraftError) -> str:
    versions = err.context.get("versions")
    if isinstance(versions, int):
        return (f"Draft #{_ctx(err, 'draft_id')} has no version {_ctx(err, 'version')}: "
                f"pick two versions between 1 and {versions}.")
    return (f"Draft #{_ctx(err, 'draft_id')} has no version {_ctx(err, 'version')}. "
            "Reload the page.")


def _draft_failed(err: LaydraftError) -> str:
    reason = _ctx(err, "reason", "")
    log.warning("draft failed (%s): %s", reason, err)
    if reason == "refused":
        return ("The model refused to summarise this abstract. Check that it is the abstract "
                "you meant, or write this summary by hand.")
    if reason == "filtered":
        return ("The provider's content filter stopped the answer. Review the abstract's "
                "wording, or write this summary by hand.")
    if reason == "truncated":
        return ("The model's answer was cut off before it was complete. Try a shorter "
                f"abstract, or the offline drafter. {ADMIN}")
    if reason == "invalid_output":
        return ("The model's answer was not a usable summary, even after asking it to fix it. "
                "Try again, or choose the offline drafter.")
    return f"The draft could not be made. Try again, or choose the offline drafter. {ADMIN}"


def _model_api(err: LaydraftError) -> str:
    log.warning("model API error (%s %s): %s", _ctx(err, "status", None),
                _ctx(err, "api_code", None), err)
    status = _ctx(err, "status", None)
    got = f" (HTTP {status})" if status else ""
    return (f"The model service refused the request{got}, so nothing was drafted. Try again "
            f"later, or choose the offline drafter. {ADMIN}")


def _unresolved(err: LaydraftError) -> str:
    found = err.context.get("findings") or []
    listed = "; ".join(f"{item.get('number')}. {item.get('message')}" for item in found
                       if isinstance(item, dict))
    return (f"Draft #{_ctx(err, 'draft_id')} was not approved: it has error findings that "
            f"need a written reason each before it can be approved ({listed}). Write a "
            "reason in the box beside each finding, or edit the draft.")


PHRASES: dict[ErrorCode, Phrase] = {
    E.USAGE: _said,
    E.REVIEWER_MISSING: lambda e: "Sign in again, then repeat the action.",
    E.NO_CHANGES: lambda e: ("The text is the same as the current version, so there was "
                             "nothing to save. Change the text first, then save."),
    E.EMPTY_TEXT: lambda e: (f"The {_ctx(e, 'field', 'text')} box is empty: write in it, then "
                             "send the form again."),
    E.UNKNOWN_CHOICE: _also("Reload the page and pick one of the choices offered."),
    E.INVALID_SECTION: _also("Change the text in the box and save again."),
    E.EDIT_UNREADABLE: _also("Change the text and save again."),
    E.NOTHING_TO_COMPARE: lambda e: (f"Draft #{_ctx(e, 'draft_id')} has only one version, so "
                                     "there is nothing to compare yet."),
    E.INVALID_USER: _also("Choose another and try again."),
    E.USER_EXISTS: _also("Choose another name."),
    E.LAST_ADMIN: _also("Make another account admin first."),
    E.SIGNIN_THROTTLED: lambda e: ("Too many sign-in attempts. Try again in "
                                   f"{_minutes(_ctx(e, 'retry_after', 60))}."),
    E.SIGNIN_BUSY: lambda e: ("Many people are signing in right now. Try again in a few "
                              "seconds."),
    E.DRAFTER_UNAVAILABLE: lambda e: (f"{_said(e)}" if _ctx(e, "draft_id", None) else
                                      f"{_said(e)} Choose another drafter."),
    E.INPUT: _said,
    E.NO_INPUT: lambda e: "Paste an abstract into the box, or choose a file to upload.",
    E.FILE_MISSING: lambda e: f"The file {_file(e)}could not be found. Choose the file again.",
    E.FILE_IS_FOLDER: lambda e: "That is a folder, not a file. Choose one file.",
    E.FILE_EMPTY: lambda e: (f"The file {_file(e)}is empty. Choose the file that holds the "
                             "abstract."),
    E.FILE_UNREADABLE: _also("Upload it again, or paste the abstract instead."),
    E.FILE_BINARY: lambda e: (f"The file {_file(e)}looks like "
                              f"{_ctx(e, 'kind', 'a binary file')}, not text. Copy the "
                              "abstract out of it and paste it into the box, or upload the "
                              "citation as PubMed XML, MEDLINE, RIS, BibTeX, CSV or JSONL."),
    E.FILE_UNDECODABLE: lambda e: (f"The text of the file {_file(e)}could not be read. Save "
                                   "it as UTF-8 text and upload it again, or paste the "
                                   "abstract."),
    E.INPUT_TIMEOUT: _said,
    E.FILE_TOO_LARGE: lambda e: too_large(_file(e), _ctx(e, "max_bytes", None)),
    E.FORMAT_UNSUPPORTED: _also("Upload PubMed XML, PMC JATS, MEDLINE, RIS, BibTeX, CSV, "
                                "JSONL or plain text, or paste the abstract."),
    E.NO_ABSTRACT_COLUMN: _said,
    E.SEVERAL_RECORDS: lambda e: (f"The file {_file(e)}holds {_ctx(e, 'count')} records, "
                                  "but this page drafts one abstract at a time. Upload a file "
                                  "with one record, or paste the abstract you want."),
    E.NO_RECORD: lambda e: (f"The file {_file(e)}holds no abstract. Check that it is the file "
                            "you meant."),
    E.BAD_RECORD: lambda e: f"The abstract cannot be used: {_ctx(e, 'reason', e)}",
    E.BAD_IDENTIFIER: _said,
    E.NO_PUBMED_RECORD: _said,
    E.AMBIGUOUS_DOI: _also("Look the record up by one of these PMIDs instead."),
    E.OVER_BUDGET: lambda e: ("The abstract is too long for this site's limit per draft "
                              f"({_ctx(e, 'limit')} tokens). Shorten it and try again."),
    E.TOO_LONG_FOR_MODEL: lambda e: ("The abstract is too long for the model this site uses. "
                                     "Shorten it and try again."),
    E.CONFIG: _server_problem("This site's settings have a problem."),
    E.CONFIG_FILE: _server_problem("This site's settings file has a problem."),
    E.UNKNOWN_SETTING: _server_problem("This site's settings file has a problem."),
    E.API_KEY_IN_FILE: _server_problem("This site's settings file has a problem."),
    E.MISSING_API_KEY: _server_problem("This site has no key for the model service, so only "
                                       "the offline drafter can be used."),
    E.MISSING_EXTRA: _server_problem("A part of this site is not installed."),
    E.SESSION_KEY: _server_problem("This site's sign-in set-up has a problem."),
    E.DATABASE: _server_problem("This site cannot use its database right now."),
    E.DATABASE_IN_MEMORY: _server_problem("This site's database setting has a problem."),
    E.DATABASE_NOT_SQLITE: _server_problem("This site cannot use its database right now."),
    E.DATABASE_UNREACHABLE: _server_problem("This site cannot use its database right now."),
    E.TEMPLATE: _server_problem("One of this site's page or prompt templates has a problem."),
    E.NOT_FOUND: lambda e: "There is nothing here with that number. Go back to the queue.",
    E.DRAFT_NOT_FOUND: lambda e: (f"There is no draft #{_ctx(e, 'draft_id')}. It may have "
                                  "been removed; go back to the queue."),
    E.VERSION_NOT_FOUND: _no_version,
    E.USER_NOT_FOUND: lambda e: "There is no account with that name.",
    E.BATCH_JOB_NOT_FOUND: lambda e: "There is no batch job with that id.",
    E.ILLEGAL_TRANSITION: _illegal,
    E.NOT_CLAIMED: _not_claimed,
    E.STALE_VERSION: _also("Your text is still in the box: compare it with the changes "
                           "shown, then save again."),
    E.NOT_PERMITTED: lambda e: (f"Your role ({_ctx(e, 'role')}) does not allow this: it needs "
                                f"the {_ctx(e, 'needed')} role. Ask an admin of this site."),
    E.FOUR_EYES: lambda e: (f"You cannot approve draft #{_ctx(e, 'draft_id')}: you "
                            f"{'created it' if _ctx(e, 'reason') == 'created' else 'saved its current version'}"
                            ", so another reviewer must approve it. Release it so someone else "
                            "can claim it."),
    E.UNRESOLVED_ERRORS: _unresolved,
    E.BAD_OVERRIDE: _also("Reload the page and write a reason beside each error finding."),
    E.NO_SUCH_FINDING: _also("The findings changed since the page was loaded: reload it and "
                             "dismiss the finding again if it is still there."),
    E.ALREADY_DISMISSED: _also("Reload the page to see the reason given."),
    E.NOT_DISMISSED: _also("Reload the page: someone may have undone it already."),
    E.UNKNOWN_ACTOR: lambda e: "Sign in again, then repeat the action.",
    E.CHANGED_MEANWHILE: lambda e: (f"Draft #{_ctx(e, 'draft_id')} changed while this action "
                                    "ran, so nothing was done. Reload the page and try again."),
    E.NETWORK: lambda e: ("A service this site needs could not be reached. Try again later. "
                          f"{ADMIN}"),
    E.NCBI_UNREACHABLE: lambda e: ("PubMed could not be reached. Try again later, or paste "
                                   "the abstract instead."),
    E.NCBI_ERROR: lambda e: ("PubMed did not answer properly. Try again in a minute, or paste "
                             "the abstract instead."),
    E.MODEL_UNREACHABLE: lambda e: ("The model service could not be reached, so nothing was "
                                    f"drafted. Try again later, or choose the offline drafter. "
                                    f"{ADMIN}"),
    E.MODEL_API: _model_api,
    E.BATCH_API_STEP: _server_problem("A batch job could not be sent to or read from the model "
                                      "service. Try again later."),
    E.DRAFT_FAILED: _draft_failed,
    E.DRAFTING: lambda e: ("The draft could not be made. Try again, or choose the offline "
                           f"drafter. {ADMIN}"),
    E.RUN_HALTED: lambda e: ("The drafting run has stopped, so nothing more was sent to the "
                             "model. Try again later."),
    E.STORAGE_READONLY: _server_problem("This site cannot save anything right now: its "
                                        "database is read-only, so nothing was saved."),
    E.STORAGE_FULL: _server_problem("This site cannot save anything right now: its disk is "
                                    "full, so nothing was saved."),
    E.STORAGE_GONE: _server_problem("This site cannot save anything right now: its database "
                                    "file has gone, so nothing was saved."),
    E.STORAGE_FAILED: _server_problem("This site could not save that: writing to its database "
                                      "failed, so nothing was saved."),
    E.ERROR: lambda e: f"That did not work. {ADMIN}",
}


def web_message(err: LaydraftError) -> str:
    """What to show in the page for this error."""
    return mask_secrets(PHRASES.get(err.code, PHRASES[E.ERROR])(err))
