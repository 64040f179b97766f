"""Coverage-guided fuzzing (atheris) of every ingest reader.

Run with `make fuzz` (time budget FUZZ_SECONDS per target). A finding is any
exception other than the project's own documented error types escaping a
reader, or an Article that breaks the contract.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from eventwire.ingest import Limits, read_path
    from eventwire.model import Article, Failure

SUFFIXES = [".txt", ".html", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".warc.gz"]
LIMITS = Limits(max_document_chars=100_000, max_markup_bytes=500_000, max_record_bytes=500_000,
                max_line_bytes=200_000)
WORKDIR = Path(tempfile.mkdtemp(prefix="eventwire-fuzz-"))


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    suffix = SUFFIXES[provider.ConsumeIntInRange(0, len(SUFFIXES) - 1)]
    path = WORKDIR / f"input{suffix}"
    path.write_bytes(provider.ConsumeBytes(provider.remaining_bytes()))
    for item in read_path(path, LIMITS):
        if isinstance(item, Article):
            assert item.text.strip(), "empty article text"
            assert len(item.text) <= LIMITS.max_document_chars
            Article.from_json(item.to_json())
        elif not isinstance(item, Failure):
            raise AssertionError(f"reader yielded {type(item).__name__}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
