"""Direct quotes from quotation marks, found without the parser.

The scanner works line by line (a line is a paragraph), so a stray mark can
only mislead the rest of its own paragraph, never the rest of the article.
A quote still open at the end of a paragraph continues when the next
paragraph opens with a quotation mark (the convention for quotes running
over several paragraphs); otherwise it is closed at the paragraph end and
flagged ``closed=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRAIGHT = '"'


@dataclass(slots=True)
class MarkedQuote:
    """A stretch of text between quotation marks.

    ``start``/``end`` delimit the content without the outer marks; ``open_at``
    is the index of the opening mark and ``close_at`` that of the closing mark
    (None when the quote was never closed). ``fragments`` are the pieces of
    content of a quote running over several paragraphs, one per paragraph,
    without the paragraph breaks and reopening marks.
    """

    start: int
    end: int
    open_at: int
    close_at: int | None
    paragraphs: int = 1
    fragments: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.fragments:
            self.fragments = [(self.start, self.end)]

    @property
    def closed(self) -> bool:
        return self.close_at is not None

    @property
    def outer_end(self) -> int:
        return self.close_at + 1 if self.close_at is not None else self.end


def lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of ``text``, without the newline."""
    out = []
    start = 0
    for piece in text.split("\n"):
        end = start + len(piece)
        if piece.strip():
            out.append((start, end))
        start = end + 1
    return out


def _opens(text: str, i: int, mark: str) -> bool:
    if mark != STRAIGHT:
        return True
    # A straight mark opens at the start of a text or after a space or opening bracket, before a non-space.
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:") and not after.isspace()


def _closes(text: str, i: int, mark: str, opener: str) -> bool:
    if mark == STRAIGHT or (mark == "“" and opener == "“"):
        # Ambiguous glyphs close after text and before a space, punctuation or the line end.
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not before.isspace() and (after.isspace() or not after.isalnum())
    return True


def find_marked(text: str, marks: dict[str, str]) -> list[MarkedQuote]:
    """Every quote delimited by the double quotation marks of ``marks`` (opener -> closers)."""
    found: list[MarkedQuote] = []
    # An open quote: (index of its opening mark, the mark, the fragments of the paragraphs before this one,
    # where the current fragment starts), carried across lines.
    pending: tuple[int, str, list[tuple[int, int]], int] | None = None
    previous_end = 0
    for line_start, line_end in lines(text):
        i = line_start
        if pending is not None:
            first = line_start + (len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip()))
            if text[first] in marks:
                # The paragraph reopens the quote: it runs on, with a new fragment.
                open_at, mark, fragments, fragment_start = pending
                pending = (open_at, mark, [*fragments, (fragment_start, previous_end)], first + 1)
                i = first + 1
            else:
                open_at, _mark, fragments, fragment_start = pending
                fragments = [*fragments, (fragment_start, previous_end)]
                found.append(MarkedQuote(open_at + 1, previous_end, open_at, None, len(fragments), fragments))
                pending = None
        while i < line_end:
            ch = text[i]
            if pending is not None:
                open_at, opener, fragments, fragment_start = pending
                if ch in marks[opener] and _closes(text, i, ch, opener):
                    fragments = [*fragments, (fragment_start, i)]
                    found.append(MarkedQuote(open_at + 1, i, open_at, i, len(fragments), fragments))
                    pending = None
                elif ch == "“" and opener == "“" and _opens(text, i, ch):
                    # A second opening mark before any close: the first was stray; restart here.
                    pending = (i, ch, [], i + 1)
            elif ch in marks and _opens(text, i, ch):
                pending = (i, ch, [], i + 1)
            i += 1
        previous_end = line_end
    if pending is not None:
        open_at, _mark, fragments, fragment_start = pending
        fragments = [*fragments, (fragment_start, previous_end)]
        found.append(MarkedQuote(open_at + 1, previous_end, open_at, None, len(fragments), fragments))
    return [q for q in found if text[q.start:q.end].strip()]
