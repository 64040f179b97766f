"""Quotes, the indirect and mixed candidates.

Indirect quotes come from the parse: a cue verb (``data/cues.tsv``) with a
clausal complement (``ccomp``); the content is the complement clause.
"According to X, S" gives content S with speaker X. A quote mark inside an
indirect quote's content, with words of the paraphrase around it, makes the
quote *mixed*.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from eventwire.nlp.dateline import entity_places, find_dateline
from eventwire.quotes.marks import MarkedQuote
from eventwire.quotes.speakers import SUBJECT_DEPS, _Candidate

# Words outside the marks needed to call an embedded quote part of a paraphrase (mixed).
MIXED_MIN_WORDS = 1
# A cognition cue under one of these conjunctions states a condition, not a report ("if they believe ...").
CONDITIONAL = {"if", "unless", "whether", "when", "once", "until"}
# A complement opening with one of these is a free relative or an embedded question, reported
# content only after cues of asking.
WH_WORDS = {"what", "which", "who", "whom", "where", "when", "how", "why"}
WH_CUES = {"ask", "wonder", "question"}
# Cue verbs that take a clause but never a noun object: an "object" holding a verb is a misparsed clause.
CLAUSE_ONLY_CUES = {"say", "add", "insist", "argue", "claim", "warn", "note", "concede", "believe", "think", "contend"}


class IndirectQuotes:
    """Indirect and mixed quote candidates from cue verbs, "according to" and cue nouns.

    (A part of ``_Extraction`` in :mod:`eventwire.quotes.stage`, which holds the article's text, doc, lexicon,
    paragraphs and the position helpers these methods use.)
    """

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
        found = find_dateline(self.text, start, is_place=entity_places(self.doc, start))
        return found.body if found is not None and found.body <= end else start

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
