"""Text transforms that put a gold sentence into another register real news arrives in.

Held-back news is not all clean, cased, punctuated wire copy: regional pages come all in lower case,
headlines in Title Case or ALL CAPS, scraped pages with mojibake or hard line breaks, machine translation
and social posts without final punctuation. ``eventwire eval plover-gsr --transform NAME`` scores the
event coder on gold sentences put through one of these transforms, so a drop shows where coding depends
on the register rather than on the words:

- ``lower``: all lower case;
- ``upper``: ALL CAPS;
- ``title``: Title Case (the first letter of every word capitalised, the rest kept: "Us-Led Forces");
- ``mojibake``: the UTF-8 bytes read as Windows-1252 ("é" -> "Ã©"; the five bytes Windows-1252 leaves
  undefined pass through as the C1 control characters, as MySQL's ``latin1`` and many converters do).
  Only text with non-ASCII characters changes;
- ``mojibake-quotes``: straight quotes and apostrophes made typographic ("Iran's" -> "Iran’s", "“…”"),
  as a publishing system sets them, then mojibake as above, except that the closing "”" loses its last
  byte ("â€" alone), as converters that drop undefined bytes leave it. Every sentence with a quote or an
  apostrophe changes;
- ``nopunct``: the final full stop, question or exclamation mark removed (closing quotes stay);
- ``linebreaks``: a hard line break instead of the space before a word that would pass column 60, as in
  text copied from PDFs and e-mails;
- ``spaces``: stray whitespace of scraped pages: every third space doubled, every fifth a no-break space,
  a space and a tab before the text and spaces and a line break after it.

Only the text changes; the gold labels compare on type and country codes, which no transform touches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from eventwire.errors import GoldFormatError

LINE_WIDTH = 60

# Windows-1252 as a byte -> character table; its undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the
# C1 control character of the same number, as sloppy decoders map them.
_CP1252 = tuple(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
_FINAL_PUNCT = re.compile(r"[.!?…]+(?=[\"'”’)\]]*\s*$)")
# A word's first letter: at the start, after a space, an opening quote or bracket, a hyphen ("US-Led"), or a
# straight quote that opens (not the apostrophe of "won't").
_WORD_START = re.compile(r"(?:^|(?<=[\s\"“‘(\[-])|(?<=\s')|(?<=^'))([^\W\d_])")
_APOSTROPHE = re.compile(r"(?<=\w)'|'(?=\w)")
_DOUBLE_QUOTE = re.compile(r'"')
_SPACE = re.compile(" ")


def lower(text: str) -> str:
    return text.lower()


def upper(text: str) -> str:
    return text.upper()


def title(text: str) -> str:
    """Every word's first letter in capitals, the rest as written ("Iran's" stays, "al-Qaeda" -> "Al-Qaeda")."""
    return _WORD_START.sub(lambda m: m.group(1).upper() if len(m.group(1).upper()) == 1 else m.group(1), text)


def mojibake(text: str) -> str:
    """``text`` encoded as UTF-8 and decoded as Windows-1252 ("Côte" -> "CÃ´te")."""
    return "".join(_CP1252[b] for b in text.encode("utf-8"))


def curl_quotes(text: str) -> str:
    """Straight quotes as a publishing system sets them: apostrophes ’, double quotes “ and ” by position."""
    text = _APOSTROPHE.sub("’", text)

    def double(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        return "“" if before.isspace() or before in "([{—–-" else "”"

    return _DOUBLE_QUOTE.sub(double, text)


def mojibake_quotes(text: str) -> str:
    """Typographic quotes and apostrophes, then mojibake with the closing quote's undefined byte lost."""
    return mojibake(curl_quotes(text)).replace("â€\x9d", "â€")


def nopunct(text: str) -> str:
    """``text`` without its final full stop, question or exclamation mark (and trailing space)."""
    return _FINAL_PUNCT.sub("", text.rstrip()).rstrip()


def linebreaks(text: str, width: int = LINE_WIDTH) -> str:
    """``text`` wrapped at ``width`` columns by turning spaces into line breaks (the length is unchanged)."""
    chars = list(text)
    column = 0
    last_space = -1
    for index, char in enumerate(text):
        if char == "\n":
            column, last_space = 0, -1
            continue
        if char == " ":
            last_space = index
        column += 1
        if column > width and last_space >= 0:
            chars[last_space] = "\n"
            column = index - last_space
            last_space = -1
    return "".join(chars)


def spaces(text: str) -> str:
    """``text`` with the stray whitespace of a scraped page (see the module docstring)."""
    count = 0

    def space(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return "  " if count % 3 == 0 else "\u00a0" if count % 5 == 0 else " "

    return " \t" + _SPACE.sub(space, text) + "  \n"


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "lower": lower, "upper": upper, "title": title, "mojibake": mojibake, "mojibake-quotes": mojibake_quotes,
    "nopunct": nopunct, "linebreaks": linebreaks, "spaces": spaces,
}


def transform_names(values: Iterable[str]) -> list[str]:
    """The transform names in ``values`` (each may be a comma list), in order, once each; raises
    GoldFormatError naming the known transforms for an unknown one."""
    names: list[str] = []
    for value in values:
        for name in (v.strip().lower() for v in value.split(",")):
            if not name:
                continue
            if name not in TRANSFORMS:
                raise GoldFormatError(f"unknown transform {name!r}: choose from {', '.join(TRANSFORMS)}")
            if name not in names:
                names.append(name)
    return names


def apply(name: str, text: str) -> str:
    """``text`` put through the transform called ``name``."""
    try:
        return TRANSFORMS[name](text)
    except KeyError:
        raise GoldFormatError(f"unknown transform {name!r}: choose from {', '.join(TRANSFORMS)}") from None
