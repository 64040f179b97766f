"""Which reader handles which file: chosen by file name, never by guessing from content."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from eventwire.errors import DocumentError
from eventwire.ingest.limits import Limits
from eventwire.model import Article, Failure

Reader = Callable[[Path, Limits], Iterator[Article | Failure]]


def reader_for(path: Path) -> Reader:
    """The reader for ``path``'s suffix; DocumentError for a file type eventwire does not read."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        from eventwire.ingest.warc import read_warc

        return read_warc
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ".md"):
        from eventwire.ingest.text import read_text

        return read_text
    if suffix in (".jsonl", ".ndjson"):
        from eventwire.ingest.jsonl import read_jsonl

        return read_jsonl
    if suffix in (".html", ".htm", ".xhtml"):
        from eventwire.ingest.html import read_html

        return read_html
    if suffix in (".rss", ".atom", ".xml", ".feed"):
        from eventwire.ingest.feeds import read_feed

        return read_feed
    raise DocumentError(
        str(path), f"unsupported file type {suffix or '(none)'}: eventwire reads .txt, .html, .jsonl, "
        ".rss/.atom/.xml feeds and .warc/.warc.gz archives"
    )
