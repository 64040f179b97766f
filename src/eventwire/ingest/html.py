"""HTML pages: trafilatura keeps the main text and reads title, date, site name and URL.

``article_from_html`` is the one HTML-to-Article path; the WARC reader uses it
for every HTML response record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

from eventwire.errors import DocumentError
from eventwire.ingest.document import make_article
from eventwire.ingest.encoding import decode_report
from eventwire.ingest.limits import Limits
from eventwire.model import Article

# trafilatura logs every page it finds no text in; a failed page is already reported as a Failure.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Dates from the page's markup and URL only: the extensive search guesses from any year in the page,
# such as a copyright notice, which is worse than the crawl date a WARC gives as fallback.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_LINE = re.compile(r"[ \t]*\n[ \t\n]*")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _paragraphs(text: str) -> str:
    # trafilatura puts one block per line; blank lines between blocks keep paragraphs visible
    # to the sentence splitter and to readers of the stored text.
    return "\n\n".join(part for part in _LINE.split(text.strip()) if part)


def article_from_html(data: bytes, name: str, limits: Limits, *, url: str | None = None,
                      charset: str | None = None, fallback_date: object = None) -> Article:
    """An Article from the bytes of an HTML page (boilerplate stripped).

    ``url`` is where the page came from (it wins over a canonical link in the
    page); ``fallback_date`` is used when the page carries no date.
    """
    if len(data) > limits.max_markup_bytes:
        raise DocumentError(name, f"HTML is {len(data):,} bytes, over the {limits.max_markup_bytes:,}-byte limit")
    if not data.strip():
        raise DocumentError(name, "empty document: no HTML to extract from")
    decoded = decode_report(data, name, charset or declared_charset(data))
    html = decoded.text
    try:
        extracted = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, deduplicate=False, date_extraction_params=_DATE_PARAMS,
        )
    except (RecursionError, MemoryError):
        raise DocumentError(name, "HTML is nested too deeply to parse") from None
    except Exception as exc:  # the parser meets hostile markup; one page must not stop the batch
        raise DocumentError(name, f"malformed HTML: {type(exc).__name__}: {exc}") from exc
    text = _paragraphs(extracted.text or "") if extracted is not None else ""
    if not text:
        raise DocumentError(name, "no article text found in the HTML page (only boilerplate or markup)")
    page_url = url or extracted.url
    outlet = extracted.sitename or (urlsplit(page_url).hostname if page_url else None)
    article = make_article(name, text, limits, title=extracted.title, url=page_url, outlet=outlet,
                           published=extracted.date or fallback_date)
    article.warnings[:0] = decoded.warnings  # a guessed encoding is never silent
    return article


def read_html(path: Path, limits: Limits) -> Iterator[Article]:
    size = path.stat().st_size
    if size > limits.max_markup_bytes:
        raise DocumentError(str(path), f"HTML is {size:,} bytes, over the {limits.max_markup_bytes:,}-byte limit")
    yield article_from_html(path.read_bytes(), str(path), limits)
