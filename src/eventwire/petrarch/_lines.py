"""Line reading shared by the PETRARCH dictionary readers.

PETRARCH dictionaries are line-oriented text files with two kinds of
comment: ``#`` to the end of the line (anywhere on the line but inside ``[...]``), and XML-style
``<!-- ... -->`` blocks (the validation dictionaries use them, sometimes
spanning several lines, sometimes written ``<! -- ... -->``). Files written on
Windows or in Latin-1 exist in the wild, so bytes that are not UTF-8 are
decoded as Latin-1 instead of failing the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

_DIGITS = re.compile(r"\d+")


def read_text(path: str | Path) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def content_lines(path: str | Path) -> Iterator[tuple[int, str, str]]:
    """Yield ``(line number, line without comments, raw line)`` for every line with content.

    The returned line keeps its leading whitespace (actor dictionaries use a
    leading tab to mark code lines) but loses its trailing whitespace.
    """
    in_block = False
    for number, raw in enumerate(read_text(path).splitlines(), start=1):
        text = raw
        if in_block:
            end = text.find("-->")
            if end < 0:
                continue
            in_block = False
            text = text[end + 3:]
        start = text.find("<!")
        while start >= 0:
            end = text.find("-->", start)
            if end < 0:
                text = text[:start]
                in_block = True
                break
            text = text[:start] + text[end + 3:]
            start = text.find("<!")
        text = strip_hash_comment(text)
        text = text.rstrip()
        if text.strip():
            yield number, text, raw


def strip_hash_comment(text: str) -> str:
    """``text`` up to its first ``#`` outside square brackets (``[###]`` is a code, not a comment)."""
    depth = 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == "#" and depth == 0:
            return text[:index]
    return text


def normalise_phrase(text: str) -> str:
    """A dictionary phrase as space-separated upper-case words (``_`` joins words in the files)."""
    return " ".join(text.replace("_", " ").upper().split())


def parse_dictionary_date(text: str) -> date:
    """A PETRARCH date: ``YYYYMMDD`` or TABARI's ``YYMMDD`` (years 00-29 are 20xx, 30-99 are 19xx).

    A handful of Phoenix entries carry a stray century prefix (``1920030320``);
    when the last eight digits are a valid date they are what was meant.
    Raises ``ValueError`` for anything else.
    """
    digits = text.strip()
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"date {text!r} is not made of digits")
    if len(digits) == 10:
        digits = digits[2:]
    if len(digits) == 6:
        year = int(digits[:2])
        year += 2000 if year < 30 else 1900
        return date(year, int(digits[2:4]), int(digits[4:6]))
    if len(digits) == 8:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
