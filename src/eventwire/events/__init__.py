"""Events: PLOVER/CAMEO event coding with modality, dates and scores.

``EventStage`` runs after the actor, place and quote stages. Sentence by sentence it asks its
coder for candidates (the one coder interface, :class:`~eventwire.events.candidate.EventCoder`:
the built-in lexicon coder of :mod:`eventwire.events.coder`, or the PETRARCH-dictionary coder
with ``--dictionaries``), adds the modality the coder left open, dates each event from the
sentence's time expressions resolved against the publication date (:mod:`eventwire.time`),
links events inside a quote to that quote (``reported_by``), and scores them from the CAMEO
authority (:mod:`eventwire.events.cameo`: Goldstein value, quad class). Negated and hypothetical
events are kept and flagged. Event locations are left to the event-location stage.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from eventwire.events import cameo
from eventwire.events.candidate import Candidate, EventCoder
from eventwire.events.coder import Coder
from eventwire.events.lexicon import Lexicon, default_lexicon
from eventwire.model import Article, Event, Span
from eventwire.nlp.parse import sentences
from eventwire.time import TimeExpression, find_times, shift


def _country_lookup() -> Callable[[str], str | None] | None:
    """The actor knowledge base's country-name lookup, when the actors package provides one."""
    try:
        from eventwire.actors.kb import cached_kb
    except ImportError:  # the actors stage is optional for the coder
        return None
    kb = cached_kb(())

    def lookup(text: str) -> str | None:
        found = kb.country_of(text)
        return found[0] if found else None

    return lookup


class EventStage:
    """Writes ``article.events`` (ids e1, e2, ... in text order)."""

    name = "events"

    def __init__(self, lexicon: Lexicon | None = None, country_of: Callable[[str], str | None] | None = None,
                 coder: EventCoder | None = None, event_model: bool = True) -> None:
        self.lexicon = lexicon or default_lexicon()
        # The grammar of the built-in coder also gives modality to candidates of coders that leave it open.
        self._grammar = Coder(self.lexicon, country_of)
        self.coder: EventCoder = coder or self._grammar
        # The trained event-type model (events/combine.py) judges the built-in coder's candidates;
        # a user's PETRARCH dictionaries are left to code on their own.
        self.combine: Callable[[Article, Doc, tuple[int, int], list[Candidate]], list[Candidate]] | None = None
        if event_model and coder is None:
            from eventwire.events.combine import Combiner

            self.combine = Combiner(self._grammar)

    @classmethod
    def from_config(cls, config: object) -> EventStage:
        directory = getattr(config, "dictionaries", None)
        if directory:
            # --dictionaries DIR: the user's PETRARCH/CAMEO dictionaries code the candidates; this stage
            # still dates, scores and numbers them.
            from eventwire.petrarch.coder import load_coder

            return cls(default_lexicon(), coder=load_coder(str(directory)))
        return cls(default_lexicon(), _country_lookup(), event_model=getattr(config, "event_model", True))

    def __call__(self, article: Article, doc: Doc) -> None:
        article.events.extend(self.events(article, doc))

    def events(self, article: Article, doc: Doc) -> list[Event]:
        """The article's events (ids continue after any it already has)."""
        events: list[Event] = []
        first = len(article.events) + 1
        last_date: str | None = None  # the latest explicit date, for "then"
        # Sentences without events whose time expressions are not read yet: only an anchored expression
        # ("then", "two days later") of a later event needs their dates, so most are never read.
        unread: list[tuple[int, int]] = []
        for start, end in sentences(doc):
            if end <= start:
                continue
            s_start = doc[start].idx
            s_end = doc[end - 1].idx + len(doc[end - 1])
            cands = self._complete(self.coder.code(article, doc, (start, end)))
            if self.combine is not None:
                cands = self.combine(article, doc, (start, end), cands)
            if not cands:
                unread.append((s_start, s_end))
                continue
            times = find_times(article.text[s_start:s_end], article.published, offset=s_start)
            if unread and any(t.kind == "anchored" for t in times):
                for u_start, u_end in unread:
                    last_date = _latest_date(find_times(article.text[u_start:u_end], article.published,
                                                        offset=u_start), last_date)
                unread = []
            for cand in sorted(cands, key=lambda c: c.token.i):
                events.append(self._event(article, doc, cand, (s_start, s_end), times, events, last_date,
                                          first + len(events)))
            dated = _latest_date(times, None)
            if dated:
                last_date, unread = dated, []
        return events

    def _complete(self, cands: list[Candidate]) -> list[Candidate]:
        """Modality for candidates whose coder left it open (negation, condition, reported speech)."""
        for cand in cands:
            if not cand.modality_known:
                cand.modality = self._grammar.modality(cand.token, cand.entry.pos == "N")
                cand.modality_known = True
                if cand.modality.negated or cand.modality.conditional:
                    cand.confidence = round(max(0.05, cand.confidence - 0.05), 2)
        return cands

    def _event(self, article: Article, doc: Doc, cand: Candidate, sentence: tuple[int, int],
               times: list[TimeExpression], earlier: list[Event], last_date: str | None, number: int) -> Event:
        first, last = cand.trigger_tokens[0], cand.trigger_tokens[-1]
        start, end = first.idx, last.idx + len(last)
        goldstein, quad = cameo.score(cand.cameo)
        date, date_text = self._date(article, doc, cand.token, times, earlier, last_date)
        mod = cand.modality
        return Event(
            id=f"e{number}", event=cand.type, mode=cand.mode, cameo=cand.cameo, quad=quad, goldstein=goldstein,
            actor=cand.source, recipient=cand.target,
            trigger=Span(start, end, article.text[start:end]), sentence=sentence,
            date=date, date_text=date_text, location=None, negated=mod.negated,
            hypothetical=mod.conditional, reported_by=_quote_at(article, start),
            confidence=cand.confidence,
        )

    def _date(self, article: Article, doc: Doc, trigger: Token, times: list[TimeExpression],
              earlier: list[Event], last_date: str | None) -> tuple[str | None, str | None]:
        usable = [t for t in times if (t.value or t.kind == "anchored") and _governs(doc, trigger, t)]
        if not usable and _when_clause(trigger):
            # "in 2011, when US forces withdrew": the clause is dated by the expression it follows.
            usable = [t for t in times if (t.value or t.kind == "anchored") and t.end <= trigger.idx][-1:]
        if not usable:
            return article.published, None
        best = min(usable, key=lambda t: _distance(doc, trigger, t))
        if best.kind != "anchored":
            return best.value, best.text
        anchor = self._anchor(best, earlier, last_date)
        if anchor is None:
            return article.published, None
        years, months, days = best.offset
        return shift(anchor, years, months, days), best.text

    def _anchor(self, expression: TimeExpression, earlier: list[Event], last_date: str | None) -> str | None:
        """The date an anaphoric expression points to: the last earlier event the noun names, or the last date."""
        if expression.anchor_noun:
            senses = self.lexicon.senses("N", expression.anchor_noun) or self.lexicon.senses(
                "N", expression.anchor_noun.rstrip("s"))
            types = {s.type for s in senses}
            for event in reversed(earlier):
                if event.event in types and event.date_text:
                    return event.date
            return last_date if not types else None
        return last_date


def _latest_date(times: list[TimeExpression], last_date: str | None) -> str | None:
    """The last explicit date among a sentence's time expressions, else ``last_date``."""
    explicit = [t.value for t in times if t.value and t.kind == "absolute"]
    return explicit[-1] if explicit else last_date


def _governs(doc: Doc, trigger: Token, expression: TimeExpression) -> bool:
    """Whether a time expression belongs to the trigger's clause or to a clause above it."""
    span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
    if span is None:
        return False
    node = span.root
    for _ in range(12):
        if node.i == trigger.i or node.pos_ in ("VERB", "AUX"):
            break
        if node.head is node:
            break
        node = node.head
    return node.i == trigger.i or any(node.i == a.i for a in trigger.ancestors)


def _when_clause(trigger: Token) -> bool:
    node = trigger
    for _ in range(6):
        if any(c.lower_ in ("when", "as", "while", "after", "before") and c.dep_ in ("advmod", "mark")
               for c in node.children):
            return True
        if node.dep_ not in ("xcomp", "conj", "auxpass", "aux") or node.head is node:
            return False
        node = node.head
    return False


def _distance(doc: Doc, trigger: Token, expression: TimeExpression) -> tuple[int, int]:
    span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
    if span is None:
        return (99, abs(expression.start - trigger.idx))
    root = span.root
    trigger_path = [trigger, *trigger.ancestors]
    depth = {t.i: n for n, t in enumerate(trigger_path)}
    for steps, node in enumerate([root, *root.ancestors]):
        if node.i in depth:
            return (steps + depth[node.i], abs(expression.start - trigger.idx))
    return (99, abs(expression.start - trigger.idx))


def _quote_at(article: Article, offset: int) -> str | None:
    for quote in article.quotes:
        if quote.start <= offset < quote.end:
            return quote.id
    return None


__all__ = ["EventStage", "sentences"]
