"""People: names with their titles and appositives, resolved in the KB (steps 1 and 2 of the stage).

The title before a name ("US Defense Secretary") and an appositive after it ("a former US ambassador to
Iraq") give role, sector and country and are claimed with the person, except the names inside them ("US",
"Iraq", "NATO"), which stay mentions of their own actors. A shorter form of a name already met
("Jeffrey") joins that person; otherwise the name is resolved in the KB with the role, country and
publication date as context (:mod:`eventwire.actors.resolve`). Surnames spaCy did not tag ("al-Ibadi")
join the person named in full earlier, and a surname met before the full name joins it at the end.
KB names spaCy missed or mislabelled ("Daesh", "Houthis" as a PERSON) are found first by the alias
automaton.
"""

from __future__ import annotations

import logging
import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventwire.actors.countries import Countries
from eventwire.actors.index import (
    DEFINITE,
    INDEFINITE,
    ArticleIndex,
    Cluster,
    Context,
    Knowledge,
    Step,
    latest_country,
    token_end,
    trim,
    word_forms,
)
from eventwire.actors.kb import DEMONYM
from eventwire.actors.normalize import name_key
from eventwire.actors.resolve import Resolution
from eventwire.nlp.english import NAME_PARTICLES

log = logging.getLogger(__name__)



class People(Step):
    """People named in the article, with the roles the text gives them."""

    def __init__(self, knowledge: Knowledge, index: ArticleIndex, countries: Countries) -> None:
        super().__init__(knowledge, index)
        self.countries = countries

    def person(self, ent: SpacySpan) -> bool:
        """Add a person named by ``ent``; False when the name is a country or a KB organisation instead."""
        ent = self.whole_name(ent)
        bounds = trim(ent)
        if bounds is None:
            return True
        start, end = bounds
        if not self.free(start, end):
            return True
        surface = self.text[start:end]
        surname = self.surname_like(ent)
        if (self.kb.country_of(surface) is not None or self.kb.people_of(surface) is not None) and not surname:
            return False
        hits = self.kb.exact(surface)
        if hits and all(e.kind != "person" for e, _ in hits) and not surname:
            return False
        if self.countries.leader_government(ent, start, end) or self.countries.nationality_words(ent):
            return True
        if not any(e.kind == "person" for e, _ in hits) and self.countries.misnamed_place(ent, surface):
            return True
        context = self.person_context(ent)
        key_words = name_key(surface).split()
        if not key_words:
            return True
        # A surname or a shorter form of a name already met joins that person.
        existing = self.person_by_name(key_words)
        if existing is not None:
            self.add_mention(existing, start, end)
            if context.role and not existing.role:
                self.apply_context(existing, context)
            return True
        resolution = self.resolver.resolve(surface, ("person",), self.day, context.role_family, context.country)
        cluster = self.person_cluster(surface, resolution, context)
        self.add_mention(cluster, start, end)
        return True

    def whole_name(self, ent: SpacySpan) -> SpacySpan:
        """A person's name spaCy cut short, made whole: a capitalised proper noun on either side that the
        parse joins to the name ("Maria Corina" + "Machado", "Luiz" + "Inacio Lula da Silva"), never a title,
        an agent word or a nationality ("President", "Iraqi")."""
        start, end = ent.start, ent.end
        while end < len(self.doc) and end - ent.end < 2:
            token, previous = self.doc[end], self.doc[end - 1]
            if not (self.name_word(token) and previous.dep_ in ("compound", "flat") and previous.head.i >= end):
                break
            end += 1
        while start > 0 and ent.start - start < 2:
            token = self.doc[start - 1]
            if not (self.name_word(token) and token.dep_ in ("compound", "flat") and start <= token.head.i < end):
                break
            start -= 1
        if (start, end) == (ent.start, ent.end):
            return ent
        return SpacySpan(self.doc, start, end, label=ent.label_)

    def name_word(self, token: Token) -> bool:
        """A word that can extend a person's name: a capitalised proper noun outside other entities that is no
        title, agent word, country or people."""
        word = self.word(token)
        return (token.pos_ == "PROPN" and word[:1].isupper() and token.i not in self.ent_label
                and not self.claimed[token.idx] and token.lower_ not in self.agents
                and self.kb.country_of(word) is None and self.kb.people_of(word) is None)

    def surname_like(self, span: SpacySpan) -> bool:
        """Whether a nationality noun is a person's surname ("Turk said", "Turk's office" for Volker Türk):
        the surname of a person already named, or a capitalised singular with no determiner as a subject or
        a possessor ("a Turk by birth" and "the Turks" stay nationalities)."""
        bounds = trim(span)
        if bounds is None:
            return False
        surface = self.text[bounds[0]:bounds[1]]
        found = self.kb.country_of(surface)
        if found is None or found[1] != DEMONYM or " " in surface or not surface[:1].isupper():
            return False
        if self.person_by_name([name_key(surface)]) is not None:
            return True
        root = span.root
        if surface.lower().endswith("s") or root.tag_ != "NNP" or any(c.dep_ == "det" for c in root.children):
            return False
        return root.dep_ in ("nsubj", "nsubjpass", "poss")

    def surname(self, span: SpacySpan) -> bool:
        """Add ``span`` as a person when it is a surname that looks like a nationality (see :meth:`surname_like`)."""
        return self.surname_like(span) and self.person(span)

    def surname_mentions(self) -> None:
        """Surnames spaCy did not tag ("al-Ibadi", "Makron") join the person named in full earlier."""
        for cluster in [c for c in self.clusters if c.kind == "person" and c.mentions]:
            forms: set[str] = set()
            for name in [cluster.name, *(self.text[m.start:m.end] for m in cluster.mentions)]:
                words = name.split()
                if len(words) < 2:
                    continue
                tail = words[-1]
                forms.add(tail)
                if len(words) > 2 and words[-2].lower() in NAME_PARTICLES:
                    forms.add(" ".join(words[-2:]))
                if "-" in tail and tail.split("-")[0].lower() in NAME_PARTICLES:
                    forms.add(tail.split("-", 1)[1])
            first = cluster.first
            for form in sorted(forms, key=len, reverse=True):
                if len(form) < 3 or (not form[:1].isupper() and form[:2].lower() not in ("al", "el")):
                    continue
                for match in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", self.text):
                    if match.start() > first:
                        self.add_mention(cluster, match.start(), match.end())

    def person_by_name(self, words: list[str]) -> Cluster | None:
        matches = []
        for cluster in self.clusters:
            if cluster.kind != "person" or not cluster.mentions:
                continue
            names = [name_key(cluster.name).split()] + [name_key(m.text).split() for m in cluster.mentions]
            if any(words == n[-len(words):] for n in names if len(n) >= len(words)):
                matches.append(cluster)
        return matches[-1] if len(matches) >= 1 and len({id(m) for m in matches}) == 1 else None

    def person_cluster(self, surface: str, resolution: Resolution, context: Context) -> Cluster:
        entity = resolution.entity
        if entity is None:
            cluster = Cluster(f"person:{name_key(surface)}", surface, "person", confidence=0.5)
            self.apply_context(cluster, context)
            log.debug("actor %r unresolved: %s", surface, resolution.reason)
            return self.cluster(cluster.key, cluster) or cluster
        existing = self.by_key.get(entity.id)
        if existing is not None:
            return existing
        tenure = resolution.tenure
        cluster = Cluster(entity.id, entity.name, "person", kb_id=entity.id, confidence=resolution.confidence)
        cluster.country = (tenure.country if tenure else None) or latest_country(entity) or entity.country
        if tenure is not None:
            cluster.sector, cluster.role = tenure.sector, tenure.role
            cluster.role_family = self.resolver.role_family(tenure.role)
        elif entity.tenures and self.day and not (context.role_family or context.sector):
            # Known official out of office on the publication date and no title in the text says otherwise
            # ("Russian President Boris Yeltsin" in a misdated article is president): a former official.
            cluster.sector = "ELI"
            cluster.role = "former " + (max(entity.tenures, key=lambda t: t.start or "").role or "official")
        elif entity.tenures:
            # No publication date, or a title in the text: describe the person by their latest role, the
            # title's sector first.
            latest = max(entity.tenures, key=lambda t: t.start or "")
            cluster.sector, cluster.role = (context.sector if self.day else None) or latest.sector, latest.role
            cluster.role_family = self.resolver.role_family(latest.role)
        else:
            cluster.sector, cluster.role = entity.sector, entity.role
        self.apply_context(cluster, context)
        log.debug("actor %r -> %s (%s): %s", surface, entity.id, resolution.method, resolution.reason)
        return self.cluster(cluster.key, cluster) or cluster

    def apply_context(self, cluster: Cluster, context: Context) -> None:
        """Roles written in the text win over the KB for role and sector; the KB keeps the country."""
        if context.role:
            cluster.role = context.role
            cluster.role_family = context.role_family or cluster.role_family
        if context.former:
            cluster.sector = "ELI"
        elif context.sector and (cluster.sector is None or cluster.kb_id is None):
            cluster.sector = context.sector
        if context.country and cluster.country is None:
            cluster.country = context.country

    def person_context(self, ent: SpacySpan) -> Context:
        """Role, sector and country from the title before a name and an appositive after it."""
        context = Context()
        title = self.title_tokens(ent)
        if title:
            self.read_role(title, context)
            self.claim_role_words(title)
        appositive = self.appositive_tokens(ent)
        if appositive:
            role_context = Context()
            self.read_role(appositive, role_context)
            if role_context.role_family or role_context.sector or role_context.former:
                if not context.role:
                    context.role, context.role_family = role_context.role, role_context.role_family
                context.sector = context.sector or role_context.sector
                context.country = context.country or role_context.country
                context.former = context.former or role_context.former
                self.claim_role_words(appositive)
        return context

    def claim_role_words(self, tokens: list[Token]) -> None:
        """Claim a title's or appositive's words, except names of countries, peoples and KB organisations
        ("US", "Iraqi", "NATO"): those are mentions of their own actors."""
        for token in tokens:
            ent = self.ent_label.get(token.i)
            if ent is not None and ent.label_ in ("GPE", "NORP", "ORG", "LOC"):
                bounds = trim(ent)
                surface = self.text[bounds[0]:bounds[1]] if bounds else ent.text
                if self.countries.origin_of(ent) or any(e.kind != "person" for e, _ in self.kb.exact(surface)):
                    continue
            if ent is None and self.word(token)[:1].isupper() and (self.kb.country_of(self.word(token))
                                                             or self.kb.people_of(self.word(token))):
                continue
            self.claim(token.idx, token_end(token))

    def title_tokens(self, ent: SpacySpan) -> list[Token]:
        """The title words right before a name: "US Defense Secretary", "Iraq's Prime Minister"."""
        tokens: list[Token] = []
        i = ent.start - 1
        sentence = self.sentence_index.get(ent.start)
        while i >= 0 and len(tokens) < 8:
            token = self.doc[i]
            if self.sentence_index.get(i) != sentence or token.is_space:
                break
            label = self.ent_label.get(i)
            if label is not None and label.label_ == "PERSON":
                break
            lower = token.lower_
            if token.tag_ == "POS" or lower in ("'s", "’s"):
                tokens.insert(0, token)
                i -= 1
                continue
            if token.pos_ in ("PROPN", "NOUN", "ADJ") or (token.text == "-" and tokens) or lower in ("of", "for"):
                word = self.word(token)
                if not (word[:1].isupper() or lower in self.agents or self.kb.country_of(word)):
                    break
                tokens.insert(0, token)
                i -= 1
                continue
            break
        while tokens and (tokens[0].tag_ == "POS" or tokens[0].lower_ in ("of", "for", "-")):
            tokens.pop(0)
        if not tokens:
            return []
        # Keep only a run that names a role or a country; a capitalised word alone is part of the name.
        words = word_forms(tokens)
        if not self.agents.match(words) and not any(self.kb.country_of(self.word(t)) for t in tokens):
            return []
        return tokens

    def appositive_tokens(self, ent: SpacySpan) -> list[Token]:
        """The role phrase of an appositive: "James Jeffrey, a former US ambassador to Iraq, ..."."""
        root = ent.root
        for child in root.children:
            if child.dep_ != "appos" or child.i < ent.end or child.pos_ not in ("NOUN", "PROPN"):
                continue
            if self.ent_label.get(child.i) is not None and self.ent_label[child.i].label_ == "PERSON":
                continue
            start = child.left_edge.i
            tokens: list[Token] = []
            for token in self.doc[start:]:
                if token.i > child.i and (token.dep_ in ("relcl", "acl", "punct", "cc") or token.tag_ in ("WDT", "WP")
                                          or token.pos_ in ("VERB", "AUX") or token.is_space):
                    break
                if token.i > child.right_edge.i:
                    break
                tokens.append(token)
            while tokens and tokens[0].lower_ in DEFINITE | INDEFINITE:
                tokens.pop(0)
            return tokens
        return []

    def read_role(self, tokens: list[Token], context: Context) -> None:
        matches = self.agents.match(word_forms(tokens))
        role_match = next((m for m in matches if m.agent.role), None)
        sectors = [m.agent for m in matches if m.agent.type != "modifier" and m.agent.sector]
        context.former = any(m.agent.type == "modifier" and m.agent.sector == "ELI" for m in matches)
        if sectors:
            context.sector = sectors[0].sector
        if role_match is not None:
            context.role_family = role_match.agent.role
        text_tokens = [t for t in tokens if t.tag_ != "POS"]
        if text_tokens:
            context.role = self.text[text_tokens[0].idx:token_end(tokens[-1])]
        countries = self.countries.countries_in(tokens)
        if len(countries) >= 1:
            context.country = countries[0]
        # An organisation named in the role is the person's affiliation: "Taliban spokesman" -> REB,
        # "Pentagon spokesman" -> MIL; its country serves when no nationality word is there.
        if tokens:
            affiliation = self.kb_actor_within(tokens[0].idx, token_end(tokens[-1]))
            if affiliation is not None:
                context.sector = affiliation.sector or context.sector
                if context.country is None and affiliation.country and len(affiliation.country) == 3:
                    context.country = affiliation.country

    def kb_actor_within(self, start: int, end: int) -> Cluster | None:
        """A KB organisation or group already mentioned inside ``[start, end)``."""
        for cluster in self.clusters:
            if cluster.kb_id and cluster.kind in ("organization", "group") and any(
                    start <= m.start and m.end <= end for m in cluster.mentions):
                return cluster
        return None

    def scanned_names(self) -> None:
        for start, end, entity_id in self.knowledge.scanner.find(self.text):
            if not self.free(start, end):
                continue
            entity = self.kb.entities[entity_id]
            if entity.kind == "person":
                span = self.doc.char_span(start, end, alignment_mode="contract")
                if span is not None and len(span):
                    self.person(span)
                continue
            tenure = entity.tenure_at(self.day) if self.day else None
            cluster = self.cluster(entity.id, Cluster(
                entity.id, entity.name, entity.kind, (tenure.country if tenure else None) or entity.country,
                (tenure.sector if tenure else None) or entity.sector, entity.role, entity.id, confidence=0.85))
            if cluster is not None:
                self.add_mention(cluster, start, end)

    def merge_surnames(self) -> None:
        """A surname met before the full name ("Mattis said ... Jim Mattis") joins the full name."""
        people = [c for c in self.clusters if c.kind == "person" and c.mentions]
        for short in people:
            words = name_key(short.name).split()
            if len(words) != 1 or short.kb_id is not None:
                continue
            longer = [c for c in people if c is not short and c.mentions and len(name_key(c.name).split()) > 1
                      and c.last_name == words[0]]
            if len(longer) == 1:
                longer[0].mentions.extend(short.mentions)
                short.mentions = []
