"""The dateline of a news story, found once for every stage that needs it.

A dateline opens a line: a place, maybe a region or country, maybe a date, maybe the outlet in parentheses, then
a separator before the story's first sentence::

    BAGHDAD (Reuters) — ...                     KYIV, Ukraine, May 3 (AP) -- ...
    WASHINGTON — ...                            Damascus, March 3 (SANA) - ...
    baghdad, may 14, 2018 (al-rafidain news, translated) — ...
    NEW DELHI, Jan. 5 (PTI): ...                (Reuters) - ...

:func:`find_dateline` reads one line and returns a :class:`Dateline` with the character span of each part;
:func:`opening_dateline` finds the first dateline among the lines opening a text; :func:`token_in_dateline` tells
a parse-based stage whether a token lies inside the dateline of its line, and :func:`entity_places` lets the parse's
place entities vouch for a place.

How a line is judged (upper, title and lower case alike; the dashes of unrepaired mojibake count as dashes):

- the place is a run of words in one case (all capitals, capitalised words with lower-case particles as in "Rio
  de Janeiro", or all lower case), at most four words and 40 characters, never holding a word that shows a line
  opener is something else ("WASHINGTON POST", "BREAKING NEWS", "NATO"; ``data/dateline_words.tsv``);
- after commas come at most two region parts in a case that fits the place's, and one date ("May 3", "Sept. 5,
  2023", "3 May", "Tuesday");
- a date or an outlet in parentheses is evidence enough. Without either, a place in capitals of four letters or
  more, or capitalised words followed by a region ("Khartoum, Sudan —"), makes a dateline when the story after
  the separator opens with a capital; a lower-case place, a place in capitals of three letters or fewer ("US —",
  "EU —" are rather acronyms) and a colon separator need the caller's ``is_place`` to confirm the place;
- an outlet from the agency list needs no separator ("BEIJING (Xinhua) Chinese officials ...") and no place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from eventwire.datafiles import read_rows
from eventwire.nlp.english import NAME_PARTICLES
from eventwire.time import MONTHS, WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Case = Literal["upper", "title", "lower"]
PlaceCheck = Callable[[str], bool]

_DATA = Path(__file__).parent / "data" / "dateline_words.tsv"


def _words() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name, word in read_rows(_DATA, 2, header="class"):
        found.setdefault(name, set()).add(word.casefold())
    return {name: frozenset(words) for name, words in found.items()}


_WORDS = _words()
# News agencies that sign wire copy ("(Xinhua)"): enough on their own to make a dateline.
AGENCIES: frozenset[str] = _WORDS["outlet"]
_NOT_PLACE = _WORDS["not-place"]
_PARTICLES = NAME_PARTICLES | _WORDS["particle"]

# Entity labels of the parse that vouch for a place (token_in_dateline).
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_MAX_PLACE_WORDS = 4
# No dateline is longer than this (place, regions, date and outlet): the part of a line that is read.
_MAX_CHARS = 300
_MAX_PLACE_CHARS = 40
_MAX_REGION_WORDS = 5
_MAX_REGIONS = 2
# A place in capitals this short is more often an acronym ("US —", "EU —", "IMF -"): the caller must confirm it.
_SHORT_ACRONYM = 3

_SPACE = r"[ \t\u00a0]"
# A word of a place or region: letters, inner apostrophes and periods ("N'DJAMENA", "D.C."), a closing period
# ("Mass.", "ST."). Letters are any script's, so that "BOGOTÁ" and mojibake such as "SÃƒO" stay one word; so do
# the control characters and replacement marks that bytes undefined in Windows-1252 become ("BOGOTÃ\x81").
_LETTER = r"(?:[^\W\d_]|[\u0080-\u009f\ufffd])"
_WORD = re.compile(rf"{_LETTER}+(?:['’.]{_LETTER}+)*\.?")
# Between two words of one name: a space, a hyphen ("PORT-AU-PRINCE") or a slash ("BEIRUT/DAMASCUS").
_JOINER = re.compile(rf"{_SPACE}|-|{_SPACE}?/{_SPACE}?")
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?:(?P<month>{_MONTH}){_SPACE}+(?P<day>{_DAY})|(?P<day2>{_DAY}){_SPACE}+(?P<month2>{_MONTH}))"
    rf"(?:,?{_SPACE}+(?P<year>{_YEAR}))?(?![\w])"
    rf"|(?P<iso>{_YEAR}-\d\d-\d\d)(?![\w])"
    rf"|{_WEEKDAY}(?![\w])",
    re.IGNORECASE)
_LAST_WORD = re.compile(r"[^\W\d_]+")
_COMMA = re.compile(rf"{_SPACE}*,{_SPACE}*")
# "(AP)", "(Al-Rafidain News, translated)": the outlet is the name before a comma. Press-release wires write it
# between slashes ("NEW YORK, May 3, 2024 /PRNewswire/ --").
_OUTLET = re.compile(rf"{_SPACE}*\({_SPACE}*(?P<outlet>[^(),\n]*[^(),\s])?{_SPACE}*(?:,[^()\n]{{0,40}})?\)"
                     rf"|{_SPACE}+/(?P<wire>[^\W\d_][^/\n]{{1,40}}?)/")
# Dashes (also as UTF-8 read as Windows-1252: "â€”", "â€“"), a double hyphen, a hyphen, a colon; after the
# outlet's parenthesis a full stop may come first ("(EFE).-").
_SEPARATOR = re.compile(rf"(?P<before>{_SPACE}*)(?P<sep>\.?(?:—|–)|\.-|―|‒|--+|â€”|â€“|â€\"|-|:)(?P<after>{_SPACE}*)")


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline: character offsets into the text; a part absent from the dateline is None."""

    start: int  # the first character of the dateline (after any indentation)
    end: int  # just past the separator (or past the outlet's parenthesis when there is no separator)
    body: int  # where the story's first sentence starts (after the spaces following the dateline)
    case: Case  # how the place (or, without one, the outlet) is written
    place: tuple[int, int] | None  # "KYIV"
    region: tuple[int, int] | None  # "Ukraine"; "North Kivu, Congo" when there are two
    date: tuple[int, int] | None  # "May 3", "Jan. 5, 2024", "Tuesday"
    outlet: tuple[int, int] | None  # "AP", "Al-Rafidain News" (inside the parentheses, before a comma)
    separator: tuple[int, int] | None  # "—", "--", ":"

    def contains(self, start: int, end: int) -> bool:
        """Whether the characters ``[start, end)`` lie inside the dateline (before its body)."""
        return self.start <= start and end <= self.end

    def day(self, text: str) -> date | None:
        """The calendar day the date part names, when it names one with its year ("May 14, 2018")."""
        if self.date is None:
            return None
        match = _DATE.fullmatch(text, *self.date)
        if match is None:
            return None
        if match["iso"]:
            try:
                return date.fromisoformat(match["iso"])
            except ValueError:
                return None
        if not match["year"]:
            return None
        month = MONTHS[(match["month"] or match["month2"]).rstrip(".").lower()]
        day = int(re.match(r"\d+", match["day"] or match["day2"])[0])  # type: ignore[index]
        try:
            return date(int(match["year"]), month, day)
        except ValueError:
            return None


def find_dateline(text: str, start: int = 0, *, is_place: PlaceCheck | None = None) -> Dateline | None:
    """The dateline opening the line that starts at ``start``, or None.

    ``is_place(place)`` is asked only about a place the line alone cannot vouch for (see the module's rules); a
    caller that knows places (a gazetteer, a capital it found there) passes it, the others get the safe reading.
    """
    # Only the opening of a line can hold a dateline: a paragraph of a long text is not searched to its end.
    newline = text.find("\n", start, start + _MAX_CHARS)
    line_end = min(len(text), start + _MAX_CHARS) if newline < 0 else newline
    first = _skip_spaces(text, start, line_end)
    place = _run(text, first, line_end, _MAX_PLACE_WORDS)
    if place is not None and text[place[0][1] - 1] == "." and len(_LAST_WORD.findall(text, *place[0])[-1]) > 3:
        place = (place[0][0], place[0][1] - 1), place[1]  # "KABUL.-": the full stop is the separator's ("ST." keeps it)
    pos = first
    regions: list[tuple[int, int]] = []
    date_span: tuple[int, int] | None = None
    if place is not None:
        if place[0][1] - place[0][0] > _MAX_PLACE_CHARS or _holds_other_words(text, place[0]):
            return None
        pos = place[0][1]
        while date_span is None and (comma := _COMMA.match(text, pos, line_end)) is not None:
            found = _DATE.match(text, comma.end(), line_end)
            if found is not None:
                date_span, pos = found.span(), found.end()
                break
            region = _run(text, comma.end(), line_end, _MAX_REGION_WORDS)
            if region is None or len(regions) == _MAX_REGIONS or not _fits(place[1], region[1]):
                return None  # "Smith, 45, was ...", "Iraq, Turkey agree ..."
            regions.append(region[0])
            pos = region[0][1]
    outlet_span: tuple[int, int] | None = None
    outlet = _OUTLET.match(text, pos, line_end)
    name = "outlet" if outlet is not None and outlet["outlet"] else "wire"
    if outlet is not None and outlet[name] and len(outlet[name]) >= 2:
        outlet_span, pos = outlet.span(name), outlet.end()
    outlet_text = text[outlet_span[0]:outlet_span[1]] if outlet_span else ""
    agency = outlet_text.casefold() in AGENCIES
    if place is not None:
        case = place[1]
    elif agency and outlet is not None and outlet.start() == first:
        # Only an agency's name opens a dateline without a place: "(Reuters) - The president said ...".
        case = "lower" if outlet_text.islower() else "upper" if outlet_text.isupper() else "title"
    else:
        return None
    separator = _SEPARATOR.match(text, pos, line_end)
    if (separator is not None and separator["sep"] == "-" and not (separator["before"] or separator["after"])
            and text[pos - 1] != ")"):
        separator = None  # "KABUL-based": a hyphen joins words unless spaced or after the outlet ("(Reuters)-")
    if separator is None and not agency:
        return None
    sep_span = separator.span("sep") if separator is not None else None
    end = separator.end("sep") if separator is not None else pos
    body = _skip_spaces(text, end, line_end)
    opening = text[body:body + 1]
    if sep_span is None and (not opening or (case != "lower" and opening.islower())):
        return None  # "WASHINGTON (Reuters) reported ...": the agency named in a sentence
    if place is not None and date_span is None and outlet_span is None:
        if case != "lower" and opening.islower():
            return None  # "US — which has troops ...": an apposition, not a story
        place_text = text[place[0][0]:place[0][1]]
        unsure = (case == "lower" or (sep_span is not None and text[sep_span[0]] == ":")
                  or (case == "upper" and sum(c.isalpha() for c in place_text) <= _SHORT_ACRONYM)
                  or (case == "title" and not regions))
        if unsure and not (is_place is not None and is_place(place_text)):
            return None
    region_span = (regions[0][0], regions[-1][1]) if regions else None
    return Dateline(first, end, body, case, place[0] if place else None, region_span, date_span, outlet_span,
                    sep_span)


def _skip_spaces(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t\u00a0":
        pos += 1
    return pos


def opening_dateline(text: str, within: int = 600, *, is_place: PlaceCheck | None = None) -> Dateline | None:
    """The first dateline opening one of the lines that start in the first ``within`` characters (a title line
    may come before it)."""
    start = 0
    while start < min(within, len(text)):
        found = find_dateline(text, start, is_place=is_place)
        if found is not None:
            return found
        end = text.find("\n", start)
        if end < 0:
            break
        start = end + 1
    return None


def line_start(text: str, index: int) -> int:
    """Where the line holding character ``index`` starts."""
    return text.rfind("\n", 0, index) + 1


# The doc :func:`token_in_dateline` last read and the dateline (or None) of each of its lines it read; one tuple,
# swapped whole, so threads reading other docs never see a half-written cache.
_lines_read: tuple[Doc | None, dict[int, Dateline | None]] = (None, {})


def token_in_dateline(token: Token, *, is_place: PlaceCheck | None = None) -> bool:
    """Whether a token lies inside the dateline opening its line ("ISTANBUL" in "ISTANBUL — Ukraine and ...").

    Without ``is_place``, the parse's entities confirm a place the line alone cannot: every token of it in a
    GPE, LOC or FAC entity ("Washington — The Senate ...", "kabul — taliban fighters ...").
    """
    from eventwire.nlp.parse import doc_text  # here: this module imports no spaCy

    global _lines_read
    doc = token.doc
    text = doc_text(doc)
    start = text.rfind("\n", max(0, token.idx - _MAX_CHARS), token.idx) + 1
    if start == 0 and token.idx >= _MAX_CHARS:
        return False  # too far into its line to be in a dateline
    if is_place is not None:
        found = find_dateline(text, start, is_place=is_place)
    else:
        # The parties of one line ask about it in turn: each line of the doc last asked about is read once.
        read_doc, lines = _lines_read
        if read_doc is not doc:
            lines = {}
            _lines_read = (doc, lines)
        if start not in lines:
            lines[start] = find_dateline(text, start, is_place=entity_places(doc, start))
        found = lines[start]
    return found is not None and found.contains(token.idx, token.idx + len(token.text))


def entity_places(doc: Doc, start: int) -> PlaceCheck:
    """An ``is_place`` for the line of ``doc`` starting at ``start``: the parse vouches for a place when every
    token of it is in a GPE, LOC or FAC entity."""
    from eventwire.nlp.parse import doc_text  # here: this module imports no spaCy

    text = doc_text(doc)

    def recognised(name: str) -> bool:
        at = text.find(name, start)
        span = doc.char_span(at, at + len(name), alignment_mode="expand") if at >= 0 else None
        return span is not None and all(t.ent_type_ in _PLACE_LABELS for t in span)

    return recognised


def _case_of(word: str) -> Case | None:
    """How a word is written; a word in capitals is "upper" only when it has two letters or more in ASCII capitals
    (a capitalised one-letter word is "title")."""
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    if not word[:1].isupper():
        return "lower" if word[:1].islower() and not any(c.isupper() for c in ascii_letters) else None
    if len(ascii_letters) >= 2 and not any(c.islower() for c in ascii_letters):
        return "upper"
    return "title"


def _run(text: str, pos: int, end: int, most: int) -> tuple[tuple[int, int], Case] | None:
    """The longest run of at most ``most`` words from ``pos`` written in one case, and that case. A title-case run
    may hold lower-case particles and words in capitals ("Rio de Janeiro", "Gaza CITY"); it never ends on a
    particle."""
    words: list[tuple[int, int, bool]] = []  # start, end, is a particle
    run_case: Case | None = None
    while len(words) < most:
        at = pos
        if words:
            joiner = _JOINER.match(text, pos, end)
            if joiner is None:
                break
            at = joiner.end()
        word = _WORD.match(text, at, end)
        if word is None:
            break
        written = _case_of(word[0])
        particle = written == "lower" and word[0].lower() in _PARTICLES
        if run_case is None:
            if written is None:
                return None
            run_case = written
        elif not (written == run_case or (run_case == "title" and (particle or written == "upper"))):
            break
        words.append((word.start(), word.end(), particle))
        pos = word.end()
    while words and words[-1][2]:
        words.pop()
    if not words or run_case is None:
        return None
    return (words[0][0], words[-1][1]), run_case


def _fits(place: Case, region: Case) -> bool:
    """Whether a region's case goes with the place's ("KYIV, Ukraine", "kyiv, ukraine", not "Kyiv, ukraine")."""
    return (place == "lower") == (region == "lower")


def _holds_other_words(text: str, span: tuple[int, int]) -> bool:
    """Whether a would-be place holds a word of another kind of line opener ("WASHINGTON POST", "BREAKING NEWS"),
    or is an agency's name or a day's ("Monday, May 3 —")."""
    words = re.findall(r"[^\W\d_]+", text[span[0]:span[1]])
    return any(w.casefold() in _NOT_PLACE for w in words) or (
        len(words) == 1 and (words[0].casefold() in AGENCIES or words[0].lower() in MONTHS
                             or words[0].lower() in WEEKDAYS))
