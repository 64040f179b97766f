"""Event locations: each event gets the place its sentence names.

Runs after the events stage. For every event without a location, the places of
``article.places`` inside the event's sentence are ranked:

1. the object of a locative preposition ("in/near/at X") attached to the trigger
   or to one of the trigger's own dependents ("stormed a base near X");
2. a place the trigger governs directly ("gunmen stormed Mosul") or through
   "from/to" ("withdrew from Iraq");
3. any other locative-preposition place of the sentence;
4. any other place of the sentence that is not the trigger's subject or a
   modifier of a noun ("US troops", "Iraqi forces" name actors, not sites).

Ties go to the place nearest the trigger. A sentence naming no usable place
falls back to the article's dominant place (the most mentioned one, counting
only mentions that are not noun modifiers or subjects, when it is mentioned at
least twice and more often than any other); otherwise null. A location already
set by an earlier stage is kept.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import replace

from spacy.tokens import Doc, Token

from eventwire.model import Article, Event, Place
from eventwire.pipeline import PipelineConfig

LOCATIVE_PREPOSITIONS = frozenset({"in", "near", "at", "inside", "outside", "around", "across", "throughout",
                                   "within", "into", "along", "over", "off", "on"})
DIRECTIONAL_PREPOSITIONS = frozenset({"from", "to", "toward", "towards"})
# Dependency relations of a place that names an actor or a quality, not where something happened.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "poss"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})


class EventLocationStage:
    """Fill ``event.location`` for the events of an article."""

    name = "event_locations"

    @classmethod
    def from_config(cls, config: PipelineConfig) -> EventLocationStage:
        return cls()

    def __call__(self, article: Article, doc: Doc) -> None:
        if not article.events:
            return
        dominant = dominant_place(article.places, doc)
        # Places by start offset, so each event ranks only the places of its sentence (scanning all of them
        # for every event was quadratic on long documents); kept in article order, as locate's ties expect.
        indexed = sorted((p.start, i) for i, p in enumerate(article.places) if p.start is not None)
        starts = [start for start, _ in indexed]
        for event in article.events:
            if event.location is None:
                low, high = bisect_left(starts, event.sentence[0]), bisect_right(starts, event.sentence[1])
                inside = [article.places[i] for i in sorted(i for _, i in indexed[low:high])]
                place = self.locate(event, inside, doc)
                chosen = place or dominant
                event.location = replace(chosen) if chosen else None

    def locate(self, event: Event, places: list[Place], doc: Doc) -> Place | None:
        """The place the event's sentence names for it, or None."""
        start, end = event.sentence
        trigger = _root(doc, event.trigger.start, event.trigger.end)
        ranked: list[tuple[int, int, Place]] = []
        for place in places:
            if place.start is None or place.end is None or place.lat is None:
                continue
            if not (start <= place.start and place.end <= end):
                continue
            token = _root(doc, place.start, place.end)
            if token is None or trigger is None:
                continue
            level = _level(token, trigger)
            if level is not None:
                ranked.append((level, abs(token.i - trigger.i), place))
        if not ranked:
            return None
        ranked.sort(key=lambda item: (item[0], item[1]))
        return ranked[0][2]


def _level(token: Token, trigger: Token) -> int | None:
    # Climb through appositions and conjunctions: "in Pandi, Bulacan", "in Iraq and Syria".
    while token.dep_ in ("appos", "conj") and token.head is not token:
        token = token.head
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        preposition = head.lower_
        attached = head.head
        if preposition in LOCATIVE_PREPOSITIONS:
            if attached == trigger or attached.head == trigger:
                return 1
            return 3
        if preposition in DIRECTIONAL_PREPOSITIONS and attached == trigger:
            return 2
    if token.dep_ in MODIFIER_DEPS:
        return None
    if head == trigger:
        return None if token.dep_ in SUBJECT_DEPS else 2
    return 4


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def dominant_place(places: list[Place], doc: Doc | None = None) -> Place | None:
    """The article's most mentioned resolved place, when it is unambiguous (≥ 2 mentions, no tie).

    With the parse, mentions that name an actor rather than a site are not counted: noun
    modifiers ("US troops") and subjects ("the United States has ...").
    """
    counts: Counter[tuple[object, str]] = Counter()
    first: dict[tuple[object, str], Place] = {}
    for place in places:
        if place.lat is None:
            continue
        if doc is not None and place.start is not None and place.end is not None:
            token = _root(doc, place.start, place.end)
            while token is not None and token.dep_ in ("appos", "conj") and token.head is not token:
                token = token.head
            if token is not None and (token.dep_ in MODIFIER_DEPS or token.dep_ in SUBJECT_DEPS):
                continue
        key = (place.geonameid, place.name)
        counts[key] += 1
        first.setdefault(key, place)
    ranking = counts.most_common(2)
    if not ranking or ranking[0][1] < 2 or (len(ranking) > 1 and ranking[1][1] == ranking[0][1]):
        return None
    return first[ranking[0][0]]
