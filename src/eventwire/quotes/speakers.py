"""Quotes, the speaker side: who said it and how the quote ends up attributed.

The speaker is the subject of the cue (through coordination), resolved to the
actor whose mention covers the speaker's head word; a phrase can speak when it
names a person, a group, an organisation or a place, or is a pronoun for one.
Resolution then turns candidates into quotes: actor, channel, anonymity, and the
fallbacks: a pronoun with no actor takes the previous quote's speaker; an outlet
description ("the US newspaper") takes the outlet last named as a channel; a
direct quote with no cue takes the speaker of the nearest quote before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from eventwire.model import Actor, Quote
from eventwire.nlp import english, parse
from eventwire.nlp.english import (
    FIRST_PERSON_PLURAL,
    FIRST_PERSON_SINGULAR,
    OBJECT_PRONOUNS,
    POSSESSIVE_PRONOUNS,
    SECOND_PERSON,
    SUBJECT_PRONOUNS,
    THIRD_PERSON,
    THIRD_PERSON_PLURAL,
)
from eventwire.quotes.marks import MarkedQuote

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# A cue shares the subject of the verb it is conjoined with, controlled by or adverbial to.
SUBJECT_LINKS = frozenset({"conj", "xcomp", "advcl"})
# Dependents kept in a speaker's noun phrase (titles, names, determiners); clauses and appositives are left out.
NP_LEFT_DEPS = ("compound", "amod", "det", "poss", "nummod", "nmod", "quantmod", "case", "punct", "advmod")
NP_RIGHT_DEPS = ("compound", "flat", "case")
# Pronouns a quote or a cue-less paragraph may resolve back to a named speaker.
PRONOUNS = (SUBJECT_PRONOUNS - SECOND_PERSON) | (OBJECT_PRONOUNS & THIRD_PERSON)
PERSON_PRONOUNS = (SUBJECT_PRONOUNS | OBJECT_PRONOUNS) & english.PERSON_PRONOUNS
# Agreement of a pronoun with a speaker: one person ("he", "his"), no person ("it", "its"), not a person
# ("it", "their"), and the plural pronouns ("they", "them", "we").
_ONE_PERSON = (SUBJECT_PRONOUNS | OBJECT_PRONOUNS | POSSESSIVE_PRONOUNS) & english.PERSON_PRONOUNS
_NOT_PERSON = ((SUBJECT_PRONOUNS | POSSESSIVE_PRONOUNS) & THIRD_PERSON) - english.PERSON_PRONOUNS
_NO_PERSON = _NOT_PERSON - THIRD_PERSON_PLURAL
_PLURAL = ((SUBJECT_PRONOUNS | OBJECT_PRONOUNS) & THIRD_PERSON_PLURAL) | (SUBJECT_PRONOUNS & FIRST_PERSON_PLURAL)
_PLURAL_SUBJECTS = _PLURAL & SUBJECT_PRONOUNS
# How far back (in paragraphs) a cue-less quote paragraph looks for its speaker.
INHERIT_PARAGRAPHS = 3
# Personal pronouns that can stand for a speaker (demonstratives and relatives cannot).
SPEAKER_PRONOUNS = SUBJECT_PRONOUNS | (OBJECT_PRONOUNS - FIRST_PERSON_SINGULAR) | (POSSESSIVE_PRONOUNS - SECOND_PERSON)
# Names the parser or the entity recogniser marks as able to speak.
SPEAKER_ENTS = {"PERSON", "ORG", "NORP", "GPE", "FAC"}
# Common nouns in these endings name people ("economist", "historian") even when not listed.
PERSON_SUFFIXES = ("ist", "ists", "ian", "ians")
QUANTIFIERS = {"one", "some", "many", "both", "several", "most", "all", "each", "none", "few", "either", "neither"}
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


def _expletive(subject: Token, verb: Token) -> bool:
    """An expletive subject, which is no speaker: "there", and "it" unless the nominal subject of a verb other
    than "be" ("it is said that", "it was reported")."""
    return subject.lower_ == "there" or (subject.lower_ == "it" and (subject.dep_ != "nsubj" or verb.lemma_ == "be"))


class Speakers:
    """Finding and resolving speakers.

    (A part of ``_Extraction`` in :mod:`eventwire.quotes.stage`, which holds the article's text, doc, lexicon,
    paragraphs and the position helpers these methods use.)
    """

    def subject_of(self, verb: Token) -> Token | None:
        """The subject of ``verb``, through coordination ("declared ... but said ...") and relative clauses
        ("Kurtz, who said ..."); an expletive "it" ("it is said that") or "there" is none."""
        return parse.subject_of(verb, links=SUBJECT_LINKS, max_steps=5, deps=(SUBJECT_DEPS,),
                                ignore=_expletive, rule=self._second_cue).token

    def _second_cue(self, clause: Token, found: parse.Subject | None, came_from: Token | None) -> Token | None:
        """"said her government had cut X and warned that ...": the parser hung the second cue on the first
        one's complement; it shares the first cue's subject."""
        head = clause.head
        if (found is None and clause.dep_ == "conj" and head.dep_ == "ccomp" and head.head.tag_ == clause.tag_
                and head.head.lemma_.lower() in self.lex.cues):
            return head.head
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
        start, end = parse.phrase_extent(head, left=NP_LEFT_DEPS, right=NP_RIGHT_DEPS)
        left, right = self.doc[start], self.doc[end]
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
            head.ent_type_ == "PERSON" or head.lower_ in _ONE_PERSON
            or self.lex.nouns.get(head.lemma_.lower()) == "source")
        if pronoun.lower_ in _NO_PERSON:
            return not person and head.lower_ not in _ONE_PERSON
        if pronoun.lower_ in _ONE_PERSON:
            return person and head.lower_ not in _NOT_PERSON
        return True

    def antecedent(self, head: Token, previous: list[tuple[_Candidate, Quote]]) -> Quote | None:
        """The quote whose speaker a pronoun or a definite description ("the source") refers back to."""
        pronoun = head.lower_ in PRONOUNS
        definite = any(c.lower_ in ("the", "this", "that") for c in head.children if c.dep_ == "det")
        if not pronoun and not (definite and self.lex.nouns.get(head.lemma_.lower()) == "source"):
            return None
        plural = head.lower_ in _PLURAL or head.tag_ in ("NNS", "NNPS")
        found: tuple[int, Quote] | None = None
        for prev_cand, prev_quote in reversed(previous):
            prev_head = prev_cand.speaker_head
            if prev_head is None or prev_cand.inherited or prev_cand.speaker_span is None:
                continue
            if (prev_head.tag_ in ("NNS", "NNPS") or prev_head.lower_ in _PLURAL_SUBJECTS) != plural:
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
