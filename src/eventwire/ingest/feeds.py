"""RSS and Atom feeds: one article per entry, from its content or summary.

A feed is untrusted XML. Entity declarations have no use in a news feed and
are how "billion laughs" bombs expand a few kilobytes into gigabytes, so a
feed declaring entities (or referring to external ones) is refused before
feedparser sees it, at the first declaration, without expanding anything.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from xml.parsers import expat

import feedparser
import lxml.html
from lxml import etree

from eventwire.errors import DocumentError
from eventwire.ingest.document import make_article
from eventwire.ingest.limits import Limits
from eventwire.model import Article, Failure

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"(?i)<(?:/?(?:p|div|li|ul|ol|h[1-6]|blockquote|section|article|tr|table)\b[^>]*|br\s*/?)>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_PARAGRAPH_BREAKS = re.compile(r"\s*\n\s*(?:\n\s*)*")


class _Refused(Exception):
    pass


def _refuse(*_: object) -> None:
    raise _Refused


def check_safe_xml(data: bytes, name: str) -> None:
    """Raise DocumentError when the XML declares entities or refers to external ones.

    A streaming expat pass (no tree is built, so memory stays flat) whose
    declaration handlers refuse at the first declaration, before any expansion;
    the byte search catches the common case without parsing at all.
    """
    if _ENTITY_DECLARATION.search(data):
        raise DocumentError(name, "feed declares XML entities (a possible entity-expansion bomb); refused unread")
    parser = expat.ParserCreate()
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(data, True)
    except _Refused:
        raise DocumentError(name, "feed declares XML entities or external references; refused unread") from None
    except (expat.ExpatError, ValueError):
        # Not well-formed XML: feedparser's lenient parser may still read it, and it expands no declarations.
        pass


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, block elements becoming paragraph breaks."""
    if "<" not in fragment:
        text = fragment
    else:
        marked = _BLOCK_TAG.sub("\n\n", fragment)
        try:
            root = lxml.html.fragment_fromstring(marked, create_parent="div")
            text = root.text_content()
        except (etree.ParserError, ValueError):
            text = re.sub(r"<[^>]*>", " ", marked)
    paragraphs = (_SPACES.sub(" ", part).strip() for part in _PARAGRAPH_BREAKS.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _entry_html(entry: Any) -> str:
    for content in entry.get("content") or []:
        if content.get("value", "").strip():
            return str(content["value"])
    return str(entry.get("summary") or entry.get("description") or "")


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                continue
    return None


def read_feed(path: Path, limits: Limits) -> Iterator[Article | Failure]:
    name = str(path)
    size = path.stat().st_size
    if size > limits.max_markup_bytes:
        raise DocumentError(name, f"feed is {size:,} bytes, over the {limits.max_markup_bytes:,}-byte limit")
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(name, "empty document: the feed file has no content")
    check_safe_xml(data, name)
    try:
        # A stream, never a string: feedparser would fetch a string that looks like a URL.
        parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    except Exception as exc:  # feedparser on hostile input; the batch goes on
        raise DocumentError(name, f"cannot parse feed: {type(exc).__name__}: {exc}") from exc
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise DocumentError(name, f"not an RSS/Atom feed with entries{f' ({problem})' if problem else ''}")
    outlet = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, start=1):
        entry_name = f"{name}#{number}"
        try:
            text = html_to_text(_entry_html(entry))
            title = html_to_text(entry.get("title", "")) or None
            yield make_article(entry_name, text, limits, title=title, url=entry.get("link"), outlet=outlet,
                               published=_entry_date(entry))
        except DocumentError as exc:
            yield Failure(exc.name, exc.reason)
