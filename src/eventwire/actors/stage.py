"""The actor stage: named and described actors, coreferenced and resolved against the KB.

One pass per article, in this order (a stretch of text claimed by an earlier step is never
claimed again, so every reference is a mention of exactly one actor):

0. the dateline's outlet; names of ships and weapons ("the MV Tutor", "Patriot missiles"), claimed so
   that nothing makes an actor of them (:mod:`eventwire.actors.objects`);
1. KB names, with one multi-pattern automaton over the text (armed groups, IGOs, national
   institutions, multi-word names of people): spaCy misses or mislabels many ("Daesh",
   "Houthis" as a PERSON);
2. people (spaCy PERSON entities): the title ("US Defense Secretary") and appositive ("a former US
   ambassador to Iraq") give role, sector and country and are claimed with the person, except the
   names inside them ("US", "Iraq", "NATO"), which stay mentions of their own actors; a shorter
   form of a name already met ("Jeffrey") joins that person; otherwise the name is resolved in the
   KB with the role, country and publication date as context (:mod:`eventwire.actors.resolve`);
   then surnames spaCy did not tag ("al-Ibadi") join the person; a nationality noun used as a surname
   ("Turk said", for Volker Türk) is the person;
3. organisations and places named by spaCy (ORG, LOC, FAC, GPE that are not countries); a place spaCy
   calls an organisation or a person ("the city of El Fasher", "in Meerut") is a location;
4. descriptions: noun phrases whose head is an agent word ("US officials", "Iraqi forces",
   "armed militants", "the two officials", "a source close to the ministry"); a country's
   government ("the Iraqi government") joins the country; a definite description refers back
   ("the militants", "the US newspaper"); a title alone ("the minister") joins the latest person
   with a fitting role; an "X-backed" patron stays inside the mention and gives no country, also before
   a named group ("the Iran-backed Houthis"); "its forces" is the possessor;
5. countries, nationalities, capitals and peoples, named by spaCy or found by the country
   automaton (datelines in capitals): a capital that is not a place ("Washington and Baghdad are
   negotiating") or a country that acts stands for its government (sector GOV);
6. pronouns (outside quotations) join the subject of their governing clause, else the nearest preceding
   compatible actor: he/she a person, they/them/their a group, it (as the subject of an action) a
   country, organisation or group.

Each step is a module over one per-article :class:`~eventwire.actors.index.ArticleIndex` built once:
:mod:`~eventwire.actors.people` (1, 2 and the final surname merge), :mod:`~eventwire.actors.countries`
(3, 5), :mod:`~eventwire.actors.descriptions` (4), :mod:`~eventwire.actors.pronouns` (6) and
:mod:`~eventwire.actors.objects` (0); this module runs them in order and writes the actors. The index's
``cased`` text is the parse's (case-restored for lower-case articles): steps read letter case there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from eventwire.actors.agents import AgentTable, load_agents, load_sourcing
from eventwire.actors.countries import Countries
from eventwire.actors.descriptions import Descriptions
from eventwire.actors.index import NO_PLACE_NAMES, ArticleIndex, Cluster, day
from eventwire.actors.kb import KnowledgeBase, cached_kb, default_user_kb
from eventwire.actors.objects import Objects
from eventwire.actors.people import People
from eventwire.actors.pronouns import Pronouns
from eventwire.actors.resolve import Resolver
from eventwire.actors.scan import AliasScanner
from eventwire.model import Actor, Article

if TYPE_CHECKING:
    from eventwire.actors.index import PlaceNames

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})

__all__ = ["ENTITY_LABELS", "ActorStage", "day"]
# The name ``eventwire kb lookup`` imports the publication-day helper by.
_day = day


class ActorStage:
    """Finds actors in an article and writes them to ``article.actors`` (ids a1, a2, ... by first mention)."""

    name = "actors"

    def __init__(self, kb: KnowledgeBase, agents: AgentTable | None = None,
                 place_names: Callable[[], PlaceNames] | None = None) -> None:
        self.kb = kb
        self.agents = agents if agents is not None else load_agents()
        self.resolver = Resolver(kb, self.agents)
        self.scanner = AliasScanner(kb)
        self.sourcing = load_sourcing()
        # How to get the place names that rule out a place as a misspelt country ("Columbia"): the pipeline
        # hands in the places gazetteer, so the actors package never imports the places package.
        self._place_names = place_names

    @cached_property
    def gazetteer(self) -> PlaceNames:
        """The place names known to the pipeline (none when the stage runs without them)."""
        return self._place_names() if self._place_names is not None else NO_PLACE_NAMES

    @classmethod
    def from_config(cls, config: object, place_names: Callable[[], PlaceNames] | None = None) -> ActorStage:
        """The stage with the shipped KB plus the user KB (``config.kb``, $EVENTWIRE_KB or the default)."""
        user_kb = getattr(config, "kb", None)
        directory = Path(str(user_kb)).expanduser() if user_kb else default_user_kb()
        return cls(cached_kb((str(directory),)), load_agents([directory]), place_names)

    def __call__(self, article: Article, doc: Doc) -> None:
        clusters = self.find(article, doc)
        ordered = sorted((c for c in clusters if c.mentions), key=lambda c: c.first)
        article.actors.extend(
            Actor(id=f"a{i}", name=c.name, kind=c.kind, country=c.country, sector=c.sector, role=c.role,
                  kb_id=c.kb_id, anonymous=c.anonymous, mentions=sorted(c.mentions, key=lambda m: m.start),
                  confidence=round(c.confidence, 2))
            for i, c in enumerate(ordered, 1))

    def find(self, article: Article, doc: Doc) -> list[Cluster]:
        """The steps in order over one index; a stretch of text claimed by a step is never claimed again."""
        index = ArticleIndex(article.text, doc, article.published)
        countries = Countries(self, index)
        people = People(self, index, countries)
        descriptions = Descriptions(self, index, people, countries)
        countries.dateline_outlet()
        # Ships and weapons first: spaCy calls them organisations and people, and they never act.
        objects = Objects(self, index)
        ents = [ent for ent in doc.ents if ent.label_ in ENTITY_LABELS and not objects.claim_object(ent)]
        # KB names first: spaCy may split or mislabel them ("Houthis" as a PERSON).
        people.scanned_names()
        others = [ent for ent in ents if ent.label_ != "PERSON"]
        for ent in ents:
            if ent.label_ == "PERSON" and not people.person(ent):
                others.append(ent)  # a country or a KB organisation that spaCy called a person
        people.surname_mentions()
        # Organisations and places before descriptions, so descriptions can refer back to them ("the US
        # newspaper"); countries and nationalities after, so descriptions keep their modifiers ("US officials").
        later = []
        for ent in sorted(others, key=lambda e: e.start):
            if people.surname(ent):
                continue  # "Turk said": a surname, not Turkey
            if countries.origin_of(ent) or (ent.label_ == "ORG" and descriptions.generic_org(ent)):
                later.append(ent)
            else:
                countries.named(ent)
        descriptions.descriptions()
        descriptions.patrons()
        for ent in later:
            countries.named(ent)
        countries.scanned_countries(person=people.surname)
        Pronouns(self, index).pronouns()
        people.merge_surnames()
        for cluster in index.clusters:
            if cluster.kind == "country" and cluster.governs:
                cluster.sector = "GOV"
        return index.clusters
