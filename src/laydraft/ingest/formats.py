"""The input formats laydraft reads: one record per format, asked in detection order.

Each ``InputFormat`` pairs a detector (does a sniffed file look like this format?) with its
reader (bytes in, ``RawRecord`` values out). ``whole_file`` formats are read into memory at
once, so the file as a whole must fit ``max_input_bytes``; streamed formats are read record by
record, and ``max_input_bytes`` limits each record instead. ``reader.py`` is the one dispatch
path: it sniffs, calls ``detect_format`` and hands the stream to the chosen record's reader.
Adding a format means adding one record here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from . import detect
from .decoding import LineReader, decode
from .detect import Sniff
from .jats import iter_jats
from .medline import iter_medline
from .pubmed_xml import iter_pubmed
from .readinglist import iter_csv, iter_jsonl
from .record import RawRecord
from .ris import RIS, WOS, iter_ris

# (binary stream of the decompressed content, the source's name, max_bytes) -> records
Reader = Callable[[BinaryIO, str, int], Iterator[RawRecord]]


@dataclass(frozen=True)
class InputFormat:
    """One input format: how to recognise it and how to read it."""

    name: str
    description: str
    detect: Callable[[Sniff], bool]
    read: Reader
    whole_file: bool


def _read_text(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    text, flags = decode(stream.read(), name)
    yield RawRecord(abstract=text, flags=flags)


def _read_bibtex(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    from .bibtex import iter_bibtex  # bibtexparser takes 70 ms to import: only for BibTeX

    text, flags = decode(stream.read(), name)
    for raw in iter_bibtex(text):
        raw.flags = flags + raw.flags
        yield raw


def _read_jats(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_jats(stream.read())


def _read_pubmed(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_pubmed(stream, max_bytes)


def _read_csv(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_csv(LineReader(stream), name, max_bytes)


def _read_jsonl(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_jsonl(LineReader(stream), max_bytes)


def _read_medline(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_medline(LineReader(stream), max_bytes)


def _read_ris(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_ris(LineReader(stream), max_bytes, RIS)


def _read_wos(stream: BinaryIO, name: str, max_bytes: int) -> Iterator[RawRecord]:
    yield from iter_ris(LineReader(stream), max_bytes, WOS)


# Detection order matters: the first detector that says yes wins. Plain text is the fallback,
# asked only after ``detect.refuse_unread`` has turned away formats laydraft does not read.
FORMATS: tuple[InputFormat, ...] = (
    InputFormat("pubmed-xml", "PubMed XML (efetch, baseline; gzip too)", detect.is_pubmed_xml,
                _read_pubmed, whole_file=False),
    InputFormat("jats", "PMC JATS XML", detect.is_jats, _read_jats, whole_file=True),
    InputFormat("csv", "CSV or TSV reading list", detect.is_csv, _read_csv, whole_file=False),
    InputFormat("medline", "MEDLINE / NBIB", detect.is_medline, _read_medline,
                whole_file=False),
    InputFormat("ris", "RIS", detect.is_ris, _read_ris, whole_file=False),
    InputFormat("wos", "Web of Science tagged text", detect.is_wos, _read_wos,
                whole_file=False),
    InputFormat("bibtex", "BibTeX", detect.is_bibtex, _read_bibtex, whole_file=True),
    InputFormat("jsonl", "JSONL reading list", detect.is_jsonl, _read_jsonl, whole_file=False),
    InputFormat("text", "plain text, Markdown or pasted HTML", detect.is_text, _read_text,
                whole_file=True),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def detect_format(name: str, sample: str) -> InputFormat:
    """The format of a file named ``name`` whose first kilobytes are ``sample``."""
    sniff = Sniff(name=name, sample=sample)
    fallback = FORMATS[-1]
    for fmt in FORMATS[:-1]:
        if fmt.detect(sniff):
            return fmt
    detect.refuse_unread(sniff)
    return fallback
