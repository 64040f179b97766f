"""Plain-text articles: a first line followed by a blank line is the title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from eventwire.ingest.document import make_article
from eventwire.ingest.encoding import decode
from eventwire.ingest.limits import Limits
from eventwire.model import Article

_TITLE = re.compile(r"\A[ \t]*([^\n]{1,300}?)[ \t]*\r?\n[ \t]*\r?\n")


def title_line(text: str) -> str | None:
    """The first line when the text opens with a short line and a blank line, else None."""
    match = _TITLE.match(text)
    return match.group(1) if match else None


def read_text(path: Path, limits: Limits) -> Iterator[Article]:
    text = decode(path.read_bytes(), str(path))
    # The text keeps its title line: offsets index the document as the user has it,
    # and headlines carry events too.
    yield make_article(str(path), text, limits, title=title_line(text))
