"""Look an abstract up by PMID or DOI with NCBI E-utilities (optional; needs the network).

DOI to PMID goes through ``esearch`` (``term=<doi>[doi]``), the record through ``efetch``
(``retmode=xml``), parsed by the same code as a saved PubMed XML file. ``NCBI_API_KEY`` and
``NCBI_EMAIL`` are read from the environment, here only, and sent as NCBI asks; requests are
spaced to NCBI's limit (3 a second without a key, 10 with one). Pass ``http_client`` to reuse a
client or, in tests, to replay recordings.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Callable

import httpx2

from ..errors import ErrorCode, InputError, NetworkError
from ..models import Abstract, SourcePosition
from .pubmed_xml import iter_pubmed
from .record import build_abstract

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TOOL = "laydraft"
TIMEOUT = 30.0
MAX_RECORD_BYTES = 5_000_000


class Throttle:
    """Space requests at least ``1 / rate`` seconds apart across threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self._last = float("-inf")
        self._lock = threading.Lock()

    def wait(self, per_second: float) -> None:
        with self._lock:
            delay = self._last + 1.0 / per_second - self._clock()
            if delay > 0:
                self._sleep(delay)
            self._last = self._clock()


THROTTLE = Throttle()


def _params(**extra: str) -> dict[str, str]:
    """Query parameters with the tool name and, when set, NCBI_EMAIL and NCBI_API_KEY."""
    params = {"tool": TOOL, **extra}
    if os.environ.get("NCBI_EMAIL"):
        params["email"] = os.environ["NCBI_EMAIL"]
    if os.environ.get("NCBI_API_KEY"):
        params["api_key"] = os.environ["NCBI_API_KEY"]
    return params


def _get(client: httpx2.Client, endpoint: str, params: dict[str, str]) -> httpx2.Response:
    THROTTLE.wait(10.0 if "api_key" in params else 3.0)
    try:
        response = client.get(f"{EUTILS}/{endpoint}", params=params, timeout=TIMEOUT)
    except httpx2.TransportError as exc:
        raise NetworkError(
            f"cannot reach NCBI E-utilities ({type(exc).__name__}: {exc})",
            code=ErrorCode.NCBI_UNREACHABLE, endpoint=endpoint) from exc
    if response.status_code != 200:
        raise NetworkError(f"NCBI E-utilities answered HTTP {response.status_code} for "
                           f"{endpoint}; try again later", code=ErrorCode.NCBI_ERROR,
                           status=response.status_code, endpoint=endpoint)
    return response


def _with_client(call: Callable[[httpx2.Client], Abstract],
                 http_client: httpx2.Client | None) -> Abstract:
    if http_client is not None:
        return call(http_client)
    with httpx2.Client() as client:
        return call(client)


def _efetch(client: httpx2.Client, pmid: str) -> Abstract:
    response = _get(client, "efetch.fcgi", _params(db="pubmed", id=pmid, retmode="xml"))
    records = iter_pubmed(io.BytesIO(response.content), MAX_RECORD_BYTES)
    raw = next(records, None)
    if raw is None or (raw.pmid is None and raw.problem):
        raise InputError(f"PubMed has no record with PMID {pmid}; check the number",
                         code=ErrorCode.NO_PUBMED_RECORD, pmid=pmid)
    return build_abstract(raw, SourcePosition(file=f"PubMed {pmid}", record=1))


def fetch_pubmed(pmid: str, *, http_client: httpx2.Client | None = None) -> Abstract:
    """The abstract and metadata of one PubMed record."""
    pmid = pmid.strip().removeprefix("PMID:").strip()
    if not pmid.isdigit():
        raise InputError(f"{pmid!r} is not a PMID; a PMID is a number such as 29768149",
                         code=ErrorCode.BAD_IDENTIFIER, kind="pmid", value=pmid)
    return _with_client(lambda client: _efetch(client, pmid), http_client)


def _pmid_for_doi(client: httpx2.Client, doi: str) -> str:
    params = _params(db="pubmed", term=f"{doi}[doi]", retmode="json")
    response = _get(client, "esearch.fcgi", params)
    try:
        ids = response.json()["esearchresult"]["idlist"]
    except (ValueError, KeyError, TypeError) as exc:
        raise NetworkError("NCBI esearch sent an answer laydraft cannot read; try again later",
                           code=ErrorCode.NCBI_ERROR, endpoint="esearch.fcgi") from exc
    if not ids:
        raise InputError(f"no PubMed record has DOI {doi}; check the DOI, or paste the abstract",
                         code=ErrorCode.NO_PUBMED_RECORD, doi=doi)
    if len(ids) > 1:
        raise InputError(f"{len(ids)} PubMed records match DOI {doi}: PMIDs "
                         f"{', '.join(ids[:5])}", code=ErrorCode.AMBIGUOUS_DOI, doi=doi,
                         pmids=[str(i) for i in ids[:5]])
    return str(ids[0])


def fetch_doi(doi: str, *, http_client: httpx2.Client | None = None) -> Abstract:
    """The PubMed record with this DOI (found with esearch, then fetched with efetch)."""
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    if not re.match(r"^10\.\d{4,9}/\S+$", doi):
        raise InputError(f"{doi!r} is not a DOI; a DOI looks like 10.1056/NEJMoa1715274",
                         code=ErrorCode.BAD_IDENTIFIER, kind="doi", value=doi)
    return _with_client(lambda client: _efetch(client, _pmid_for_doi(client, doi)), http_client)
