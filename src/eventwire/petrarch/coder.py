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

What the dependency parse cannot reproduce is described in the README
(``## PETRARCH interoperability``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from eventwire.errors import KnowledgeBaseError
from eventwire.events import cameo
from eventwire.events.cameo import CameoCode
from eventwire.events.candidate import Candidate, confidence
from eventwire.events.lexicon import Entry
from eventwire.model import Article, Event, Party
from eventwire.petrarch import PetrarchDictionaries, load_dictionaries
from eventwire.petrarch.actors import ActorEntry, code_on
from eventwire.petrarch.agents import AgentEntry
from eventwire.petrarch.verbs import PatternElement, Transformation, VerbBlock, VerbForm, VerbPattern

log = logging.getLogger(__name__)

# Codes that code nothing: PETRARCH's null code, and TABARI's "use the default" marker.
NULL_CODES = frozenset({"---", ""})
DEFAULT_MARKER = "+++"
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "its", "their"})
_RELATIVES = frozenset({"who", "which", "that", "whom"})
# Clause links through which an infinitive, participle or conjoined verb shares its governor's subject.
_SUBJECT_LINKS = frozenset({"xcomp", "conj", "acomp", "advcl", "pcomp", "prep"})
# Dependents of a noun that belong to its noun phrase when coding it.
_NP_EXCLUDED = frozenset({"conj", "cc", "relcl", "acl", "appos", "punct", "advcl"})
# Prepositions through which an agent noun takes its actor ("officials in Gondor", "the government of Gondor").
_AGENT_PREPOSITIONS = frozenset({"of", "in", "from", "at", "for"})
_WORD = re.compile(r"[^\s\-_,]+|[-,]")


def _match_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for word in words for w in (words_of(word) or [word]))


def words_of(text: str) -> list[str]:
    """The match words of a phrase or token: upper case, split at spaces, underscores and hyphens."""
    return _WORD.findall(text.upper())


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

class PhraseIndex:
    """Longest-match lookup of dictionary phrases over a sentence's words (a trie keyed by words)."""

    def __init__(self) -> None:
        self.root: dict[str, object] = {}

    def add(self, phrase: str, value: object) -> None:
        node = self.root
        for word in words_of(phrase):
            node = node.setdefault(word, {})  # type: ignore[assignment]
        node.setdefault("", []).append(value)  # type: ignore[union-attr]

    def matches(self, words: list[str]) -> Iterator[tuple[int, int, list[object]]]:
        """Non-overlapping longest matches ``(start, end, values)`` over ``words``, left to right."""
        i = 0
        while i < len(words):
            node: dict[str, object] = self.root
            best: tuple[int, list[object]] | None = None
            j = i
            while j < len(words) and words[j] in node:
                node = node[words[j]]  # type: ignore[assignment]
                j += 1
                if "" in node:
                    best = (j, node[""])  # type: ignore[assignment]
            if best is None:
                i += 1
                continue
            yield i, best[0], best[1]
            i = best[0]


@dataclass(slots=True)
class SentenceWords:
    """A sentence as match words, each remembering its token."""

    words: list[str] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    first: dict[int, int] = field(default_factory=dict)  # token index -> index of its first word

    @classmethod
    def of(cls, sent: Span) -> SentenceWords:
        result = cls()
        for token in sent:
            result.first[token.i] = len(result.words)
            for word in words_of(token.text) or [token.text.upper()]:
                result.words.append(word)
                result.tokens.append(token.i)
        return result


@dataclass(slots=True)
class Mention:
    """A dictionary match in a sentence: token span and what it codes."""

    start: int
    end: int
    actor: str | None = None
    agent: AgentEntry | None = None


# ---------------------------------------------------------------- the coder

@dataclass(slots=True)
class _VerbMatch:
    block: VerbBlock
    form: VerbForm
    first: int  # first and last token of the verb and its particles / preceding words
    last: int


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
        self.synsets = {name: [_match_words(member) for member in members]
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
        conjuncts = [head, *_conjuncts(head)]
        coded: list[tuple[list[Mention], str, str, int, int]] = []
        for token in conjuncts:
            tokens = _np_tokens(token)
            inside = [m for m in mentions if m.start in tokens]
            actors = _actor_group(inside, token.doc)
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

    def verb_matches(self, sent: Span) -> list[list[_VerbMatch]]:
        """For each verb of the sentence the dictionary knows, its candidate readings (longest forms first)."""
        found: list[list[_VerbMatch]] = []
        for token in sent:
            if not _is_verb(token):
                continue
            matches: list[_VerbMatch] = []
            # The form as written first ("LEFT" is not "LEAVE"), the lemma for forms the file does not list.
            for candidates in (self.by_form.get(token.text.upper(), []), self.by_lemma.get(token.lemma_.upper(), [])):
                for block, form in candidates:
                    span = _multiword_span(token, form)
                    if span is not None:
                        matches.append(_VerbMatch(block, form, *span))
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

    def _analyse(self, readings: list[_VerbMatch], sent: Span, words: SentenceWords,
                 mentions: list[Mention], chunks: list[tuple[int, int]]) -> _Analysis:
        """The code, sources and targets of one verb (the code may be a null code)."""
        best: tuple[int, VerbPattern, dict[str, int]] | None = None
        verb = readings[0]
        present = set(words.words)
        for reading in readings:
            regions: _Regions | None = None
            for pattern in reading.block.patterns:
                if pattern.code == DEFAULT_MARKER or not self._required(pattern) <= present:
                    continue
                if regions is None:
                    regions = _Regions.around(reading, sent, words, chunks)
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
        head = _verb_token(sent.doc, verb)
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
            return self.code_phrase(_phrase_head(sent.doc[roles["source"]], mentions), mentions)
        subject = _subject(verb)
        if subject is not None and roles.get("target") is not None:
            target_head = _phrase_head(sent.doc[roles["target"]], mentions)
            if target_head.i == subject.i:
                # The pattern made the subject the target: the source is the governing clause's subject.
                subject = _subject(_governor(verb)) if _governor(verb) is not None else None
        if subject is None:
            return []
        coded = [c for token in _with_siblings(subject) for c in self.code_phrase(token, mentions)]
        return _unique(coded)

    def _targets(self, verb: Token, match: _VerbMatch, mentions: list[Mention], roles: dict[str, int],
                 sources: list[CodedActor], sent: Span) -> list[CodedActor]:
        if "target" in roles:
            return self.code_phrase(_phrase_head(sent.doc[roles["target"]], mentions), mentions)
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
        subject = _subject(verb)
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
            if mention is None or sent.doc[index].lower_ in _PRONOUNS:
                continue
            coded = self.code_phrase(_phrase_head(sent.doc[index], mentions), mentions)
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

    def _match_pattern(self, pattern: VerbPattern, verb: _VerbMatch, sent: Span, regions: _Regions,
                       mentions: list[Mention]) -> dict[str, int] | None:
        """Match ``pattern`` around ``verb``; the token indices of the ``$``/``+`` phrases, or None."""
        roles: dict[str, int] = {}
        doc = sent.doc
        head = _verb_token(doc, verb)
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
        subjects = _with_siblings(_subject(head))
        if any(e.kind == "compound" for e in pattern.before) and len(subjects) + sum(
                len(_conjuncts(t)) for t in subjects) < 2:
            return None
        objects = [doc[i] for i in after_tokens if doc[i].dep_ in ("pobj", "dobj")]
        if any(e.kind == "compound" for e in pattern.after) and not any(_conjuncts(t) for t in objects):
            return None
        return roles

    def _match_sequence(self, elements: tuple[PatternElement, ...], region: _Region, position: int,
                        mentions: list[Mention], roles: dict[str, int], sent: Span, forward: bool) -> bool:
        for element in elements:
            if element.kind == "compound":
                continue
            if element.kind == "skip":
                skipped = region.skip_phrase(position)
                if skipped is None:
                    return False
                position = skipped
                continue
            if element.kind in ("source", "target"):
                found = region.find_mention(position, mentions, element.joined)
                if found is None:
                    return False
                roles.setdefault(element.kind, found[0])
                position = found[1]
                continue
            if element.kind == "prep" and not forward:
                for word in reversed([w for w in element.words if w not in ("$", "+", "%", "^")]):
                    found = region.find(self._alternatives(word), position, False)
                    if found is None:
                        return False
                    position = found[1]
                continue
            if element.kind == "prep":
                preposition, rest = element.words[0], element.words[1:]
                # "(TO ...)" is a prepositional phrase: the infinitive's "to" does not open one.
                found = region.find([(preposition,)], position, element.joined,
                                    accept=lambda i: _is_preposition(sent.doc[i]))
                if found is None:
                    return False
                position = found[1]
                for word in rest:
                    if word in ("$", "+"):
                        mention = region.find_mention(position, mentions, False)
                        if mention is None:
                            return False
                        roles.setdefault("source" if word == "$" else "target", mention[0])
                        position = mention[1]
                        continue
                    if word in ("%", "^"):
                        continue
                    found = region.find(self._alternatives(word), position, False)
                    if found is None:
                        return False
                    position = found[1]
                continue
            if element.kind == "phrase":
                sequences = self._phrase_alternatives(element.words)
            elif element.kind == "synset":
                sequences = self.synsets.get(element.words[0], [])
            else:
                sequences = [_match_words(element.words)]
            if not forward:
                sequences = [tuple(reversed(s)) for s in sequences]
            found = region.find(sequences, position, element.joined)
            if found is None:
                return False
            position = found[1]
        return True

    def _alternatives(self, word: str) -> list[tuple[str, ...]]:
        return list(self.synsets.get(word, [])) if word.startswith("&") else [_match_words((word,))]

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

    def events(self, article: Article, doc: Doc) -> list[Event]:
        """Events for an article through the shared events stage (ids continue after existing events)."""
        from eventwire.events import EventStage

        return EventStage(coder=self).events(article, doc)

    @staticmethod
    def _party(article: Article, doc: Doc, coded: CodedActor) -> Party:
        span = doc[coded.start:coded.end]
        # The article actor is the one named by the dictionary phrase ("Iraq" in "the US presence in Iraq"
        # is not the phrase's actor; "US" is), else the one the whole phrase overlaps most.
        named = doc[coded.mention[0]:coded.mention[1]] if coded.mention else span
        actor = article.actor_at(named.start_char, named.end_char) or article.actor_at(span.start_char, span.end_char)
        code = f"{coded.prefix}{coded.actor}" if coded.actor else (coded.prefix or None)
        return Party(actor.id if actor else None, span.text, code, coded.suffix or None)


def combined_code(party: Party) -> str:
    """PETRARCH's single code of a party (``ARN`` + ``GOV`` = ``ARNGOV``; ``---`` for an unknown actor)."""
    return f"{party.code or '---'}{party.sector or ''}"


@lru_cache(maxsize=4)
def load_coder(directory: str) -> PetrarchCoder:
    """One coder per dictionary directory and process (reading the Phoenix files takes a second)."""
    return PetrarchCoder.from_directory(directory)


# ---------------------------------------------------------------- helpers

MARKER_WORDS = frozenset({"$", "+", "%", "^"})


@dataclass(slots=True)
class _Regions:
    """Where a verb's patterns match: its phrase after it (its subtree) and the sentence before it."""

    after_tokens: list[int]
    after: _Region
    before: _Region

    @classmethod
    def around(cls, verb: _VerbMatch, sent: Span, words: SentenceWords, chunks: list[tuple[int, int]]) -> _Regions:
        head = _verb_token(sent.doc, verb)
        after_tokens = sorted(t.i for t in head.subtree if t.i > verb.last)
        return cls(after_tokens, _Region(words, after_tokens, chunks=chunks),
                   _Region(words, list(range(sent.start, verb.first)), reverse=True, chunks=chunks))


class _Region:
    """Token positions a pattern side may match, in matching order (backwards before the verb)."""

    def __init__(self, words: SentenceWords, tokens: list[int], reverse: bool = False,
                 chunks: list[tuple[int, int]] | None = None) -> None:
        order = sorted(tokens, reverse=reverse)
        self.chunks = chunks or []
        self.tokens = order
        self.words: list[str] = []
        self.owner: list[int] = []
        for token in order:
            start = words.first[token]
            end = start
            while end < len(words.tokens) and words.tokens[end] == token:
                end += 1
            pieces = words.words[start:end]
            for word in (reversed(pieces) if reverse else pieces):
                self.words.append(word)
                self.owner.append(token)

    def find(self, sequences: Iterable[tuple[str, ...]], position: int, adjacent: bool,
             accept: Callable[[int], bool] | None = None) -> tuple[int, int] | None:
        """The first ``(start, end)`` at or after ``position`` where one of ``sequences`` occurs
        (and whose first token passes ``accept``)."""
        candidates = [s for s in sequences if s]
        last = position if adjacent else len(self.words) - 1
        for start in range(position, min(last, len(self.words) - 1) + 1):
            if accept is not None and not accept(self.owner[start]):
                continue
            for sequence in candidates:
                end = start + len(sequence)
                if tuple(self.words[start:end]) == sequence:
                    return start, end
        return None

    def skip_phrase(self, position: int) -> int | None:
        """The position after the next noun phrase (TABARI's '^')."""
        for index in range(position, len(self.words)):
            token = self.owner[index]
            chunk = next(((a, b) for a, b in self.chunks if a <= token < b), None)
            if chunk is None:
                continue
            end = index
            while end < len(self.words) and chunk[0] <= self.owner[end] < chunk[1]:
                end += 1
            return end
        return None

    def find_mention(self, position: int, mentions: list[Mention], adjacent: bool) -> tuple[int, int] | None:
        """The next word belonging to a dictionary mention: its token and the position after the mention."""
        last = position if adjacent else len(self.words) - 1
        for index in range(position, min(last, len(self.words) - 1) + 1):
            token = self.owner[index]
            mention = next((m for m in mentions if m.start <= token < m.end), None)
            if mention is None:
                continue
            end = index
            while end < len(self.words) and mention.start <= self.owner[end] < mention.end:
                end += 1
            return token, end
        return None


def regular_inflections(word: str) -> set[str]:
    """Regular English inflections of a verb (over-generation is harmless: only real words occur)."""
    forms = {word + "S", word + "ED", word + "ING"}
    if re.search(r"(S|X|Z|CH|SH|O)$", word):
        forms.add(word + "ES")
    if word.endswith("E"):
        forms |= {word + "D", word[:-1] + "ING"}
    if re.search(r"[^AEIOU]Y$", word):
        forms |= {word[:-1] + "IES", word[:-1] + "IED"}
    if re.search(r"[^AEIOU][AEIOU][BDGKLMNPRST]$", word):
        forms |= {word + word[-1] + "ED", word + word[-1] + "ING"}
    return forms


def _is_preposition(token: Token) -> bool:
    return token.pos_ == "ADP" or token.dep_ in ("prep", "agent", "dative", "prt")


def _is_verb(token: Token) -> bool:
    # A participle used as a preposition ("according to", "following the talks") is no event.
    if token.dep_ == "prep":
        return False
    if token.pos_ == "VERB" or token.tag_.startswith("VB"):
        return token.dep_ not in ("aux", "auxpass") or token.pos_ == "VERB"
    return False


def _multiword_span(token: Token, form: VerbForm) -> tuple[int, int] | None:
    """The token span of ``form`` around ``token`` (its verb word), or None when its other words are absent."""
    doc = token.doc
    first = token.i - len(form.preceding)
    if first < 0 or [doc[first + k].text.upper() for k in range(len(form.preceding))] != list(form.preceding):
        return None
    last = token.i
    for particle in form.particles:
        following = [t for t in doc[last + 1:last + 3] if t.text.upper() == particle]
        child = next((c for c in token.children if c.dep_ == "prt" and c.text.upper() == particle), None)
        if following:
            last = following[0].i
        elif child is not None:
            last = max(last, child.i)
        else:
            return None
    return first, last


def _verb_token(doc: Doc, verb: _VerbMatch) -> Token:
    return doc[verb.first + len(verb.form.preceding)]


def _subject(verb: Token | None) -> Token | None:
    """The subject of a verb, looking through infinitives, conjoined verbs, relative and reported clauses."""
    seen = 0
    came_from: Token | None = None
    while verb is not None and seen < 8:
        seen += 1
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if subject is None and (passive is not None or any(c.dep_ == "auxpass" for c in verb.children)):
            if came_from is not None and came_from.dep_ == "xcomp":
                return passive  # raising: "Gollum was seen to break into ..."
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            # A passive verb's source is its "by" agent, never a subject borrowed from another clause.
            return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subject is not None:
            if subject.lower_ in _RELATIVES and verb.dep_ == "relcl":
                return verb.head
            if subject.lower_ in _PRONOUNS and verb.dep_ in ("ccomp", "conj", "xcomp"):
                verb = _governor(verb)
                continue
            return subject
        # An object-control verb ("urged Eriador to respond") gives its object as the subject.
        if verb.dep_ == "xcomp":
            control = next((c for c in verb.head.children if c.dep_ in ("dobj",)), None)
            if control is not None:
                return control
        if verb.dep_ in _SUBJECT_LINKS:
            came_from = verb
            verb = verb.head if verb.head is not verb else None
            continue
        return None
    return None


def _with_siblings(subject: Token | None) -> list[Token]:
    """A subject and the other subjects of its verb: the small parser sometimes splits one compound
    subject into several ("Old foes Gondor and Osgiliath have ...")."""
    if subject is None:
        return []
    if subject.dep_ != "nsubj":
        return [subject]
    return [subject, *(c for c in subject.head.children if c.dep_ == "nsubj" and c is not subject)]


def _governor(verb: Token) -> Token | None:
    head = verb.head
    while head is not verb and head.pos_ not in ("VERB", "AUX") and head.head is not head:
        head = head.head
    return head if head is not verb else None


def _conjuncts(token: Token) -> list[Token]:
    """Tokens conjoined with ``token``; an apposition heading a list counts too ("A, the B, C and D")."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and any(c.dep_ == "conj" for c in child.children)):
            out.append(child)
            out.extend(_conjuncts(child))
    return out


def _np_tokens(token: Token) -> set[int]:
    """The tokens of the noun phrase headed by ``token``, without its conjuncts and clauses."""
    tokens = {token.i}
    for child in token.children:
        if child.dep_ in _NP_EXCLUDED:
            continue
        tokens.update(_np_tokens_all(child))
    return tokens


def _np_tokens_all(token: Token) -> set[int]:
    tokens = {token.i}
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "punct", "advcl"):
            continue
        tokens.update(_np_tokens_all(child))
    return tokens


def _actor_group(mentions: list[Mention], doc: Doc) -> list[Mention]:
    """The first actor of a phrase and the actors conjoined with it ("the ambassadors of A, B and C")."""
    actors = [m for m in mentions if m.agent is None]
    if not actors:
        return []
    first = actors[0]
    linked = {t.i for t in _conjuncts(_span_root(doc, first))}
    group: list[Mention] = []
    for mention in actors:
        # Several codes of one phrase ("ELR/GAL") share its start; conjoined actors are linked by "conj".
        linked_here = mention.start == first.start or any(mention.start <= i < mention.end for i in linked)
        if linked_here and mention.actor is not None and mention.actor not in {m.actor for m in group}:
            group.append(mention)
    return group


def _span_root(doc: Doc, mention: Mention) -> Token:
    tokens = doc[mention.start:mention.end]
    return next((t for t in tokens if not (mention.start <= t.head.i < mention.end) or t.head is t), tokens[0])


def _phrase_head(token: Token, mentions: list[Mention]) -> Token:
    """The noun phrase a dictionary word belongs to: climb compounds, possessives and agent prepositions."""
    mention = next((m for m in mentions if m.start <= token.i < m.end), None)
    if mention is not None:
        token = _span_root(token.doc, mention)
    for _ in range(6):
        if token.dep_ in ("poss", "compound", "amod", "nmod", "case") and token.head is not token:
            token = token.head
            continue
        if token.dep_ == "pobj" and token.head.lower_ in _AGENT_PREPOSITIONS:
            noun = token.head.head
            if any(m.agent is not None and m.start <= noun.i < m.end for m in mentions):
                token = noun
                continue
        if token.dep_ == "conj":
            token = token.head
            continue
        break
    return token


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
    if not published:
        return None
    parts = published[:10].split("-")
    try:
        numbers = [int(p) for p in parts] + [1, 1][:3 - len(parts)]
        return date(numbers[0], numbers[1], numbers[2])
    except (ValueError, IndexError):
        return None
