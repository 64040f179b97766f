"""The actor stage: named and described actors, coreferenced and resolved against the KB.

One pass per article, in this order (a stretch of text claimed by an earlier step is never
claimed again, so every reference is a mention of exactly one actor):

1. KB names, with one multi-pattern automaton over the text (armed groups, IGOs, national
   institutions, multi-word names of people): spaCy misses or mislabels many ("Daesh",
   "Houthis" as a PERSON);
2. people (spaCy PERSON entities): the title ("US Defense Secretary") and appositive ("a former US
   ambassador to Iraq") give role, sector and country and are claimed with the person, except the
   names inside them ("US", "Iraq", "NATO"), which stay mentions of their own actors; a shorter
   form of a name already met ("Jeffrey") joins that person; otherwise the name is resolved in the
   KB with the role, country and publication date as context (:mod:`eventwire.actors.resolve`);
   then surnames spaCy did not tag ("al-Ibadi") join the person;
3. organisations and places named by spaCy (ORG, LOC, FAC, GPE that are not countries);
4. descriptions: noun phrases whose head is an agent word ("US officials", "Iraqi forces",
   "armed militants", "the two officials", "a source close to the ministry"); a country's
   government ("the Iraqi government") joins the country; a definite description refers back
   ("the militants", "the US newspaper"); a title alone ("the minister") joins the latest person
   with a fitting role;
5. countries, nationalities, capitals and peoples, named by spaCy or found by the country
   automaton (datelines in capitals): a capital that is not a place ("Washington and Baghdad are
   negotiating") or a country that acts stands for its government (sector GOV);
6. pronouns (outside quotations) join the nearest preceding compatible actor: he/she a person,
   they/them/their a group, it (as the subject of an action) a country, organisation or group.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from eventwire.actors.agents import (
    Agent,
    AgentMatch,
    AgentTable,
    SourcingCues,
    load_agents,
    load_sourcing,
    roles_compatible,
)
from eventwire.actors.kb import CAPITAL, DEMONYM, KnowledgeBase, cached_kb, default_user_kb
from eventwire.actors.normalize import name_key
from eventwire.actors.resolve import Resolution, Resolver
from eventwire.actors.scan import AliasScanner
from eventwire.model import Actor, Article, Span

log = logging.getLogger(__name__)

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Name particles that may stay with a surname used alone ("al-Ibadi", "von der Leyen").
_PARTICLES = frozenset({"al", "el", "von", "van", "der", "de", "da", "bin", "ibn", "abu", "ben", "le", "la", "di"})
NAMED_KINDS = frozenset({"person", "organization", "group"})
# Dependency labels of the words that belong to a noun phrase on the left of its head.
_LEFT_MODIFIERS = frozenset({"det", "amod", "compound", "nummod", "nmod", "poss", "quantmod", "predet", "npadvmod",
                             "advmod", "case", "punct", "cc", "conj"})
_DEFINITE = frozenset({"the", "these", "those", "both", "this", "that"})
_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "several", "many"})
# Quantified phrases speak of no actor in particular ("any force", "no official").
_GENERIC = frozenset({"any", "every", "each", "no", "such", "whatever"})
# Heads that make a description the country's government itself.
_GOVERNMENT_HEADS = frozenset({"government", "administration", "regime", "authority", "cabinet", "leadership"})
# Role families whose holder's name can stand for a government ("the Bush administration").
_LEADER_ROLES = frozenset({"head-of-state", "head-of-government"})
# "US-backed Iraqi forces": the backer is not the forces' country.
_BACKING = re.compile(r"^(?:backed|led|funded|supported|sponsored|allied|aligned|trained|based|owned|run)$")
_LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "around", "outside", "inside", "across", "into", "throughout"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "agent", "poss"})
_PRONOUNS = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
             "hers": "person", "they": "group", "them": "group", "their": "group", "it": "body"}
# Verbs whose subject "it" is mostly an expletive or a thing ("it is likely", "it seems", "it takes").
_EXPLETIVE_HEADS = frozenset({"be", "seem", "appear", "take", "remain", "become", "happen", "mean", "cost",
                              "matter", "look", "rain", "make"})
# How far back (in sentences) a pronoun looks for its antecedent.
_PRONOUN_WINDOW = 3


@dataclass(slots=True)
class _Cluster:
    """An actor being built: a key that decides which mentions join it, and its mentions."""

    key: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    kb_id: str | None = None
    anonymous: bool = False
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)
    head: str | None = None  # head lemma of a description ("official")
    role_family: str | None = None
    plural: bool = False
    governs: bool = False  # a country that acts, or is named by its capital or government

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    @property
    def last_name(self) -> str:
        words = name_key(self.name).split()
        return words[-1] if words else ""


@dataclass(slots=True)
class _Context:
    """What the words around a person's name say: role text, role family, sector, country."""

    role: str | None = None
    role_family: str | None = None
    sector: str | None = None
    country: str | None = None
    former: bool = False


class ActorStage:
    """Finds actors in an article and writes them to ``article.actors`` (ids a1, a2, ... by first mention)."""

    name = "actors"

    def __init__(self, kb: KnowledgeBase, agents: AgentTable | None = None) -> None:
        self.kb = kb
        self.agents = agents if agents is not None else load_agents()
        self.resolver = Resolver(kb, self.agents)
        self.scanner = AliasScanner(kb)
        self.sourcing = load_sourcing()

    @classmethod
    def from_config(cls, config: object) -> ActorStage:
        """The stage with the shipped KB plus the user KB (``config.extra['kb']``, $EVENTWIRE_KB or the default)."""
        extra = getattr(config, "extra", {}) or {}
        user_kb = extra.get("kb") if isinstance(extra, dict) else None
        directory = Path(str(user_kb)).expanduser() if user_kb else default_user_kb()
        return cls(cached_kb((str(directory),)), load_agents([directory]))

    def __call__(self, article: Article, doc: Doc) -> None:
        clusters = _ArticleActors(self, article, doc).run()
        ordered = sorted((c for c in clusters if c.mentions), key=lambda c: c.first)
        article.actors.extend(
            Actor(id=f"a{i}", name=c.name, kind=c.kind, country=c.country, sector=c.sector, role=c.role,
                  kb_id=c.kb_id, anonymous=c.anonymous, mentions=sorted(c.mentions, key=lambda m: m.start),
                  confidence=round(c.confidence, 2))
            for i, c in enumerate(ordered, 1))


class _ArticleActors:
    """The per-article work of :class:`ActorStage`."""

    def __init__(self, stage: ActorStage, article: Article, doc: Doc) -> None:
        self.kb = stage.kb
        self.agents = stage.agents
        self.resolver = stage.resolver
        self.scanner = stage.scanner
        self.sourcing: SourcingCues = stage.sourcing
        self.article = article
        self.doc = doc
        self.text = article.text
        self.day = _day(article.published)
        self.claimed = bytearray(len(self.text))
        self.clusters: list[_Cluster] = []
        self.by_key: dict[str, _Cluster] = {}
        self.sentence_index: dict[int, int] = {}
        self.sentence_starts: list[int] = []
        for n, sent in enumerate(doc.sents):
            self.sentence_starts.append(sent.start_char)
            for i in range(sent.start, sent.end):
                self.sentence_index[i] = n
        self.ent_label: dict[int, SpacySpan] = {}
        for ent in doc.ents:
            for token in ent:
                self.ent_label[token.i] = ent
        self.in_quote = _quotation_mask(self.text)

    # -- bookkeeping --------------------------------------------------------------------------
    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.claimed[start:end])

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def add_mention(self, cluster: _Cluster, start: int, end: int) -> bool:
        if not self.free(start, end):
            return False
        self.claim(start, end)
        cluster.mentions.append(Span(start, end, self.text[start:end]))
        return True

    def cluster(self, key: str, make: _Cluster | None = None) -> _Cluster | None:
        found = self.by_key.get(key)
        if found is None and make is not None:
            found = self.by_key[key] = make
            self.clusters.append(make)
        return found

    def new_cluster(self, cluster: _Cluster) -> _Cluster:
        self.clusters.append(cluster)
        return cluster

    # -- the passes ---------------------------------------------------------------------------
    def run(self) -> list[_Cluster]:
        self.dateline_outlet()
        # KB names first: spaCy may split or mislabel them ("Houthis" as a PERSON).
        self.scanned_names()
        others = [ent for ent in self.doc.ents if ent.label_ in ENTITY_LABELS and ent.label_ != "PERSON"]
        for ent in self.doc.ents:
            if ent.label_ == "PERSON" and not self.person(ent):
                others.append(ent)  # a country or a KB organisation that spaCy called a person
        self.surname_mentions()
        # Organisations and places before descriptions, so descriptions can refer back to them ("the US
        # newspaper"); countries and nationalities after, so descriptions keep their modifiers ("US officials").
        later = []
        for ent in sorted(others, key=lambda e: e.start):
            if self.origin_of(ent) or (ent.label_ == "ORG" and self.generic_org(ent)):
                later.append(ent)
            else:
                self.named(ent)
        self.descriptions()
        for ent in later:
            self.named(ent)
        self.scanned_countries()
        self.pronouns()
        self.merge_surnames()
        for cluster in self.clusters:
            if cluster.kind == "country" and cluster.governs:
                cluster.sector = "GOV"
        return self.clusters

    # 1. people ---------------------------------------------------------------------------------
    def origin_of(self, ent: SpacySpan) -> bool:
        """Whether an entity names a country, nationality, capital or people."""
        bounds = _trim(ent)
        surface = self.text[bounds[0]:bounds[1]] if bounds else ent.text
        return bool(self.kb.country_of(surface) or self.kb.people_of(surface)
                    or self.misspelt_country(surface, ent.label_))

    def misspelt_country(self, surface: str, label: str | None) -> tuple[str, str] | None:
        """(ISO3, form) when a capitalised word that no KB entry names is a country name or demonym one typo
        away ("Ethopia"), unless spaCy calls it a person ("Frances") or the gazetteer knows it as a place
        of its own ("Indiana", "Columbia")."""
        if label == "PERSON" or not surface[:1].isupper() or " " in surface:
            return None
        found = self.kb.fuzzy_country(surface)
        if found is None:
            return None
        from eventwire.places.gazetteer import Gazetteer

        if Gazetteer.load().candidates(surface):
            return None
        return found

    def person(self, ent: SpacySpan) -> bool:
        """Add a person named by ``ent``; False when the name is a country or a KB organisation instead."""
        bounds = _trim(ent)
        if bounds is None:
            return True
        start, end = bounds
        if not self.free(start, end):
            return True
        surface = self.text[start:end]
        if self.kb.country_of(surface) is not None or self.kb.people_of(surface) is not None:
            return False
        hits = self.kb.exact(surface)
        if hits and all(e.kind != "person" for e, _ in hits):
            return False
        if self.leader_government(ent, start, end) or self.nationality_words(ent):
            return True
        context = self.person_context(ent)
        key_words = name_key(surface).split()
        if not key_words:
            return
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

    def nationality_words(self, ent: SpacySpan) -> bool:
        """A "name" made only of nationality and people words ("Bosnian Serbs") is no person but a group
        of the first word's country: where it lives, not whom it descends from."""
        tokens = [t for t in ent if not (t.is_punct or t.is_space or t.lower_ in ("the", "a", "an"))]
        if len(tokens) < 2 or not all(t.text[:1].isupper() and (self.kb.country_of(t.text) or self.kb.people_of(t.text))
                                      for t in tokens):
            return False
        first = self.kb.country_of(tokens[0].text)
        code = first[0] if first is not None else self.kb.people_of(tokens[0].text)[0]  # type: ignore[index]
        start, end = tokens[0].idx, _end(tokens[-1])
        surface = self.text[start:end]
        key = f"group:{name_key(surface)}"
        cluster = self.cluster(key, _Cluster(key, surface, "group", code, confidence=0.7, plural=True))
        if cluster is not None:
            self.add_mention(cluster, start, end)
        return True

    def leader_government(self, ent: SpacySpan, start: int, end: int) -> bool:
        """A leader's name before "administration"/"government" ("the Bush administration", "Yeltsin's
        government") is that leader's country's government, when every KB head of state or government of
        that name served the same country (no date needed: both Bushes were US presidents)."""
        head = ent.root.head
        possessive = ent.root.dep_ == "poss" and ent.end < len(self.doc) and self.doc[ent.end].tag_ == "POS"
        if not ((ent.root.dep_ == "compound" and head.i == ent.end) or (possessive and head.i == ent.end + 1)) \
                or head.lemma_.lower() not in _GOVERNMENT_HEADS:
            return False
        key = name_key(self.text[start:end])
        ids = {eid for eid, _ in self.kb.index.get(key, ())} | set(self.kb.surnames.get(key.split()[-1], ()))
        countries = set()
        for eid in ids:
            entity = self.kb.entities[eid]
            if entity.kind != "person":
                continue
            for tenure in entity.tenures:
                if tenure.country and self.resolver.role_family(tenure.role) in _LEADER_ROLES:
                    countries.add(tenure.country)
        if len(countries) != 1 or not self.free(start, _end(head)):
            return False
        cluster = self.country_cluster(countries.pop())
        cluster.governs = True
        self.add_mention(cluster, start, _end(head))
        return True

    def surname_mentions(self) -> None:
        """Surnames spaCy did not tag ("al-Ibadi", "Makron") join the person named in full earlier."""
        for cluster in [c for c in self.clusters if c.kind == "person" and c.mentions]:
            forms: set[str] = set()
            for name in [cluster.name, *(m.text for m in cluster.mentions)]:
                words = name.split()
                if len(words) < 2:
                    continue
                tail = words[-1]
                forms.add(tail)
                if len(words) > 2 and words[-2].lower() in _PARTICLES:
                    forms.add(" ".join(words[-2:]))
                if "-" in tail and tail.split("-")[0].lower() in _PARTICLES:
                    forms.add(tail.split("-", 1)[1])
            first = cluster.first
            for form in sorted(forms, key=len, reverse=True):
                if len(form) < 3 or (not form[:1].isupper() and form[:2].lower() not in ("al", "el")):
                    continue
                for match in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", self.text):
                    if match.start() > first:
                        self.add_mention(cluster, match.start(), match.end())

    def person_by_name(self, words: list[str]) -> _Cluster | None:
        matches = []
        for cluster in self.clusters:
            if cluster.kind != "person" or not cluster.mentions:
                continue
            names = [name_key(cluster.name).split()] + [name_key(m.text).split() for m in cluster.mentions]
            if any(words == n[-len(words):] for n in names if len(n) >= len(words)):
                matches.append(cluster)
        return matches[-1] if len(matches) >= 1 and len({id(m) for m in matches}) == 1 else None

    def person_cluster(self, surface: str, resolution: Resolution, context: _Context) -> _Cluster:
        entity = resolution.entity
        if entity is None:
            cluster = _Cluster(f"person:{name_key(surface)}", surface, "person", confidence=0.5)
            self.apply_context(cluster, context)
            log.debug("actor %r unresolved: %s", surface, resolution.reason)
            return self.cluster(cluster.key, cluster) or cluster
        existing = self.by_key.get(entity.id)
        if existing is not None:
            return existing
        tenure = resolution.tenure
        cluster = _Cluster(entity.id, entity.name, "person", kb_id=entity.id, confidence=resolution.confidence)
        cluster.country = (tenure.country if tenure else None) or _latest_country(entity) or entity.country
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

    def apply_context(self, cluster: _Cluster, context: _Context) -> None:
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

    def person_context(self, ent: SpacySpan) -> _Context:
        """Role, sector and country from the title before a name and an appositive after it."""
        context = _Context()
        title = self.title_tokens(ent)
        if title:
            self.read_role(title, context)
            self.claim_role_words(title)
        appositive = self.appositive_tokens(ent)
        if appositive:
            role_context = _Context()
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
                bounds = _trim(ent)
                surface = self.text[bounds[0]:bounds[1]] if bounds else ent.text
                if self.origin_of(ent) or any(e.kind != "person" for e, _ in self.kb.exact(surface)):
                    continue
            if ent is None and token.text[:1].isupper() and (self.kb.country_of(token.text)
                                                             or self.kb.people_of(token.text)):
                continue
            self.claim(token.idx, _end(token))

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
                if not (token.text[:1].isupper() or lower in self.agents or self.kb.country_of(token.text)):
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
        words = _forms(tokens)
        if not self.agents.match(words) and not any(self.kb.country_of(t.text) for t in tokens):
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
            while tokens and tokens[0].lower_ in _DEFINITE | _INDEFINITE:
                tokens.pop(0)
            return tokens
        return []

    def read_role(self, tokens: list[Token], context: _Context) -> None:
        matches = self.agents.match(_forms(tokens))
        role_match = next((m for m in matches if m.agent.role), None)
        sectors = [m.agent for m in matches if m.agent.type != "modifier" and m.agent.sector]
        context.former = any(m.agent.type == "modifier" and m.agent.sector == "ELI" for m in matches)
        if sectors:
            context.sector = sectors[0].sector
        if role_match is not None:
            context.role_family = role_match.agent.role
        text_tokens = [t for t in tokens if t.tag_ != "POS"]
        if text_tokens:
            context.role = self.text[text_tokens[0].idx:_end(tokens[-1])]
        countries = self.countries_in(tokens)
        if len(countries) >= 1:
            context.country = countries[0]
        # An organisation named in the role is the person's affiliation: "Taliban spokesman" -> REB,
        # "Pentagon spokesman" -> MIL; its country serves when no nationality word is there.
        if tokens:
            affiliation = self.kb_actor_within(tokens[0].idx, _end(tokens[-1]))
            if affiliation is not None:
                context.sector = affiliation.sector or context.sector
                if context.country is None and affiliation.country and len(affiliation.country) == 3:
                    context.country = affiliation.country

    def kb_actor_within(self, start: int, end: int) -> _Cluster | None:
        """A KB organisation or group already mentioned inside ``[start, end)``."""
        for cluster in self.clusters:
            if cluster.kb_id and cluster.kind in ("organization", "group") and any(
                    start <= m.start and m.end <= end for m in cluster.mentions):
                return cluster
        return None

    def countries_in(self, tokens: Iterable[Token]) -> list[str]:
        found: list[str] = []
        seen_ents: set[int] = set()
        for token in tokens:
            ent = self.ent_label.get(token.i)
            if ent is not None and ent.label_ in ("GPE", "NORP") and ent.start not in seen_ents:
                seen_ents.add(ent.start)
                bounds = _trim(ent)
                hit = self.kb.country_of(self.text[bounds[0]:bounds[1]]) if bounds else None
            elif ent is None:
                hit = self.kb.country_of(token.text) if token.text[:1].isupper() else None
            else:
                hit = None
            if hit is not None and hit[0] not in found:
                found.append(hit[0])
        if not found:
            for token in tokens:
                people = self.kb.people_of(token.text) if token.text[:1].isupper() else None
                if people is not None and people[0] not in found:
                    found.append(people[0])
        return found

    # 2. descriptions ---------------------------------------------------------------------------
    def descriptions(self) -> None:
        for token in self.doc:
            if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in _PRONOUNS:
                continue
            if token.dep_ == "compound" and token.head.i > token.i:
                continue  # the head of the phrase comes later
            if not (self.agents.ends_a_phrase(token.lemma_.lower()) or self.agents.ends_a_phrase(token.lower_)):
                continue
            ent = self.ent_label.get(token.i)
            if (ent is not None and ent.label_ in ("PERSON", "WORK_OF_ART", "FAC", "LOC")) or (
                    ent is not None and ent.label_ == "ORG" and not self.generic_org(ent)):
                continue
            self.description(token)

    def generic_org(self, ent: SpacySpan) -> bool:
        """An ORG entity made only of nationality and agent words ("the Iraqi Army") is a description."""
        tokens = [t for t in ent if t.lower_ not in _DEFINITE]
        matched = {i for m in self.agents.match(_forms(tokens)) for i in range(m.start, m.end)}
        return all(i in matched or self.kb.country_of(t.text) for i, t in enumerate(tokens))

    def phrase_tokens(self, head: Token) -> list[Token]:
        """The head and its left modifiers ("the two", "US-backed Iraqi"), without an "X-backed" modifier."""
        start = head.i
        for child in head.lefts:
            if child.dep_ in _LEFT_MODIFIERS:
                start = min(start, child.left_edge.i)
        tokens = list(self.doc[start:head.i + 1])
        while tokens and (tokens[0].is_punct or tokens[0].is_space):
            tokens.pop(0)
        return tokens

    def without_backer(self, tokens: list[Token]) -> list[Token]:
        """Drop an "X-backed"/"X-led" modifier on the left: its country is the backer's, not the actor's."""
        for n, t in enumerate(tokens[:-1]):
            if _BACKING.match(t.lower_) and t.i > 0 and self.doc[t.i - 1].text == "-":
                return tokens[n + 1:]
        return tokens

    def description(self, head: Token) -> None:
        full = self.phrase_tokens(head)
        if not full or head.dep_ in ("attr", "oprd") or full[0].lower_ in _GENERIC:
            return  # a predicate ("is an analyst") or a quantified phrase names no actor of its own
        # A KB organisation named by a description ("the US-led coalition").
        if self.kb_description(full):
            return
        tokens = self.without_backer(full)
        while tokens and self.claimed[tokens[0].idx]:
            tokens = tokens[1:]  # a name on the left is already an actor ("Islamic State militants")
        if not tokens:
            return
        matches = self.agents.match(_forms(tokens))
        head_match = next((m for m in matches if m.end == len(tokens)), None)
        if head_match is None:
            return
        if self.person_in_apposition(head, tokens, head_match.agent):
            return
        if len(tokens) == 1 and head.tag_ == "NN" and head_match.agent.type != "organization":
            return  # a bare singular noun ("in force", a title before a name) is not a reference
        start, end = tokens[0].idx, _end(head)
        # A person described by what they are close to: "a source close to the ministry".
        extension: list[Token] = []
        if head_match.agent.type == "person":
            for child in head.rights:
                if child.dep_ == "amod" or (child.dep_ == "prep" and child.lower_ in ("at", "from", "in", "of")):
                    sub = list(child.subtree)
                    if any(self.ent_label.get(t.i) is not None for t in sub):
                        break
                    extension = sub
                    break
        if not self.free(start, end):
            return
        agent = head_match.agent
        sector = self.description_sector(matches, agent, extension)
        countries = [c for c in self.countries_in(tokens)]
        country = countries[0] if len(countries) == 1 else self.of_country(head) if not countries else None
        former = any(m.agent.type == "modifier" and m.agent.sector == "ELI" for m in matches)
        determiner = tokens[0].lower_
        definite = determiner in _DEFINITE
        indefinite = determiner in _INDEFINITE
        plural = head.tag_ in ("NNS", "NNPS") or (head.lemma_.lower() != head.lower_ and head.lower_.endswith("s"))
        mention_end = _end(extension[-1]) if extension else end
        named_start = tokens[1].idx if (definite or indefinite) and len(tokens) > 1 else start
        lemma = head.lemma_.lower()
        # The country's government itself.
        if lemma in _GOVERNMENT_HEADS and country and not former:
            cluster = self.country_cluster(country)
            cluster.governs = True
            self.claim(start, named_start)
            self.add_mention(cluster, named_start, end)
            return
        # A definite description of an organisation refers back to the latest one of its sector:
        # "USA Today ... the US newspaper".
        if definite and agent.type == "organization" and sector:
            previous = self.latest_named(sector, country, start)
            if previous is not None:
                self.add_mention(previous, start, end)
                return
        # A title alone refers to the latest person holding it: "the minister", "the general".
        if definite and not plural and agent.type == "person" and agent.role and not country and len(
                [t for t in tokens if t.lower_ not in _DEFINITE]) <= 2:
            person = self.latest_person(agent.role, start)
            if person is not None:
                self.add_mention(person, start, end)
                return
        # A definite description refers back: "the two officials", "the militants", "the force".
        if definite and not country:
            previous = self.latest_with_head(lemma, agent, start)
            if previous is not None:
                self.add_mention(previous, start, mention_end)
                return
        name = self.text[named_start:mention_end]
        kind = _description_kind(agent, plural)
        anonymous = agent.type == "person" and (agent.sector is None or self.used_as_source(head, start,
                                                                                                mention_end))
        cluster = _Cluster(f"desc:{country}:{lemma}:{sector}:{former}", name, kind, country,
                           "ELI" if former else sector, agent.phrase if agent.type == "person" else None,
                           anonymous=anonymous, confidence=0.6, head=lemma, role_family=agent.role, plural=plural)
        if not indefinite and (plural or kind == "organization"):
            cluster = self.cluster(cluster.key, cluster) or cluster
        else:
            self.new_cluster(cluster)
        self.add_mention(cluster, start, mention_end)

    def of_country(self, head: Token) -> str | None:
        """The country an "of" phrase gives a title or body: "the president of Armenia", "the Foreign
        Ministry of Egypt"."""
        for child in head.rights:
            if child.dep_ != "prep" or child.lower_ != "of":
                continue
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is None:
                return None
            ent = self.ent_label.get(pobj.i)
            bounds = _trim(ent) if ent is not None else None
            surface = self.text[bounds[0]:bounds[1]] if bounds else pobj.text
            found = self.kb.country_of(surface)
            return found[0] if found is not None and found[1] != DEMONYM else None
        return None

    def person_in_apposition(self, head: Token, tokens: list[Token], agent: Agent) -> bool:
        """ "A Taliban spokesman, Zabihullah Mujahid, said": the description is the named person's."""
        if agent.type != "person":
            return False
        for child in head.children:
            if child.dep_ != "appos":
                continue
            person = next((c for c in self.clusters if c.kind == "person" and any(
                m.start <= child.idx < m.end for m in c.mentions)), None)
            if person is None:
                return False
            start = tokens[1].idx if tokens[0].lower_ in _DEFINITE | _INDEFINITE and len(tokens) > 1 else tokens[0].idx
            context = _Context()
            self.read_role([t for t in tokens if t.lower_ not in _DEFINITE | _INDEFINITE], context)
            if not person.role or person.kb_id is None:
                self.apply_context(person, context)
            self.claim_role_words([t for t in tokens if start <= t.idx])
            return True
        return False

    def kb_description(self, tokens: list[Token]) -> bool:
        determiner = tokens[0].lower_ in _DEFINITE | _INDEFINITE
        named = tokens[1:] if determiner and len(tokens) > 1 else tokens
        start, end = named[0].idx, _end(named[-1])
        hits = [e for e, _ in self.kb.exact(self.text[start:end]) if e.kind in NAMED_KINDS]
        if len(hits) != 1 or not self.free(tokens[0].idx, end):
            return False
        entity = hits[0]
        cluster = self.cluster(entity.id, _Cluster(entity.id, entity.name, entity.kind, entity.country,
                                                   entity.sector, entity.role, entity.id, confidence=0.9))
        if cluster is not None:
            self.claim(tokens[0].idx, start)
            self.add_mention(cluster, start, end)
        return True

    def used_as_source(self, head: Token, start: int, end: int) -> bool:
        """Whether a described person is an unnamed source: "according to US officials", "the officials
        said", "officials, who declined to be named"."""
        verb = head.head
        if head.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in self.sourcing.verbs:
            return True
        sentence = head.sent
        window = self.text[max(sentence.start_char, start - 20):min(sentence.end_char, end + 60)].lower()
        return any(phrase in window for phrase in self.sourcing.phrases)

    def latest_named(self, sector: str, country: str | None, before: int) -> _Cluster | None:
        best: tuple[int, _Cluster] | None = None
        for cluster in self.clusters:
            if cluster.head is not None or cluster.kind not in ("organization", "group") or cluster.sector != sector:
                continue
            if country is not None and cluster.country not in (None, country):
                continue
            last = max((m.start for m in cluster.mentions if m.start < before), default=None)
            if last is not None and (best is None or last > best[0]):
                best = (last, cluster)
        return best[1] if best else None

    def description_sector(self, matches: list[AgentMatch], head: Agent, extension: list[Token]) -> str | None:
        """The sector of a description: the leftmost sector word ("opposition leader" -> OPP), else the head's;
        ``armed`` makes an unaligned armed group of a phrase without another sector."""
        sectors = [m.agent.sector for m in matches if m.agent.type != "modifier" and m.agent.sector]
        sector = sectors[0] if sectors else None
        if sector is None and extension:
            inner = [m.agent.sector for m in self.agents.match(_forms(extension)) if m.agent.sector]
            sector = inner[0] if inner else None
        if sector in (None, "CVL") and any(m.agent.type == "modifier" and m.agent.sector == "UAF" for m in matches):
            sector = "UAF"
        return sector

    def latest_person(self, role: str, before: int) -> _Cluster | None:
        best: tuple[int, _Cluster] | None = None
        for cluster in self.clusters:
            if cluster.kind != "person" or not cluster.mentions or cluster.anonymous:
                continue
            if roles_compatible(role, cluster.role_family) is not True:
                continue
            last = max((m.start for m in cluster.mentions if m.start < before), default=None)
            if last is not None and (best is None or last > best[0]):
                best = (last, cluster)
        return best[1] if best else None

    def latest_with_head(self, lemma: str, agent: Agent, before: int) -> _Cluster | None:
        best: tuple[int, _Cluster] | None = None
        for cluster in self.clusters:
            if cluster.head != lemma:
                continue
            last = max((m.start for m in cluster.mentions if m.start < before), default=None)
            if last is not None and (best is None or last > best[0]):
                best = (last, cluster)
        return best[1] if best else None

    # 3. other named entities -------------------------------------------------------------------
    def country_cluster(self, iso3: str) -> _Cluster:
        key = f"country:{iso3}"
        info = self.kb.countries.get(iso3)
        cluster = self.cluster(key, _Cluster(key, info.name if info else iso3, "country", iso3, kb_id=key,
                                             confidence=0.9))
        assert cluster is not None
        return cluster

    def named(self, ent: SpacySpan) -> None:
        bounds = _trim(ent)
        if bounds is None:
            return
        start, end = bounds
        if not self.free(start, end):
            return
        surface = self.text[start:end]
        if ent.label_ in ("ORG", "NORP") and self.leader_government(ent, start, end):
            return  # "the Trump administration" with the name tagged as an organisation
        found = self.kb.country_of(surface) or self.misspelt_country(surface, ent.label_)
        if found is not None:
            iso3, form = found
            # A capital in capitals is a dateline ("KABUL, May 3 —"): the place the story comes from.
            locative = _locative(ent) or (form == CAPITAL and surface.isupper())
            if form == CAPITAL and locative:
                key = f"place:{name_key(surface)}"
                cluster = self.cluster(key, _Cluster(key, surface, "location", iso3, confidence=0.8))
            else:
                cluster = self.country_cluster(iso3)
                if form == CAPITAL or (form != DEMONYM and not locative and _acts(ent)):
                    cluster.governs = True
            if cluster is not None:
                self.add_mention(cluster, start, end)
            return
        people = self.kb.people_of(surface)
        if people is not None:
            code, entity = people
            cluster = self.cluster(entity.id, _Cluster(entity.id, entity.name, "group", code, kb_id=entity.id,
                                                       confidence=0.8))
            if cluster is not None:
                self.add_mention(cluster, start, end)
            return
        if ent.label_ in ("ORG", "NORP", "PERSON"):
            kinds = ("organization", "group")
            resolution = self.resolver.resolve(surface, kinds, self.day)
            if resolution.entity is not None:
                entity = resolution.entity
                tenure = resolution.tenure
                cluster = self.cluster(entity.id, _Cluster(
                    entity.id, entity.name, entity.kind, (tenure.country if tenure else None) or entity.country,
                    (tenure.sector if tenure else None) or entity.sector, entity.role, entity.id,
                    confidence=resolution.confidence))
                if cluster is not None:
                    self.add_mention(cluster, start, end)
                return
            tokens = [t for t in self.doc[ent.start:ent.end] if start <= t.idx < end]
            matches = self.agents.match(_forms(tokens))
            sectors = [m.agent.sector for m in matches if m.agent.sector and m.agent.type != "modifier"]
            countries = self.countries_in(tokens)
            if ent.label_ == "PERSON":
                return  # a person name that is neither a person nor a known organisation: leave it
            kind = "group" if ent.label_ == "NORP" else "organization"
            key = f"{kind}:{name_key(surface)}"
            cluster = self.cluster(key, _Cluster(key, surface, kind, countries[0] if len(countries) == 1 else None,
                                                 sectors[0] if sectors else None, confidence=0.5))
        else:
            key = f"place:{name_key(surface)}"
            cluster = self.cluster(key, _Cluster(key, surface, "location", confidence=0.6))
        if cluster is not None:
            self.add_mention(cluster, start, end)

    def dateline_outlet(self) -> None:
        """The news outlet of a dateline: "BAGHDAD, May 14, 2018 (Al-Rafidain News) —", "WASHINGTON (AP) —"."""
        match = _DATELINE.search(self.text, 0, 600)
        if match is None:
            return
        start, end = match.span("outlet")
        surface = self.text[start:end].strip()
        end = start + len(surface)
        if len(surface) < 2 or not self.free(start, end):
            return
        resolution = self.resolver.resolve(surface, ("organization",), self.day)
        entity = resolution.entity
        if entity is not None:
            cluster = self.cluster(entity.id, _Cluster(entity.id, entity.name, entity.kind, entity.country,
                                                       entity.sector, entity.role, entity.id,
                                                       confidence=resolution.confidence))
        else:
            key = f"organization:{name_key(surface)}"
            cluster = self.cluster(key, _Cluster(key, surface, "organization", sector="MED", role="news outlet",
                                                 confidence=0.7))
        if cluster is not None:
            self.add_mention(cluster, start, end)

    # 4. KB names spaCy missed -----------------------------------------------------------------
    def scanned_names(self) -> None:
        for start, end, entity_id in self.scanner.find(self.text):
            if not self.free(start, end):
                continue
            entity = self.kb.entities[entity_id]
            if entity.kind == "person":
                span = self.doc.char_span(start, end, alignment_mode="contract")
                if span is not None and len(span):
                    self.person(span)
                continue
            tenure = entity.tenure_at(self.day) if self.day else None
            cluster = self.cluster(entity.id, _Cluster(
                entity.id, entity.name, entity.kind, (tenure.country if tenure else None) or entity.country,
                (tenure.sector if tenure else None) or entity.sector, entity.role, entity.id, confidence=0.85))
            if cluster is not None:
                self.add_mention(cluster, start, end)

    def scanned_countries(self) -> None:
        """Country names, capitals and nationality words spaCy did not tag (datelines in capitals, "Mali")."""
        for start, end, iso3, form in self.scanner.find_countries(self.text):
            if not self.free(start, end):
                continue
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None or any(t.i in self.ent_label for t in span):
                continue  # spaCy saw an entity here and the named pass judged it
            surface = self.text[start:end]
            if form == CAPITAL and (surface.isupper() or _locative(span)):
                key = f"place:{name_key(surface)}"
                name = surface.title() if surface.isupper() else surface
                cluster = self.cluster(key, _Cluster(key, name, "location", iso3, confidence=0.7))
            else:
                cluster = self.country_cluster(iso3)
                if form == CAPITAL or (form != DEMONYM and _acts(span)):
                    cluster.governs = True
            if cluster is not None:
                self.add_mention(cluster, start, end)
        # Misspelt country names spaCy did not tag at all ("Ethopia has agreed").
        for token in self.doc:
            if token.i in self.ent_label or token.pos_ not in ("PROPN", "NOUN", "ADJ"):
                continue
            start, end = token.idx, _end(token)
            if not self.free(start, end):
                continue
            misspelt = self.misspelt_country(token.text, None)
            if misspelt is None:
                continue
            cluster = self.country_cluster(misspelt[0])
            span = self.doc[token.i:token.i + 1]
            if misspelt[1] != DEMONYM and not _locative(span) and _acts(span):
                cluster.governs = True
            self.add_mention(cluster, start, end)

    # 5. pronouns -------------------------------------------------------------------------------
    def pronouns(self) -> None:
        for token in self.doc:
            kind = _PRONOUNS.get(token.lower_)
            if kind is None or (token.pos_ != "PRON" and token.tag_ not in ("PRP", "PRP$")):
                continue
            start, end = token.idx, _end(token)
            if self.in_quote[start] or not self.free(start, end):
                continue
            if kind == "body" and not _actor_it(token):
                continue
            sentence = self.sentence_index.get(token.i, 0)
            antecedent = self.antecedent(kind, start, sentence)
            if antecedent is not None:
                self.add_mention(antecedent, start, end)

    def antecedent(self, kind: str, before: int, sentence: int) -> _Cluster | None:
        earliest = self.sentence_start(max(0, sentence - _PRONOUN_WINDOW))
        best: tuple[int, _Cluster] | None = None
        for cluster in self.clusters:
            if kind == "person" and (cluster.kind != "person" or cluster.plural):
                continue
            if kind == "group" and cluster.kind != "group":
                continue
            # "it": a country, an organisation or a group named as one body, never a person.
            if kind == "body" and (cluster.kind not in ("country", "organization", "group") or cluster.plural):
                continue
            last = max((m.start for m in cluster.mentions if earliest <= m.start < before), default=None)
            if last is not None and (best is None or last > best[0]):
                best = (last, cluster)
        return best[1] if best else None

    def sentence_start(self, index: int) -> int:
        return self.sentence_starts[index] if 0 <= index < len(self.sentence_starts) else 0

    # final -------------------------------------------------------------------------------------
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


# -- helpers ----------------------------------------------------------------------------------------

def _day(published: str | None) -> str | None:
    if not published or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", published):
        return None
    parts = published.split("-")
    while len(parts) < 3:
        parts.append("15" if len(parts) == 2 else "07")
    return "-".join(parts)


def _end(token: Token) -> int:
    return token.idx + len(token.text)


def _forms(tokens: Iterable[Token]) -> list[tuple[str, ...]]:
    """Each word's acceptable forms for agent matching: lower-case text and lemma."""
    out = []
    for token in tokens:
        lower = token.lower_
        lemma = token.lemma_.lower()
        out.append((lower, lemma) if lemma != lower else (lower,))
    return out


def _trim(span: SpacySpan) -> tuple[int, int] | None:
    """Character bounds of an entity span without a leading article and a trailing possessive."""
    tokens = list(span)
    while tokens and tokens[0].lower_ in {"the", "a", "an"}:
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, _end(tokens[-1])
    last = tokens[-1].text  # never doc.text: building it walks the whole document
    for suffix in ("’s", "'s"):
        if last.endswith(suffix) and len(last) > len(suffix):
            end -= len(suffix)
            break
    return start, end


def _locative(ent: SpacySpan) -> bool:
    """Whether a place name is used as a location ("in Baghdad") rather than as an actor."""
    root = ent.root
    return root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE_PREPOSITIONS


def _acts(ent: SpacySpan) -> bool:
    """Whether a country name is an agent: a subject (or conjoined with one), a possessor or a passive's agent."""
    token = ent.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in _SUBJECT_DEPS:
        return True
    return token.dep_ == "pobj" and token.head.dep_ == "agent"


def _actor_it(token: Token) -> bool:
    """Whether "it" may stand for an actor: the subject of an action verb ("Syria said it would ..."), not an
    object ("rejected it", mostly a thing) or an expletive ("it is likely that"). A free "its" is left alone:
    before an actor noun ("its troops") the description has it already, and before a thing ("its labour
    market") it would make the thing a party to events."""
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() not in _EXPLETIVE_HEADS


def _description_kind(agent: Agent, plural: bool) -> str:
    if agent.type == "organization":
        return "organization"
    if agent.type == "person" and not plural:
        return "person"
    return "group"


def _latest_country(entity: object) -> str | None:
    tenures = getattr(entity, "tenures", [])
    if not tenures:
        return None
    return max(tenures, key=lambda t: t.start or "").country


# A dateline: a place in capitals, maybe a date, then the outlet in parentheses and a dash.
_DATELINE = re.compile(r"(?m)^[A-Z][A-Z .'’-]{2,40}(?:,[^()\n]{0,40})?\s*\((?P<outlet>[^(),\n]{2,60})"
                       r"(?:,[^()\n]{0,40})?\)\s*[—–-]")
# A quotation: curly or straight quotes, never across a paragraph break (an unclosed quote ends there).
_QUOTATION = re.compile(r"“(?:[^”\n]|\n(?!\n))*”|\"(?:[^\"\n]|\n(?!\n))*\"")


def _quotation_mask(text: str) -> bytearray:
    """1 for every character inside a quotation (“...” or "..."), so pronouns there are left alone."""
    mask = bytearray(len(text))
    for match in _QUOTATION.finditer(text):
        mask[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    return mask
