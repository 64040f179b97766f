"""The magnitudes stage: linking each magnitude to its event, creating the event a clause reports, and
keeping one magnitude per kind and event."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc

from eventwire.events.magnitudes.lexicon import KINDS, Link, MagnitudeLexicon, default_lexicon
from eventwire.events.magnitudes.reader import Found, MagnitudeReader
from eventwire.model import Article, Event, Magnitude, Party, Span
from eventwire.nlp.parse import sentences

# Confidence of an event created from a casualty or arrest clause: the event is real, its parties mostly unknown.
CREATED_CONFIDENCE = 0.4
# An arrest (COERCE, mode arrest) takes arrest and detention figures only: the dead of the attack it follows are
# the attack's.
ARREST_KINDS = frozenset({"arrested", "detained"})
_LINK_ORDER = ("killed", "injured", "missing", "kidnapped", "arrested", "detained", "displaced", "participants")


class MagnitudeStage:
    """Adds ``magnitudes`` to the events of an article (and creates the ASSAULTs casualty clauses report)."""

    name = "magnitudes"

    def __init__(self, lexicon: MagnitudeLexicon | None = None) -> None:
        self.lex = lexicon or default_lexicon()
        self.reader = MagnitudeReader(self.lex)
        self.cue_classes = {cls: cues for cls, cues in self.lex.cues.items()
                            if cls in ("violent", "explosion", "accident", "protest")}
        # first word -> (cue, class), so a sentence is scanned once, not once per cue
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cls, cues in self.cue_classes.items():
            for cue in cues:
                self._by_first.setdefault(cue[0].split("/")[0], []).append((cue, cls))

    @classmethod
    def from_config(cls, config: object) -> MagnitudeStage:
        return cls()

    def __call__(self, article: Article, doc: Doc) -> None:
        ranges = [(s, e) for s, e in sentences(doc) if e > s]
        found: list[Found] = []
        for number, (start, end) in enumerate(ranges):
            found.extend(self.reader.read(doc, start, end, number))
        if not found:
            return
        bounds = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in ranges]
        by_sentence: dict[int, list[Event]] = {}
        starts = [b[0] for b in bounds]
        for event in article.events:
            index = bisect.bisect_right(starts, event.trigger.start) - 1
            if index >= 0:
                by_sentence.setdefault(index, []).append(event)
        cues = _SentenceCues(self, doc, ranges)
        attached: dict[str, list[Found]] = {}
        casualty_words = {item.token.i for item in found}
        events = {event.id: event for event in article.events}
        created: dict[tuple[int, str], Event] = {}
        followed: dict[int, list[Event]] = {}  # sentence -> the events its figures went to
        # Within a sentence the casualty figures choose the event first; displacement and crowds follow them, so a
        # secondary figure never creates an event that takes the casualties away from the attack they belong to.
        found.sort(key=lambda item: (item.sentence, _LINK_ORDER.index(item.kind), item.start))
        for item in found:
            here = cues[item.sentence]
            if "accident" in here and "violent" not in here and not item.violent:
                continue  # a flood, a crash, a gas explosion: not an event's magnitude
            event = self._link(item, doc, by_sentence, cues, created, article, bounds, casualty_words, followed)
            if event is None:
                continue
            followed.setdefault(item.sentence, []).append(event)
            events[event.id] = event
            attached.setdefault(event.id, []).append(item)
        for event_id, items in attached.items():
            events[event_id].magnitudes = resolve(items, article.text)

    def cues(self, doc: Doc, start: int, end: int) -> set[str]:
        """The cue classes present in a sentence ("violent", "explosion", "accident", "protest")."""
        words = [(t.lemma_.lower(), t.lower_, f"{t.lemma_.lower()}/{_POS_LETTER.get(t.pos_, 'X')}")
                 for t in doc[start:end]]
        found: set[str] = set()
        for i, (lemma, lower, _) in enumerate(words):
            for cue, cls in self._by_first.get(lemma, []) + (self._by_first.get(lower, []) if lower != lemma else []):
                if cls not in found and len(cue) <= len(words) - i and all(
                        w in words[i + k] for k, w in enumerate(cue)):
                    found.add(cls)
        return found

    @staticmethod
    def _violent(cues: set[str]) -> bool:
        return "violent" in cues or ("explosion" in cues and "accident" not in cues)

    def _link(self, item: Found, doc: Doc, by_sentence: dict[int, list[Event]], cues: _SentenceCues,
              created: dict[tuple[int, str], Event], article: Article, bounds: list[tuple[int, int]],
              casualty_words: set[int], followed: dict[int, list[Event]]) -> Event | None:
        link = self.lex.links.get(item.kind)
        if link is None:
            return None
        types = link.types
        same = self._fitting(by_sentence.get(item.sentence, []), types, item)
        if same:
            return min(same, key=lambda e: self._rank(e, item, doc, types, casualty_words))
        if (item.sentence, link.create) in created:
            return created[(item.sentence, link.create)]
        before = self._fitting(by_sentence.get(item.sentence - 1, []), types, item)
        if before:
            return min(before, key=lambda e: (types.index(e.event), e.trigger.start))
        # the story goes on: the event the sentence before gave its figures to ("Five were killed. Another two ...")
        told = self._fitting(followed.get(item.sentence - 1, []), types, item)
        if told:
            return told[0]
        if link.create and self._may_create(item, link, cues):
            event = self._create(item, link, article, bounds[item.sentence])
            created[(item.sentence, link.create)] = event
            by_sentence.setdefault(item.sentence, []).append(event)
            return event
        after = self._fitting(by_sentence.get(item.sentence + 1, []), types[:1], item)
        return after[0] if after else None

    def _may_create(self, item: Found, link: Link, cues: _SentenceCues) -> bool:
        here = cues[item.sentence]
        if link.cause == "protest":
            return "protest" in here and item.value > 0
        if link.cause != "violent":
            return item.value > 0
        if item.value == 0:
            # "the rocket attack caused no casualties": the attack is an event, with a toll of none
            return self._violent(here)
        return item.violent or self._violent(here) or (item.sentence > 0 and self._violent(cues[item.sentence - 1]))

    @staticmethod
    def _fitting(events: list[Event], types: tuple[str, ...], item: Found) -> list[Event]:
        fitting = [e for e in events if e.event in types and not e.hypothetical and (not e.negated or item.value == 0)
                   and not (e.mode == "arrest" and item.kind not in ARREST_KINDS)]
        if item.elsewhere:  # an earlier or later incident: only its own event
            fitting = [e for e in fitting if e.trigger.start <= item.token.idx < e.trigger.end]
        return fitting

    @staticmethod
    def _rank(event: Event, item: Found, doc: Doc, types: tuple[str, ...],
              casualty_words: set[int]) -> tuple[int, int, int]:
        token = item.token
        trigger = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        distance = abs(event.trigger.start - token.idx)
        if trigger is None:
            return (3, types.index(event.event), distance)
        root = trigger.root
        related = root.i != token.i and (root in token.ancestors or token in root.ancestors)
        if related and root.i not in casualty_words:
            rank = 0  # the attack the casualty clause depends on, or that depends on it
        elif root.i == token.i:
            rank = 1  # the casualty word itself was coded as the event
        else:
            rank = 2 if related else 3
        return (rank, types.index(event.event), distance)

    def _create(self, item: Found, link: Link, article: Article, sentence: tuple[int, int]) -> Event:
        token = item.token
        start, end = token.idx, token.idx + len(token)
        taken = {event.id for event in article.events}
        number = len(article.events) + 1
        while f"e{number}" in taken:
            number += 1
        goldstein, quad, mode = _score(link.cameo)
        recipient = []
        if item.victim is not None:
            v_start, v_end = item.victim
            actor = article.actor_at(v_start, v_end)
            recipient.append(Party(actor.id if actor else None, article.text[v_start:v_end],
                                   actor.country if actor else None, actor.sector if actor else None))
        event = Event(id=f"e{number}", event=link.create or "ASSAULT",
                      trigger=Span(start, end, article.text[start:end]), sentence=sentence, mode=mode,
                      cameo=link.cameo, quad=quad, goldstein=goldstein, recipient=recipient,
                      date=article.published, reported_by=_quote_at(article, start),
                      confidence=CREATED_CONFIDENCE)
        article.events.append(event)
        return event


# "storm/N" in the cue table matches the noun only (a storm, not "stormed the prison").
_POS_LETTER = {"NOUN": "N", "PROPN": "N", "VERB": "V", "AUX": "V", "ADJ": "A"}


class _SentenceCues:
    """The cue classes of each sentence, found when first asked for (most sentences state no magnitude)."""

    def __init__(self, stage: MagnitudeStage, doc: Doc, ranges: list[tuple[int, int]]) -> None:
        self.stage, self.doc, self.ranges = stage, doc, ranges
        self.cache: dict[int, set[str]] = {}

    def __getitem__(self, sentence: int) -> set[str]:
        if sentence not in self.cache:
            start, end = self.ranges[sentence]
            self.cache[sentence] = self.stage.cues(self.doc, start, end)
        return self.cache[sentence]


def _score(code: str | None) -> tuple[float | None, int | None, str | None]:
    """Goldstein value, quad class and PLOVER mode of a CAMEO code, from the events stage's CAMEO table."""
    try:
        from eventwire.events.cameo import lookup, score
    except ImportError:  # older layout: the lexicon scores codes
        from eventwire.events.lexicon import default_lexicon as event_lexicon

        goldstein, quad = event_lexicon().score(code)
        return goldstein, quad, None
    found = lookup(code)
    return (*score(code), found.mode if found else None)


def _quote_at(article: Article, offset: int) -> str | None:
    return next((q.id for q in article.quotes if q.start <= offset < q.end), None)


def resolve(items: list[Found], text: str) -> list[Magnitude]:
    """One magnitude per kind for an event: the highest toll, else the largest count plus the additional ones."""
    result: list[Magnitude] = []
    for kind in KINDS:
        mine = sorted((i for i in items if i.kind == kind), key=lambda i: i.start)
        if not mine:
            continue
        tolls = [i for i in mine if i.total]
        if tolls:
            best = max(tolls, key=lambda i: i.value)
            result.append(Magnitude(kind, best.value, best.at_least, Span(best.start, best.end,
                                                                          text[best.start:best.end])))
            continue
        base = [i for i in mine if not i.additive] or mine[:1]
        best = max(base, key=lambda i: i.value)
        extra = [i for i in mine if i.additive and i is not best]
        value = best.value + sum(i.value for i in extra)
        start = min([best.start, *(i.start for i in extra)])
        end = max([best.end, *(i.end for i in extra)])
        result.append(Magnitude(kind, value, best.at_least or any(i.at_least for i in extra),
                                Span(start, end, text[start:end])))
    return result


def event_magnitude(event: Event, kind: str) -> int | None:
    """The event's figure of one kind, or None."""
    return next((m.value for m in event.magnitudes if m.kind == kind), None)
