"""Turn what editors have (pasted text, files, reading lists) into ``Abstract`` records.

Public interface, used by the CLI, the web app and the batch runner:

- ``parse_text(text, source=None) -> Abstract``: one pasted abstract.
- ``read_abstract(path, max_bytes) -> Abstract``: exactly one record from a file, or ``-`` for stdin.
- ``iter_records(path, max_bytes) -> Iterator[Abstract | RecordError]``: a reading list, streamed;
  a bad record is yielded as a ``RecordError`` so the others go on.
- ``open_input(path, max_bytes, timeout) -> Source``: a path, ``-``, a pipe or FIFO as input that
  can be read more than once (a pipe is read once into memory, with a timeout); the other
  readers accept a Source or a path, and ``timeout`` (the ``input_timeout`` setting).
- ``read_abstract_bytes(data, filename, max_bytes)`` / ``read_records_bytes(data, filename,
  max_bytes)``: the same for content already in memory (a web upload), no file needed.

Formats (one record each in ``formats.FORMATS``: detector, reader, whole-file or streamed;
chosen by content, then extension): plain text and Markdown, pasted
HTML, PubMed XML (efetch and baseline, gzip too), MEDLINE/NBIB, RIS and Web of Science, BibTeX,
PMC JATS, CSV/TSV and JSONL reading lists. ``online.fetch_pubmed`` / ``online.fetch_doi`` look a
record up with NCBI E-utilities. Every record passes through ``record.build_abstract``, which
cleans the text, finds sections and flags text that addresses the model (``suspicious.py``).
"""

from __future__ import annotations

from .reader import (
    Source,
    iter_records,
    open_input,
    read_abstract,
    read_abstract_bytes,
    read_records_bytes,
)
from .record import KnownRecord
from .text import parse_text

__all__ = ["KnownRecord", "Source", "iter_records", "open_input", "parse_text", "read_abstract",
           "read_abstract_bytes", "read_records_bytes"]
