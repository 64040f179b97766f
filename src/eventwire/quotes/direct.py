"""Quotes, the direct candidates: quotation marks with their cue, speaker or frame.

A quote's content is its text without the outer marks; a split quote
(``"A," he said, "B."``) becomes one quote from the start of A to the end of B.
Titles, headlines and quotes too short to stand alone are told apart here.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from eventwire.quotes.marks import MarkedQuote
from eventwire.quotes.speakers import _Candidate

# A quote that forms no sentence of its own and has no cue must be at least this long to count.
MIN_DIRECT_WORDS = 4
# A quote inside a sentence made of at most this many capitalised words (and these small words) is a title.
TITLE_WORDS = 6
TITLE_SMALL_WORDS = {"the", "of", "and", "a", "an", "in", "on", "for", "to", "with", "at", "by", "or"}
# At most this many words name the speaker of a headline-style quote ('Hartman in Ohio: "..."').
HEADLINE_WORDS = 6
# Words that open a new sentence after a quote closed with a full stop ('..." He said the plan ...').
SENTENCE_OPENERS = {"He", "She", "They", "It", "We", "I", "You", "The", "A", "An", "But", "And", "This", "That",
                    "In", "On", "At", "His", "Her", "Their", "Its"}
# At most this many words between a closing mark and its cue ('," US Defense Secretary Jim Mats said').
MAX_FRAME_GAP = 8
# Words that start a new clause between a quote and a later verb: that verb does not frame the quote.
CLAUSE_WORDS = {"and", "but", "or", "that", "which", "who", "while", "because", "although", "though"}


class DirectQuotes:
    """Direct quote candidates from the quotation marks.

    (A part of ``_Extraction`` in :mod:`eventwire.quotes.stage`, which holds the article's text, doc, lexicon,
    paragraphs and the position helpers these methods use.)
    """

    def direct_candidates(self, marked: list[MarkedQuote], indirect: list[_Candidate]) -> list[_Candidate]:
        used = {id(m) for c in indirect for m in c.marked}
        todo = [m for m in marked if id(m) not in used]
        out: list[_Candidate] = []
        i = 0
        while i < len(todo):
            quote = todo[i]
            cand = _Candidate("direct", quote.start, self.content_end(quote), closed=quote.closed, marked=[quote])
            after = self.frame_after(quote, todo[i + 1] if i + 1 < len(todo) else None)
            before = self.frame_before(quote, todo[i - 1] if i > 0 else None)
            cue = None if self.is_title(quote, before) else self.cue_after(after, quote) or self.cue_before(before)
            if cue is not None:
                self.attribute(cand, cue, after if after[0] <= cue[0].idx < after[1] else before)
            cand.frames = [f for f in (before, after) if f[0] < f[1]]
            # "A," he said, "B.": the frame ends where the quote reopens, within the sentence.
            nxt = todo[i + 1] if i + 1 < len(todo) else None
            if nxt is not None and cue is not None and self.is_split(quote, after, nxt):
                cand.end = self.content_end(nxt)
                cand.closed = cand.closed and nxt.closed
                cand.marked.append(nxt)
                cand.frames.append(self.frame_after(nxt, todo[i + 2] if i + 2 < len(todo) else None))
                i += 1
            i += 1
            speaker = (self.headline_speaker(before) or self.dash_speaker(quote, after)) if cue is None else None
            if speaker is not None:
                # 'Hartman in Ohio: "We're taking this state back"': a name and a colon frame the quote.
                self.set_speaker(cand, speaker)
                out.append(cand)
                continue
            if cue is None and not self.stands_alone(quote, before):
                described = self.description(quote)
                if described is not None:
                    out.append(described)
                    continue
            if cue is None:
                standalone = self.stands_alone(quote, before)
                if not standalone and len(self.text[quote.start:quote.end].split()) < MIN_DIRECT_WORDS:
                    continue  # a scare quote or a title, not speech
                if not standalone:
                    continue
                cand.inherited = True
                if out and self.continues(out[-1], cand):
                    # '"A," he said. "B."': the cue-less sentence goes on with the same speaker and cue.
                    previous = out[-1]
                    previous.end = cand.end
                    previous.closed = previous.closed and cand.closed
                    previous.marked.extend(cand.marked)
                    previous.frames.extend(cand.frames)
                    continue
            out.append(cand)
        return out

    def is_title(self, quote: MarkedQuote, before: tuple[int, int]) -> bool:
        """A title in marks inside a sentence (NBC's "Meet the Press", "Fox News Sunday"): capitalised words only."""
        if self.stands_alone(quote, before) or self.text[before[0]:before[1]].rstrip().endswith(":"):
            return False
        words = re.findall(r"[\w'’-]+", self.text[quote.start:quote.end])
        if not 2 <= len(words) <= TITLE_WORDS or not words[0][:1].isupper():
            return False
        return all(w[:1].isupper() or w.lower() in TITLE_SMALL_WORDS for w in words)

    def dash_speaker(self, quote: MarkedQuote, after: tuple[int, int]) -> Token | None:
        """'"Enough is enough." — Senator Elizabeth Warren': a dash after the quote, then its speaker's name."""
        if not re.match(r"\s*(?:[—–]|--)\s*\S", self.text[quote.outer_end:after[1]]):
            return None
        for token in self.tokens_in(*after)[:HEADLINE_WORDS]:
            if token.pos_ == "PROPN" and token.dep_ != "compound" and self.can_speak(token):
                return token
        return None

    def headline_speaker(self, before: tuple[int, int]) -> Token | None:
        """The speaker of a headline-style frame: a short paragraph opening that names someone and ends in a colon."""
        frame = self.text[before[0]:before[1]]
        if not frame.rstrip().endswith(":") or before[0] != self.lines[self.line_of(before[1])][0]:
            return None
        tokens = [t for t in self.tokens_in(*before) if not t.is_punct and not t.is_space]
        if not tokens or len(tokens) > HEADLINE_WORDS or any(self.cue_of(t) for t in tokens):
            return None
        first = tokens[0]
        while first.dep_ == "compound" and first.head.i > first.i and first.head.idx < before[1]:
            first = first.head
        return first if first.pos_ in ("PROPN", "NOUN") and self.can_speak(first) else None

    def continues(self, previous: _Candidate, cand: _Candidate) -> bool:
        """True when a cue-less direct quote continues ``previous`` in the same paragraph."""
        if previous.kind != "direct" or not previous.marked or previous.document is not None:
            return False
        if previous.cue is None and not previous.inherited:
            return False
        last = previous.marked[-1]
        return self.line_of(last.outer_end - 1) == self.line_of(cand.marked[0].open_at)

    def parts_of(self, cand: _Candidate) -> list[tuple[int, int]]:
        """The fragments of a candidate: each paragraph of each quote of a direct quote, else its one span."""
        if cand.kind != "direct":
            return [(cand.start, cand.end)]
        parts = []
        for quote in cand.marked:
            for start, end in quote.fragments:
                while end > start and self.text[end - 1] in " \t\n,":
                    end -= 1
                while start < end and self.text[start].isspace():
                    start += 1
                if end > start:
                    parts.append((start, end))
        return parts or [(cand.start, cand.end)]

    def content_end(self, quote: MarkedQuote) -> int:
        """The end of a direct quote's content: a comma that stands for the frame's full stop is left out."""
        end = quote.end
        while end > quote.start and self.text[end - 1] in " \t\n,":
            end -= 1
        return end

    def description(self, quote: MarkedQuote) -> _Candidate | None:
        """'described Erdogan as a "thief" who ...': a mixed quote framed by a verb of description."""
        first = self.token_at(quote.start)
        if first is None:
            return None
        verb = first.head
        hops = 0
        while hops < 6 and verb.head is not verb and not (
                verb.pos_ == "VERB" and self.lex.cues.get(verb.lemma_.lower()) == "description"):
            verb, hops = verb.head, hops + 1
        if self.lex.cues.get(verb.lemma_.lower()) != "description" or verb.idx >= quote.open_at:
            return None
        parts = [c for c in verb.children if c.i > verb.i and (
            c.dep_ in ("dobj", "oprd", "attr", "xcomp") or (c.dep_ == "prep" and c.lower_ == "as"))]
        if not parts:
            return None
        line = self.line_of(quote.start)
        start = min(p.left_edge.idx for p in parts)
        last = max(p.right_edge for p in parts)
        end = max(min(last.idx + len(last.text), self.lines[line][1]), quote.outer_end)
        start, end = self.trim(start, end)
        while end > start and self.text[end - 1] in ".!?":
            end -= 1
        subject = self.subject_of(verb)
        if subject is None or not start <= quote.open_at < end:
            return None
        cand = _Candidate("mixed", start, end, cue=verb.text, cue_class="speech", marked=[quote])
        self.set_speaker(cand, subject)
        cand.frames = self.frames_around((start, end), line, verb)
        return cand

    def frame_after(self, quote: MarkedQuote, nxt: MarkedQuote | None) -> tuple[int, int]:
        start = quote.outer_end
        line_end = self.lines[self.line_of(max(quote.outer_end - 1, 0))][1]
        end = line_end
        if nxt is not None and nxt.open_at >= start:
            end = min(end, nxt.open_at)
        token = next((t for t in self.tokens_in(start, end) if not t.is_space), None)
        if token is not None:
            sent_end = token.sent.end_char
            end = min(end, max(sent_end, token.idx + len(token.text)))
            # spaCy may run a sentence on past a full stop after the quote; a full stop ends the frame
            # (not the one of "Sen." or "U.S.").
            stops = [e for e in self.sentence_stops(start, end) if self.text[start:e - 1].strip()]
            if stops:
                end = stops[0]
        else:
            end = start
        return start, end

    def frame_before(self, quote: MarkedQuote, prev: MarkedQuote | None) -> tuple[int, int]:
        end = quote.open_at
        line_start = self.lines[self.line_of(quote.open_at)][0]
        start = line_start
        if prev is not None and prev.outer_end <= end:
            start = max(start, prev.outer_end)
        stops = self.sentence_stops(start, end)
        if stops:
            start = stops[-1]
            while start < end and self.text[start] in "\"'”’) \t":
                start += 1
        return start, end

    def sentence_stops(self, start: int, end: int) -> list[int]:
        """The offsets just after each full stop, ! or ? in [start, end) that ends a sentence: followed by a space
        or the end, and not the stop of an abbreviation ("Sen.", "Mr.") or an initial ("U.S.", "D.C.")."""
        stops = []
        for match in re.finditer(r"[.!?](?=[\"'”’)]*(?:\s|$))", self.text[start:end]):
            at = start + match.start()
            if self.text[at] == ".":
                word = re.search(r"[\w.-]*$", self.text[max(start, at - 12):at])
                word_text = word.group(0) if word else ""
                last = word_text.rsplit(".", 1)[-1]
                if last in self.lex.abbreviations or (len(last) == 1 and last.isupper()):
                    continue
            stops.append(at + 1)
        return stops

    def stands_alone(self, quote: MarkedQuote, before: tuple[int, int]) -> bool:
        """True when the quote opens a sentence (nothing but space before it in its sentence)."""
        return not self.text[before[0]:before[1]].strip()

    def is_split(self, quote: MarkedQuote, after: tuple[int, int], nxt: MarkedQuote) -> bool:
        if after[1] != nxt.open_at or self.line_of(nxt.open_at) != self.line_of(quote.open_at):
            return False
        frame = self.text[after[0]:after[1]].strip()
        content = self.text[quote.start:quote.end].rstrip()
        return bool(frame) and frame[-1] in ",:;—–" and not content.endswith((".", "!", "?"))

    def cue_in(self, frame: tuple[int, int], nearest_first: bool) -> tuple[Token, str, str] | None:
        tokens = self.tokens_in(*frame)
        if not nearest_first:
            tokens = list(reversed(tokens))
        for token in tokens:
            if token.lower_ == "according" and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
                return token, self.text[token.idx:self.doc[token.i + 1].idx + 2], "speech"
            cue = self.cue_of(token)
            if cue is not None:
                return token, cue[0], cue[1]
        return None

    def cue_after(self, frame: tuple[int, int], quote: MarkedQuote | None = None) -> tuple[Token, str, str] | None:
        """A cue framing the quote ('," he said', '," said X'), not the verb of a new clause ('and said that').

        A quote closed after a full stop ended its sentence ('..." He said ...' starts a new one); a long gap is
        allowed when it is the cue's subject with its appositive or relative clause ('," Sofia Delgado, who
        leads the coalition, told The Hill')."""
        cue = self.cue_in(frame, nearest_first=True)
        if cue is None:
            return None
        content = self.text[quote.start:quote.end].rstrip() if quote is not None and quote.closed else ""
        if content.endswith(".") and not content.endswith(("..", "…")):
            first = next((t for t in self.tokens_in(*frame) if t.is_alpha), None)
            new_sentence = first is not None and first.text in SENTENCE_OPENERS
            if new_sentence or any(c.dep_ == "ccomp" for c in cue[0].children):
                return None
        gap = self.tokens_in(frame[0], cue[0].idx)
        words = [t for t in gap if not t.is_punct and not t.is_space]
        own = next((c for c in cue[0].children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if quote is not None and own is not None and own.idx < quote.open_at and \
                self.line_of(own.idx) == self.line_of(quote.open_at):
            return None  # 'Vance, in an interview with NBC's "Meet the Press," said ...': a title inside the sentence
        if len(words) > MAX_FRAME_GAP or any(t.lower_ in CLAUSE_WORDS for t in words):
            subject = self.subject_of(cue[0]) if cue[0].lower_ != "according" else None
            leading = [t for t in gap if subject is not None and t.i < subject.left_edge.i]
            if subject is None or not gap or not (gap[0].i <= subject.i < cue[0].i) or not all(
                    t.is_punct or t.is_space for t in leading):
                return None
        return cue

    def cue_before(self, frame: tuple[int, int]) -> tuple[Token, str, str] | None:
        """A cue introducing the quote ('He said: "..."'), not one elsewhere in its sentence."""
        cue = self.cue_in(frame, nearest_first=False)
        if cue is None:
            return None
        between = self.text[cue[0].idx + len(cue[1]):frame[1]].strip()
        if between.endswith((":", ",")) or between.lower() in ("", "that"):
            return cue
        # 'told CNN that "..."', 'said in a statement that "..."': a that-clause made of the quote.
        if between.lower().endswith(" that") and len(between.split()) <= MAX_FRAME_GAP:
            return cue
        return None

    def attribute(self, cand: _Candidate, cue: tuple[Token, str, str], frame: tuple[int, int]) -> None:
        token, cue_text, cls = cue
        cand.cue, cand.cue_class = cue_text, cls
        if token.lower_ == "according":
            objects = [c for t in token.children if t.lower_ == "to" for c in t.children if c.dep_ == "pobj"]
            subject = objects[0] if objects else None
        else:
            subject = self.subject_of(token)
        if subject is None or not (frame[0] <= subject.idx < frame[1]) or not self.can_speak(subject):
            subject = self.nearest_noun(token, frame)
        if subject is not None:
            self.set_speaker(cand, subject)

    def nearest_noun(self, cue: Token, frame: tuple[int, int]) -> Token | None:
        """A speaker for a frame the parser got wrong: the nearest name, noun or pronoun to the cue that can speak
        and is no prepositional object ("said in an interview")."""
        best: Token | None = None
        for token in self.tokens_in(*frame):
            plausible = ((token.pos_ in ("PROPN", "NOUN", "PRON") or self.mistagged_name(token))
                         and token.dep_ not in ("compound", "poss", "pobj")
                         and self.can_speak(token))
            if plausible and token is not cue and (best is None or abs(token.i - cue.i) < abs(best.i - cue.i)):
                best = token
        return best
