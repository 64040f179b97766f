"""Reading counts: digits and number words, scales, vague plurals and the qualifiers before them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from eventwire.events.magnitudes.lexicon import MagnitudeLexicon

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


@dataclass(slots=True)
class Count:
    value: int | None  # None: the phrase counts people but gives no usable figure ("several")
    at_least: bool
    start: int  # character offsets of the phrase
    end: int


class NumberReader:
    """Reads counts: digit and word numbers, scales, vague plurals and the qualifiers before them."""

    def __init__(self, lexicon: MagnitudeLexicon) -> None:
        self.numbers = lexicon.numbers
        self.modifiers = lexicon.modifiers
        self.longest_modifier = max((len(m) for m in lexicon.modifiers), default=0)

    def is_number(self, token: Token) -> bool:
        text = token.lower_
        if text in self.numbers:
            return True
        if _DIGITS.match(text):
            return True
        # "twenty-five" as one token
        return "-" in text and all(part in self.numbers for part in text.split("-"))

    def _run(self, token: Token) -> tuple[int, int]:
        """Token range of the number phrase around ``token`` ("1.2 million", "two hundred and fifty")."""
        doc = token.doc
        start = end = token.i
        while start > 0 and (self.is_number(doc[start - 1]) or (
                start > 1 and self._joins(doc[start - 2], doc[start - 1], doc[start]))):
            start -= 1
        # "tens of thousands", read from "thousands"
        if (start > 1 and doc[start - 1].lower_ == "of"
                and self.numbers.get(doc[start].lower_, (0, ""))[1] in ("scale", "vague")
                and self.numbers.get(doc[start - 2].lower_, (0, ""))[1] == "vague"):
            start -= 2
        while end + 1 < len(doc) and (self.is_number(doc[end + 1]) or (
                end + 2 < len(doc) and self._joins(doc[end], doc[end + 1], doc[end + 2]))):
            end += 1
        # "tens of thousands", "hundreds of thousands"
        if (end + 2 < len(doc) and doc[end + 1].lower_ == "of"
                and self.numbers.get(doc[end + 2].lower_, (0, ""))[1] in ("scale", "vague")
                and self.numbers.get(doc[end].lower_, (0, ""))[1] == "vague"):
            end += 2
        return start, end

    def _joins(self, before: Token, connector: Token, after: Token) -> bool:
        """Whether ``connector`` links two parts of one number: "twenty-five", "two hundred and fifty"."""
        if not (self.is_number(before) and self.is_number(after)):
            return False
        if connector.lower_ == "-":
            return before.lower_ in self.numbers and after.lower_ in self.numbers
        return connector.lower_ == "and" and self.numbers.get(before.lower_, (0, ""))[1] == "scale"

    def read(self, token: Token) -> Count | None:
        """The count of the number phrase containing ``token``, with the qualifier before it."""
        doc = token.doc
        start, end = self._run(token)
        value, at_least = self._value([doc[i] for i in range(start, end + 1)])
        first = start
        if start > 0 and doc[start - 1].lower_ in ("a", "an") and value is not None and value in (12, 100, 1000,
                                                                                                    2, 20):
            first = start - 1  # "a dozen", "a hundred", "a couple"
        # A range ("10 to 15 people", "between 10 and 15"): its lower end, as a lower bound. Not a change of a
        # figure ("rose from 12 to 15"), which is read at its end.
        before = doc[start - 1].lower_ if start > 0 else ""
        if end + 2 < len(doc) and self.is_number(doc[end + 2]) and before != "from" and (
                doc[end + 1].lower_ in ("to", "-") or (doc[end + 1].lower_ == "and" and before == "between")):
            if value is not None:
                at_least = True
            first, end = (start - 1 if before == "between" else start), self._run(doc[end + 2])[1]
        elif start > 1 and before in ("to", "-", "and") and self.is_number(doc[start - 2]):
            lower = self._run(doc[start - 2])[0]
            opener = doc[lower - 1].lower_ if lower > 0 else ""
            if opener != "from" and (before != "and" or opener == "between"):
                return self.read(doc[start - 2])
        effect = None
        for size in range(min(self.longest_modifier, first), 0, -1):
            words = tuple(doc[i].lower_ for i in range(first - size, first))
            if words in self.modifiers:
                effect = self.modifiers[words]
                first -= size
                break
        if effect == "upper":
            value = None
        elif effect == "at_least":
            at_least = True
        last = doc[end]
        return Count(value, at_least, doc[first].idx, last.idx + len(last))

    def _value(self, tokens: list[Token]) -> tuple[int | None, bool]:
        total = 0.0
        current = 0.0
        seen = False
        at_least = False
        for token in tokens:
            text = token.lower_
            if text in ("and", "-", "of"):
                continue
            parts = text.split("-") if "-" in text and not _DIGITS.match(text) else [text]
            for part in parts:
                if _DIGITS.match(part):
                    current += float(part.replace(",", ""))
                    seen = True
                    continue
                value, cls = self.numbers.get(part, (0, "none"))
                if cls == "none":
                    return None, False
                if cls == "zero":
                    return 0, False
                if cls == "unit":
                    current += value
                elif cls == "vague":
                    at_least = True
                    # "tens of thousands": the second plural multiplies by its scale (1,000), not its bound
                    scale = self.numbers.get(part[:-1], (0, ""))
                    current = value if not current else current * (scale[0] if scale[1] == "scale" else value)
                elif cls == "scale":
                    current = (current or 1) * value
                    if value >= 1000:
                        total += current
                        current = 0
                seen = True
        if not seen:
            return None, False
        return round(total + current), at_least
