"""Plain-text articles: a first line followed by a blank line is the title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from eventwire.errors import DocumentError
from eventwire.ingest.document import make_article
from eventwire.ingest.encoding import decode_report
from eventwire.ingest.limits import Limits
from eventwire.model import Article
from eventwire.nlp.dateline import find_dateline

_TITLE = re.compile(r"\A[ \t]*([^\n]{1,300}?)[ \t]*\r?\n[ \t]*\r?\n")


def title_line(text: str) -> str | None:
    """The first line when the text opens with a short line and a blank line, else None."""
    match = _TITLE.match(text)
    return match.group(1) if match else None


def dateline(text: str) -> tuple[date | None, str | None]:
    """The publication date and outlet of a dateline opening the first paragraph (after any title):
    "BAGHDAD, May 14, 2018 (Al-Rafidain News, translated) —" gives 2018-05-14 and "Al-Rafidain News"; a date
    without its year gives no date."""
    title = _TITLE.match(text)
    found = find_dateline(text, title.end() if title else 0)
    if found is None:
        return None, None
    outlet = text[found.outlet[0]:found.outlet[1]] if found.outlet else None
    return found.day(text), outlet


def read_text(path: Path, limits: Limits) -> Iterator[Article]:
    size = path.stat().st_size
    # No encoding needs more than 4 bytes a character: a bigger file is over the limit, unread.
    if size > 4 * limits.max_document_chars:
        raise DocumentError(
            str(path), f"file is {size:,} bytes, over the {limits.max_document_chars:,}-character document limit"
        )
    decoded = decode_report(path.read_bytes(), str(path))
    text = decoded.text
    published, outlet = dateline(text)
    # The text keeps its title line: offsets index the document as the user has it,
    # and headlines carry events too.
    article = make_article(str(path), text, limits, title=title_line(text), published=published, outlet=outlet)
    article.warnings[:0] = decoded.warnings  # how the bytes were read comes before what was repaired
    yield article
