"""Build an Article from a reader's text and metadata, with the checks every reader shares."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from eventwire.errors import DocumentError
from eventwire.ingest.encoding import repair_text
from eventwire.ingest.ids import article_id, id_problem
from eventwire.ingest.limits import Limits
from eventwire.model import Article

_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by at from it his said are be has have".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# A lone UTF-16 surrogate (a JSON escape like "\ud800") cannot be encoded as UTF-8: spaCy, DuckDB and
# Parquet all refuse it, and one in a title used to abort the whole batch's write.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value: object) -> object:
    """``value`` with each lone surrogate replaced by U+FFFD (one character for one: offsets are unchanged)."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def normalize_published(value: object) -> str | None:
    """A publication date as ``YYYY-MM-DD``, from ISO 8601, RFC 2822 or a date object; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def detect_language(text: str) -> str | None:
    """``"en"`` when the text reads as English (function-word share), else None (unknown)."""
    words = _WORD.findall(text[:5000].lower())
    if len(words) < 5:
        return None
    share = sum(word in _ENGLISH_FUNCTION_WORDS for word in words) / len(words)
    return "en" if share >= 0.12 else None


def make_article(name: str, text: str, limits: Limits, *, id: str | None = None,
                 title: str | None = None, url: str | None = None, outlet: str | None = None,
                 published: object = None, language: str | None = None) -> Article:
    """An Article for ``text``; raises DocumentError when it is empty or over the size limit."""
    if not text.strip():
        raise DocumentError(name, "empty document: no text to extract from")
    if not _WORD.search(text):
        raise DocumentError(name, "no words in the document (only digits, symbols or markup debris)")
    if len(text) > limits.max_document_chars:
        raise DocumentError(
            name, f"document has {len(text):,} characters, over the {limits.max_document_chars:,}-character limit"
        )
    if id not in (None, ""):
        problem = id_problem(str(id))
        if problem:
            raise DocumentError(name, f"id {str(id)[:60]!r}{'…' if len(str(id)) > 60 else ''} is refused: {problem}")
    warnings = ["lone UTF-16 surrogates in the text were replaced by U+FFFD"] if _SURROGATE.search(text) else []
    day = normalize_published(published)
    if day is None and published not in (None, "") and str(published).strip():
        warnings.append(f"publication date {str(published)[:40]!r} is not a valid date (YYYY-MM-DD, ISO 8601 or "
                        "RFC 2822); the article is stored without a date")
    text, id, title, url, outlet, language = (  # type: ignore[assignment]
        _valid_unicode(v) for v in (text, id, title, url, outlet, language))
    # Mojibake is repaired before anything reads the text: the repaired text is the stored one, so every
    # offset later written is an offset into it.
    text, repairs = repair_text(text)
    warnings.extend(repairs)
    if isinstance(title, str):
        title = repair_text(title)[0]
    return Article(
        id=str(id) if id not in (None, "") else article_id(text),
        text=text,
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        url=url or None,
        outlet=outlet or None,
        published=day,
        language=language or detect_language(text),
        warnings=warnings,
        source=name,
    )
