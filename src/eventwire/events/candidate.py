"""What a coder returns: event candidates with their parties and modality, before the stage dates,
scores and numbers them. Shared by the built-in coder and the PETRARCH-dictionary coder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Doc, Token

from eventwire.events.lexicon import Entry
from eventwire.model import DOUBTFUL_CONFIDENCE, Article, Party

# Verbal acts about another act ("demanded that Israel ease ...", "rejected calls to ..."): they absorb
# the act they are about, which is not coded as a separate event.
SPEECH_ACTS = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "AGREE"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
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
    # False when the coder leaves modality to the events stage (the PETRARCH-dictionary coder).
    modality_known: bool = True
    # The source is implied by the text, not named ("were arrested" -> the police of the country).
    implied_source: bool = False
    # The source is the unidentified armed force of the place where unattributed violence happened.
    unattributed: bool = False
    # Why the candidate is doubtful as a political event ("hazard": a natural or accidental cause).
    doubt: str | None = None


def confidence(cand: Candidate) -> float:
    """How sure the coder is of a candidate: named parties, a verbal trigger and a main clause raise it;
    weak senses, negation, condition, implied actors and non-political causes lower it."""
    score = 0.45
    if any(p.code for p in cand.source):
        score += 0.2
    elif cand.source:
        score += 0.1
    if any(p.code for p in cand.target):
        score += 0.15
    elif cand.target:
        score += 0.05
    if cand.entry.pos == "V":
        score += 0.1
    if cand.entry.has("weak"):
        score -= 0.15
    if cand.modality.negated or cand.modality.conditional:
        score -= 0.05
    if cand.implied_source:
        score -= 0.15
    # The main clause's event is the sentence's event; embedded ones are less certain.
    depth = sum(1 for _ in cand.token.ancestors)
    score -= 0.02 * min(depth, 5)
    if cand.entry.pos == "V" and cand.token.dep_ in ("acl", "relcl", "pcomp") and not cand.via_light:
        # A participle or relative clause describing a party ("workers marching on the secretariat", "forces
        # backed by air strikes", "accusing him of supporting ...") is not what the sentence reports.
        score -= 0.1
    if cand.doubt:
        # Below DOUBTFUL: default views and exports leave such events out.
        return round(max(0.05, min(score, DOUBTFUL - 0.1)), 2)
    return round(max(0.05, min(0.95, score)), 2)


# Events below this confidence are doubtful (a storm that "killed", a "strike" of lightning): the contract's
# threshold, under which default views and exports leave events out.
DOUBTFUL = DOUBTFUL_CONFIDENCE


class EventCoder(Protocol):
    """The one coder interface of the events stage: candidates for one sentence (token range) of a doc."""

    def code(self, article: Article, doc: Doc, bounds: tuple[int, int]) -> list[Candidate]: ...
