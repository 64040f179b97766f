"""WARC archives (.warc, .warc.gz, and the older .arc): HTML response records become articles.

Each HTML ``response`` record goes through :func:`~eventwire.ingest.html.article_from_html`
with the record's target URI as URL and its WARC-Date as the date when the page
has none. Other records (requests, metadata, images, PDFs) are skipped silently.

The archive is untrusted: gzip is inflated here, not inside warcio, so the
inflated size can be bounded (a record over ``Limits.max_record_bytes`` is a
Failure; an archive that inflates far beyond any real web page is stopped as a
decompression bomb), and a truncated or corrupt archive yields the articles
read so far plus one Failure.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from eventwire.errors import DocumentError
from eventwire.ingest.html import article_from_html
from eventwire.ingest.limits import Limits
from eventwire.model import Article, Failure

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024
# Web pages compress 5-15 times; gzip's ceiling is about 1000. Past this ratio the archive is a bomb.
MAX_INFLATION_RATIO = 200
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class ArchiveError(Exception):
    """The archive cannot be read further (truncated, corrupt, or a decompression bomb)."""


class _Inflater:
    """A read-only stream of the inflated bytes of a multi-member gzip file, with a size budget."""

    def __init__(self, raw: BinaryIO, slack: int) -> None:
        self.raw = raw
        self.slack = slack
        self.compressed = 0
        self.inflated = 0
        self.buffer = b""
        self.pending = b""
        self.decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        # Bytes fed to the current gzip member; zero between members, where the file may end cleanly.
        self.member_bytes = 0
        self.done = False
        # An error met while reading ahead is raised only once the bytes before it have been read.
        self.error: ArchiveError | None = None

    def _fill(self, wanted: int) -> None:
        try:
            self._inflate(wanted)
        except ArchiveError as exc:
            self.error = exc
            self.done = True

    def _inflate(self, wanted: int) -> None:
        while len(self.buffer) < wanted and not self.done:
            data = self.pending or self.raw.read(_CHUNK)
            if not self.pending:
                self.compressed += len(data)
            self.pending = b""
            if not data:
                if self.member_bytes:
                    raise ArchiveError("the archive is truncated (gzip data ends mid-record)")
                self.done = True
                return
            self.member_bytes += len(data)
            try:
                out = self.decompressor.decompress(data, _CHUNK * 4)
            except zlib.error as exc:
                raise ArchiveError(f"corrupt gzip data: {exc}") from exc
            # Input held back by the output cap is fed again on the next round.
            self.pending = self.decompressor.unconsumed_tail
            if self.decompressor.eof:
                self.pending = self.decompressor.unused_data
                self.decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self.member_bytes = 0
            self.inflated += len(out)
            if self.inflated > self.slack + MAX_INFLATION_RATIO * self.compressed:
                raise ArchiveError(
                    f"the archive inflates more than {MAX_INFLATION_RATIO} times its size (a decompression bomb?)"
                )
            self.buffer += out

    def _raise_pending_error(self) -> None:
        if not self.buffer and self.error is not None:
            raise self.error

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = _CHUNK
        self._fill(size)
        self._raise_pending_error()
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    def readline(self, size: int = -1) -> bytes:
        limit = size if size is not None and size >= 0 else self.slack
        while b"\n" not in self.buffer and len(self.buffer) < limit and not self.done:
            self._fill(len(self.buffer) + _CHUNK)
        self._raise_pending_error()
        end = self.buffer.find(b"\n")
        end = min(limit, end + 1 if end >= 0 else len(self.buffer))
        out, self.buffer = self.buffer[:end], self.buffer[end:]
        return out

    def tell(self) -> int:
        return self.compressed

    def close(self) -> None:
        self.raw.close()


def _open(path: Path, limits: Limits) -> BinaryIO:
    raw = path.open("rb")
    if raw.read(2) == _GZIP_MAGIC:
        raw.seek(0)
        return _Inflater(raw, slack=limits.max_record_bytes)  # type: ignore[return-value]
    raw.seek(0)
    return raw


def _record_article(record: ArcWarcRecord, name: str, limits: Limits) -> Article | Failure | None:
    """The article in one WARC record; None for records that hold no HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not content_type.startswith(_HTML_TYPES):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    record_name = f"{name}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
    declared = record.length or 0
    if declared > limits.max_record_bytes:
        return Failure(record_name, f"record is {declared:,} bytes, over the {limits.max_record_bytes:,}-byte limit")
    payload = record.content_stream().read(limits.max_record_bytes + 1)
    if len(payload) > limits.max_record_bytes:
        return Failure(record_name, f"record inflates to over the {limits.max_record_bytes:,}-byte limit")
    # A record cut short by the end of the file is not an article: it would be stored half-read.
    while record.raw_stream.read(_CHUNK):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise ArchiveError(f"the archive is truncated inside the record for {uri or 'a page'}")
    charset = None
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
    try:
        return article_from_html(payload, record_name, limits, url=uri, charset=charset,
                                 fallback_date=(record.rec_headers.get_header("WARC-Date") or "")[:10] or None)
    except DocumentError as exc:
        return Failure(exc.name, exc.reason)


# How the first line of a (decompressed) archive starts: WARC/1.0, WARC/1.1, or an ARC file's header.
_ARCHIVE_STARTS = (b"WARC/", b"filedesc://")


def _check_format(path: Path, limits: Limits) -> None:
    """DocumentError unless the (decompressed) file starts like a WARC or ARC archive: garbage is named as such
    instead of failing deep inside warcio."""
    stream = _open(path, limits)
    try:
        first = stream.readline(256).lstrip(b"\r\n")
    except ArchiveError as exc:
        raise DocumentError(str(path), f"not a WARC archive: {exc}") from exc
    finally:
        stream.close()
    if not first.startswith(_ARCHIVE_STARTS):
        shown = first[:40].decode("utf-8", "replace").strip()
        raise DocumentError(str(path), f"not a WARC archive: it should start with a WARC/1.x record header, "
                                       f"not {shown!r}")


def read_warc(path: Path, limits: Limits) -> Iterator[Article | Failure]:
    name = str(path)
    read = 0
    broken = False
    _check_format(path, limits)
    stream = _open(path, limits)
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            item = _record_article(record, name, limits)
            if item is not None:
                read += 1
                yield item
    except (ArchiveError, ArchiveLoadFailed) as exc:
        broken = True
        yield Failure(name, f"unreadable WARC after {read} page record(s): {exc}")
    except Exception as exc:  # warcio on corrupt input raises many types; the batch goes on
        broken = True
        yield Failure(name, f"unreadable WARC after {read} page record(s): a malformed record "
                            f"({type(exc).__name__}: {exc})")
    finally:
        stream.close()
    if read == 0 and not broken:
        raise DocumentError(name, "no HTML response records in the archive")
