"""Time expressions: find them in a sentence and resolve them against the publication date.

News dates events relative to the day the article appeared ("last month", "on Tuesday",
"earlier this month") or absolutely ("in 2011", "in October", "on 5 March 2016"); some
expressions point to another event's date ("three years after that withdrawal", "then").
:func:`find_times` returns every expression of a text with its resolved value, and
:func:`resolve` resolves one expression. Values keep the precision the words give:
``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. An expression that needs an anchor (another
event's date) carries ``anchor_kind`` and an offset; :func:`shift` applies it once the
caller knows the anchor.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {
    name: i for i, names in enumerate(
        [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names
}
WEEKDAYS: dict[str, int] = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
NUMBERS: dict[str, int] = {w: i for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"))}
NUMBERS.update({"a": 1, "an": 1})

_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NUM = r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?P<unit>year|month|week|day)s?"

# Ordered: the first pattern that matches at a position wins, so longer forms come first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p, re.IGNORECASE)) for name, p in [
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    ("month_day_year", rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"),
    ("day_month_year", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s*,?\s+(?P<y>(?:19|20)\d\d)\b"),
    ("month_year", rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b"),
    ("month_day", rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ("day_month", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"),
    ("offset_anchor", rf"\b{_NUM}\s+{_UNIT}\s+(?P<dir>after|before|later|earlier)\b"
                      r"(?:\s+(?:that|the|this)\s+(?P<noun>[a-z-]+))?"),
    ("ago", rf"\b{_NUM}\s+{_UNIT}\s+ago\b"),
    ("rel_unit", r"\b(?:(?P<mod>earlier|later)\s+)?(?P<which>last|this|next|past)\s+(?P<unit>year|month|week)\b"),
    ("rel_month", rf"\b(?P<which>last|this|next|past)\s+{_MONTH}\b"),
    ("season_year", r"\b(?:(?:early|mid|late)[- ]|the\s+(?:spring|summer|autumn|fall|winter)\s+of\s+)"
                    r"(?P<y>(?:19|20)\d\d)\b"),
    ("year", r"\b(?<![\d,.$])(?P<y>(?:19|20)\d\d)(?!\d|%|s\b|,\d)"),
    ("month", rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}\b"),
    ("weekday", r"\b(?:(?P<which>last|this|next)\s+)?"
                r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("deictic", r"\b(?P<word>today|tonight|yesterday|tomorrow|currently|now|at present"
                r"|this (?:morning|afternoon|evening))\b"),
    ("then", r"\b(?P<word>then|at the time|at that time)\b"),
]]

# "May" and "march" are also ordinary words; they count as months only next to a day or a year,
# or after a preposition that takes dates.
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "dec", "sept", "sep", "oct", "nov", "aug", "jun", "jul", "apr",
                     "feb"}
_DATE_PREPOSITIONS = re.compile(
    r"\b(?:in|since|until|till|by|during|before|after|from|of|early|late|mid|last|next|this)\s*-?$", re.IGNORECASE)


@dataclass(slots=True)
class TimeExpression:
    """A time expression in a text: character offsets, words, resolved value (None when unresolved)."""

    start: int
    end: int
    text: str
    value: str | None
    kind: str = "absolute"
    # For expressions relative to another event ("three years after that withdrawal"): the noun naming
    # that event ("withdrawal", None for "then") and the offset to apply to its date.
    anchor_noun: str | None = None
    offset: tuple[int, int, int] = (0, 0, 0)


def parse_date(value: str | None) -> date | None:
    """``YYYY[-MM[-DD]]`` as the first day it covers; None when absent or invalid."""
    if not value:
        return None
    parts = value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def precision(value: str) -> str:
    """``year``, ``month`` or ``day``: the precision of a ``YYYY[-MM[-DD]]`` value."""
    return ("year", "month", "day")[min(value.count("-"), 2)]


def _fmt(day: date, prec: str) -> str:
    if prec == "year":
        return f"{day.year:04d}"
    if prec == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def shift(value: str, years: int = 0, months: int = 0, days: int = 0) -> str:
    """Move a ``YYYY[-MM[-DD]]`` value by an offset, keeping its precision where the offset allows."""
    day = parse_date(value)
    if day is None:
        raise ValueError(f"not a date: {value!r}")
    prec = precision(value)
    moved = _add_months(day, years * 12 + months) + timedelta(days=days)
    if days and prec != "day":
        prec = "month" if prec == "month" else "year"
    if months and prec == "year" and months % 12:
        prec = "month"
    return _fmt(moved, prec)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS.get(word.lower(), 1)


def _month_before(published: date | None, month: int, which: str | None = None) -> str | None:
    """A bare month name: the latest such month not after publication (news reports the recent past)."""
    if published is None:
        return None
    year = published.year
    if which == "next":
        year = year + 1 if month <= published.month else year
    elif which == "last":
        year = year - 1 if month >= published.month else year
    elif month > published.month:
        year -= 1
    return f"{year:04d}-{month:02d}"


def _resolve_match(name: str, m: re.Match[str], published: date | None) -> tuple[str | None, str]:
    g = m.groupdict()
    if name == "iso":
        return _safe_day(int(g["y"]), int(g["m"]), int(g["d"])), "absolute"
    if name in ("month_day_year", "day_month_year"):
        return _safe_day(int(g["y"]), MONTHS[g["month"].lower()], int(g["d"])), "absolute"
    if name == "month_year":
        return f"{int(g['y']):04d}-{MONTHS[g['month'].lower()]:02d}", "absolute"
    if name in ("month_day", "day_month"):
        month_value = _month_before(published, MONTHS[g["month"].lower()])
        if month_value is None:
            return None, "relative"
        return _safe_day(int(month_value[:4]), int(month_value[5:]), int(g["d"])), "relative"
    if name == "year" or name == "season_year":
        return f"{int(g['y']):04d}", "absolute"
    if name == "month":
        return _month_before(published, MONTHS[g["month"].lower()]), "relative"
    if name == "rel_month":
        return _month_before(published, MONTHS[g["month"].lower()], g["which"].lower()), "relative"
    if published is None:
        return None, "relative"
    if name == "ago":
        n, unit = _number(g["n"]), g["unit"].lower()
        return _offset_from(published, unit, -n), "relative"
    if name == "rel_unit":
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[g["which"].lower()]
        return _offset_from(published, g["unit"].lower(), step), "relative"
    if name == "weekday":
        target = WEEKDAYS[g["wd"].lower()]
        back = (published.weekday() - target) % 7
        if (g.get("which") or "").lower() == "next":
            ahead = (target - published.weekday()) % 7 or 7
            return (published + timedelta(days=ahead)).isoformat(), "relative"
        if (g.get("which") or "").lower() == "last" and back == 0:
            back = 7
        return (published - timedelta(days=back)).isoformat(), "relative"
    if name == "deictic":
        word = g["word"].lower()
        delta = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
        return (published + timedelta(days=delta)).isoformat(), "relative"
    return None, "relative"


def _safe_day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"


def _offset_from(published: date, unit: str, n: int) -> str:
    if unit == "year":
        return f"{published.year + n:04d}"
    if unit == "month":
        return _fmt(_add_months(published, n), "month")
    if unit == "week":
        return _fmt(published + timedelta(weeks=n), "month" if n else "day")
    return (published + timedelta(days=n)).isoformat()


def find_times(text: str, published: str | None, offset: int = 0) -> list[TimeExpression]:
    """Every time expression in ``text`` (non-overlapping, left to right), resolved against ``published``.

    ``offset`` is added to the character positions (pass the sentence start to get article offsets).
    """
    pub = parse_date(published)
    taken: list[tuple[int, int]] = []
    found: list[TimeExpression] = []
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if name in ("month", "rel_month") and not _month_is_date(text, m):
                continue
            if name == "then" and not _then_is_temporal(text, m):
                continue
            if name == "deictic" and m.group(0)[:1].isupper() and _after_name(text, m):
                continue
            taken.append((m.start(), m.end()))
            if name == "offset_anchor":
                n = _number(m.group("n"))
                sign = 1 if m.group("dir").lower() in ("after", "later") else -1
                unit = m.group("unit").lower()
                delta = {"year": (n, 0, 0), "month": (0, n, 0), "week": (0, 0, 7 * n), "day": (0, 0, n)}[unit]
                found.append(TimeExpression(
                    offset + m.start(), offset + m.end(), m.group(0), None, "anchored",
                    anchor_noun=(m.group("noun") or "").lower() or None,
                    offset=(sign * delta[0], sign * delta[1], sign * delta[2])))
                continue
            if name == "then":
                found.append(TimeExpression(offset + m.start(), offset + m.end(), m.group(0), None, "anchored"))
                continue
            value, kind = _resolve_match(name, m, pub)
            found.append(TimeExpression(offset + m.start(), offset + m.end(), m.group(0), value, kind))
    found.sort(key=lambda t: t.start)
    return found


def _month_is_date(text: str, m: re.Match[str]) -> bool:
    word = m.group("month").lower()
    if word not in _AMBIGUOUS_MONTHS:
        return m.group(0)[:1].isupper() or bool(_DATE_PREPOSITIONS.search(text[:m.start()]))
    return m.group(0)[:1].isupper() and bool(_DATE_PREPOSITIONS.search(text[:m.start()]))


def _after_name(text: str, m: re.Match[str]) -> bool:
    # "USA Today", "Britain Today": a capitalised word after a name is part of the name.
    words = text[:m.start()].split()
    return bool(words) and words[-1][:1].isupper() and not words[-1].endswith((".", ",", ";", ":"))


def _then_is_temporal(text: str, m: re.Match[str]) -> bool:
    # "since then" and "and then" order events rather than date them; "if ... then" is logic.
    before = text[:m.start()].rstrip().lower()
    return not before.endswith(("since", "and", "until", "till", "by", "from", "just", "even", "only", "but"))


def resolve(expression: str, published: str | None) -> str | None:
    """Resolve one time expression ("last month", "in 2011", "on Tuesday") against ``published``."""
    found = find_times(expression, published)
    return found[0].value if found else None


__all__ = ["TimeExpression", "find_times", "parse_date", "precision", "resolve", "shift"]
