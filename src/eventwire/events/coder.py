"""The event coder: PLOVER events from the dependency parse, clause by clause.

For each sentence the coder finds trigger tokens (verbs and event nouns of the lexicon),
picks each trigger's sense (a companion word or an object constraint wins over the bare
lemma), finds the source (subject, passive "by" agent, the noun a relative clause modifies,
the controller of an infinitive, the possessor or "of" phrase of an event noun) and the
target (the lexicon frame: object, dative, a preposition, the subject of a "that" clause,
or inside the complement of a control verb), expands conjoined actors, and decides the
modality (negation, condition, intent, reported speech).

Symmetric predicates ("Washington and Baghdad are negotiating", "signed a treaty") with
conjoined subjects and no target are coded once with every party as ``actor`` and no
recipient, as the PLOVER manual codes multilateral meetings; they are not split into two
directed events, which would double-count one real event.

Governing verbs absorb their complements ("agreed to withdraw" is one AGREE, "threatened to
impose sanctions" one THREATEN), light verbs give their event noun a source ("staged a
protest"), and event nouns that are arguments of a coded verb are not coded again: that keeps
the coder near one event per sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from eventwire.events.lexicon import Entry, Lexicon
from eventwire.model import Actor, Article, Party

# Verbal acts about another act ("demanded that Israel ease ...", "rejected calls to ..."): they absorb
# the act they are about, which is not coded as a separate event.
SPEECH_ACTS = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "AGREE"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
QUANT = "QUANT"
# Prepositions whose object can be an event's target when the lexicon frame found none.
_TARGET_PREPOSITIONS = frozenset({"to", "for", "against", "on", "with", "toward", "towards", "from", "over"})


# Prepositions that introduce the actor inside a non-actor phrase ("the suppression of X", "calls by X").
_MODIFIER_PREPOSITIONS = frozenset({"of", "by", "from", "with", "against", "for", "between"})


@dataclass(slots=True)
class Modality:
    negated: bool = False
    conditional: bool = False
    intent: bool = False
    reported: bool = False  # the clause is the complement of a verb of saying


@dataclass(slots=True)
class Candidate:
    """An event being coded, before dates, ids and quotes are attached."""

    token: Token
    entry: Entry
    type: str
    mode: str | None
    cameo: str | None
    source: list[Party] = field(default_factory=list)
    target: list[Party] = field(default_factory=list)
    modality: Modality = field(default_factory=Modality)
    absorbed: set[int] = field(default_factory=set)
    confidence: float = 0.5
    trigger_tokens: list[Token] = field(default_factory=list)
    via_light: bool = False  # an event noun given its source by a light verb ("staged a protest")
    location_target: bool = False  # the target is the place of the event, not a frame argument


class Coder:
    """Codes the events of one sentence of a parsed article."""

    def __init__(self, lexicon: Lexicon, country_of: Callable[[str], str | None] | None = None) -> None:
        self.lex = lexicon
        # Optional name -> ISO3 lookup (the actor knowledge base) for modifiers no actor covers.
        self.country_of = country_of
        # Token offset -> actor for the article being coded (the coder asks about the same tokens often).
        self._owner: Article | None = None
        self._actors: dict[int, Actor | None] = {}
        self._cover: dict[int, list[tuple[int, int]]] = {}
        self._count = 0
        # Parties that are unresolved place names (ids, for the sentence being coded).
        self._foreign: set[int] = set()

    def actor_of(self, article: Article, token: Token) -> Actor | None:
        """``article.actor_at`` for one token, remembered while the same article is coded."""
        if self._owner is not article or self._count != len(article.actors):
            self._owner, self._count, self._actors = article, len(article.actors), {}
            # Character offset -> the mentions covering it, so a lookup costs the token's length, not a scan
            # of every mention of the article (that scan made long documents quadratic).
            self._cover = {}
            for a, actor in enumerate(article.actors):
                for m, mention in enumerate(actor.mentions):
                    for offset in range(mention.start, mention.end):
                        self._cover.setdefault(offset, []).append((a, m))
        if token.idx not in self._actors:
            start, end = token.idx, token.idx + len(token)
            # Same rule as Article.actor_at (longest overlap, first in article order on ties), over the
            # mentions that overlap the token only.
            best: Actor | None = None
            best_overlap = 0
            for a, m in sorted({pair for offset in range(start, end) for pair in self._cover.get(offset, ())}):
                mention = article.actors[a].mentions[m]
                overlap = min(end, mention.end) - max(start, mention.start)
                if overlap > best_overlap:
                    best, best_overlap = article.actors[a], overlap
            self._actors[token.idx] = best
        return self._actors[token.idx]

    # ------------------------------------------------------------------ senses
    def sense(self, token: Token) -> Entry | None:
        pos = "V" if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") else \
            "N" if token.pos_ in NOMINAL_POS else None
        if pos is None:
            return None
        senses: list[Entry] = []
        for lemma in _lemmas(token, pos):
            senses = self.lex.senses(pos, lemma)
            if senses:
                break
        if not senses:
            return None
        companions = self._companions(token)
        objects = self._object_lemmas(token) if any(s.obj for s in senses) else set()
        for entry in senses:
            if entry.word and entry.word not in companions:
                continue
            if entry.obj and not (objects & entry.obj):
                continue
            return entry
        return None

    @staticmethod
    def _companions(token: Token) -> set[str]:
        words: set[str] = set()
        for child in token.children:
            if child.dep_ in ("prt", "dobj", "prep", "compound", "amod", "advmod", "npadvmod", "acomp", "nmod",
                              "attr", "oprd", "dative"):
                words.add(child.lemma_.lower())
                words.add(child.lower_)
                if child.dep_ in ("prep", "prt"):
                    words.update(g.lemma_.lower() for g in child.children if g.dep_ == "pobj")
        return words

    @staticmethod
    def _object_lemmas(token: Token) -> set[str]:
        found: set[str] = set()
        heads = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
        for child in token.children:
            if child.dep_ in ("prt", "prep") and child.lower_ in ("off", "on", "up", "down", "out", "of", "in"):
                heads.extend(g for g in child.children if g.dep_ == "pobj")
        if token.pos_ in NOMINAL_POS:
            heads.extend(c for c in token.children if c.dep_ in ("compound", "amod"))
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    heads.extend(g for g in child.children if g.dep_ == "pobj")
        if token.dep_ == "relcl" and token.head.pos_ in NOMINAL_POS:
            heads.append(token.head)
        for head in list(heads):
            heads.extend(c for c in head.conjuncts)
            for child in head.children:
                if child.dep_ in ("compound", "amod"):
                    heads.append(child)
                elif child.dep_ == "prep" and child.lower_ == "of":
                    heads.extend(g for g in child.children if g.dep_ == "pobj")
        for head in heads:
            found.add(head.lemma_.lower())
            found.add(head.lower_)
        return found

    # ------------------------------------------------------------------ parties
    def parties(self, article: Article, head: Token | None, bounds: tuple[int, int],
                exclude: Iterable[Party] = ()) -> list[Party]:
        """Parties for a noun phrase and its conjuncts; only actor-like phrases count."""
        if head is None:
            return []
        excluded = {(p.actor, p.code, p.text) for p in exclude}
        result: list[Party] = []
        for token in [head, *head.conjuncts]:
            if not bounds[0] <= token.i < bounds[1]:
                continue
            party = self.party(article, token)
            key = None if party is None else (party.actor, party.code, party.text)
            if party is not None and key not in excluded and all((p.actor, p.code, p.text) != key for p in result):
                result.append(party)
        return result

    def party(self, article: Article, head: Token) -> Party | None:
        if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
            head = head.head.head
        if head.lower_ in self.lex.words("relative") and head.head.dep_ == "relcl":
            head = head.head.head
        for _ in range(3):
            if self.lex.agents.get(head.lemma_.lower()) != QUANT and self.lex.agents.get(head.lower_) != QUANT:
                break
            inner = self.prep_object(head, "of")
            if inner is None:
                break
            head = inner
        start, end = self._np_bounds(head)
        text = article.text[start:end]
        sector = self._sector(head)
        if head.pos_ == "PRON" and self.actor_of(article, head) is None:
            antecedent = self._pronoun_antecedent(head)
            if antecedent is None:
                return None
            head = antecedent
            start, end = self._np_bounds(head)
            text = article.text[start:end]
            sector = self._sector(head)
        actor, via_head = self._actor_for(article, head)
        if actor is not None and head.pos_ == "PRON" and not actor.country and actor.mentions:
            # A pronoun the actors stage resolved: its antecedent's own phrase may name the country
            # ("King Hassan of Morocco ... he would").
            span = head.doc.char_span(actor.mentions[0].start, actor.mentions[0].end, alignment_mode="expand")
            if span is not None and span.root.pos_ != "PRON":
                found = self.party(article, span.root)
                if found is not None:
                    return Party(actor.id, text, found.code, found.sector or actor.sector or sector)
        if actor is not None and via_head and actor.kind in ("country", "group") and head.tag_ in ("NNPS", "NNS"):
            # An ethnic group is coded by where it lives: "Bosnian Serbs", "the Albanians of southern Serbia".
            home = self._residence(article, head, actor)
            if home is not None:
                return Party(actor.id, text, home, actor.sector or sector)
        if actor is not None and via_head and head.pos_ == "PROPN" and actor.kind != "country":
            # "Kenzo Oshima, the United Nations Emergency Relief Coordinator": coded by the office held;
            # a country is itself whatever its appositive says ("Pakistan, a key U.S. ally").
            office = next((self._phrase_code(article, c) for c in head.children if c.dep_ == "appos"), None) \
                or self._title_country(article, head)
            if office:
                return Party(actor.id, text, office, actor.sector or sector)
        if actor is not None:
            code = actor.country or _place_country(article, actor) or self._modifier_code(article, head, actor) \
                or (self._phrase_code(article, head) if actor.kind in ("group", "organization") else None)
            if via_head:
                return Party(actor.id, text, code, actor.sector or sector)
            # "the Iraqi army": the country is Iraq's, the sector the army's.
            return Party(actor.id if sector is None else None, text, code,
                         sector or (actor.sector if actor.kind != "country" else None))
        code = self._code_from_words(head) or _place_country_at(article, head.idx, head.idx + len(head))
        if code is None and sector is not None:
            code = self._phrase_code(article, head)
        if head.pos_ == "PRON":
            return None
        if code is None and sector is None and head.ent_type_ not in ("GPE", "NORP", "ORG", "PERSON"):
            return None
        if code is None and sector is None:
            # A named entity the actor stage did not resolve: keep its text, code unknown; a place
            # name ("Afganistan") is not assumed to belong to the sentence's country.
            party = Party(None, text, None, None)
            if head.ent_type_ in ("GPE", "LOC"):
                self._foreign.add(id(party))
            return party
        return Party(None, text, code, sector)

    @staticmethod
    def _np_bounds(head: Token) -> tuple[int, int]:
        left = head
        for child in head.lefts:
            if child.dep_ in ("det", "predet") and child.i == head.left_edge.i and child.lower_ in ("the", "a", "an"):
                continue
            if child.dep_ in ("punct", "cc", "prep"):
                continue
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
        start = left.idx
        last = head
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from") and child.i == head.i + 1:
                # Up to a clause inside the phrase: a mis-parsed main verb hangs there as a participle
                # ("doctors from two aid groups donated ...").
                cut = min((t.left_edge.i for t in child.subtree if t.dep_ in ("acl", "relcl") and t.i > child.i),
                          default=child.right_edge.i + 1)
                last = head.doc[max(child.i, cut - 1)]
                while last.i > child.i and last.is_punct:
                    last = head.doc[last.i - 1]
            break
        return start, last.idx + len(last)

    def _actor_tokens(self, head: Token) -> Iterable[tuple[Token, bool]]:
        """Tokens whose actor the phrase stands for, best first; the flag says 'this is the head itself'."""
        yield head, True
        backed: list[Token] = []
        led: list[Token] = []
        for child in sorted(head.lefts, key=lambda t: -t.i):
            if child.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod", "nummod"):
                words = {t.lower_ for t in child.subtree}
                if words & self.lex.words("backing"):
                    backed.extend(t for t in child.subtree if t.pos_ == "PROPN" or t.ent_type_)
                elif words & self.lex.words("leading"):
                    led.extend(t for t in child.subtree if t.pos_ == "PROPN" or t.ent_type_)
                else:
                    for t in sorted(child.subtree, key=lambda t: -t.i):
                        yield t, False
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        for t in sorted(pobj.subtree, key=lambda t: -t.i):
                            if t.i <= pobj.i:
                                yield t, False
            elif child.dep_ == "appos":
                for t in sorted(child.subtree, key=lambda t: (t.i != child.i, -t.i)):
                    yield t, False
        for t in led:
            yield t, False
        for t in backed:
            yield t, False

    def _actor_for(self, article: Article, head: Token) -> tuple[Actor | None, bool]:
        seen: set[int] = set()
        for token, via_head in self._actor_tokens(head):
            if token.i in seen:
                continue
            seen.add(token.i)
            actor = self.actor_of(article, token)
            if actor is not None and (actor.country or actor.sector or actor.kind != "location" or via_head
                                      or _place_country(article, actor)):
                return actor, via_head
        return None, False

    def _sector(self, token: Token) -> str | None:
        """The sector of a generic actor noun ("police", "rebels"); adjectives ("official") are not actors."""
        if token.pos_ not in NOMINAL_POS:
            return None
        sector = self.lex.agents.get(token.lemma_.lower()) or self.lex.agents.get(token.lower_)
        return None if sector == QUANT else sector

    def _modifier_code(self, article: Article, head: Token, found: Actor) -> str | None:
        """A country for an actor the knowledge base knows no country of, from its modifiers
        ("Serbian President Vojislav Kostunica", "the US Congress")."""
        for token, _ in self._actor_tokens(head):
            actor = self.actor_of(article, token)
            if actor is not None and actor is not found and actor.country:
                return actor.country
        return self._code_from_words(head)

    def _phrase_code(self, article: Article, head: Token) -> str | None:
        """A country named anywhere in a generic actor's phrase ("refugees fleeing the war in Liberia");
        countries and places first, then other coded groups ("a newspaper based in Christian east Beirut")."""
        fallback = None
        for token in head.subtree:
            if token.i == head.i:
                continue
            actor = self.actor_of(article, token)
            found = _place_country_at(article, token.idx, token.idx + len(token))
            if actor is not None and actor.country and actor.kind in ("country", "location"):
                return actor.country
            if found:
                return found
            if actor is not None and actor.country and fallback is None:
                fallback = actor.country
        return fallback

    def _title_country(self, article: Article, head: Token) -> str | None:
        """ "King Hassan of Morocco", "Kabila of Congo": the country the text names for a person."""
        pobj = self.prep_object(head, "of")
        if pobj is None:
            return None
        other = self.actor_of(article, pobj)
        return other.country if other is not None and other.kind == "country" else None

    def _residence(self, article: Article, head: Token, actor: Actor) -> str | None:
        """The country an ethnic group noun is located in by its own phrase, if another than its name's."""
        for child in head.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.i < head.i:
                other = self.actor_of(article, child)
                if other is not None and other is not actor and other.kind == "country" and other.country:
                    return other.country
            if child.dep_ == "prep" and child.lower_ in ("of", "in", "from"):
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    other = self.actor_of(article, pobj)
                    code = (other.country if other is not None and other is not actor else None) or \
                        _place_country_at(article, pobj.idx, pobj.idx + len(pobj))
                    if code:
                        return code
        return None

    @staticmethod
    def _pronoun_antecedent(pronoun: Token) -> Token | None:
        """The actor a pronoun subject most likely means: the subject of the verb of saying or
        of the control verb above its clause ("Syria says it will ...")."""
        if pronoun.lower_ not in ("he", "she", "it", "they", "we") or pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = pronoun.head
        for _ in range(6):
            if clause.head is clause:
                return None
            clause = clause.head
            subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                return subj if subj.pos_ != "PRON" else None
        return None

    def _code_from_words(self, head: Token) -> str | None:
        if self.country_of is None:
            return None
        for token, _ in self._actor_tokens(head):
            if token.pos_ in ("PROPN", "ADJ", "NOUN") and token.text[:1].isupper():
                found = self.country_of(token.text)
                if found:
                    return found
        return None

    # ------------------------------------------------------------------ roles
    def subject(self, token: Token) -> tuple[Token | None, bool]:
        subj, passive, _clause = self.subject_clause(token)
        return subj, passive

    def subject_clause(self, token: Token) -> tuple[Token | None, bool, Token]:
        """The subject of a verb, whether its clause is passive, and the clause it was found in;
        inherited through control, conjunction and participial adverbials."""
        seen = 0
        current = token
        while seen < 8:
            seen += 1
            subj = next((c for c in current.children if c.dep_ in ("nsubj", "csubj")), None)
            passive_subj = next((c for c in current.children if c.dep_ == "nsubjpass"), None)
            if subj is not None:
                if subj.lower_ in self.lex.words("relative") and current.dep_ == "relcl":
                    return current.head, False, current
                return subj, False, current
            if passive_subj is not None:
                if passive_subj.lower_ in self.lex.words("relative") and current.dep_ == "relcl":
                    return current.head, True, current
                return passive_subj, True, current
            if current.dep_ == "relcl":
                return current.head, False, current
            root = _phrase_root(current.head) if current.dep_ == "acl" else None
            if root is not None and root.dep_ == "ROOT" and root.pos_ in NOMINAL_POS and self.agent(current) is None:
                # "An official Syrian newspaper called on Arabs to ...", "Doctors from two aid groups donated
                # ...": a sentence whose root is a noun is a mis-parsed clause; its participle is the main
                # verb and the noun phrase at the root its subject.
                return root, False, current
            if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.dep_ in ("dobj", "attr"):
                # "issued a declaration demanding ...": who issued it demands.
                current = current.head.head
                continue
            if current.dep_ == "xcomp":
                head = current.head
                if head.lemma_.lower() in self.lex.words("object-control"):
                    obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                    if obj is not None:
                        return obj, False, head
                current = head
                continue
            if current.dep_ in ("conj", "advcl", "acomp") and current.head is not current:
                current = current.head
                continue
            return None, False, current
        return None, False, current

    @staticmethod
    def agent(token: Token) -> Token | None:
        for child in token.children:
            if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        return None

    @staticmethod
    def prep_object(token: Token, preposition: str) -> Token | None:
        for child in token.children:
            if child.dep_ in ("prep", "prt", "agent", "dative") and child.lower_ == preposition:
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        return None

    def slot(self, token: Token, name: str) -> Token | None:
        if name == "dobj":
            return next((c for c in token.children if c.dep_ == "dobj"), None)
        if name == "dative":
            dative = next((c for c in token.children if c.dep_ == "dative"), None)
            if dative is not None and dative.pos_ == "ADP":
                return next((g for g in dative.children if g.dep_ == "pobj"), None)
            return dative
        if name == "ccomp":
            comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
            if comp is not None:
                return next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            return None
        if name == "xobj":
            if any(c.dep_ == "xcomp" for c in token.children):
                return next((c for c in token.children if c.dep_ == "dobj"), None)
            return None
        return self.prep_object(token, name)

    def target_of(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                  source: list[Party]) -> list[Party]:
        dobj = next((c for c in token.children if c.dep_ == "dobj"), None)
        for name in entry.tgt:
            head = self.slot(token, name)
            if head is None and dobj is not None and name not in ("dobj", "dative", "ccomp", "xobj"):
                head = self.prep_object(dobj, name)
            if head is None:
                continue
            found = self.parties(article, head, bounds, source)
            if (not found and name in ("dobj", "xobj", "dative")) or (not found and head.pos_ in NOMINAL_POS):
                found = self._modifier_parties(article, head, bounds, source)
            if found:
                return found
        # Nothing in the frame's slots is an actor: the first country-coded actor inside them
        # ("refused to commit to any assistance to the US-led war", "suspended part of an aid program for Bosnia").
        for name in entry.tgt:
            head = self.slot(token, name)
            if head is None:
                continue
            for inner in head.subtree:
                if inner.i == head.i or not bounds[0] <= inner.i < bounds[1] \
                        or inner.pos_ not in ("PROPN", "NOUN", "ADJ"):
                    continue
                found = [p for p in self.parties(article, inner, bounds, source) if p.code or p.sector]
                if found:
                    return found[:1]
        if entry.pos == "V" and not (entry.has("sym") and len(source) > 1):
            # Last resort: an actor in the verb's own object or prepositional phrases
            # ("called off the strike after deliberations with the Nigerian government").
            heads = [c for c in token.children if c.dep_ in ("dobj", "dative")]
            heads += [g for c in token.children if c.dep_ == "prep" and c.lower_ in _TARGET_PREPOSITIONS
                      for g in c.children if g.dep_ == "pobj"]
            for head in heads:
                for inner in head.subtree:
                    if not bounds[0] <= inner.i < bounds[1] or inner.pos_ not in ("PROPN", "NOUN") \
                            or inner.lemma_.lower() == entry.word:
                        continue
                    found = [p for p in self.parties(article, inner, bounds, source) if p.code]
                    if found:
                        return found[:1]
        return []

    def _modifier_parties(self, article: Article, head: Token, bounds: tuple[int, int],
                          source: list[Party]) -> list[Party]:
        """Actors inside a non-actor phrase: "Serbia's suppression", "an Indian proposal", "calls by X"."""
        for child in head.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i < head.i:
                found = self.parties(article, child, bounds, source)
                if found:
                    return found
        return self._prepositional_parties(article, head, bounds, source, _MODIFIER_PREPOSITIONS)

    def _prepositional_parties(self, article: Article, head: Token, bounds: tuple[int, int], source: list[Party],
                               prepositions: frozenset[str] | None = None) -> list[Party]:
        """Parties of the first prepositional object of ``head`` that has any (of ``prepositions`` if given)."""
        for child in head.children:
            if child.dep_ == "prep" and (prepositions is None or child.lower_ in prepositions):
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    found = self.parties(article, pobj, bounds, source)
                    if found:
                        return found
        return []

    # ------------------------------------------------------------------ modality
    def modality(self, token: Token, nominal: bool) -> Modality:
        mod = Modality()
        current = token
        if nominal:
            for child in token.children:
                kind = self.lex.cue(child.lower_, "det")
                if kind == "negation":
                    mod.negated = True
                elif child.dep_ == "det" and child.lower_ in ("any", "a", "an") and child.lower_ == "any":
                    mod.conditional = True
            if token.dep_ in ("dobj", "nsubjpass", "nsubj", "attr") and token.head is not token:
                current = token.head
            else:
                return mod
        steps = 0
        while steps < 8:
            steps += 1
            self._clause_cues(current, mod)
            dep = current.dep_
            head = current.head
            if head is current:
                break
            if dep in ("xcomp", "acomp") or (dep == "ccomp" and head.pos_ == "ADJ"):
                kind = self._gov(head)
                if kind == "report":
                    mod.reported = True
                    break
                self._apply(kind, mod)
                current = head
                continue
            if dep == "ccomp":
                if self._gov(head) == "report":
                    mod.reported = True
                    break
                self._apply(self._gov(head), mod)
                current = head
                continue
            if dep in ("advcl", "acl", "relcl") and any(c.lower_ == "to" and c.dep_ == "aux" for c in current.children):
                # A purpose or infinitival modifier ("to help ...", "the force to be agreed") is not a fact.
                mod.conditional = True
                break
            if dep == "conj":
                current = head
                continue
            break
        return mod

    def _gov(self, token: Token) -> str | None:
        for lemma in _lemmas(token, "V" if token.pos_ in ("VERB", "AUX") else "A"):
            kind = self.lex.cue(lemma, "gov")
            if kind:
                return kind
        return None

    def _clause_cues(self, verb: Token, mod: Modality) -> None:
        for child in verb.children:
            lower = child.lower_
            if child.dep_ == "neg":
                mod.negated = True
            elif child.dep_ in ("aux", "auxpass"):
                self._apply(self.lex.cue(lower, "aux") or self.lex.cue(child.lemma_.lower(), "aux"), mod)
            elif child.dep_ == "mark":
                self._apply(self.lex.cue(lower, "mark"), mod)
            elif child.dep_ == "acomp":
                self._apply(self._gov(child), mod)
            elif child.dep_ == "advcl" and any(g.dep_ == "mark" and self.lex.cue(g.lower_, "mark") == "conditional"
                                               for g in child.children):
                mod.conditional = True
        if verb.lower_ in ("would", "could"):
            mod.conditional = True

    @staticmethod
    def _apply(kind: str | None, mod: Modality) -> None:
        if kind == "negation":
            mod.negated = True
        elif kind == "conditional":
            mod.conditional = True
        elif kind == "intent":
            mod.intent = True
        elif kind == "obligation":
            mod.conditional = True

    # ------------------------------------------------------------------ the sentence
    def code(self, article: Article, doc: Doc, bounds: tuple[int, int]) -> list[Candidate]:
        """Candidates for the tokens ``doc[bounds[0]:bounds[1]]`` (one sentence)."""
        self._foreign = set()
        found: dict[int, Candidate] = {}
        light: list[tuple[Token, Entry]] = []
        for i in range(*bounds):
            token = doc[i]
            entry = self.sense(token)
            if entry is None:
                continue
            if entry.light:
                light.append((token, entry))
                continue
            candidate = self._candidate(article, token, entry, bounds)
            if candidate is not None:
                found[token.i] = candidate
        for token, entry in light:
            self._light(article, token, entry, bounds, found)
        self._reported_obligations(article, doc, bounds, found)
        self._absorb(found)
        return [c for c in found.values() if self._keep(c)]

    def _candidate(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int]) -> Candidate | None:
        nominal = entry.pos == "N"
        cand = Candidate(token, entry, entry.type, entry.mode, entry.cameo,
                         trigger_tokens=_trigger_tokens(token, entry))
        if nominal:
            self._nominal_roles(article, token, entry, bounds, cand)
        else:
            self._verbal_roles(article, token, entry, bounds, cand)
        cand.modality = self.modality(token, nominal)
        self._governed(article, token, entry, bounds, cand)
        self._symmetric(cand)
        self._location_target(article, token, bounds, cand)
        self._weapon_mode(token.doc, bounds, cand)
        self._unattributed(article, token, bounds, cand)
        self._domestic(article, token.doc, bounds, cand)
        return cand

    def _weapon_mode(self, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> None:
        """An ASSAULT's mode from the weapon or method its sentence names ("in a bomb attack")."""
        if cand.type != "ASSAULT" or cand.mode:
            return
        rank = {word: n for n, word in enumerate(self.lex.weapons)}
        found = [(rank[w], w) for i in range(*bounds) for w in (doc[i].lemma_.lower(), doc[i].lower_) if w in rank]
        if found:
            cand.mode = self.lex.weapons[min(found)[1]]

    def _domestic(self, article: Article, doc: Doc, bounds: tuple[int, int], cand: Candidate) -> None:
        """A person or generic actor with no known country, in a sentence that names one country only,
        belongs to that country ("President Omar El Bashir ... the curfew imposed in Sudan")."""
        parties = [p for p in (*cand.source, *cand.target) if p.code is None and id(p) not in self._foreign]
        if not parties:
            return
        start, end = doc[bounds[0]].idx, doc[bounds[1] - 1].idx + len(doc[bounds[1] - 1])
        codes = {a.country for a in article.actors if a.country and any(start <= m.start < end for m in a.mentions)}
        codes |= {p.country for p in article.places if p.country and p.start is not None and start <= p.start < end}
        if self.country_of is not None:
            # Country names inside organisation names ("National Union for the Total Independence of Angola").
            for i in range(*bounds):
                if doc[i].pos_ == "PROPN" and doc[i].ent_type_ in ("ORG", "GPE", "NORP"):
                    found = self.country_of(doc[i].text)
                    if found:
                        codes.add(found)
        if len(codes) != 1:
            return
        [code] = codes
        for party in parties:
            party.code = code

    def _unattributed(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """Violence with no named perpetrator ("a roadside bombing near Samarra killed ...") is coded to an
        unidentified armed actor (sector UAF) of the country where it happened, as PLOVER coders do."""
        if cand.type != "ASSAULT" or cand.source or cand.entry.pos != "V":
            return
        doc = token.doc
        for i in range(*bounds):
            t = doc[i]
            prep = t.head.head if t.head.lower_ == "of" and t.head.head.dep_ in ("prep", "advmod") else t.head
            if t.dep_ == "pobj" and prep.lower_ in ("in", "near", "outside", "at", "around", "inside"):
                actor = self.actor_of(article, t)
                code = (actor.country if actor else None) or _place_country_at(article, t.idx, t.idx + len(t)) \
                    or self._phrase_code(article, t)
                if code:
                    start, end = self._np_bounds(t)
                    cand.source = [Party(None, article.text[start:end], code, "UAF")]
                    return

    def _location_target(self, article: Article, token: Token, bounds: tuple[int, int], cand: Candidate) -> None:
        """With no coded target, the country where a domestic act happens is its recipient
        ("lifted the curfew in Abidjan", "demonstrated in Kirkuk"), as PLOVER coders do."""
        if any(p.code for p in cand.target) or (cand.entry.has("sym") and len(cand.source) > 1):
            return
        heads = [token, *(c for c in token.children if c.dep_ == "dobj")]
        for head in heads:
            for child in head.children:
                if child.dep_ != "prep" or child.lower_ not in ("in", "into", "at", "across", "throughout"):
                    continue
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is None or not bounds[0] <= pobj.i < bounds[1]:
                    continue
                actor = self.actor_of(article, pobj)
                code = (actor.country if actor else None) or _place_country_at(article, pobj.idx,
                                                                               pobj.idx + len(pobj))
                if code is None:
                    code = self._phrase_code(article, pobj)
                if (code and all(code != p.code for p in cand.source)) or (code and cand.entry.type in (
                        "PROTEST", "COERCE", "CONCEDE", "RETREAT", "MOBILIZE", "ASSAULT", "AID")):
                    if cand.target:
                        # "arrested dozens of protesters in Moscow": the protesters are Russia's.
                        for party in cand.target:
                            party.code = code
                        return
                    start, end = self._np_bounds(pobj)
                    cand.target = [Party(actor.id if actor else None, article.text[start:end], code, None)]
                    cand.location_target = True
                    return

    def _verbal_roles(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                      cand: Candidate) -> None:
        subj, passive, clause = self.subject_clause(token)
        own_passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        agent = self.agent(token) or (self.agent(clause) if passive else None)
        if passive or own_passive:
            if agent is not None:
                cand.source = self.parties(article, agent, bounds)
            elif entry.has("theme"):
                cand.source = self.parties(article, subj, bounds)
            if not entry.has("theme") and subj is not None:
                cand.target = self.parties(article, subj, bounds, cand.source) or self._modifier_parties(
                    article, subj, bounds, cand.source)
        else:
            cand.source = self.parties(article, subj, bounds)
        if not cand.target:
            cand.target = self.target_of(article, token, entry, bounds, cand.source)

    def _nominal_roles(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                       cand: Candidate) -> None:
        of_obj = self.prep_object(token, "of")
        by_obj = self.prep_object(token, "by")
        for child in token.children:
            if child.dep_ == "poss":
                cand.source = self.parties(article, child, bounds)
            elif child.dep_ in ("amod", "compound", "nmod", "npadvmod") and not cand.source:
                words = {t.lower_ for t in child.subtree}
                modifier_words = self.lex.words("backing") | self.lex.words("leading")
                if words & modifier_words or child.pos_ == "PROPN" or child.ent_type_ in ("NORP", "GPE"):
                    cand.source = self.parties(article, child, bounds)
        if by_obj is not None and not cand.source:
            cand.source = self.parties(article, by_obj, bounds)
        prep = token.head
        if not cand.source and token.dep_ == "pobj" and prep.lower_ in ("for", "to", "into") \
                and prep.head.pos_ == "VERB":
            # "negotiators return to Geneva for talks", "converging for a rally": the goers hold it.
            subj, passive = self.subject(prep.head)
            if not passive:
                cand.source = self.parties(article, subj, bounds)
        if of_obj is not None:
            if entry.of_target:
                cand.target = self.parties(article, of_obj, bounds, cand.source)
            elif not cand.source:
                cand.source = self.parties(article, of_obj, bounds)
        if not cand.target:
            cand.target = self.target_of(article, token, entry, bounds, cand.source)

    def _governed(self, article: Article, token: Token, entry: Entry, bounds: tuple[int, int],
                  cand: Candidate) -> None:
        """A control verb's complement: absorb its trigger, borrow its target, convert by intent."""
        governs = entry.has("ctl") or entry.has("intent") or entry.type in SPEECH_ACTS
        if not governs:
            self._convert(cand, cand.modality)
            return
        kinds = ("xcomp", "ccomp", "acl") if entry.pos == "N" else ("xcomp", "ccomp")
        complements = [c for c in token.children if c.dep_ in kinds or (
            c.dep_ == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children))]
        complement = complements[-1] if complements else None
        inner: Candidate | None = None
        if complement is not None:
            # The complement's own verb (and its conjuncts and object) says what was agreed, threatened...;
            # triggers deeper inside only get absorbed.
            preferred = [t for c in complements for t in (c, *c.conjuncts)]
            preferred += [g for c in preferred for g in c.children if g.dep_ == "dobj"]
            rank = {t.i: n for n, t in enumerate(preferred)}
            subs = sorted((t for c in complements for t in c.subtree), key=lambda t: (rank.get(t.i, 99), t.i))
            for sub in subs:
                if not bounds[0] <= sub.i < bounds[1]:
                    continue
                sub_entry = self.sense(sub)
                if sub_entry is not None and not sub_entry.light:
                    cand.absorbed.add(sub.i)
                    if inner is None and sub.i in rank:
                        inner = Candidate(sub, sub_entry, sub_entry.type, sub_entry.mode, sub_entry.cameo)
                        if sub_entry.pos == "V":
                            inner.target = self.target_of(article, sub, sub_entry, bounds, cand.source)
                        else:
                            self._nominal_roles(article, sub, sub_entry, bounds, inner)
            if not cand.target:
                cand.target = inner.target if inner and inner.target else self._any_target(
                    article, complement, bounds, cand.source)
        if entry.has("intent") and inner is not None:
            mod = Modality(intent=True, negated=cand.modality.negated)
            cand.type, cand.mode, cand.cameo = inner.type, inner.mode, inner.cameo
            self._convert(cand, mod)
            cand.modality.intent = False
            return
        if entry.type == "THREATEN" and inner is not None and inner.type in self.lex.intent:
            _agree, _reject, threaten, mode = self.lex.intent[inner.type]
            cand.mode = inner.mode if mode == "=" else mode
            cand.cameo = threaten or entry.cameo
        self._convert(cand, cand.modality)

    def _any_target(self, article: Article, clause: Token, bounds: tuple[int, int],
                    source: list[Party]) -> list[Party]:
        for child in clause.children:
            if child.dep_ in ("dobj", "dative"):
                found = self.parties(article, child, bounds, source) or self._modifier_parties(
                    article, child, bounds, source)
                if found:
                    return found
        return self._prepositional_parties(article, clause, bounds, source)

    def _convert(self, cand: Candidate, mod: Modality) -> None:
        """PLOVER: an announced cooperative act is AGREE, an announced act of force THREATEN,
        a refusal to cooperate REJECT (intent.tsv). "would" under a verb of saying is the future of the past."""
        intent = mod.intent or (mod.reported and mod.conditional and _has_would(cand.token))
        if not intent:
            return
        agree, reject, threaten, mode = self.lex.intent.get(cand.type, (None, None, None, None))
        if mod.negated and reject:
            cand.type, cand.mode, cand.cameo = "REJECT", None, reject
            mod.negated = False
        elif agree:
            cand.type, cand.mode, cand.cameo = "AGREE", None, agree
        elif threaten:
            cand.type, cand.mode, cand.cameo = "THREATEN", cand.mode if mode == "=" else mode, threaten
        else:
            # A verbal act announced for later ("will demand") has not happened yet.
            mod.conditional = True
            return
        mod.conditional = mod.conditional and not _has_would(cand.token) and not mod.reported \
            and not mod.intent
        mod.intent = True

    @staticmethod
    def _symmetric(cand: Candidate) -> None:
        if not cand.entry.has("sym"):
            return
        if not cand.source and len(cand.target) >= 2:
            cand.source, cand.target = cand.target, []

    def _light(self, article: Article, verb: Token, entry: Entry, bounds: tuple[int, int],
               found: dict[int, Candidate]) -> None:
        """A light verb lends its subject (and modality) to the event noun it takes as object."""
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        for child in verb.children:
            if child.dep_ == "prep":
                objects.extend(g for g in child.children if g.dep_ == "pobj")
        for obj in list(objects):
            # "launched a mediation effort", "launched ten days of war games"
            objects.extend(c for c in obj.children if c.dep_ == "compound")
            of = self.prep_object(obj, "of")
            if of is not None:
                objects.append(of)
        for obj in objects:
            cand = found.get(obj.i)
            if cand is None:
                continue
            subj, passive = self.subject(verb)
            src_head = self.agent(verb) if passive or obj.dep_ == "nsubjpass" else subj
            source = self.parties(article, src_head, bounds)
            if source:
                cand.source = source
                cand.target = [p for p in cand.target if p not in source]
                if cand.location_target and cand.entry.has("sym") and len(source) > 1:
                    cand.target = []
            if not cand.target:
                cand.target = self.target_of(article, verb, Entry("L", "", None, "", None, None,
                                                                  tgt=("with", "against", "on", "to")),
                                             bounds, cand.source)
            negated_noun = any(self.lex.cue(c.lower_, "det") == "negation" for c in obj.children)
            cand.modality = self.modality(verb, False)
            cand.modality.negated = cand.modality.negated or negated_noun
            cand.trigger_tokens = sorted([verb, obj], key=lambda t: t.i)
            cand.via_light = True
            if cand.type in SPEECH_ACTS:
                # "reiterated its demand that Israel ease restrictions": the clause is what was demanded.
                for clause in (c for c in verb.children if c.dep_ == "ccomp"):
                    for sub in clause.subtree:
                        if sub.i in found and sub.i != obj.i:
                            del found[sub.i]
                    if not cand.target:
                        subj, _ = self.subject(clause)
                        cand.target = self.parties(article, subj, bounds, cand.source)
            self._convert(cand, cand.modality)
            self._symmetric(cand)
            self._domestic(article, verb.doc, bounds, cand)
            return

    def _reported_obligations(self, article: Article, doc: Doc, bounds: tuple[int, int],
                              found: dict[int, Candidate]) -> None:
        """ "X said Y must ..." is X demanding something of Y (CAMEO 10)."""
        for i in range(*bounds):
            token = doc[i]
            if token.dep_ != "aux" or self.lex.cue(token.lower_, "aux") != "obligation":
                continue
            clause = token.head
            if clause.dep_ != "ccomp" or self._gov(clause.head) != "report":
                continue
            sayer, _ = self.subject(clause.head)
            addressee, _ = self.subject(clause)
            source = self.parties(article, sayer, bounds)
            target = self.parties(article, addressee, bounds, source)
            if not source or not target:
                continue
            entry = Entry("V", "must", None, "REQUEST", None, "100", flags=frozenset())
            cand = Candidate(token, entry, "REQUEST", None, "100", source, target, Modality(reported=True),
                             trigger_tokens=[token])
            cand.absorbed.update(t.i for t in clause.subtree)
            found[token.i] = cand

    def _absorb(self, found: dict[int, Candidate]) -> None:
        drop: set[int] = set()
        for i, cand in found.items():
            drop.update(cand.absorbed - {i})
        absorbed = set(drop)
        owners = {t.i: c for c in found.values() for t in c.trigger_tokens}
        for i, cand in found.items():
            token = cand.token
            if cand.entry.pos != "V" or token.dep_ not in ("advcl", "xcomp", "acl"):
                continue
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
                continue
            main = owners.get(token.head.i)
            if main is None or main is cand:
                continue
            # "attacked ..., killing 156 people", "staged demonstrations to demand reforms":
            # the adverbial elaborates the main event; its target fills a gap.
            if not any(p.code for p in main.target) and any(p.code for p in cand.target):
                main.target = cand.target
            drop.add(i)
        for i, cand in found.items():
            token = cand.token
            if cand.entry.pos != "N":
                continue
            # An event noun that is an argument of a coded verb ("imposed sanctions", "a bombing killed")
            # is part of that verb's event.
            if cand.via_light:
                continue
            verb = self._governing_verb(token, found)
            if verb is None:
                continue
            if verb.type == cand.type and not verb.mode:
                verb.mode = cand.mode
            if not verb.target and cand.source and verb.type in ("ACCUSE", "REJECT", "REQUEST", "SUPPORT",
                                                                  "PROTEST", "THREATEN"):
                # "denounced Serbia's suppression of ...": the target is who did the denounced act.
                verb.target = [p for p in cand.source if p not in verb.source]
            drop.add(i)
        for i in drop:
            if i in found and (i in absorbed or not found[i].via_light):
                del found[i]

    @staticmethod
    def _governing_verb(token: Token, found: dict[int, Candidate]) -> Candidate | None:
        """The coded verb an event noun is an argument of, through prepositions and appositions."""
        node = token
        for _ in range(4):
            if node.dep_ not in ("dobj", "pobj", "prep", "appos", "nsubj", "nsubjpass", "attr", "conj", "agent",
                                 "compound", "dative", "oprd"):
                return None
            node = node.head
            cand = found.get(node.i)
            if cand is not None and node.i != token.i and cand.entry.pos == "V":
                return cand
        return None

    @staticmethod
    def _keep(cand: Candidate) -> bool:
        if not cand.source and not cand.target:
            return False
        if cand.entry.has("weak") and not (cand.source and cand.target):
            return False
        return not (cand.entry.pos == "N" and not cand.via_light and not cand.source)


def _has_would(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in token.children)


def _trigger_tokens(token: Token, entry: Entry) -> list[Token]:
    """The trigger and, when the sense needs one, its companion word ("pulled out", "open fire")."""
    if not entry.word:
        return [token]
    for child in token.children:
        if child.lemma_.lower() == entry.word or child.lower_ == entry.word:
            return sorted([token, child], key=lambda t: t.i)
        if child.dep_ in ("prep", "prt"):
            for grandchild in child.children:
                if grandchild.lemma_.lower() == entry.word:
                    return sorted([token, grandchild], key=lambda t: t.i)
    return [token]


def _place_country(article: Article, actor: Actor) -> str | None:
    """The country of a place actor, from the places stage when it resolved one of its mentions."""
    if actor.kind == "person":  # a person's name that is also a town ("Hassan") is not that town
        return None
    for mention in actor.mentions:
        found = _place_country_at(article, mention.start, mention.end)
        if found:
            return found
    return None


@dataclass
class _PlaceIndex:
    """One article's places by start offset (rebuilt when the article or its number of places changes)."""

    article: Article | None = None
    count: int = -1
    starts: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    longest: int = 0


_PLACES = _PlaceIndex()


def _place_country_at(article: Article, start: int, end: int) -> str | None:
    """The country of the first place (in article order) overlapping ``[start, end)``.

    Looked up in an index by start offset: scanning every place on each call made long documents quadratic.
    """
    index = _PLACES
    if index.article is not article or index.count != len(article.places):
        spans = sorted((p.start, i) for i, p in enumerate(article.places) if p.start is not None and p.end is not None)
        index.article, index.count = article, len(article.places)
        index.starts, index.order = [s for s, _ in spans], [i for _, i in spans]
        index.longest = max((article.places[i].end - s for s, i in spans), default=0)  # type: ignore[operator]
    # A place overlaps when it starts before ``end`` and ends after ``start``, so it starts after start - longest.
    low, high = bisect.bisect_right(index.starts, start - index.longest), bisect.bisect_left(index.starts, end)
    hits = [i for i in index.order[low:high] if start < article.places[i].end]  # type: ignore[operator]
    return article.places[min(hits)].country if hits else None


def _phrase_root(token: Token) -> Token:
    """The head noun of the phrase a noun sits in, through "of"/"from"-style attachments ("groups" in
    "doctors from two aid groups" -> "doctors")."""
    for _ in range(4):
        if token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in NOMINAL_POS:
            token = token.head.head
        else:
            break
    return token


def _lemmas(token: Token, pos: str) -> list[str]:
    """The lemma and fallbacks for words the lemmatizer gets wrong ("staged" -> "stag")."""
    lemma = token.lemma_.lower()
    lower = token.lower_
    forms = [lemma, lower]
    if pos == "V":
        for suffix, repl in (("ied", "y"), ("ed", "e"), ("ed", ""), ("d", ""), ("ing", "e"), ("ing", ""), ("es", ""),
                             ("s", "")):
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                forms.append(lower[: -len(suffix)] + repl)
    elif lower.endswith("s") and len(lower) > 3:
        forms.append(lower[:-1])
    return list(dict.fromkeys(forms))
