"""Descriptions: noun phrases whose head is an agent word (step 4 of the stage).

"US officials", "Iraqi forces", "armed militants", "the two officials", "a source close to the
ministry" are actors of their own, with the sector of the agent words (``knowledge/data/agent_nouns.tsv``) and the
country of the nationality words in them. A country's government ("the Iraqi government") joins the
country; a definite description refers back ("the militants", "the US newspaper"); a title alone ("the
minister") joins the latest person with a fitting role; an unnamed person used as a source is
anonymous. An "X-backed"/"X-led" modifier describes the group's patron, not its country: it stays inside
the group's mention and gives it no country.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventwire.actors.agents import Agent, AgentMatch, roles_compatible
from eventwire.actors.countries import GOVERNMENT_HEADS, Countries
from eventwire.actors.index import (
    DEFINITE,
    INDEFINITE,
    NAMED_KINDS,
    ArticleIndex,
    Cluster,
    Context,
    Knowledge,
    Step,
    token_end,
    word_forms,
)
from eventwire.actors.kb import DEMONYM
from eventwire.actors.people import People
from eventwire.actors.pronouns import PRONOUNS
from eventwire.nlp.english import LOCATIVE_WORDS, PATRON_WORDS, PERSON_PRONOUNS, POSSESSIVE_PRONOUNS, THIRD_PERSON
from eventwire.nlp.parse import phrase_extent

# Dependency labels of the words that belong to a noun phrase on the left of its head.
_LEFT_MODIFIERS = frozenset({"det", "amod", "compound", "nummod", "nmod", "poss", "quantmod", "predet", "npadvmod",
                             "advmod", "case", "punct", "cc", "conj"})
# Quantified phrases speak of no actor in particular ("any force", "no official").
_GENERIC = frozenset({"any", "every", "each", "no", "such", "whatever"})
# Heads that speak for whoever owns them ("their leaders", "its spokesman").
_SPEAKERS_FOR = frozenset({"leader", "spokesman", "spokeswoman", "spokesperson", "member", "representative"})
# Possessive determiners whose actor owns the description ("its forces").
_POSSESSIVES = (POSSESSIVE_PRONOUNS & THIRD_PERSON) - PERSON_PRONOUNS
# Words by which a named group is referred to again ("the group said"), and how many sentences back.
_GROUP_WORDS = frozenset({"group", "movement"})
_GROUP_WINDOW = 3
# Sectors of armed actors: members of a named armed group ("Hamas fighters") are the group.
_ARMED_SECTORS = frozenset({"REB", "UAF", "MIL", "PRM"})
# "US-backed Iraqi forces": the backer is not the forces' country.
_BACKING_WORDS = "|".join(sorted(PATRON_WORDS))
_BACKING = re.compile(rf"^(?:{_BACKING_WORDS})$")
_BACKING_IN_TEXT = re.compile(rf"\w-({_BACKING_WORDS})\b", re.IGNORECASE)


class Descriptions(Step):
    """Actors described rather than named."""

    def __init__(self, knowledge: Knowledge, index: ArticleIndex, people: People, countries: Countries) -> None:
        super().__init__(knowledge, index)
        self.people = people
        self.countries = countries

    def descriptions(self) -> None:
        for token in self.index.tokens:
            if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in PRONOUNS:
                continue
            if token.dep_ == "compound" and token.head.i > token.i and not self.modifies_an_act(token):
                continue  # the head of the phrase comes later
            if not (self.agents.ends_a_phrase(token.lemma_.lower()) or self.agents.ends_a_phrase(token.lower_)):
                continue
            ent = self.ent_label.get(token.i)
            if (ent is not None and ent.label_ in ("PERSON", "WORK_OF_ART", "FAC", "LOC")) or (
                    ent is not None and ent.label_ == "ORG" and not self.generic_org(ent)):
                continue
            if ent is not None and ent.label_ == "GPE" and self.kb.country_of(self.index.cased[ent.start_char:
                                                                                               ent.end_char]):
                continue  # a title inside a place name: "Port-au-Prince"
            self.description(token)

    def modifies_an_act(self, token: Token) -> bool:
        """Whether an agent word modifies a noun that is no agent ("police firing", "army shelling", "rebel
        attack"): then it is the actor of that act, a description of its own."""
        head = token.head
        if head.pos_ not in ("NOUN", "PROPN") or self.ent_label.get(head.i) is not None:
            return False
        if self.agents.ends_a_phrase(head.lemma_.lower()) or self.agents.ends_a_phrase(head.lower_):
            return False  # "security forces", "police officer": the phrase goes on
        return bool(self.agents.match(word_forms([token])))

    def generic_org(self, ent: SpacySpan) -> bool:
        """An ORG entity made only of nationality and agent words ("the Iraqi Army") is a description."""
        tokens = [t for t in ent if t.lower_ not in DEFINITE]
        matched = {i for m in self.agents.match(word_forms(tokens)) for i in range(m.start, m.end)}
        return all(i in matched or self.kb.country_of(self.word(t)) for i, t in enumerate(tokens))

    def phrase_tokens(self, head: Token) -> list[Token]:
        """The head and its left modifiers ("the two", "US-backed Iraqi")."""
        start, _ = phrase_extent(head, left=_LEFT_MODIFIERS)
        tokens = list(self.doc[start:head.i + 1])
        # A preposition parsed as a modifier ("outside parliament") is no part of the phrase.
        while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].pos_ == "ADP"
                          or tokens[0].lower_ in LOCATIVE_WORDS):
            tokens.pop(0)
        return tokens

    def possessor(self, determiner: str, head: Token) -> Cluster | None:
        """The actor "its"/"their" before ``head`` stands for: the subject of a governing clause ("The RSF
        said its forces ..."), else a country named earlier in the sentence ("Russia said its troops ...",
        countries become actors after the descriptions); None when unsure."""
        subject = self.clause_subject(head)
        if subject is not None and subject.kind in ("country", "organization", "group") and (
                determiner == "their" or not subject.plural):
            return subject
        sentence_start = head.sent.start_char
        for ent in reversed(self.doc.ents):
            if ent.end_char > head.idx or ent.start_char < sentence_start or ent.label_ != "GPE":
                continue
            hit = self.kb.country_of(self.index.cased[ent.start_char:ent.end_char])
            if hit is not None and hit[1] != DEMONYM and ent.root.dep_ in ("nsubj", "nsubjpass"):
                return self.countries.country_cluster(hit[0])
        return None

    def latest_armed_group(self, head: Token, before: int) -> Cluster | None:
        """The latest named armed group (REB, UAF) mentioned within a few sentences before ``before``."""
        sentence = self.sentence_index.get(head.i, 0)
        earliest = self.index.sentence_start(max(0, sentence - _GROUP_WINDOW))
        return self.latest_mentioned(
            lambda c: c.kind == "group" and c.head is None and c.sector in ("REB", "UAF"), before, earliest)

    def named_group_again(self, tokens: list[Token], head: Token) -> None:
        """ "Hezbollah said the group fired rockets": "the group" or "the movement" alone refers back to the
        latest named group within a few sentences (nothing else names an actor with these words)."""
        if len(tokens) != 2 or tokens[0].lower_ != "the" or head.lemma_.lower() not in _GROUP_WORDS:
            return
        start, end = tokens[0].idx, token_end(head)
        sentence = self.sentence_index.get(head.i, 0)
        earliest = self.index.sentence_start(max(0, sentence - _GROUP_WINDOW))
        group = self.latest_mentioned(lambda c: c.kind == "group" and c.head is None and c.kb_id is not None, start,
                                      earliest)
        if group is not None:
            self.add_mention(group, start, end)

    def members_of_named(self, first: Token, head: Token, tokens: list[Token]) -> bool:
        """ "Houthi militants", "Hamas fighters", "Taliban gunmen": armed members of a named armed group are
        a mention of the group."""
        if len(tokens) != 1 or not (head.tag_ in ("NNS", "NNPS") or head.lemma_.lower() != head.lower_):
            return False
        matches = self.agents.match(word_forms(tokens))
        if not matches or matches[-1].agent.sector not in _ARMED_SECTORS:
            return False
        before = first.i - 1
        if before < 0:
            return False
        owner = next((c for c in self.clusters if c.kind in ("group", "organization") and c.head is None
                      and any(m.start <= self.doc[before].idx < m.end for m in c.mentions)), None)
        # A KB armed group, or a name the KB does not know that only its members' word describes ("Fano
        # militiamen": an armed group).
        if owner is None or not (owner.sector in _ARMED_SECTORS if owner.kb_id else owner.sector is None):
            return False
        if owner.kb_id is None:
            owner.kind, owner.sector, owner.plural = "group", matches[-1].agent.sector, True
        return self.add_mention(owner, first.idx, token_end(head))

    def patrons(self) -> None:
        """ "The Iran-backed Houthis", "Rwanda-backed M23 rebels": the patron of a named group is part of the
        group's mention, so it is no actor of the group's events (descriptions keep theirs inside already)."""
        for found in _BACKING_IN_TEXT.finditer(self.text):
            span = self.doc.char_span(found.start(1), found.end(1))
            if span is None or len(span) != 1:
                continue
            token = span[0]
            if not (token.i >= 2 and self.doc[token.i - 1].text == "-"):
                continue
            patron = [c for c in token.lefts if c.i < token.i - 1 and c.dep_ in ("npadvmod", "compound", "nmod")]
            start = min((c.left_edge.idx for c in patron), default=self.doc[token.i - 2].idx)
            end = token_end(token)
            if not self.free(start, end):
                continue
            head = token.head
            if head.i <= token.i:
                continue
            owner = None
            for i in [head.i, *range(token.i + 1, head.i)]:
                idx = self.doc[i].idx
                owner = next((c for c in self.clusters if c.kind in ("group", "organization") and any(
                    m.start <= idx < m.end for m in c.mentions)), None)
                if owner is not None:
                    break
            if owner is not None:
                self.add_mention(owner, start, end)

    def backer_end(self, tokens: list[Token]) -> int:
        """The index after an "X-backed"/"X-led" modifier on the left (0 when there is none): the words
        before it name the patron, whose country is not the actor's."""
        for n, t in enumerate(tokens[:-1]):
            if _BACKING.match(t.lower_) and t.i > 0 and self.doc[t.i - 1].text == "-":
                return n + 1
        return 0

    def description(self, head: Token) -> None:
        full = self.phrase_tokens(head)
        if not full or head.dep_ in ("attr", "oprd") or full[0].lower_ in _GENERIC:
            return  # a predicate ("is an analyst") or a quantified phrase names no actor of its own
        # A KB organisation named by a description ("the US-led coalition").
        if self.kb_description(full):
            return
        tokens = full
        while tokens and self.claimed[tokens[0].idx]:
            tokens = tokens[1:]  # a name on the left is already an actor ("Islamic State militants")
        if not tokens:
            return
        # Armed members of a named group: "Houthi militants", "US-backed Syrian Democratic Forces fighters".
        last_claimed = max((n for n, t in enumerate(full) if self.claimed[t.idx]), default=-1)
        rest = full[last_claimed + 1:]
        if last_claimed >= 0 and rest and self.members_of_named(rest[0], head, rest):
            return
        # "The Iran-backed group", "US-backed Iraqi forces": the patron stays inside the mention (it is no
        # actor of the event) and gives the actor no country.
        own = tokens[self.backer_end(tokens):]
        matches = self.agents.match(word_forms(tokens))
        head_match = next((m for m in matches if m.end == len(tokens)), None)
        if head_match is None:
            self.named_group_again(tokens, head)
            return
        if self.person_in_apposition(head, tokens, head_match.agent):
            return
        if len(tokens) == 1 and head.tag_ == "NN" and head_match.agent.type != "organization" and \
                not (head.dep_ == "compound" and head_match.agent.type == "group"):
            return  # a bare singular noun ("in force", a title before a name) is not a reference
        start, end = tokens[0].idx, token_end(head)
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
        # A person word used as an adjective names no one: "an official newspaper" is a newspaper.
        matches = [m for m in matches if not (m.agent.type == "person" and m.end - m.start == 1
                                              and m.end < len(tokens) and tokens[m.start].pos_ == "ADJ")]
        sector = self.description_sector(matches, agent, extension)
        countries = self.countries.countries_in(own)
        country = countries[0] if len(countries) == 1 else self.countries.of_country(head) if not countries else None
        former = any(m.agent.type == "modifier" and m.agent.sector == "ELI" for m in matches)
        determiner = tokens[0].lower_
        definite = determiner in DEFINITE
        indefinite = determiner in INDEFINITE
        plural = head.tag_ in ("NNS", "NNPS") or (head.lemma_.lower() != head.lower_ and head.lower_.endswith("s"))
        mention_end = token_end(extension[-1]) if extension else end
        named_start = tokens[1].idx if (definite or indefinite) and len(tokens) > 1 else start
        lemma = head.lemma_.lower()
        # The country's government itself.
        if lemma in GOVERNMENT_HEADS and country and not former:
            cluster = self.countries.country_cluster(country)
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
                [t for t in tokens if t.lower_ not in DEFINITE]) <= 2:
            person = self.latest_person(agent.role, start)
            if person is not None:
                self.add_mention(person, start, end)
                return
        # "its forces", "their fighters": the possessor's own armed members are the possessor; other
        # possessed descriptions take the possessor's country ("Russia said its troops ...").
        if determiner in _POSSESSIVES and not country:
            possessor = self.possessor(determiner, head)
            if possessor is not None and possessor.kind == "group" and possessor.head is None and \
                    possessor.sector in _ARMED_SECTORS and agent.sector in _ARMED_SECTORS:
                self.add_mention(possessor, start, mention_end)
                return
            if possessor is not None and possessor.country and len(possessor.country) == 3:
                country = possessor.country
            # "their leaders", "its spokesman": the possessor's own people, in the possessor's sector.
            if possessor is not None and possessor.sector and agent.phrase in _SPEAKERS_FOR:
                sector = possessor.sector
        # A definite description refers back: "the two officials", "the militants", "the force".
        if definite and not country:
            previous = self.latest_with_head(lemma, agent, start)
            if previous is None and agent.type == "group" and agent.sector in _ARMED_SECTORS:
                # "the militia", "the rebels": the latest named armed group, when no description came first
                previous = self.latest_armed_group(head, start)
            if previous is not None:
                self.add_mention(previous, start, mention_end)
                return
        name = self.text[named_start:mention_end]
        kind = _description_kind(agent, plural)
        anonymous = agent.type == "person" and (agent.sector is None or self.used_as_source(head, start,
                                                                                                mention_end))
        cluster = Cluster(f"desc:{country}:{lemma}:{sector}:{former}", name, kind, country,
                           "ELI" if former else sector, agent.phrase if agent.type == "person" else None,
                           anonymous=anonymous, confidence=0.6, head=lemma, role_family=agent.role, plural=plural)
        if not indefinite and (plural or kind == "organization"):
            cluster = self.cluster(cluster.key, cluster) or cluster
        else:
            self.new_cluster(cluster)
        self.add_mention(cluster, start, mention_end)

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
            start = tokens[1].idx if tokens[0].lower_ in DEFINITE | INDEFINITE and len(tokens) > 1 else tokens[0].idx
            # "A spokesman for China's foreign ministry, Mao Ning": the affiliation is part of the role.
            affiliation = next((list(c.subtree) for c in head.rights if c.dep_ == "prep" and c.i < child.i
                                and c.lower_ in ("for", "of", "at", "with")), [])
            role = [t for t in tokens if t.lower_ not in DEFINITE | INDEFINITE] + affiliation
            context = Context()
            self.people.read_role(role, context)
            if not person.role or person.kb_id is None:
                self.people.apply_context(person, context)
            self.people.claim_role_words([t for t in tokens if start <= t.idx] + affiliation)
            return True
        return False

    def kb_description(self, tokens: list[Token]) -> bool:
        determiner = tokens[0].lower_ in DEFINITE | INDEFINITE
        named = tokens[1:] if determiner and len(tokens) > 1 else tokens
        start, end = named[0].idx, token_end(named[-1])
        hits = [e for e, _ in self.kb.exact(self.text[start:end]) if e.kind in NAMED_KINDS]
        if len(hits) != 1 or not self.free(tokens[0].idx, end):
            return False
        entity = hits[0]
        cluster = self.cluster(entity.id, Cluster(entity.id, entity.name, entity.kind, entity.country,
                                                   entity.sector, entity.role, entity.id, confidence=0.9))
        if cluster is not None:
            self.claim(tokens[0].idx, start)
            self.add_mention(cluster, start, end)
        return True

    def used_as_source(self, head: Token, start: int, end: int) -> bool:
        """Whether a described person is an unnamed source: "according to US officials", "the officials
        said", "officials, who declined to be named"."""
        verb = head.head
        if head.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in self.knowledge.sourcing.verbs:
            return True
        sentence = head.sent
        window = self.text[max(sentence.start_char, start - 20):min(sentence.end_char, end + 60)].lower()
        return any(phrase in window for phrase in self.knowledge.sourcing.phrases)

    def latest_named(self, sector: str, country: str | None, before: int) -> Cluster | None:
        return self.latest_mentioned(
            lambda c: c.head is None and c.kind in ("organization", "group") and c.sector == sector
            and (country is None or c.country in (None, country)), before)

    def description_sector(self, matches: list[AgentMatch], head: Agent, extension: list[Token]) -> str | None:
        """The sector of a description: the leftmost sector word ("opposition leader" -> OPP), else the head's;
        ``armed`` makes an unaligned armed group of a phrase without another sector."""
        sectors = [m.agent.sector for m in matches if m.agent.type != "modifier" and m.agent.sector]
        sector = sectors[0] if sectors else None
        if sector is None and extension:
            inner = [m.agent.sector for m in self.agents.match(word_forms(extension)) if m.agent.sector]
            sector = inner[0] if inner else None
        if sector in (None, "CVL") and any(m.agent.type == "modifier" and m.agent.sector == "UAF" for m in matches):
            sector = "UAF"
        return sector

    def latest_person(self, role: str, before: int) -> Cluster | None:
        return self.latest_mentioned(
            lambda c: c.kind == "person" and bool(c.mentions) and not c.anonymous
            and roles_compatible(role, c.role_family) is True, before)

    def latest_with_head(self, lemma: str, agent: Agent, before: int) -> Cluster | None:
        return self.latest_mentioned(lambda c: c.head == lemma, before)



def _description_kind(agent: Agent, plural: bool) -> str:
    if agent.type == "organization":
        return "organization"
    if agent.type == "person" and not plural:
        return "person"
    return "group"
