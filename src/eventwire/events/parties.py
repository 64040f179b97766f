"""Parties: the actor-like phrases of a sentence coded as event parties (country, sector, actor id),
and the grammatical slots (subject, agent, frame slots) that hold them."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Token

from eventwire.events.candidate import _MODIFIER_PREPOSITIONS, _TARGET_PREPOSITIONS, NOMINAL_POS
from eventwire.events.lexicon import QUANT, Entry, Lexicon
from eventwire.knowledge.agents import agent_nouns
from eventwire.model import Actor, Article, Party
from eventwire.nlp import cased_word, parse
from eventwire.nlp.dateline import token_in_dateline
from eventwire.nlp.english import FIRST_PERSON_PLURAL, FIRST_PERSON_SINGULAR, SECOND_PERSON, SUBJECT_PRONOUNS

# Entity types whose words are part of a name, never a generic actor noun of their own.
_NAME_ENTITIES = frozenset({"GPE", "LOC", "FAC", "PERSON"})
# Subject pronouns that may stand for an actor named before ("Syria says it will ..."); not "I" or "you".
_SUBJECT_PRONOUNS = SUBJECT_PRONOUNS - SECOND_PERSON - FIRST_PERSON_SINGULAR
# First-person pronouns: inside a quote, its speaker.
_FIRST_PERSON = FIRST_PERSON_SINGULAR | FIRST_PERSON_PLURAL


# Clause links through which a verb takes the subject of the verb it hangs on (control, conjunction, participial
# adverbials, a participle the parser took for an adjective).
_SUBJECT_LINKS = frozenset({"xcomp", "conj", "advcl", "acomp"})


class PartyMixin:
    lex: Lexicon
    country_of: Callable[[str], str | None] | None
    _owner: Article | None
    _actors: dict[int, Actor | None]
    _cover: dict[int, list[tuple[int, int]]]
    _count: int
    _foreign: set[int]

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

    # ------------------------------------------------------------------ parties
    def parties(self, article: Article, head: Token | None, bounds: tuple[int, int],
                exclude: Iterable[Party] = ()) -> list[Party]:
        """Parties for a noun phrase and its conjuncts; only actor-like phrases count."""
        if head is None:
            return []
        if token_in_dateline(head):
            # "ISTANBUL — Ukraine and Russia signed ...": the parser makes the dateline the subject and the real
            # subject its appositive. The dateline is where the story was filed, never a party.
            head = next((c for c in head.children if c.dep_ == "appos"), None) or next(
                (c for c in head.head.children if c.dep_ == head.dep_ and c.i > head.i), None)
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
        found = self._party(article, head)
        if found is not None:
            self._people_sector(article, head, found)
        return found

    def _people_sector(self, article: Article, head: Token, party: Party) -> None:
        """Sectors the PLOVER sector list has for people the phrase names by nation or institution: a plural
        nationality ("Palestinians", "ethnic Albanians", "thousands of Iraqi Kurds") is civilians (CVL), not
        the country's government; IGO is a code, not a sector, so an IGO's people take their own noun's sector
        ("UN peacekeepers" MIL) and its officials and bodies GOV."""
        for _ in range(3):
            inner = self.prep_object(head, "of") if self.lex.agents.get(head.lemma_.lower()) == QUANT else None
            if inner is None:
                break
            head = inner
        if party.sector and party.sector[:3] == "IGO":
            # The head noun's own sector only for a common noun: "Union" in "European Union" is a name, not a union.
            party.sector = (self._sector(head) if head.pos_ == "NOUN" else None) or "GOV"
            return
        actor = article.actor_by_id(party.actor) if party.actor else None
        if head.ent_type_ == "NORP" and head.tag_ in ("NNPS", "NNS") and party.sector in (None, "GOV") and (
                actor is None or actor.kind == "country" or (actor.kind == "group" and not actor.sector)):
            party.sector = "CVL"

    def _party(self, article: Article, head: Token) -> Party | None:
        if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl":
            head = head.head.head
        if head.lower_ in self.lex.words("relative") and head.head.dep_ == "relcl":
            head = head.head.head
        if head.pos_ in NOMINAL_POS and (head.lemma_.lower() in _documents() or head.lower_ in _documents()):
            # "A statement from the ministry condemned ...": a document acts for its author, and is no party
            # when the text names none.
            author = _author(head)
            if author is None:
                return None
            head = author
        for _ in range(3):
            if self.lex.agents.get(head.lemma_.lower()) != QUANT and self.lex.agents.get(head.lower_) != QUANT:
                break
            inner = self.prep_object(head, "of")
            if inner is None:
                break
            head = inner
        start, end = self._np_bounds(head)
        text = article.text[start:end]
        sector = self._sector(head) or self._modifier_sector(head) or (
            "CVL" if head.lower_ in self.lex.words("crowd") and self.prep_object(head, "of") is None else None)
        if head.pos_ == "PRON" and self.actor_of(article, head) is None:
            antecedent = self._pronoun_antecedent(head)
            if antecedent is None and head.lower_ in _FIRST_PERSON:
                # "'We are on hunger strike,' one of the mothers said": I and we in a quote are its speaker.
                antecedent = _quote_speaker(article, head)
            if antecedent is None:
                return None
            head = antecedent
            start, end = self._np_bounds(head)
            text = article.text[start:end]
            sector = self._sector(head) or self._modifier_sector(head)
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
            code = actor.country or _place_country(article, actor, self.lex.words("backing")) \
                or self._modifier_code(article, head, actor) \
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
        if code is None and sector is None and head.ent_type_ not in ("GPE", "NORP", "ORG", "PERSON") and not (
                head.pos_ == "PROPN" and not head.ent_type_ and head.dep_ in ("nsubj", "nsubjpass")
                and cased_word(head)[:1].isupper()):
            # A capitalised name the entity recogniser missed ("Lula condemned ...") is still a named actor when it
            # is a clause's subject; other unknown words are no parties.
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
        # A backer is never the phrase's actor: "the Iran-backed group" is not Iran ("backed" tokens are skipped).

    def _actor_for(self, article: Article, head: Token) -> tuple[Actor | None, bool]:
        seen: set[int] = set()
        for token, via_head in self._actor_tokens(head):
            if token.i in seen:
                continue
            seen.add(token.i)
            actor = self.actor_of(article, token)
            if actor is not None and (actor.country or actor.sector or actor.kind != "location" or via_head
                                      or _place_country(article, actor, self.lex.words("backing"))):
                return actor, via_head
        return None, False

    def _sector(self, token: Token) -> str | None:
        """The sector of a generic actor noun ("police", "rebels"); adjectives ("official") are not actors."""
        if token.pos_ not in NOMINAL_POS:
            return None
        if token.pos_ == "PROPN" and token.ent_type_ in _NAME_ENTITIES:
            # The last word of a place's or person's name ("the West Bank", "Rodney King") is no actor noun.
            return None
        sector = self.lex.agents.get(token.lemma_.lower()) or self.lex.agents.get(token.lower_)
        if sector is None and token.lower_.endswith("s") and token.pos_ == "PROPN":
            # A capitalised plural the tagger took for a name ("Pensioners demonstrated ...").
            sector = self.lex.agents.get(token.lower_[:-1])
        return None if sector == QUANT else sector

    def _modifier_sector(self, head: Token) -> str | None:
        """The sector a title or group word before a name or noun gives it ("President Ruto" GOV,
        "opposition supporters" OPP) when the head word has none of its own."""
        if head.pos_ not in NOMINAL_POS:
            return None
        for child in head.children:
            if child.dep_ in ("compound", "amod", "nmod") and child.i < head.i:
                sector = self._sector(child)
                if sector:
                    return sector
        return None

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
        # The backer of "the Iran-backed group" is not where the group belongs.
        backers = {t.i for child in head.children if child.i < head.i and {w.lower_ for w in child.subtree}
                   & self.lex.words("backing") for t in child.subtree}
        for token in head.subtree:
            if token.i == head.i or token.i in backers:
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
        if pronoun.lower_ not in _SUBJECT_PRONOUNS or pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = pronoun.head
        for _ in range(6):
            if clause.head.i == clause.i:
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
            word = cased_word(token)  # "iraqi" in a lower-case text is "Iraqi" in its restored copy
            if token.pos_ in ("PROPN", "ADJ", "NOUN") and word[:1].isupper():
                found = self.country_of(word)
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

        def rule(clause: Token, found: parse.Subject | None, came_from: Token | None) -> parse.Subject | Token | None:
            return self._subject_rule(token, clause, found)

        return parse.subject_of(token, links=_SUBJECT_LINKS, relatives=self.lex.words("relative"), max_steps=8,
                                rule=rule)

    def _subject_rule(self, token: Token, current: Token, found: parse.Subject | None) -> parse.Subject | Token | None:
        """The event coder's own reading of ``current``, a clause above ``token``: raising and object control,
        a subject-less relative clause, a noun root the parser made of a main clause, participles."""
        if found is not None:
            relative = current.dep_ == "relcl" and found.token is not None and found.token.i == current.head.i
            if found.passive and not relative and current.i != token.i and token.dep_ == "xcomp" \
                    and token.head.i == current.i:
                # "The president is expected to visit Ethiopia", "Iran was urged to release ...": the passive
                # subject of the governing verb is the one who does the infinitive's act.
                return parse.Subject(found.token, False, current)
            return None
        if current.dep_ == "relcl":
            return parse.Subject(current.head, False, current)
        root = _phrase_root(current.head) if current.dep_ == "acl" else None
        if root is not None and root.dep_ == "ROOT" and root.pos_ in NOMINAL_POS and self.agent(current) is None:
            # "An official Syrian newspaper called on Arabs to ...", "Doctors from two aid groups donated
            # ...": a sentence whose root is a noun is a mis-parsed clause; its participle is the main
            # verb and the noun phrase at the root its subject.
            return parse.Subject(root, False, current)
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.dep_ in ("dobj", "attr"):
            # "issued a declaration demanding ...": who issued it demands.
            return current.head.head
        if current.dep_ == "xcomp":
            head = current.head
            if head.lemma_.lower() in self.lex.words("object-control"):
                obj = next((c for c in head.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    return parse.Subject(obj, False, head)
            return None
        if current.dep_ == "acomp" and current.tag_ == "VBN" and current.head.lemma_ == "be":
            # "Protesters were tear-gassed by police": a participle the parser took for an adjective is passive.
            subj = next((c for c in current.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None:
                return parse.Subject(subj, True, current)
        if current.dep_ == "pcomp" and current.head.lower_ in ("of", "for", "with") \
                and current.head.head.pos_ == "VERB":
            # "accused Ankara of shelling", "blamed Moscow for attacking", "charged him with inciting": the
            # object of the verb the gerund's preposition hangs on is who does the act.
            obj = next((c for c in current.head.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return parse.Subject(obj, False, current.head.head)
        return None

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
                if pobj is None:
                    # "fired tear gas at farmers marching on the capital": the parser makes the phrase a gerund
                    # clause; its subject is the object of the preposition.
                    clause = next((g for g in child.children if g.dep_ == "pcomp"), None)
                    pobj = next((g for g in clause.children if g.dep_ == "nsubj"), None) if clause is not None else None
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


def _place_country(article: Article, actor: Actor, backing: frozenset[str] = frozenset()) -> str | None:
    """The country of a place actor, from the places stage when it resolved one of its mentions."""
    if actor.kind == "person":  # a person's name that is also a town ("Hassan") is not that town
        return None
    for mention in actor.mentions:
        found = _place_country_at(article, mention.start, mention.end)
        if found and actor.kind in ("group", "organization") and _place_is_backer(article, mention.start,
                                                                                   mention.end, backing):
            continue  # "the Iran-backed group": the place backs the group, it is not where it belongs
        if found:
            return found
    return None


def _place_is_backer(article: Article, start: int, end: int, backing: frozenset[str]) -> bool:
    text = article.text[start:end].lower()
    return any(f"-{word}" in text or f" {word} by" in text for word in backing)


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


def _quote_speaker(article: Article, pronoun: Token) -> Token | None:
    """The head of the speaker phrase of the quote a first-person pronoun is in, when the quote names one."""
    quote = next((q for q in article.quotes if any(s <= pronoun.idx < e for s, e in q.parts)), None)
    if quote is None or quote.anonymous:
        return None
    actor = article.actor_by_id(quote.speaker) if quote.speaker else None
    spans = [(m.start, m.end) for m in actor.mentions] if actor is not None else []
    if not spans and quote.speaker_text:
        found = article.text.find(quote.speaker_text, quote.end)
        spans = [(found, found + len(quote.speaker_text))] if found >= 0 else []
    # The mention nearest the quote (the attribution), outside it.
    outside = [s for s in spans if not quote.start <= s[0] < quote.end]
    if not outside:
        return None
    start, end = min(outside, key=lambda s: min(abs(s[0] - quote.end), abs(s[0] - quote.start)))
    span = pronoun.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and span.root.pos_ != "PRON" else None


@lru_cache(maxsize=1)
def _documents() -> frozenset[str]:
    """Nouns for texts that stand for their author (the agent-noun table's speaker class "document")."""
    return frozenset(noun.phrase for noun in agent_nouns() if noun.speaker == "document" and noun.one_word)


def _author(document: Token) -> Token | None:
    """Who a document is by: its possessor or name-like modifier ("the ministry's statement", "a UN report"),
    its "from"/"by"/"of" phrase, or the agent of a participle ("a statement issued by the army")."""
    for child in document.children:
        if child.dep_ == "poss" or (child.dep_ in ("compound", "nmod", "amod") and (
                child.pos_ == "PROPN" or child.ent_type_ in ("ORG", "GPE", "NORP", "PERSON"))):
            return child
    for child in document.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in ("from", "by", "of"):
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
        if child.dep_ == "acl":
            agent = next((g for c in child.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"),
                         None)
            if agent is not None:
                return agent
    return None


def _phrase_root(token: Token) -> Token:
    """The head noun of the phrase a noun sits in, through "of"/"from"-style attachments ("groups" in
    "doctors from two aid groups" -> "doctors")."""
    for _ in range(4):
        if token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in NOMINAL_POS:
            token = token.head.head
        else:
            break
    return token
