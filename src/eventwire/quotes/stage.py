"""The quote stage: direct, indirect and mixed quotes with speaker, cue, channel and anonymity.

Design:

* Direct quotes come from quotation marks (:mod:`eventwire.quotes.marks`), found
  per paragraph. A quote's ``text``/``start``/``end`` is its content *without*
  the outer marks (``text == article.text[start:end]``); a quote running over
  several paragraphs keeps the paragraph breaks and reopening marks inside its
  span, and a split quote (``"A," he said, "B."``) becomes one quote from the
  start of A to the end of B, the interrupting frame included (one span per
  quote is all the contract allows).
* Indirect quotes come from the parse: a cue verb (``data/cues.tsv``) with a
  clausal complement (``ccomp``); the content is the complement clause.
  "According to X, S" gives content S with speaker X.
* A quote mark inside an indirect quote's content, with words of the paraphrase
  around it, makes the quote *mixed* ("said terrorism was a “continuing enemy.”").
* The speaker is the subject of the cue (through coordination), resolved to the
  actor whose mention covers the speaker's head word. Fallbacks on this side:
  a pronoun with no actor takes the previous quote's speaker; an outlet
  description ("the US newspaper") takes the outlet last named as a channel; a
  direct quote with no cue takes the speaker of the nearest quote before it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from eventwire.model import Actor, Article, Quote
from eventwire.quotes.lexicon import Lexicon, default_lexicon
from eventwire.quotes.marks import MarkedQuote, find_marked, lines

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Dependents kept in a speaker's noun phrase (titles, names, determiners); clauses and appositives are left out.
NP_LEFT_DEPS = ("compound", "amod", "det", "poss", "nummod", "nmod", "quantmod", "case", "punct", "advmod")
NP_RIGHT_DEPS = ("compound", "flat", "case")
PRONOUNS = {"he", "she", "they", "him", "her", "them", "i", "we", "it"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
# Words outside the marks needed to call an embedded quote part of a paraphrase (mixed).
MIXED_MIN_WORDS = 1
# A quote that forms no sentence of its own and has no cue must be at least this long to count.
MIN_DIRECT_WORDS = 4
# A quote inside a sentence made of at most this many capitalised words (and these small words) is a title.
TITLE_WORDS = 6
TITLE_SMALL_WORDS = {"the", "of", "and", "a", "an", "in", "on", "for", "to", "with", "at", "by", "or"}
# At most this many words name the speaker of a headline-style quote ('Hartman in Ohio: "..."').
HEADLINE_WORDS = 6
# How far back (in paragraphs) a cue-less quote paragraph looks for its speaker.
INHERIT_PARAGRAPHS = 3
EDGE_PUNCT = " \t\n,;:—–-"
# "BAGHDAD, May 14, 2018 (Al-Rafidain News, translated) — ": a dateline opening the first paragraph.
DATELINE = re.compile(r"[A-ZÀ-Þ][A-ZÀ-Þ .'-]+(?:,[^\n—–]{0,80}?|\s*\([^)\n]{1,40}\))\s+(?:[—–]|--?)\s*")
# Personal pronouns that can stand for a speaker (demonstratives and relatives cannot).
SPEAKER_PRONOUNS = {"he", "she", "they", "we", "i", "it", "you", "him", "her", "them", "us",
                    "his", "their", "its", "our", "my"}
# Names the parser or the entity recogniser marks as able to speak.
SPEAKER_ENTS = {"PERSON", "ORG", "NORP", "GPE", "FAC"}
# Common nouns in these endings name people ("economist", "historian") even when not listed.
PERSON_SUFFIXES = ("ist", "ists", "ian", "ians")
QUANTIFIERS = {"one", "some", "many", "both", "several", "most", "all", "each", "none", "few", "either", "neither"}
# A cognition cue under one of these conjunctions states a condition, not a report ("if they believe ...").
CONDITIONAL = {"if", "unless", "whether", "when", "once", "until"}
# A complement opening with one of these is a free relative or an embedded question, reported
# content only after cues of asking.
WH_WORDS = {"what", "which", "who", "whom", "where", "when", "how", "why"}
WH_CUES = {"ask", "wonder", "question"}
# Cue verbs that take a clause but never a noun object: an "object" holding a verb is a misparsed clause.
CLAUSE_ONLY_CUES = {"say", "add", "insist", "argue", "claim", "warn", "note", "concede", "believe", "think", "contend"}
# Words that open a new sentence after a quote closed with a full stop ('..." He said the plan ...').
SENTENCE_OPENERS = {"He", "She", "They", "It", "We", "I", "You", "The", "A", "An", "But", "And", "This", "That",
                    "In", "On", "At", "His", "Her", "Their", "Its"}
# At most this many words between a closing mark and its cue ('," US Defense Secretary Jim Mats said').
MAX_FRAME_GAP = 8
# Words that start a new clause between a quote and a later verb: that verb does not frame the quote.
CLAUSE_WORDS = {"and", "but", "or", "that", "which", "who", "while", "because", "although", "though"}
INDEFINITE = {"a", "an", "one", "another", "some", "several", "many"}


@dataclass(slots=True)
class _Candidate:
    kind: str
    start: int
    end: int
    cue: str | None = None
    cue_class: str | None = None
    speaker_head: Token | None = None
    speaker_span: tuple[int, int] | None = None
    speaker_text: str | None = None
    # The text searched for channels and anonymity phrases, outside the content.
    frames: list[tuple[int, int]] = field(default_factory=list)
    inherited: bool = False
    # A document standing for its author ("according to a statement from X"): its noun, the channel.
    document: str | None = None
    closed: bool = True
    marked: list[MarkedQuote] = field(default_factory=list)
    # The index of the cue token in the doc (None when the quote has no cue).
    cue_at: int | None = None


@dataclass(slots=True)
class _Channel:
    name: str
    start: int
    end: int


class QuoteStage:
    """Adds :class:`~eventwire.model.Quote` records to an article."""

    name = "quotes"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()

    @classmethod
    def from_config(cls, config: object) -> QuoteStage:
        return cls(default_lexicon())

    def __call__(self, article: Article, doc: Doc) -> None:
        article.quotes.extend(_Extraction(self.lexicon, article, doc).run())


class _Extraction:
    """The work on one article (kept together so helpers share the text, doc and paragraph index)."""

    def __init__(self, lexicon: Lexicon, article: Article, doc: Doc) -> None:
        self.lex = lexicon
        self.article = article
        self.text = article.text
        self.doc = doc
        self.lines = lines(self.text)
        self.line_starts = [s for s, _ in self.lines]
        self.token_starts: list[int] = doc.to_array(IDX).tolist()  # without building a Token per word
        self.marked: list[MarkedQuote] = []
        # doc.ents builds a new tuple of Spans over the whole doc on every access; read once per article.
        self.ents: tuple[Span, ...] = doc.ents

    # ---- positions -------------------------------------------------------------------------------

    def line_of(self, index: int) -> int:
        return max(0, bisect.bisect_right(self.line_starts, index) - 1)

    def token_at(self, index: int) -> Token | None:
        i = bisect.bisect_right(self.token_starts, index) - 1
        if i < 0:
            return None
        token = self.doc[i]
        return token if token.idx <= index < token.idx + len(token.text) else None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.token_starts, start)
        hi = bisect.bisect_left(self.token_starts, end)
        return [t for t in self.doc[lo:hi] if t.idx + len(t.text) <= end]

    def trim(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.text[start] in EDGE_PUNCT:
            start += 1
        while end > start and self.text[end - 1] in EDGE_PUNCT:
            end -= 1
        return start, end

    # ---- the whole run -----------------------------------------------------------------------------

    def run(self) -> list[Quote]:
        marked = find_marked(self.text, self.lex.marks)
        self.marked = marked
        indirect = self.indirect_candidates(marked)
        direct = self.direct_candidates(marked, indirect)
        candidates = sorted(indirect + direct, key=lambda c: (c.start, c.end))
        return self.resolve(candidates)

    # ---- indirect and mixed ------------------------------------------------------------------------

    def inside_marked(self, index: int, marked: list[MarkedQuote]) -> MarkedQuote | None:
        return next((m for m in marked if m.start <= index < m.end), None)

    def cue_of(self, token: Token) -> tuple[str, str] | None:
        """(cue text, class) when ``token`` is an attribution verb."""
        if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VB", "VBN", "VBG"):
            return None
        lemma = token.lemma_.lower()
        if lemma not in self.lex.cues and lemma not in self.lex.phrasal_heads:
            return None  # most verbs: no need to look at their children
        particles = tuple(c.lower_ for c in token.children if c.dep_ in ("prt", "acomp", "dobj") and c.i > token.i)
        cls = self.lex.cue_class(lemma, particles)
        if cls is None or cls == "description":
            return None
        for particle in particles:
            if (token.lemma_.lower(), particle) in self.lex.phrasal_cues:
                prt = next(c for c in token.children if c.lower_ == particle)
                return self.text[token.idx:prt.idx + len(prt.text)], cls
        if token.lemma_.lower() == "point":  # "point" alone is no cue; only "point out" is
            return None
        return token.text, cls

    def clause_before(self, head: Token, cue: Token, line: int) -> tuple[int, int] | None:
        line_start = self.lines[line][0]
        start = max(head.left_edge.idx, line_start)
        end = cue.left_edge.idx
        start = self.skip_dateline(start, end)
        start, end = self.trim(start, end)
        return (start, end) if end - start >= 3 else None

    def writers_tail(self, heads: list[Token], cue: Token) -> int | None:
        """Where the writer takes over at the end of a complement the parser ran on: a verb coordinated with
        the cue but hung on the complement ("said X and warned that Y", "said X but declined to ..."), or a
        participle clause after a comma (", leaving ...", ", brushing aside ...")."""
        cut: int | None = None
        for head in heads:
            for token in head.subtree:
                if token.i <= head.i or token.head.i < head.i:
                    continue
                own_subject = any(c.dep_ in SUBJECT_DEPS for c in token.children)
                lemma = token.lemma_.lower()
                coordinated = (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX") and not own_subject
                               and token.head.i == head.i and any(c.dep_ in SUBJECT_DEPS for c in head.children)
                               and token.tag_ == cue.tag_ and token.tag_ in ("VBD", "VBZ", "VBP")
                               and (lemma in self.lex.cues or lemma in self.lex.frame_verbs))
                before = self.doc[token.left_edge.i - 1] if token.left_edge.i > 0 else None
                participle = (token.dep_ in ("advcl", "xcomp") and token.tag_ == "VBG" and token.head.i == head.i
                              and before is not None and before.text == ",")
                # "..., while McCarthy insisted that ...": a clause with its own cue and speaker is its own report.
                # ("... and that S2" is a second that-clause of the same report, kept.)
                participle = participle or (
                    token.dep_ in ("advcl", "conj") and token.head.i == head.i and before is not None
                    and any(c.dep_ == "nsubj" for c in token.children) and self.cue_of(token) is not None
                    and not any(c.dep_ == "mark" and c.lower_ == "that" for c in token.children)
                    and (before.text == "," or before.dep_ in ("cc", "mark")))
                # ", according to X" closing the sentence attributes the whole report, not this content.
                participle = participle or (token.lower_ == "according" and before is not None
                                            and before.text == ",")
                if coordinated or participle:
                    edge = token.left_edge
                    while edge.i > head.i and self.doc[edge.i - 1].dep_ in ("cc", "punct"):
                        edge = self.doc[edge.i - 1]
                    cut = edge.idx if cut is None else min(cut, edge.idx)
        return cut

    def skip_dateline(self, start: int, end: int) -> int:
        """Content never starts with a dateline ("ADEN, January 16, 2024 (Gulf Wire) — ")."""
        if start != self.lines[self.line_of(start)][0]:
            return start
        match = DATELINE.match(self.text, start, end)
        return match.end() if match else start

    def clause_span(self, heads: list[Token], line: int, cue: Token) -> tuple[int, int] | None:
        line_start, line_end = self.lines[line]
        start = min(h.left_edge.idx for h in heads)
        last = max(h.right_edge for h in heads)
        end = last.idx + len(last.text)
        tail = self.writers_tail(heads, cue)
        if tail is not None and tail > start:
            end = min(end, tail)
        start, end = max(start, line_start), min(end, line_end)
        # The complement never contains its own cue (relative clauses: "which farmers say has ...").
        cue_start = cue.left_edge.idx if cue.left_edge.i < cue.i else cue.idx
        cue_end = max([cue.idx + len(cue.text)] + [c.idx + len(c.text) for c in cue.children if c.dep_ == "prt"])
        if start < cue.idx < end:
            if all(h.i > cue.i for h in heads):
                start = cue_end
            else:
                end = min(end, cue_start)
        start = self.skip_dateline(start, end)
        # A leading complementiser is the frame's, not the content's.
        first = self.token_at(start)
        if first is not None and first.lower_ in ("that", "whether", "if") and (
                first.dep_ == "mark" or (first.lower_ == "that" and first.dep_ == "dobj")):
            start = first.idx + len(first.text)
        start, end = self.trim(start, end)
        comparison = re.search(r",\s+(?:up|down)\s+from\s", self.text[start:end])
        if comparison:
            end = start + comparison.start()  # ", up from 52 percent five years ago": the writer's comparison
        if end - start < 3:
            return None
        # The content keeps its final full stop off, but keeps a closing quote mark of a quoted phrase in it.
        while end > start and self.text[end - 1] in ".!?":
            end -= 1
        return start, end

    def indirect_candidates(self, marked: list[MarkedQuote]) -> list[_Candidate]:
        out: list[_Candidate] = []
        for token in self.doc:
            if (token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)) or (
                    token.lower_ == "per" and token.dep_ == "prep"):
                cand = self.according_to(token)
            elif token.pos_ == "NOUN":
                cand = self.nominal_cue(token)
            else:
                cue = self.cue_of(token)
                cand = self.cue_with_complement(token, cue) if cue and not self.negated(token) else None
            if cand is None or self.inside_marked(token.idx, marked) or cand.start <= token.idx < cand.end:
                continue
            inner = [m for m in marked if m.start < cand.end and cand.start < m.end]
            if inner:
                outside = self.words_outside(cand, inner)
                if outside < MIXED_MIN_WORDS:
                    continue  # the complement is the direct quote itself: its frame attributes it
                if token.lower_ == "according" and self.has_own_cue(cand, inner):
                    # '"...," Y said, according to X': a report of a framed quote; the quote keeps its own.
                    out.append(cand)
                    continue
                cand.kind = "mixed"
                cand.marked = inner
                cand.start = min(cand.start, min(m.open_at for m in inner))
                cand.end = max(cand.end, max(m.outer_end for m in inner))
            out.append(cand)
        return [c for c in out if not self.embedded_belief(c, out)]

    def embedded_belief(self, cand: _Candidate, others: list[_Candidate]) -> bool:
        """A belief inside another report's content ("a poll found that most voters believe ...") or in a
        condition ("if they believe ...") is part of that content, not an attribution of its own."""
        if cand.cue_class != "cognition" or cand.cue_at is None:
            return False
        cue = self.doc[cand.cue_at]
        believer = cand.speaker_head
        named = believer is not None and (believer.pos_ in ("PROPN", "PRON") or believer.ent_type_ == "PERSON"
                                          or self.mistagged_name(believer))
        if not named and any(o is not cand and o.start <= cue.idx < o.end for o in others):
            return True  # "a poll found that most voters believe ...", not "Tolliver believes ..., his aide said"
        head = cue
        for _ in range(4):
            if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL for c in head.children):
                return True
            if head.dep_ not in ("advcl", "conj") or head.head is head:
                return False
            head = head.head
        return False

    def negated(self, token: Token) -> bool:
        """'did not say whether ...' attributes nothing."""
        return any(c.dep_ == "neg" for c in token.children)

    def has_own_cue(self, cand: _Candidate, inner: list[MarkedQuote]) -> bool:
        """True when a quote inside the content is framed by its own cue, also inside the content."""
        for quote in inner:
            cue = self.cue_in(self.frame_after(quote, None), nearest_first=True) or self.cue_before(
                self.frame_before(quote, None))
            if cue is not None and cand.start <= cue[0].idx < cand.end:
                return True
            if self.description(quote) is not None:
                return True
        return False

    def words_outside(self, cand: _Candidate, inner: list[MarkedQuote]) -> int:
        count = 0
        for t in self.tokens_in(cand.start, cand.end):
            if t.is_alpha and not any(m.open_at <= t.idx < m.outer_end for m in inner):
                count += 1
        return count

    def complements_of(self, token: Token) -> list[Token]:
        complements = [c for c in token.children if c.dep_ == "ccomp"]
        if complements:
            return complements
        lemma = token.lemma_.lower()
        if lemma in CLAUSE_ONLY_CUES:
            # "said many of the problems dated to ...": the parser made the clause's subject an object with a
            # reduced relative. These verbs take no noun object, so a verb in the object is the reported clause
            # ("announced new measures aimed at ..." is an object, not a report: announce is not among them).
            finite = ("VBD", "VBZ", "VBP", "VBN") if lemma == "say" else ("VBD", "VBZ", "VBP")
            for obj in token.children:
                if obj.dep_ == "dobj" and obj.i > token.i and any(
                        t.dep_ == "acl" and t.tag_ in finite and t.i > obj.i
                        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                        for t in obj.subtree):
                    return [obj]
        # "said in a statement that S": the parser hangs the that-clause on the noun.
        for prep in token.children:
            if prep.dep_ != "prep":
                continue
            for noun in prep.children:
                for clause in noun.children:
                    if clause.dep_ not in ("acl", "relcl"):
                        continue
                    if any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children):
                        return [clause]
                    # "wrote in the indictment that the aide had lied": parsed as a relative clause whose
                    # object is "that"; after a document or channel noun it is the reported content.
                    first = clause.left_edge
                    if first.lower_ == "that" and first.i == noun.i + 1 and first.dep_ != "nsubj" and any(
                            c.dep_ == "nsubj" for c in clause.children) and (
                            self.lex.nouns.get(noun.lemma_.lower()) == "document"
                            or noun.lemma_.lower() in self.lex.cue_nouns):
                        return [clause]
        return []

    def cue_with_complement(self, token: Token, cue: tuple[str, str]) -> _Candidate | None:
        complements = self.complements_of(token)
        line = self.line_of(token.idx)
        if complements:
            span = self.clause_span(complements, line, token)
        elif token.dep_ == "parataxis" and token.head.i < token.i and token.head.pos_ in ("VERB", "AUX"):
            # "S, the air force said, ...": the cue is a parenthetical on the clause it reports.
            span = self.clause_before(token.head, token, line)
        else:
            return None
        if span is None or not any(t.pos_ in ("VERB", "AUX") for t in self.tokens_in(*span)):
            return None
        first = self.token_at(span[0])
        if first is not None and first.lower_ in WH_WORDS and token.lemma_.lower() not in WH_CUES:
            return None  # "avoid repeating what happened": a free relative, not reported content
        if token.tag_ == "VBN" and token.dep_ in ("advcl", "acl"):
            return None  # "Asked whether ..., she declined": the subject was asked, not asking
        subject = self.subject_of(token)
        if subject is not None and subject.idx < self.skip_dateline(self.lines[line][0], token.idx):
            subject = self.subject_in_line(token)  # "WASHINGTON (AP) — President Biden said": not the dateline
        if subject is not None and subject.dep_ == "nsubjpass":
            # "the analyst was told that ...": the subject heard it; only an agent ("by X") said it.
            subject = next((o for a in token.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"),
                           None)
        elif subject is not None and self.line_of(subject.idx) != line:
            subject = self.subject_in_line(token)  # the parser ran a headline into the paragraph
        if subject is None or not self.can_speak(subject):
            return None
        cand = _Candidate("indirect", span[0], span[1], cue=cue[0], cue_class=cue[1], cue_at=token.i)
        self.set_speaker(cand, subject)
        cand.frames = self.frames_around(span, line, token)
        return cand

    def according_to(self, token: Token) -> _Candidate | None:
        """ "S, according to X" and the newsletter style "S, per X" (X a determined noun or a name that can speak:
        "per a source familiar", "per Axios"; never "per day" or "per person")."""
        if token.lower_ == "per":
            to = token
            objects = [c for c in token.children if c.dep_ == "pobj" and self.can_speak(c) and (
                c.pos_ == "PROPN" or any(d.dep_ in ("det", "nummod", "poss") for d in c.children))]
        else:
            to = next(c for c in token.children if c.lower_ == "to")
            objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return None
        head = token.head
        line = self.line_of(token.idx)
        line_start, line_end = self.lines[line]
        phrase_start = token.left_edge.idx
        phrase_end = token.right_edge.idx + len(token.right_edge.text)
        if head is token:  # a fragment: the content is the rest of the sentence
            sent = token.sent
            start, end = sent.start_char, sent.end_char
        else:
            if phrase_start > head.idx:
                # "S1 and S2, according to X": a final attribution covers the whole coordination, and
                # "X alleges that S, according to Y" the whole report, however deep the parser hung it.
                while head.dep_ in ("conj", "ccomp") and head.head is not head and (
                        head.dep_ == "conj" or self.cue_of(head.head) is not None):
                    head = head.head
            start = head.left_edge.idx
            end = head.right_edge.idx + len(head.right_edge.text)
        start, end = max(start, line_start), min(end, line_end)
        start = self.skip_dateline(start, end)
        if phrase_start <= start:
            start = phrase_end
        elif phrase_end >= end or head.idx < phrase_start:
            # "S, according to X" or "S, according to X, though ...": the side the phrase attaches to.
            end = phrase_start
        else:
            start = phrase_end
        start, end = self.trim(start, end)
        while end > start and self.text[end - 1] in ".!?":
            end -= 1
        if end - start < 3:
            return None
        cand = _Candidate("indirect", start, end, cue=self.text[token.idx:to.idx + len(to.text)], cue_class="speech")
        self.set_speaker(cand, objects[0])
        cand.frames = self.frames_around((start, end), line, token)
        return cand

    def frames_around(self, span: tuple[int, int], line: int, cue: Token) -> list[tuple[int, int]]:
        sent = cue.sent
        line_start, line_end = self.lines[line]
        s, e = max(sent.start_char, line_start), min(sent.end_char, line_end)
        frames = []
        if s < span[0]:
            frames.append((s, span[0]))
        if span[1] < e:
            frames.append((span[1], e))
        return frames

    # ---- speakers ------------------------------------------------------------------------------------

    def subject_of(self, verb: Token) -> Token | None:
        """The subject of ``verb``, through coordination ("declared ... but said ...") and relative clauses
        ("Kurtz, who said ..."); an expletive "it" ("it is said that") or "there" is none."""
        seen = 0
        while seen < 5:
            subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.lower_ != "there"
                            and not (c.lower_ == "it" and (c.dep_ != "nsubj" or verb.lemma_ == "be"))), None)
            if subject is not None and subject.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
                return verb.head
            if subject is not None:
                return subject
            if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
                head = verb.head
                if (verb.dep_ == "conj" and head.dep_ == "ccomp" and head.head.tag_ == verb.tag_
                        and head.head.lemma_.lower() in self.lex.cues):
                    # "said her government had cut X and warned that ...": the parser hung the second cue on
                    # the first one's complement; it shares the first cue's subject.
                    head = head.head
                verb = head
                seen += 1
                continue
            return None
        return None

    def subject_in_line(self, cue: Token) -> Token | None:
        """The first noun phrase that can speak between the start of the cue's paragraph and the cue."""
        line_start = self.skip_dateline(self.lines[self.line_of(cue.idx)][0], cue.idx)
        for token in self.tokens_in(line_start, cue.idx):
            if token.pos_ in ("PROPN", "NOUN", "PRON") and token.dep_ != "compound" and self.can_speak(token):
                return token
        return None

    def core(self, head: Token) -> Token:
        """The noun a quantifier stands for ("people" of "one of the people"), else ``head``."""
        if head.pos_ == "NUM" or head.lower_ in QUANTIFIERS:
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    found = next((o for o in prep.children if o.dep_ == "pobj"), None)
                    if found is not None:
                        return found
        return head

    def mistagged_name(self, token: Token) -> bool:
        """A capitalised word the tagger took for an adverb or adjective ("Tolliver"); never a common noun
        at the start of a sentence ("Tensions")."""
        return (token.text[:1].isupper() and token.is_alpha and not token.is_stop
                and (token.pos_ in ("ADV", "ADJ", "VERB", "X") or (token.pos_ == "NOUN" and not token.is_sent_start))
                and token.lemma_.lower() not in self.lex.nouns)

    def can_speak(self, head: Token) -> bool:
        """Only persons, organisations, groups, documents and media speak ("the investigation" does not)."""
        if self.core(head) is not head:
            return self.can_speak(self.core(head))  # "two of the people", "one of them"
        if head.pos_ == "PRON" or head.tag_ in ("PRP", "PRP$"):
            return head.lower_ in SPEAKER_PRONOUNS
        if head.pos_ == "PROPN" or head.ent_type_ in SPEAKER_ENTS:
            return True
        if self.mistagged_name(head):
            return True  # a name the tagger missed ('," Tolliver said')
        if head.like_num or head.ent_type_ in ("PERCENT", "CARDINAL", "MONEY", "QUANTITY", "DATE", "TIME"):
            return False
        lemma = head.lemma_.lower()
        if lemma in self.lex.nouns or head.lower_ in self.lex.nouns or lemma.endswith(PERSON_SUFFIXES):
            return True
        actor = self.article.actor_at(head.idx, head.idx + len(head.text))
        return actor is not None and actor.kind != "location" and head.pos_ != "NOUN"

    def nominal_cue(self, noun: Token) -> _Candidate | None:
        """ "X's claim that S", "the assertion by X that S", "X made the claim that S": content S, source X."""
        cls = self.lex.cue_nouns.get(noun.lemma_.lower())
        if cls is None or noun.pos_ not in ("NOUN", "PROPN"):
            return None
        clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > noun.i and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
        if clause is None or not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
            return None  # "the claim that he made": a relative clause, whose "that" is no complementiser
        source = next((c for c in noun.children if c.dep_ == "poss"), None)
        if source is None:
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of") and prep.i < clause.i:
                    source = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    break
        if source is None and noun.dep_ in ("dobj", "pobj") and noun.head.lemma_.lower() in self.lex.light_verbs:
            source = self.subject_of(noun.head)
        if source is None or not self.can_speak(source):
            return None
        line = self.line_of(noun.idx)
        span = self.clause_span([clause], line, noun)
        if span is None:
            return None
        cand = _Candidate("indirect", span[0], span[1], cue=noun.text, cue_class=cls, cue_at=noun.i)
        self.set_speaker(cand, source)
        cand.frames = self.frames_around(span, line, noun)
        return cand

    def np_bounds(self, head: Token) -> tuple[int, int]:
        left, right = head, head
        for child in head.lefts:
            if child.dep_ in NP_LEFT_DEPS and child.left_edge.i < left.i:
                left = child.left_edge
        for child in head.rights:
            if child.dep_ in NP_RIGHT_DEPS and child.right_edge.i > right.i:
                right = child.right_edge
        core = self.core(head)
        if core is not head:
            right = max(right, core, key=lambda t: t.i)  # "one of the people"
        # A name the NER found whole ("Haider al-Abbadi") is kept whole.
        if head.ent_iob_ != "O":
            ent = next((e for e in self.ents if e.start <= head.i < e.end), None)
            if ent is not None:
                left = self.doc[min(left.i, ent.start)]
                right = self.doc[max(right.i, ent.end - 1)]
        # "The White House press secretary, Karine Jean-Pierre, said": the appositive name is the speaker's.
        # "Senate Majority Leader Chuck Morrow (D-N.Y.)": a person's name right after a title is the speaker's too.
        name = next((c for c in head.rights if c.dep_ == "appos" and c.pos_ == "PROPN" and (
            (head.pos_ == "NOUN" and c.ent_type_ in ("PERSON", ""))
            or (c.ent_type_ == "PERSON" and c.left_edge.i == right.i + 1))), None)
        if name is not None:
            right = max(right, self.doc[max(t.i for t in name.subtree if t.dep_ in ("compound", "flat")
                                            or t is name)], key=lambda t: t.i)
        while left.i < right.i and (left.is_punct or left.dep_ == "cc" or left.is_space):
            left = self.doc[left.i + 1]
        line_start = self.lines[self.line_of(head.idx)][0]
        while left.i < head.i and left.idx < line_start:
            left = self.doc[left.i + 1]  # a noun phrase never runs back over a paragraph break
        return left.idx, right.idx + len(right.text)

    def author_of(self, document: Token) -> Token | None:
        """The author of a document noun: "a statement from X", "a statement issued by X"."""
        for child in document.children:
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
            if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in self.lex.author_verbs:
                for agent in child.children:
                    if agent.dep_ == "agent" or (agent.dep_ == "prep" and agent.lower_ in ("by", "from")):
                        objects = [c for c in agent.children if c.dep_ == "pobj"]
                        if objects:
                            return objects[0]
        return None

    def set_speaker(self, cand: _Candidate, head: Token) -> None:
        if self.lex.nouns.get(head.lemma_.lower()) == "document" and head.pos_ != "PROPN":
            # A document with an author relays the author's words (the document is the channel); without one
            # the document itself speaks ("the memo says").
            author = self.author_of(head)
            if author is not None:
                cand.document = head.lower_
                head = author
        start, end = self.np_bounds(head)
        cand.speaker_head = head
        cand.speaker_span = (start, end)
        cand.speaker_text = self.text[start:end]

    # ---- direct ------------------------------------------------------------------------------------

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

    # ---- resolution ----------------------------------------------------------------------------------

    def actor_for(self, cand: _Candidate) -> Actor | None:
        """The actor with a mention covering the speaker's head word (ties: longest overlap with the phrase)."""
        if cand.speaker_head is None or cand.speaker_span is None:
            return None
        head = cand.speaker_head
        h0, h1 = head.idx, head.idx + len(head.text)
        s0, s1 = cand.speaker_span
        # Only the mentions covering the head word, from an offset index: scanning every mention for every
        # candidate made long documents quadratic. Article order is kept for ties.
        actors = self.article.actors
        key = (len(actors), sum(len(a.mentions) for a in actors))
        if getattr(self, "_cover_key", None) != key:
            self._cover_key = key
            self._cover: dict[int, list[tuple[int, int]]] = {}
            for a, actor in enumerate(actors):
                for m, mention in enumerate(actor.mentions):
                    for offset in range(mention.start, mention.end):
                        self._cover.setdefault(offset, []).append((a, m))
        best, best_overlap = None, 0
        for a, m in sorted({pair for offset in range(h0, h1) for pair in self._cover.get(offset, ())}):
            mention = actors[a].mentions[m]
            overlap = min(s1, mention.end) - max(s0, mention.start)
            if overlap > best_overlap:
                best, best_overlap = actors[a], overlap
        if best is None and head.pos_ in ("NOUN", "PROPN"):
            # "A spokesman, Tom Reyes": the appositive name in the speaker's phrase is the person.
            for a, m in sorted({pair for offset in range(h1, s1) for pair in self._cover.get(offset, ())}):
                mention = actors[a].mentions[m]
                overlap = min(s1, mention.end) - max(s0, mention.start)
                if actors[a].kind == "person" and mention.start > h0 and overlap > best_overlap:
                    best, best_overlap = actors[a], overlap
        return best

    def channels(self, cand: _Candidate) -> _Channel | None:
        for start, end in cand.frames:
            piece = self.text[start:end]
            for pattern in self.lex.channels:
                for match in pattern.pattern.finditer(piece):
                    name = pattern.name_of(match)
                    if pattern.channel == "{NAME}":
                        s = start + match.start("name")
                        e = s + len(name)
                        if pattern.open_name and self.is_person(s, e):
                            continue
                        return _Channel(name, s, e)
                    return _Channel(name, start + match.start(), start + match.end())
        return None

    def is_person(self, start: int, end: int) -> bool:
        for ent in self.ents:
            if ent.start_char < end and start < ent.end_char and ent.label_ == "PERSON":
                return True
        for actor in self.article.actors:
            if actor.kind == "person" and any(m.start < end and start < m.end for m in actor.mentions):
                return True
        return False

    def anonymity(self, cand: _Candidate, actor: Actor | None) -> bool:
        if cand.speaker_head is None:
            return actor is not None and actor.anonymous
        head = self.core(cand.speaker_head)
        if actor is not None and actor.anonymous and self.lex.nouns.get(head.lemma_.lower()) == "source":
            return True  # "the governor" or "the senator" is someone the reader can identify, not a hidden source
        phrase = self.text[head.left_edge.idx:head.right_edge.idx + len(head.right_edge.text)]
        # A named speaker stays named even in a sentence whose other source is anonymous.
        by_name = head.pos_ == "PROPN" or head.ent_type_ == "PERSON"
        texts = [phrase] + ([] if by_name else [self.text[s:e] for s, e in cand.frames])
        if any(p.search(t) for p in self.lex.anonymity for t in texts):
            return True
        if self.lex.nouns.get(head.lemma_.lower()) != "source":
            return False
        named = actor is not None and actor.kind == "person" and not actor.anonymous
        has_name = any(t.ent_type_ == "PERSON" for t in head.subtree)
        # "a US official", "officials", "two diplomats" name nobody; "the spokesman" points back to someone.
        determiners = {c.lower_ for c in head.children if c.dep_ in ("det", "nummod")}
        unnamed = head.tag_ in ("NNS", "NNPS") or bool(determiners & INDEFINITE) or not determiners
        return unnamed and not named and not has_name

    def resolve(self, candidates: list[_Candidate]) -> list[Quote]:
        quotes: list[Quote] = []
        seen_channels: list[_Channel] = []
        previous: list[tuple[_Candidate, Quote]] = []
        for cand in candidates:
            if not any(end > start for start, end in self.parts_of(cand)):
                continue  # quotation marks with nothing between them ("“ ”") quote nothing
            actor = self.actor_for(cand)
            channel = self.channels(cand)
            head = cand.speaker_head
            lemma = head.lemma_.lower() if head is not None else ""
            speaker_id = actor.id if actor else None
            speaker_text = cand.speaker_text
            confidence = {"direct": 0.9, "mixed": 0.8, "indirect": 0.75}[cand.kind]
            if cand.cue_class == "cognition":
                confidence -= 0.15
            inherited_anonymity = False
            definite_source = head is not None and self.lex.nouns.get(lemma) == "source" and any(
                c.lower_ in ("the", "this", "that") for c in head.children if c.dep_ == "det")
            if head is not None and (actor is None or head.lower_ in PRONOUNS or definite_source):
                # A pronoun, or a definite description ("the source") the actors stage left unresolved: the last
                # speaker it can refer to. For a pronoun speaker the chain of speakers beats the actors stage's
                # coreference, which also looks at names inside the quotes ('"The Executive may not ...," she wrote').
                antecedent = self.antecedent(head, previous)
                if antecedent is not None and (antecedent.speaker is not None or head.lower_ in PRONOUNS):
                    speaker_id = antecedent.speaker
                    inherited_anonymity = antecedent.anonymous
                    confidence -= 0.1
            if head is not None and self.lex.nouns.get(lemma) == "outlet":
                # "The US newspaper says": the outlet speaks and is its own channel.
                if actor is not None and actor.kind == "organization":
                    channel = channel or _Channel(actor.name, cand.start, cand.start)
                elif actor is None:
                    earlier = [c for c in seen_channels if c.end <= cand.start and c.name[:1].isupper()]
                    if earlier:
                        outlet = earlier[-1]
                        channel = channel or outlet
                        found = self.article.actor_at(outlet.start, outlet.end)
                        speaker_id = found.id if found else None
                        confidence -= 0.1
            source = None
            if cand.inherited:
                source = self.nearest_speaker(cand, previous)
                if source is not None:
                    speaker_id, speaker_text = source.speaker, source.speaker_text
                confidence = 0.6 if source is not None else 0.4
            if speaker_text is None and not cand.inherited:
                confidence -= 0.2
            if not cand.closed:
                confidence -= 0.3
                self.article.warnings.append(
                    f"quotes: quotation mark at offset {cand.marked[0].open_at} is never closed; "
                    "the quote was closed at the end of its paragraph")
            if channel is not None:
                seen_channels.append(channel)
            if cand.document is not None and channel is None:
                channel = _Channel(cand.document, cand.start, cand.start)
            if cand.inherited:
                anonymous = bool(source is not None and source.anonymous)
            else:
                anonymous = inherited_anonymity or self.anonymity(cand, actor)
            parts = self.parts_of(cand)
            start, end = parts[0][0], parts[-1][1]
            quote = Quote(
                id=f"q{len(quotes) + 1}", kind=cand.kind, text=self.text[start:end], start=start, end=end,
                speaker=speaker_id, speaker_text=speaker_text, cue=cand.cue,
                channel=channel.name if channel else None, anonymous=anonymous,
                confidence=round(max(0.05, min(confidence, 0.99)), 2), parts=parts,
            )
            quotes.append(quote)
            previous.append((cand, quote))
        return quotes

    def person_subject_before(self, head: Token) -> tuple[int, Actor] | None:
        """The person actor last named as a subject before ``head``, in its paragraph or the one before."""
        line = self.line_of(head.idx)
        window_start = self.lines[max(0, line - 1)][0]
        best: tuple[int, Actor] | None = None
        for actor in self.article.actors:
            if actor.kind != "person":
                continue
            for mention in actor.mentions:
                if not window_start <= mention.start < head.idx:
                    continue
                token = self.token_at(mention.end - 1)
                if token is None or token.dep_ not in SUBJECT_DEPS:
                    continue
                if self.inside_any_quote(mention.start):
                    continue
                if best is None or mention.start > best[0]:
                    best = (mention.start, actor)
        return best

    def inside_any_quote(self, index: int) -> bool:
        return any(m.start <= index < m.end for m in self.marked)

    def agrees(self, pronoun: Token, cand: _Candidate, quote: Quote) -> bool:
        """Whether a speaker can be what ``pronoun`` refers to: "he"/"she" a person, "it" no person."""
        head = cand.speaker_head
        if head is None:
            return False
        actor = self.article.actor_by_id(quote.speaker)
        person = (actor.kind == "person") if actor is not None else (
            head.ent_type_ == "PERSON" or head.lower_ in PERSON_PRONOUNS | {"his"}
            or self.lex.nouns.get(head.lemma_.lower()) == "source")
        if pronoun.lower_ in ("it", "its"):
            return not person and head.lower_ not in PERSON_PRONOUNS | {"his"}
        if pronoun.lower_ in PERSON_PRONOUNS | {"his"}:
            return person and head.lower_ not in ("it", "its", "they", "their")
        return True

    def antecedent(self, head: Token, previous: list[tuple[_Candidate, Quote]]) -> Quote | None:
        """The quote whose speaker a pronoun or a definite description ("the source") refers back to."""
        pronoun = head.lower_ in PRONOUNS
        definite = any(c.lower_ in ("the", "this", "that") for c in head.children if c.dep_ == "det")
        if not pronoun and not (definite and self.lex.nouns.get(head.lemma_.lower()) == "source"):
            return None
        plural = head.lower_ in ("they", "them", "we") or head.tag_ in ("NNS", "NNPS")
        found: tuple[int, Quote] | None = None
        for prev_cand, prev_quote in reversed(previous):
            prev_head = prev_cand.speaker_head
            if prev_head is None or prev_cand.inherited or prev_cand.speaker_span is None:
                continue
            if (prev_head.tag_ in ("NNS", "NNPS") or prev_head.lower_ in ("they", "we")) != plural:
                continue
            if pronoun and not self.agrees(head, prev_cand, prev_quote):
                continue
            if pronoun or prev_head.lemma_.lower() == head.lemma_.lower():
                found = (prev_cand.speaker_span[0], prev_quote)
                break
        if head.lower_ in PERSON_PRONOUNS:
            # A person named as a subject after the last speaker is the likelier antecedent.
            person = self.person_subject_before(head)
            if person is not None and (found is None or person[0] > found[0]):
                earlier = [q for _, q in previous if q.speaker == person[1].id]
                return earlier[-1] if earlier else Quote("", "direct", "", 0, 0, speaker=person[1].id)
        return found[1] if found else None

    def nearest_speaker(self, cand: _Candidate, previous: list[tuple[_Candidate, Quote]]) -> Quote | None:
        line = self.line_of(cand.start)
        for prev_cand, prev_quote in reversed(previous):
            if line - self.line_of(prev_cand.start) > INHERIT_PARAGRAPHS:
                break
            if prev_quote.speaker or prev_quote.speaker_text:
                return prev_quote
        # No quote nearby: the last person named in the preceding sentences.
        first_line = max(0, line - 1)
        window: Span | None = self.doc.char_span(self.lines[first_line][0], cand.start, alignment_mode="contract")
        if window is not None:
            for ent in reversed(list(window.ents)):
                if ent.label_ == "PERSON":
                    actor = self.article.actor_at(ent.start_char, ent.end_char)
                    return Quote("", "direct", "", 0, 0, speaker=actor.id if actor else None, speaker_text=ent.text)
        return None
