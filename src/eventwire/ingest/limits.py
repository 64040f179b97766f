"""Resource limits for reading untrusted input."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds that keep one hostile document from exhausting the machine.

    A document over a limit is refused with a ``Failure`` naming the limit;
    the batch goes on.
    """

    # A whole input file (a JSONL, feed or WARC file can hold many articles).
    max_file_bytes: int = 4096 * MB
    # One article's text after decoding and extraction.
    max_document_chars: int = 5 * MB
    # One HTML page or feed file handed to a parser.
    max_markup_bytes: int = 20 * MB
    # One WARC record's payload, and the bytes gzip may inflate one record to.
    max_record_bytes: int = 20 * MB
    # One line of a JSONL file.
    max_line_bytes: int = 20 * MB
