"""Plain-text articles: a first line followed by a blank line is the title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from eventwire.errors import DocumentError
from eventwire.ingest.document import make_article
from eventwire.ingest.encoding import decode_report
from eventwire.ingest.limits import Limits
from eventwire.model import Article

_TITLE = re.compile(r"\A[ \t]*([^\n]{1,300}?)[ \t]*\r?\n[ \t]*\r?\n")
# A wire-style dateline opening the first paragraph: "BAGHDAD, May 14, 2018 (Outlet, translated) —".
_DATELINE = re.compile(
    r"[A-Z][A-Z .'’-]{1,40},\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})"
    r"\s*(?:\((?P<outlet>[^)\n]{2,80})\))?\s*[—–-]"
)


def title_line(text: str) -> str | None:
    """The first line when the text opens with a short line and a blank line, else None."""
    match = _TITLE.match(text)
    return match.group(1) if match else None


def dateline(text: str) -> tuple[date | None, str | None]:
    """The publication date and outlet of a dateline opening the first paragraph (after any title)."""
    title = _TITLE.match(text)
    match = _DATELINE.match(text, title.end() if title else 0)
    if not match:
        return None, None
    published = None
    for layout in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y"):
        try:
            published = datetime.strptime(match["date"], layout).date()
            break
        except ValueError:
            continue
    # "(Al-Rafidain News, translated)" names the outlet before the comma.
    outlet = match["outlet"].split(",")[0].strip() if match["outlet"] else None
    return published, outlet or None


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
