"""A PETRARCH-style event coder driven by PETRARCH/CAMEO dictionaries, on spaCy's dependency parse.

PETRARCH2 reads a constituency parse from Stanford CoreNLP; this coder reads
the same dictionaries but works on the dependency parse eventwire already
has. For each verb of a sentence that the verb dictionary knows:

1. the verb is found by its form (``SAID``, ``LEFT``) or its lemma, multi-word
   verbs (``CORDON_OFF``, ``WIRE_+TAP``) by their particle or preceding word;
2. the block's patterns are tried: words before ``*`` must precede the verb
   in the sentence, words after it must follow it inside the verb's phrase
   (gaps allowed, ``_`` demands adjacency, ``(PREP ...)`` a prepositional
   phrase, ``&SET`` any member of a synonym set, ``$``/``+`` mark the noun
   phrase holding the source/target, ``%`` a compound actor). The matching
   pattern with the most elements wins (the earliest on ties); without one,
   the verb's own code or the block's default code applies;
3. the source is the subject (the ``by`` agent of a passive; a controlling
   clause's subject for infinitives, conjoined verbs and pronouns), the target
   the passive subject or the first actor after the verb within its phrase;
4. noun phrases are coded with the actor dictionary (the code in force on the
   sentence date) and the agent dictionary: ``Arnor's foreign minister`` is
   ``ARN`` + ``~GOVFRM`` = ``ARNGOVFRM``, ``MSF Arnor`` is ``NGO~`` + ``ARN``;
   conjoined actors give one event each, and a compound subject with no
   target codes its members against each other;
5. ``a:b`` codes give the event ``a`` and its reverse ``b`` (target to source);
   ``---`` codes nothing. Sentences with a discard phrase are skipped, and a
   story-level discard (``+PHRASE``) skips the whole article.

Steps 1-2 (words, phrases, verb patterns) live in :mod:`eventwire.petrarch.patterns`, what step 3 reads off the
parse in :mod:`eventwire.petrarch.syntax`; this module codes. What the dependency parse cannot reproduce is
described in the README (``## PETRARCH interoperability``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from eventwire.errors import KnowledgeBaseError
from eventwire.events import cameo
from eventwire.events.cameo import CameoCode
from eventwire.events.candidate import Candidate, confidence
from eventwire.events.lexicon import Entry
from eventwire.knowledge.sectors import cameo_agent_code, plover_agent_code
from eventwire.model import Article, Party
from eventwire.petrarch import PetrarchDictionaries, load_dictionaries
from eventwire.petrarch.actors import ActorEntry, code_on
from eventwire.petrarch.patterns import (
    MARKER_WORDS,
    Mention,
    PhraseIndex,
    Region,
    Regions,
    SentenceWords,
    VerbMatch,
    is_preposition,
    is_verb,
    match_words,
    multiword_span,
    regular_inflections,
    verb_token,
    words_of,
)
from eventwire.petrarch.syntax import (
    PRONOUNS,
    actor_group,
    conjuncts,
    governor,
    np_tokens,
    phrase_head,
    subject_of,
    with_siblings,
)
from eventwire.petrarch.verbs import PatternElement, Transformation, VerbBlock, VerbForm, VerbPattern
from eventwire.time import parse_date

log = logging.getLogger(__name__)

# Codes that code nothing: PETRARCH's null code, and TABARI's "use the default" marker.
NULL_CODES = frozenset({"---", ""})
DEFAULT_MARKER = "+++"
# ---------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class CodedActor:
    """A noun phrase coded with the dictionaries: ``prefix + actor + suffix`` is PETRARCH's code."""

    actor: str | None
    prefix: str = ""
    suffix: str = ""
    start: int = 0  # token span of the phrase in the Doc
    end: int = 0
    mention: tuple[int, int] | None = None  # token span of the actor's dictionary phrase

    @property
    def code(self) -> str:
        return f"{self.prefix}{self.actor or '---'}{self.suffix}"


@dataclass(frozen=True, slots=True)
class Coding:
    """One coded event: PETRARCH's (source, target, event code) triple and where it came from."""

    source: CodedActor
    target: CodedActor | None
    code: str
    verb: int  # token index of the verb
    pattern: VerbPattern | None = None

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.source.code, self.target.code if self.target else "---", self.code)


def cameo_info(code: str) -> CameoCode | None:
    """The CAMEO authority's row for a code with a PLOVER type (nearest listed parent); None for CAMEO 01."""
    found = cameo.lookup(code)
    return found if found is not None and found.plover else None


# ---------------------------------------------------------------- phrase matching

# ---------------------------------------------------------------- the coder

@dataclass(slots=True, eq=False)
class _Analysis:
    """One verb of a sentence: its dictionary verb and block, code (maybe null), sources and targets."""

    verb: str
    block: str
    head: Token
    code: str
    sources: list[CodedActor]
    targets: list[CodedActor]
    pattern: VerbPattern | None = None
    compound: bool = False


@dataclass(frozen=True, slots=True)
class _Rule:
    outer_source: str
    inner_source: str
    inner_target: str
    inner_verb: str
    outer_verb: str
    out_source: str
    out_target: str
    code: str

    @property
    def passes_code(self) -> bool:
        return self.code == self.inner_verb

    def apply(self, outer: _Analysis, inner: _Analysis) -> _Analysis | None:
        env: dict[str, list[CodedActor]] = {self.outer_source: outer.sources}
        if not outer.sources:
            return None
        for variable, actors in ((self.inner_source, inner.sources), (self.inner_target, inner.targets)):
            if variable == ".":
                continue
            if variable == "_":
                # No subject of its own: an infinitive's subject is the one it shares with the outer verb.
                if {a.code for a in actors} - {a.code for a in outer.sources}:
                    return None
                continue
            if not actors:
                return None
            codes = {a.code for a in actors}
            if variable in env:
                if not codes & {a.code for a in env[variable]}:
                    return None
            elif codes <= {a.code for a in outer.sources}:
                return None  # a new variable names another actor than the outer source
            else:
                env[variable] = actors
        if self.passes_code:
            # "a says a did Q to b" is the event Q itself, triggered by its own verb.
            return _Analysis(inner.verb, inner.block, inner.head, inner.code, env.get(self.out_source, []),
                             env.get(self.out_target, []))
        return _Analysis(outer.verb, outer.block, outer.head, self.code, env.get(self.out_source, []),
                         env.get(self.out_target, []))


def _rule(transformation: Transformation) -> _Rule | None:
    """``a ( x y VERB ) OUTER = p q CODE`` as a rule; None (with a warning) for any other shape."""
    lhs, rhs = transformation.lhs, transformation.rhs
    if len(lhs) != 7 or lhs[1] != "(" or lhs[5] != ")" or len(rhs) != 3:
        log.warning("transformation on line %d is not 'a (x y VERB) OUTER = p q CODE'; ignored",
                    transformation.line)
        return None
    return _Rule(lhs[0], lhs[2], lhs[3], lhs[4].upper(), lhs[6].upper(), rhs[0], rhs[1], rhs[2].upper())


class PetrarchCoder:
    """Codes sentences with PETRARCH dictionaries; see the module documentation."""

    def __init__(self, dictionaries: PetrarchDictionaries, require_dyad: bool = True) -> None:
        self.dictionaries = dictionaries
        self.require_dyad = require_dyad
        self.actor_index = PhraseIndex()
        for entry in dictionaries.actors:
            for name in entry.names:
                self.actor_index.add(name, entry)
        self.agent_index = PhraseIndex()
        for agent in dictionaries.agents:
            for name in agent.names:
                self.agent_index.add(name, agent)
        self.sentence_discards = PhraseIndex()
        self.story_discards = PhraseIndex()
        for discard in dictionaries.discards:
            (self.story_discards if discard.story else self.sentence_discards).add(discard.phrase, discard)
        # Synonym set members as match words ("CEASE-FIRE" is three words, as in the sentence).
        self.synsets = {name: [match_words(member) for member in members]
                        for name, members in dictionaries.verbs.synsets.items()}
        self.rules = [r for r in (_rule(t) for t in dictionaries.verbs.transformations) if r is not None]
        self._required_words: dict[int, frozenset[str]] = {}
        # The doc whose story-level discards were last checked (the stage codes a doc sentence by sentence).
        self._story_doc: Doc | None = None
        self._story_discarded = False
        # Word form -> verb forms: the forms as written, listed irregular forms and regular inflections.
        self.by_form: dict[str, list[tuple[VerbBlock, VerbForm]]] = {}
        # Base word -> verb forms, looked up by a token's lemma.
        self.by_lemma: dict[str, list[tuple[VerbBlock, VerbForm]]] = {}
        for block in dictionaries.verbs.blocks:
            for form in block.forms:
                self.by_lemma.setdefault(form.lemma, []).append((block, form))
                surface = {form.lemma, *(f[form.head] for f in form.forms if len(f) > form.head)}
                if not form.forms:
                    surface |= regular_inflections(form.lemma)
                for word in surface:
                    self.by_form.setdefault(word, []).append((block, form))

    @classmethod
    def from_directory(cls, directory: str | Path, require_dyad: bool = True) -> PetrarchCoder:
        dictionaries, errors = load_dictionaries(directory)
        if errors:
            # One line, however many: every worker process loads the dictionaries.
            shown = "; ".join(str(e) for e in errors[:5])
            more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
            log.warning("%d malformed dictionary lines skipped: %s%s", len(errors), shown, more)
        if not dictionaries.verbs.blocks:
            raise KnowledgeBaseError(f"{directory}: no verb dictionary (CAMEO.*.txt or *.verbs.txt) to code with")
        return cls(dictionaries, require_dyad=require_dyad)

    # ------------------------------------------------------------ discards

    def discarded(self, text: str, story: bool = False) -> bool:
        index = self.story_discards if story else self.sentence_discards
        return next(index.matches(words_of(text)), None) is not None

    # ------------------------------------------------------------ noun phrases

    def mentions(self, sent: Span, day: date | None) -> list[Mention]:
        words = SentenceWords.of(sent)
        found: list[Mention] = []
        taken: set[int] = set()
        doc = sent.doc
        for start, end, values in self.actor_index.matches(words.words):
            entry: ActorEntry = values[0]  # type: ignore[assignment]
            code = code_on(entry, day)
            first, last = words.tokens[start], words.tokens[end - 1]
            if first == last and doc[first].is_stop and doc[first].text.islower():
                continue  # dictionaries are upper case: "us" is not "US"
            taken.update(range(first, last + 1))
            for part in (code or "---").split("/"):
                found.append(Mention(first, last + 1, None if part in NULL_CODES else part.upper()))
        for start, end, values in self.agent_index.matches(words.words):
            first, last = words.tokens[start], words.tokens[end - 1]
            if taken.intersection(range(first, last + 1)):
                continue
            found.append(Mention(first, last + 1, agent=values[0]))  # type: ignore[arg-type]
        found.sort(key=lambda m: (m.start, m.end))
        return found

    def code_phrase(self, head: Token, mentions: list[Mention]) -> list[CodedActor]:
        """The actors a noun phrase stands for: one per conjoined actor, agents attached to each."""
        members = [head, *conjuncts(head)]
        coded: list[tuple[list[Mention], str, str, int, int]] = []
        for token in members:
            tokens = np_tokens(token)
            inside = [m for m in mentions if m.start in tokens]
            actors = actor_group(inside, token.doc)
            prefix = "".join(m.agent.code for m in inside if m.agent and m.agent.prefix)
            suffix = "".join(m.agent.code for m in inside if m.agent and not m.agent.prefix)
            if not actors and not prefix and not suffix:
                continue
            words = [i for i in tokens if not token.doc[i].is_space] or sorted(tokens)
            coded.append((actors, prefix, suffix, min(words), max(words) + 1))
        # A conjunct with agents but no actor shares its neighbour's actors ("lawmakers and officials in X").
        for index, (actors, prefix, suffix, start, end) in enumerate(coded):
            if not actors:
                donor = next((c[0] for c in coded[index + 1:] + coded[:index][::-1] if c[0]), [])
                coded[index] = (list(donor), prefix, suffix, start, end)
        result: list[CodedActor] = []
        for actors, prefix, suffix, start, end in coded:
            for mention in actors or [None]:
                actor = mention.actor if mention else None
                span = (mention.start, mention.end) if mention else None
                result.append(CodedActor(actor, prefix, _suffix(actor, suffix), start, end, span))
        return _unique(result)

    # ------------------------------------------------------------ verbs

    def verb_matches(self, sent: Span) -> list[list[VerbMatch]]:
        """For each verb of the sentence the dictionary knows, its candidate readings (longest forms first)."""
        found: list[list[VerbMatch]] = []
        for token in sent:
            if not is_verb(token):
                continue
            matches: list[VerbMatch] = []
            # The form as written first ("LEFT" is not "LEAVE"), the lemma for forms the file does not list.
            for candidates in (self.by_form.get(token.text.upper(), []), self.by_lemma.get(token.lemma_.upper(), [])):
                for block, form in candidates:
                    span = multiword_span(token, form)
                    if span is not None:
                        matches.append(VerbMatch(block, form, *span))
                if matches:
                    break
            if matches:
                longest = max(len(m.form.words) for m in matches)
                found.append([m for m in matches if len(m.form.words) == longest])
        return found

    def code_sentence(self, sent: Span, day: date | None = None) -> list[Coding]:
        """Every coding of one sentence (empty for a discarded sentence)."""
        if self.discarded(sent.text):
            return []
        mentions = self.mentions(sent, day)
        if not mentions:
            return []
        words = SentenceWords.of(sent)
        chunks = [(c.start, c.end) for c in sent.noun_chunks] if sent.doc.has_annotation("DEP") else []
        analyses = [self._analyse(readings, sent, words, mentions, chunks) for readings in self.verb_matches(sent)]
        codings: list[Coding] = []
        seen: set[tuple[str, str, str]] = set()
        for analysis in self._transform(analyses):
            for coding in self._codings(analysis):
                if coding.triple not in seen:
                    seen.add(coding.triple)
                    codings.append(coding)
        return codings

    def _analyse(self, readings: list[VerbMatch], sent: Span, words: SentenceWords,
                 mentions: list[Mention], chunks: list[tuple[int, int]]) -> _Analysis:
        """The code, sources and targets of one verb (the code may be a null code)."""
        best: tuple[int, VerbPattern, dict[str, int]] | None = None
        verb = readings[0]
        present = set(words.words)
        for reading in readings:
            regions: Regions | None = None
            for pattern in reading.block.patterns:
                if pattern.code == DEFAULT_MARKER or not self._required(pattern) <= present:
                    continue
                if regions is None:
                    regions = Regions.around(reading, sent, words, chunks)
                roles = self._match_pattern(pattern, reading, sent, regions, mentions)
                if roles is None:
                    continue
                size = len(pattern.before) + len(pattern.after)
                if best is None or size > best[0]:
                    best, verb = (size, pattern, roles), reading
        pattern = best[1] if best else None
        if pattern is not None:
            code = pattern.code
        else:
            # No pattern: the verb's own code, else its block's; a reading that codes something wins.
            defaults = [(r, r.form.code or r.block.code) for r in readings]
            verb, code = next(((r, c) for r, c in defaults if c not in NULL_CODES and c != DEFAULT_MARKER),
                              defaults[0])
        head = verb_token(sent.doc, verb)
        roles = best[2] if best else {}
        sources = self._sources(head, mentions, roles, sent)
        targets = self._targets(head, verb, mentions, roles, sources, sent)
        compound = pattern is not None and any(e.kind == "compound" for e in pattern.before)
        return _Analysis(verb.form.lemma, verb.block.name, head, code, sources, targets, pattern, compound)

    def _codings(self, analysis: _Analysis) -> list[Coding]:
        code = analysis.code
        if code in NULL_CODES or code == DEFAULT_MARKER:
            return []
        sources, targets, head, pattern = analysis.sources, analysis.targets, analysis.head, analysis.pattern
        forward, _, reverse = code.partition(":")
        if analysis.compound or (not targets and len(sources) > 1 and reverse):
            # '%' (or a reciprocal a:b code without a target): the members of a compound subject act on
            # each other ("A and B have delayed their meeting", "A and B renewed ties").
            pairs = [(a, b) for a in sources for b in sources if a.code != b.code]
        else:
            pairs = [(a, b) for a in sources for b in (targets or [None])]
        codings: list[Coding] = []
        for source, target in pairs:
            if target is not None and target.code == source.code:
                continue
            if self.require_dyad and target is None:
                continue
            if forward and forward not in NULL_CODES:
                codings.append(Coding(source, target, forward.upper(), head.i, pattern))
            if reverse and reverse not in NULL_CODES and target is not None:
                codings.append(Coding(target, source, reverse.upper(), head.i, pattern))
        return codings

    def _transform(self, analyses: list[_Analysis]) -> list[_Analysis]:
        """Apply the dictionary's transformation rules to a verb and a verb in its complement.

        ``~ a (a b ATTACK) SAY = a b 015``: when ``a`` says that ``a`` attacked ``b``, the two verbs
        become one event ``a b 015`` (claiming responsibility). ``.`` accepts anything, ``_`` demands
        no actor, a variable repeated must name the same actor, and a code written as the inner verb's
        variable (``Q``) passes the inner event's code through.
        """
        if not self.rules or len(analyses) < 2:
            return analyses
        result = list(analyses)
        for rule in self.rules:
            for outer in list(result):
                if outer not in result or rule.outer_verb not in (outer.verb, outer.block):
                    continue
                for inner in list(result):
                    if inner is outer or inner not in result or inner.head.i not in {
                            t.i for t in outer.head.subtree}:
                        continue
                    if not rule.passes_code and rule.inner_verb not in (inner.verb, inner.block):
                        continue
                    merged = rule.apply(outer, inner)
                    if merged is not None:
                        result[result.index(outer)] = merged
                        result.remove(inner)
                        break
        return result

    # ------------------------------------------------------------ sources and targets

    def _sources(self, verb: Token, mentions: list[Mention], roles: dict[str, int], sent: Span) -> list[CodedActor]:
        if "source" in roles:
            return self.code_phrase(phrase_head(sent.doc[roles["source"]], mentions), mentions)
        subject = subject_of(verb)
        if subject is not None and roles.get("target") is not None:
            target_head = phrase_head(sent.doc[roles["target"]], mentions)
            if target_head.i == subject.i:
                # The pattern made the subject the target: the source is the governing clause's subject.
                subject = subject_of(governor(verb)) if governor(verb) is not None else None
        if subject is None:
            return []
        coded = [c for token in with_siblings(subject) for c in self.code_phrase(token, mentions)]
        return _unique(coded)

    def _targets(self, verb: Token, match: VerbMatch, mentions: list[Mention], roles: dict[str, int],
                 sources: list[CodedActor], sent: Span) -> list[CodedActor]:
        if "target" in roles:
            return self.code_phrase(phrase_head(sent.doc[roles["target"]], mentions), mentions)
        passive = next((c for c in verb.children if c.dep_ in ("nsubjpass", "csubjpass")), None)
        if passive is not None and "source" not in roles:
            coded = self.code_phrase(passive, mentions)
            if coded:
                return coded
        taken = set()
        for source in sources:
            taken.update(range(source.start, source.end))
        if passive is not None:
            taken.update(t.i for t in passive.subtree)
        subject = subject_of(verb)
        if subject is not None:
            taken.update(t.i for t in subject.subtree)
        # A clause coordinated with the verb ("..., but media reports said") is not part of its phrase.
        for child in verb.children:
            if child.i > match.last and (child.dep_ in ("parataxis", "cc") or
                                         (child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"))):
                taken.update(t.i for t in child.subtree)
        region = sorted(t.i for t in verb.subtree if t.i > match.last and t.i not in taken)
        if "source" in roles and passive is not None:
            region = sorted({*region, *(t.i for t in passive.subtree)} - set(range(*_span_of(sources))))
        # The first actor of the phrase; a phrase with only an agent ("students") when there is none.
        fallback: list[CodedActor] = []
        for index in region:
            mention = next((m for m in mentions if m.start <= index < m.end), None)
            if mention is None or sent.doc[index].lower_ in PRONOUNS:
                continue
            coded = self.code_phrase(phrase_head(sent.doc[index], mentions), mentions)
            coded = [c for c in coded if not _overlaps(c, sources)]
            if any(c.actor for c in coded):
                return coded
            fallback = fallback or coded
        return fallback

    # ------------------------------------------------------------ patterns

    def _required(self, pattern: VerbPattern) -> frozenset[str]:
        """The literal words a pattern needs: a sentence without one of them cannot match it."""
        key = id(pattern)
        if key not in self._required_words:
            needed = {w for e in (*pattern.before, *pattern.after) if e.kind in ("word", "phrase", "prep")
                      for word in e.words if not word.startswith("&") and word not in MARKER_WORDS
                      for w in words_of(word)}
            self._required_words[key] = frozenset(needed)
        return self._required_words[key]

    def _match_pattern(self, pattern: VerbPattern, verb: VerbMatch, sent: Span, regions: Regions,
                       mentions: list[Mention]) -> dict[str, int] | None:
        """Match ``pattern`` around ``verb``; the token indices of the ``$``/``+`` phrases, or None."""
        roles: dict[str, int] = {}
        doc = sent.doc
        head = verb_token(doc, verb)
        after, before, after_tokens = regions.after, regions.before, regions.after_tokens
        if not self._match_sequence(pattern.after, after, 0, mentions, roles, sent, forward=True):
            return None
        # Before the verb, matched backwards: going backwards, an element must touch the one matched
        # before it when that one was glued to it ("IN_AND_*").
        count = len(pattern.before)
        backwards = tuple(
            PatternElement(e.kind, e.words, pattern.verb_joined if k == 0 else pattern.before[count - k].joined)
            for k, e in enumerate(reversed(pattern.before))
        )
        if not self._match_sequence(backwards, before, 0, mentions, roles, sent, forward=False):
            return None
        # '%' needs a compound: a conjoined subject before the verb, a conjoined object after it.
        subjects = with_siblings(subject_of(head))
        if any(e.kind == "compound" for e in pattern.before) and len(subjects) + sum(
                len(conjuncts(t)) for t in subjects) < 2:
            return None
        objects = [doc[i] for i in after_tokens if doc[i].dep_ in ("pobj", "dobj")]
        if any(e.kind == "compound" for e in pattern.after) and not any(conjuncts(t) for t in objects):
            return None
        return roles

    def _match_sequence(self, elements: tuple[PatternElement, ...], region: Region, position: int,
                        mentions: list[Mention], roles: dict[str, int], sent: Span, forward: bool) -> bool:
        for element in elements:
            if element.kind == "compound":
                continue
            if element.kind == "skip":
                after = region.skip_phrase(position)
            elif element.kind in ("source", "target"):
                after = region.bind_mention(position, mentions, element.joined, element.kind, roles)
            elif element.kind == "prep" and not forward:
                after = self._match_words(reversed([w for w in element.words if w not in MARKER_WORDS]), region,
                                          position, mentions, roles)
            elif element.kind == "prep":
                # "(TO ...)" is a prepositional phrase: the infinitive's "to" does not open one.
                found = region.find([(element.words[0],)], position, element.joined,
                                    accept=lambda i: is_preposition(sent.doc[i]))
                after = None if found is None else self._match_words(element.words[1:], region, found[1], mentions,
                                                                     roles)
            else:
                found = region.find(self._element_sequences(element, forward), position, element.joined)
                after = None if found is None else found[1]
            if after is None:
                return False
            position = after
        return True

    def _element_sequences(self, element: PatternElement, forward: bool) -> list[tuple[str, ...]]:
        """The word sequences a phrase, synset or word element matches, in matching order."""
        if element.kind == "phrase":
            sequences = self._phrase_alternatives(element.words)
        elif element.kind == "synset":
            sequences = self.synsets.get(element.words[0], [])
        else:
            sequences = [match_words(element.words)]
        return sequences if forward else [tuple(reversed(s)) for s in sequences]

    def _match_words(self, words: Iterable[str], region: Region, position: int, mentions: list[Mention],
                     roles: dict[str, int]) -> int | None:
        """A prepositional phrase's words one after another, each anywhere after the last (``$``/``+`` a source or
        target mention, ``%``/``^`` nothing): the position after the last, or None when one is missing."""
        for word in words:
            if word in ("$", "+"):
                after = region.bind_mention(position, mentions, False, "source" if word == "$" else "target", roles)
            elif word in ("%", "^"):
                continue
            else:
                found = region.find(self._alternatives(word), position, False)
                after = None if found is None else found[1]
            if after is None:
                return None
            position = after
        return position

    def _alternatives(self, word: str) -> list[tuple[str, ...]]:
        return list(self.synsets.get(word, [])) if word.startswith("&") else [match_words((word,))]

    def _phrase_alternatives(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        sequences: list[tuple[str, ...]] = [()]
        for word in words:
            sequences = [s + alt for s in sequences for alt in self._alternatives(word)]
        return sequences

    # ------------------------------------------------------------ articles

    def code_doc(self, doc: Doc, day: date | None = None) -> list[tuple[Span, list[Coding]]]:
        """Codings of every sentence of a parsed document (none when a story discard occurs)."""
        sentences = list(doc.sents)
        if any(self.discarded(s.text, story=True) for s in sentences):
            return []
        return [(sent, self.code_sentence(sent, day)) for sent in sentences]

    def code(self, article: Article, doc: Doc, bounds: tuple[int, int]) -> list[Candidate]:
        """The shared coder interface: candidates for one sentence (token range), one per coding whose
        CAMEO code has a PLOVER type. The events stage dates, scores, numbers them and adds modality."""
        if self._story_doc is not doc:
            # A story-level discard phrase anywhere in the article codes nothing in it.
            self._story_doc = doc
            self._story_discarded = any(self.discarded(s.text, story=True) for s in doc.sents)
        if self._story_discarded or bounds[1] <= bounds[0]:
            return []
        found: list[Candidate] = []
        for coding in self.code_sentence(doc[bounds[0]:bounds[1]], _parse_day(article.published)):
            info = cameo_info(coding.code)
            if info is None or info.plover is None:
                continue
            verb = doc[coding.verb]
            mode = cameo.plover_mode(coding.code)
            entry = Entry("V", verb.lemma_.lower(), None, info.plover, mode, coding.code)
            cand = Candidate(verb, entry, info.plover, mode, coding.code,
                             source=[self._party(article, doc, coding.source)],
                             target=[self._party(article, doc, coding.target)] if coding.target else [],
                             trigger_tokens=[verb], modality_known=False)
            cand.confidence = confidence(cand)
            found.append(cand)
        return found

    @staticmethod
    def _party(article: Article, doc: Doc, coded: CodedActor) -> Party:
        span = doc[coded.start:coded.end]
        # The article actor is the one named by the dictionary phrase ("Iraq" in "the US presence in Iraq"
        # is not the phrase's actor; "US" is), else the one the whole phrase overlaps most.
        named = doc[coded.mention[0]:coded.mention[1]] if coded.mention else span
        actor = article.actor_at(named.start_char, named.end_char) or article.actor_at(span.start_char, span.end_char)
        code = f"{coded.prefix}{coded.actor}" if coded.actor else (coded.prefix or None)
        # The agent part's sector is the dictionary's CAMEO code; a party's sector is PLOVER's (CAMEO's MED, news
        # media, is JRN). The coder's own codings (``coding.triple``) stay CAMEO, as PETRARCH writes them.
        return Party(actor.id if actor else None, span.text, code, plover_agent_code(coded.suffix))


def combined_code(party: Party) -> str:
    """PETRARCH's single code of a party (``ARN`` + ``GOV`` = ``ARNGOV``; ``---`` for an unknown actor), in
    CAMEO's sector spelling (a JRN party is ``...MED``)."""
    return f"{party.code or '---'}{cameo_agent_code(party.sector) or ''}"


@lru_cache(maxsize=4)
def load_coder(directory: str) -> PetrarchCoder:
    """One coder per dictionary directory and process (reading the Phoenix files takes a second)."""
    return PetrarchCoder.from_directory(directory)


# ---------------------------------------------------------------- helpers

def _suffix(actor: str | None, suffix: str) -> str:
    """Agent codes not already part of the actor's code (``USAGOV`` + ``GOV`` stays ``USAGOV``)."""
    if not actor:
        return suffix
    chunks = [suffix[i:i + 3] for i in range(0, len(suffix), 3)]
    present = {actor[i:i + 3] for i in range(0, len(actor), 3)}
    kept: list[str] = []
    for chunk in chunks:
        if chunk not in present and chunk not in kept:
            kept.append(chunk)
    return "".join(kept)


def _unique(coded: list[CodedActor]) -> list[CodedActor]:
    seen: set[str] = set()
    out: list[CodedActor] = []
    for item in coded:
        if item.code not in seen:
            seen.add(item.code)
            out.append(item)
    return out


def _overlaps(coded: CodedActor, others: list[CodedActor]) -> bool:
    return any(coded.start < o.end and o.start < coded.end and coded.code == o.code for o in others)


def _span_of(coded: list[CodedActor]) -> tuple[int, int]:
    if not coded:
        return (0, 0)
    return min(c.start for c in coded), max(c.end for c in coded)


def _parse_day(published: str | None) -> date | None:
    """The date actor codes are chosen by: the publication date (a month or year counts from its start)."""
    return parse_date(published[:10]) if published else None
