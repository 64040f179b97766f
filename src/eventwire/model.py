"""The data model: the JSON contract (docs/contract.md) as Python dataclasses.

Every pipeline stage reads and writes these types. ``to_dict`` gives the
contract's JSON object (field order as in the contract) and ``from_dict``
reads one back, rejecting objects that break the contract with a
:class:`~eventwire.errors.ContractError`. Character offsets are Python
``str`` indices into ``Article.text``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from eventwire.errors import ContractError

# The version of the JSON contract documented in docs/contract.md: the minor number grows when fields are
# added (readers of the old version keep working), the major number when a field changes meaning or goes.
# Events below this confidence are doubtful (a flood that "killed", a "strike" of lightning, a crime with no
# political actor): they stay in the article record, but default views, filters and event exports leave them out.
DOUBTFUL_CONFIDENCE = 0.3
CONTRACT_VERSION = "1.1"
ACTOR_KINDS: tuple[str, ...] = ("person", "organization", "country", "group", "location")
QUOTE_KINDS: tuple[str, ...] = ("direct", "indirect", "mixed")
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
    "MOBILIZE", "COERCE", "ASSAULT",
)
# Older PLOVER labels found in gold files, mapped to the current type and mode.
LEGACY_PLOVER_TYPES: dict[str, tuple[str, str | None]] = {
    "DEMAND": ("REQUEST", None),
    "DISAPPROVE": ("ACCUSE", None),
    "INVESTIGATE": ("ACCUSE", "investigate"),
    "FIGHT": ("ASSAULT", None),
}

T = TypeVar("T")


def _require(data: dict[str, Any], key: str, kind: str) -> Any:
    if key not in data:
        raise ContractError(f"{kind} object has no '{key}' field")
    return data[key]


@dataclass(slots=True)
class Span:
    """A stretch of the article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(int(_require(data, "start", "span")), int(_require(data, "end", "span")),
                   str(_require(data, "text", "span")))


# A mention of an actor is a span of the text.
Mention = Span


@dataclass(slots=True)
class Place:
    """A place named in the text, resolved to the gazetteer (GeoNames ids, ISO3 country, first-level division)."""

    name: str
    start: int | None = None
    end: int | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    # An event location taken from elsewhere in the sentence or through "there"/"in the city" (less certain).
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        values = {f.name: data.get(f.name) for f in fields(cls)} | {"name": _require(data, "name", "place")}
        values["inherited"] = bool(values["inherited"])  # absent in records older than contract 1.1
        return cls(**values)


@dataclass(slots=True)
class Actor:
    """A person, organisation, country, group or location acting in the article, with all its mentions."""

    id: str
    name: str
    kind: str = "organization"
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    kb_id: str | None = None
    anonymous: bool = False
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "country": self.country,
            "sector": self.sector, "role": self.role, "kb_id": self.kb_id,
            "anonymous": self.anonymous, "mentions": [m.to_dict() for m in self.mentions],
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        kind = data.get("kind", "organization")
        if kind not in ACTOR_KINDS:
            raise ContractError(f"actor kind {kind!r} is not one of {', '.join(ACTOR_KINDS)}")
        return cls(
            id=str(_require(data, "id", "actor")), name=str(_require(data, "name", "actor")), kind=kind,
            country=data.get("country"), sector=data.get("sector"), role=data.get("role"),
            kb_id=data.get("kb_id"), anonymous=bool(data.get("anonymous", False)),
            mentions=[Span.from_dict(m) for m in data.get("mentions", [])],
            confidence=float(data.get("confidence", 0.5)),
        )


@dataclass(slots=True)
class Quote:
    """Something a source said (direct, indirect or mixed), with its speaker, cue verb and channel."""

    id: str
    kind: str
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_text: str | None = None
    cue: str | None = None
    channel: str | None = None
    anonymous: bool = False
    confidence: float = 0.5
    # The quote's fragments, in text order: a split quote ("A," he said, "B.") or one running over several
    # paragraphs has several; start/end span them all. Empty means one fragment, (start, end) (older records).
    parts: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = [(self.start, self.end)]

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["parts"] = [{"start": s, "end": e} for s, e in self.parts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        kind = _require(data, "kind", "quote")
        if kind not in QUOTE_KINDS:
            raise ContractError(f"quote kind {kind!r} is not one of {', '.join(QUOTE_KINDS)}")
        values = {f.name: data.get(f.name) for f in fields(cls)}
        values["anonymous"] = bool(values["anonymous"])
        values["confidence"] = float(values["confidence"] if values["confidence"] is not None else 0.5)
        for key in ("id", "text", "start", "end"):
            _require(data, key, "quote")
        try:
            values["parts"] = [(int(p["start"]), int(p["end"])) for p in data.get("parts") or []]
        except (KeyError, TypeError, ValueError) as exc:
            raise ContractError(f"quote parts must be a list of {{start, end}} objects, got {data.get('parts')!r}"
                                ) from exc
        return cls(**values)


@dataclass(slots=True)
class Party:
    """One side of an event: an actor id (or null), its surface text, code and sector."""

    actor: str | None
    text: str
    code: str | None = None
    sector: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "text": self.text, "code": self.code, "sector": self.sector}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Party:
        return cls(data.get("actor"), str(data.get("text", "")), data.get("code"), data.get("sector"))


MAGNITUDE_KINDS: tuple[str, ...] = (
    "killed", "injured", "arrested", "detained", "kidnapped", "missing", "displaced", "participants",
)


@dataclass(slots=True)
class Magnitude:
    """How many people an event touched, and the words that say so ("at least 19 people" killed).

    ``value`` is a lower bound when ``at_least``; ``kind`` is one of :data:`MAGNITUDE_KINDS`.
    """

    kind: str
    value: int
    at_least: bool
    text: Span

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "at_least": self.at_least, "text": self.text.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Magnitude:
        kind = str(_require(data, "kind", "magnitude"))
        if kind not in MAGNITUDE_KINDS:
            raise ContractError(f"magnitude kind {kind!r} is not one of {', '.join(MAGNITUDE_KINDS)}")
        return cls(kind, int(_require(data, "value", "magnitude")), bool(data.get("at_least", False)),
                   Span.from_dict(_require(data, "text", "magnitude")))


@dataclass(slots=True)
class Event:
    """A PLOVER event: who did what to whom, when and where, traced to its trigger and sentence."""

    id: str
    event: str
    trigger: Span
    sentence: tuple[int, int]
    mode: str | None = None
    cameo: str | None = None
    quad: int | None = None
    goldstein: float | None = None
    actor: list[Party] = field(default_factory=list)
    recipient: list[Party] = field(default_factory=list)
    date: str | None = None
    date_text: str | None = None
    location: Place | None = None
    negated: bool = False
    hypothetical: bool = False
    reported_by: str | None = None
    confidence: float = 0.5
    # Written by the magnitudes stage; older records have none.
    magnitudes: list[Magnitude] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "event": self.event, "mode": self.mode, "cameo": self.cameo,
            "quad": self.quad, "goldstein": self.goldstein,
            "actor": [p.to_dict() for p in self.actor],
            "recipient": [p.to_dict() for p in self.recipient],
            "trigger": self.trigger.to_dict(),
            "sentence": {"start": self.sentence[0], "end": self.sentence[1]},
            "date": self.date, "date_text": self.date_text,
            "location": self.location.to_dict() if self.location else None,
            "negated": self.negated, "hypothetical": self.hypothetical,
            "reported_by": self.reported_by, "confidence": self.confidence,
            "magnitudes": [m.to_dict() for m in self.magnitudes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        event_type = str(_require(data, "event", "event"))
        if event_type not in PLOVER_TYPES:
            raise ContractError(f"event type {event_type!r} is not a PLOVER type")
        sentence = _require(data, "sentence", "event")
        location = data.get("location")
        return cls(
            id=str(_require(data, "id", "event")), event=event_type,
            trigger=Span.from_dict(_require(data, "trigger", "event")),
            sentence=(int(sentence["start"]), int(sentence["end"])),
            mode=data.get("mode"), cameo=data.get("cameo"), quad=data.get("quad"),
            goldstein=data.get("goldstein"),
            actor=[Party.from_dict(p) for p in data.get("actor", [])],
            recipient=[Party.from_dict(p) for p in data.get("recipient", [])],
            date=data.get("date"), date_text=data.get("date_text"),
            location=Place.from_dict(location) if location else None,
            negated=bool(data.get("negated", False)), hypothetical=bool(data.get("hypothetical", False)),
            reported_by=data.get("reported_by"), confidence=float(data.get("confidence", 0.5)),
            magnitudes=[Magnitude.from_dict(m) for m in data.get("magnitudes") or []],
        )


@dataclass(slots=True)
class Article:
    """One news article and everything the pipeline found in it."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = "en"
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Where the article came from (file path, path#line, WARC record); not part of the contract.
    source: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "url": self.url, "outlet": self.outlet,
            "published": self.published, "language": self.language, "text": self.text,
            "actors": [a.to_dict() for a in self.actors],
            "quotes": [q.to_dict() for q in self.quotes],
            "events": [e.to_dict() for e in self.events],
            "places": [p.to_dict() for p in self.places],
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        if not isinstance(data, dict):
            raise ContractError("an article must be a JSON object")
        text = _require(data, "text", "article")
        if not isinstance(text, str):
            raise ContractError("article 'text' must be a string")
        return cls(
            id=str(_require(data, "id", "article")), text=text, title=data.get("title"),
            url=data.get("url"), outlet=data.get("outlet"), published=data.get("published"),
            language=data.get("language"),
            actors=[Actor.from_dict(a) for a in data.get("actors", [])],
            quotes=[Quote.from_dict(q) for q in data.get("quotes", [])],
            events=[Event.from_dict(e) for e in data.get("events", [])],
            places=[Place.from_dict(p) for p in data.get("places", [])],
            warnings=[str(w) for w in data.get("warnings", [])],
        )

    @classmethod
    def from_json(cls, line: str) -> Article:
        try:
            return cls.from_dict(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ContractError(f"not valid JSON: {exc}") from exc

    def actor_by_id(self, actor_id: str | None) -> Actor | None:
        if actor_id is None:
            return None
        return next((a for a in self.actors if a.id == actor_id), None)

    def actor_at(self, start: int, end: int) -> Actor | None:
        """The actor with a mention overlapping ``[start, end)``; the longest overlap wins."""
        best: Actor | None = None
        best_overlap = 0
        for actor in self.actors:
            for mention in actor.mentions:
                overlap = min(end, mention.end) - max(start, mention.start)
                if overlap > best_overlap:
                    best, best_overlap = actor, overlap
        return best


@dataclass(slots=True)
class Failure:
    """A document that could not be read or processed, and why."""

    name: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "reason": self.reason}
