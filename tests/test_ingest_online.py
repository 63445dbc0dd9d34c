"""PubMed lookup by PMID or DOI, replayed from E-utilities recordings; never the network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from laydraft.cli.messages import cli_message
from laydraft.errors import ErrorCode, InputError, NetworkError
from laydraft.ingest import online
from laydraft.models import Abstract

RECORDINGS = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "ncbi"


class Recordings:
    """Serve E-utilities answers by endpoint and query; remember what was asked."""

    def __init__(self, answers: dict[tuple[str, str], str]) -> None:
        self.answers = answers
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        endpoint = request.url.path.rsplit("/", 1)[-1]
        key = request.url.params.get("id") or request.url.params.get("term", "")
        name = self.answers.get((endpoint, key))
        if name is None:
            raise AssertionError(f"no recording for {endpoint} {key!r}")
        media = "application/json" if name.endswith(".json") else "text/xml"
        body = (RECORDINGS / name).read_bytes()
        return httpx2.Response(200, content=body, headers={"content-type": media})

    def client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self))

    def assert_all_used(self) -> None:
        assert len(self.requests) == len(self.answers)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record the throttle's sleeps instead of sleeping."""
    slept: list[float] = []
    monkeypatch.setattr(online, "THROTTLE", online.Throttle(sleep=slept.append))
    yield slept


def test_fetch_pubmed_builds_an_abstract_with_metadata() -> None:
    recordings = Recordings({("efetch.fcgi", "39000071"): "efetch_39000071.xml"})
    abstract = online.fetch_pubmed("39000071", http_client=recordings.client())
    recordings.assert_all_used()
    assert abstract.title == "Vaccination uptake among adults with multiple sclerosis."
    assert (abstract.pmid, abstract.doi, abstract.published) == (
        "39000071", "10.5555/inr.2024.71", "2024-01")
    assert abstract.journal == "Invented neurology reports"
    assert [s.category for s in abstract.sections] == [
        "background", "methods", "results", "conclusions"]
    params = recordings.requests[0].url.params
    assert (params["db"], params["retmode"], params["tool"]) == ("pubmed", "xml", "laydraft")
    assert "api_key" not in params and "email" not in params


def test_fetch_doi_finds_the_pmid_with_esearch_then_fetches() -> None:
    recordings = Recordings({
        ("esearch.fcgi", "10.5555/inr.2024.71[doi]"): "esearch_doi_found.json",
        ("efetch.fcgi", "39000071"): "efetch_39000071.xml",
    })
    abstract = online.fetch_doi("https://doi.org/10.5555/inr.2024.71",
                                http_client=recordings.client())
    recordings.assert_all_used()
    assert abstract.pmid == "39000071"


def test_api_key_and_email_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    monkeypatch.setenv("NCBI_EMAIL", "editor@example.org")
    recordings = Recordings({("efetch.fcgi", "39000071"): "efetch_39000071.xml"})
    online.fetch_pubmed("39000071", http_client=recordings.client())
    params = recordings.requests[0].url.params
    assert (params["api_key"], params["email"]) == ("test-key", "editor@example.org")


def test_requests_are_spaced_to_three_a_second_without_a_key(no_waiting: list[float]) -> None:
    clock = iter([0.0, 0.0, 0.1, 0.1])
    throttle = online.Throttle(clock=lambda: next(clock), sleep=no_waiting.append)
    throttle.wait(3.0)
    throttle.wait(3.0)
    assert no_waiting == [pytest.approx(1 / 3 - 0.1)]


def test_unknown_doi_says_so() -> None:
    recordings = Recordings({
        ("esearch.fcgi", "10.5555/no.such.doi[doi]"): "esearch_doi_missing.json"})
    with pytest.raises(InputError, match="no PubMed record has DOI 10.5555/no.such.doi"):
        online.fetch_doi("10.5555/no.such.doi", http_client=recordings.client())


def test_unknown_pmid_says_so() -> None:
    recordings = Recordings({("efetch.fcgi", "39999999"): "efetch_empty.xml"})
    with pytest.raises(InputError, match="PubMed has no record with PMID 39999999"):
        online.fetch_pubmed("39999999", http_client=recordings.client())


@pytest.mark.parametrize(("call", "value"), [
    (online.fetch_pubmed, "not-a-number"), (online.fetch_doi, "nonsense")])
def test_malformed_identifiers_are_refused_before_any_request(
    call: Callable[..., Abstract], value: str
) -> None:
    with pytest.raises(InputError, match="is not a"):
        call(value, http_client=Recordings({}).client())


def test_network_failure_is_a_clear_network_error() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("Name or service not known", request=request)

    client = httpx2.Client(transport=httpx2.MockTransport(refuse))
    with pytest.raises(NetworkError, match="cannot reach NCBI E-utilities") as info:
        online.fetch_pubmed("39000071", http_client=client)
    assert info.value.code is ErrorCode.NCBI_UNREACHABLE and info.value.exit_code == 1
    assert "pass the file instead" in cli_message(info.value)


def test_http_errors_are_reported_with_their_status() -> None:
    client = httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(429)))
    with pytest.raises(NetworkError, match="HTTP 429") as info:
        online.fetch_pubmed("39000071", http_client=client)
    assert info.value.context["status"] == 429
    assert "NCBI_API_KEY" in cli_message(info.value)
