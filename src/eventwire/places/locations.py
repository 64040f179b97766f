"""Event locations: each event gets the place its own clause or sentence names, and nothing borrowed.

Runs after the events stage. For every event without a location, the places of
``article.places`` inside the event's sentence are ranked:

1. the object of a locative preposition ("in/near/at X") attached to the trigger
   or to one of the trigger's own dependents ("stormed a base near X");
2. a place the trigger governs directly ("gunmen stormed Mosul") or through
   "from/to" ("withdrew from Iraq");
3. any other locative-preposition place of the sentence;
4. any other place of the sentence.

Levels 1 and 2 are the event's own clause; a place of level 3 or 4 is taken from
elsewhere in the sentence and marked ``inherited``. Never a location: a place
that names an actor rather than a site — a subject ("Moscow said", "the United
States has ..."), a noun modifier ("US troops"), the "of" of a title ("the
governor of Illinois"), a capital or country standing for its government — nor a
party ("talks with Brussels", "sanctions by Washington"). Ties go to the place
nearest the trigger.

A sentence naming no usable place gets one only through an explicit link:
"there" attached to the trigger, or "in the city/town/capital/country/..."
— the latest earlier place of a fitting kind, marked ``inherited``. Otherwise
the location stays null: an event never takes the article's main place or its
dateline by default. A location already set by an earlier stage is kept.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import cache

from spacy.tokens import Doc, Span, Token

from eventwire.config import PipelineConfig
from eventwire.model import Article, Event, Place
from eventwire.places.gazetteer import Gazetteer
from eventwire.places.tables import read_table, read_words

LOCATIVE_PREPOSITIONS = frozenset({"in", "near", "at", "inside", "outside", "around", "across", "throughout",
                                   "within", "into", "along", "over", "off", "on", "through"})
DIRECTIONAL_PREPOSITIONS = frozenset({"from", "to", "toward", "towards"})
# Prepositions whose object is a party to the event, not its site.
PARTY_PREPOSITIONS = frozenset({"with", "between", "by", "for", "about", "among"})
# Dependency relations of a place that names an actor or a quality, not where something happened.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "poss"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "agent"})
# Levels of the event's own clause; the others are inherited from the rest of the sentence.
OWN_CLAUSE_LEVELS = frozenset({1, 2})


class EventLocationStage:
    """Fill ``event.location`` for the events of an article."""

    name = "event_locations"

    def __init__(self) -> None:
        # "in the city" → the kinds of place the noun can refer back to.
        self._anaphors: dict[str, frozenset[str]] = {
            noun.lower(): frozenset(kinds.split("|")) for noun, kinds in read_table("place_anaphors.tsv")}
        self._agent_verbs = read_words("agent_verbs.txt")
        # "in Sagaing region", "on Rustaveli avenue": the generic word heads the phrase, the name modifies it.
        self._generic = frozenset(word.lower() for word, position, _ in read_table("markers.tsv")
                                  if position == "after")

    @classmethod
    def from_config(cls, config: PipelineConfig) -> EventLocationStage:
        return cls()

    def __call__(self, article: Article, doc: Doc) -> None:
        if not article.events:
            return
        usable = [p for p in article.places if self._usable(p, doc)]
        # Places by start offset, so each event ranks only the places of its sentence (scanning all of them
        # for every event was quadratic on long documents); kept in article order, as locate's ties expect.
        indexed = sorted((p.start, i) for i, p in enumerate(usable) if p.start is not None)
        starts = [start for start, _ in indexed]
        for event in article.events:
            if event.location is not None:
                continue
            low, high = bisect_left(starts, event.sentence[0]), bisect_right(starts, event.sentence[1])
            inside = [usable[i] for i in sorted(i for _, i in indexed[low:high])]
            found = self.locate_level(event, inside, doc)
            if found is not None:
                level, place = found
                event.location = replace(place, inherited=level not in OWN_CLAUSE_LEVELS)
                continue
            linked = self._linked(event, usable, doc)
            event.location = replace(linked, inherited=True) if linked is not None else None

    def locate(self, event: Event, places: list[Place], doc: Doc) -> Place | None:
        """The place the event's sentence names for it, or None."""
        found = self.locate_level(event, places, doc)
        return found[1] if found is not None else None

    def locate_level(self, event: Event, places: list[Place], doc: Doc) -> tuple[int, Place] | None:
        """The place the event's sentence names for it, with its level (1-4, see the module docstring)."""
        start, end = event.sentence
        trigger = _root(doc, event.trigger.start, event.trigger.end)
        if trigger is None:
            return None
        ranked: list[tuple[int, int, Place]] = []
        for place in places:
            if place.start is None or place.end is None or place.lat is None:
                continue
            if not (start <= place.start and place.end <= end):
                continue
            token = _root(doc, place.start, place.end)
            if token is None:
                continue
            if token.dep_ == "compound" and token.head.lower_ in self._generic:
                token = token.head
            level = _level(token, trigger)
            if level is not None:
                ranked.append((level, abs(token.i - trigger.i), place))
        if not ranked:
            return None
        ranked.sort(key=lambda item: (item[0], item[1]))
        return ranked[0][0], ranked[0][2]

    def _usable(self, place: Place, doc: Doc) -> bool:
        """A resolved place that may be a site: not a capital or country speaking or acting for its
        government ("Moscow said", "Washington and Baghdad are negotiating")."""
        if place.start is None or place.end is None or place.lat is None:
            return False
        token = _root(doc, place.start, place.end)
        return token is None or not self._agent(token)

    def _agent(self, token: Token) -> bool:
        """The subject (or a conjoined subject) of a verb of speech or action: "Moscow said", "Washington and
        Baghdad are negotiating"."""
        while token.dep_ == "conj" and token.head is not token:
            token = token.head
        return token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() in self._agent_verbs

    def _linked(self, event: Event, places: list[Place], doc: Doc) -> Place | None:
        """The earlier place an explicit link in the event's clause points to: "there", "in the city"."""
        trigger = _root(doc, event.trigger.start, event.trigger.end)
        if trigger is None:
            return None
        kinds: frozenset[str] | None = None
        for child in (*trigger.children, *(c for h in (trigger.head,) for c in h.children if h is not trigger)):
            if child.lower_ == "there" and child.dep_ == "advmod":
                kinds = frozenset({"any"})
                break
            if child.dep_ == "prep" and child.lower_ in LOCATIVE_PREPOSITIONS:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.lemma_.lower() in self._anaphors and any(
                            d.lower_ in ("the", "this", "that") for d in obj.children):
                        kinds = self._anaphors[obj.lemma_.lower()]
                        break
            if kinds:
                break
        if not kinds:
            return None
        before = [p for p in places if p.end is not None and p.end <= event.sentence[0]]
        for place in reversed(before):
            if "any" in kinds or _kind(place) in kinds:
                return place
        return None


def _kind(place: Place) -> str:
    """A coarse kind of a resolved place: country, admin1 or city (enough to follow "the city", "the country")."""
    if place.geonameid is not None and place.geonameid in _country_ids():
        return "country"
    if place.admin1 is not None and place.admin1 == place.name:
        return "admin1"
    return "city"


@cache
def _country_ids() -> frozenset[int]:
    return frozenset(c.geonameid for c in Gazetteer.load().countries.values() if c.geonameid is not None)


def _level(token: Token, trigger: Token) -> int | None:
    # Climb through appositions and conjunctions: "in Pandi, Bulacan", "in Iraq and Syria".
    while token.dep_ in ("appos", "conj") and token.head is not token:
        token = token.head
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        preposition = head.lower_
        attached = head.head
        if preposition in LOCATIVE_PREPOSITIONS:
            if _within_clause(attached, trigger):
                return 1
            return None if _title_of(head) else 3
        if preposition in DIRECTIONAL_PREPOSITIONS and attached == trigger:
            return 2
        if preposition == "of" and attached.pos_ in ("NOUN", "PROPN") and attached != trigger:
            return None  # "the governor of Illinois", "the people of Gaza": an attribute, not a site
        if preposition in PARTY_PREPOSITIONS:
            return None  # "talks with Brussels", "a deal between Kyiv and Moscow", "sanctions by Washington"
    if token.dep_ in MODIFIER_DEPS or token.dep_ in SUBJECT_DEPS:
        return None
    if head == trigger:
        return 2
    return 4


def _within_clause(word: Token, trigger: Token) -> bool:
    """``word`` is the trigger or sits in its objects and complements, a few steps down, not in its subject
    ("detained dozens of protesters on Rustaveli Avenue", "an air strike on a village in Sagaing")."""
    for _ in range(5):
        if word == trigger:
            return True
        if word.dep_ in SUBJECT_DEPS or word.head is word:
            return False
        word = word.head
    return False


def _title_of(preposition: Token) -> bool:
    """"in" that belongs to a noun phrase naming an actor ("the US ambassador in Baghdad")."""
    return preposition.head.pos_ in ("NOUN", "PROPN") and preposition.head.dep_ in SUBJECT_DEPS


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span: Span | None = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None
