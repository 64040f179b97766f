"""An article's text cut into pieces, each knowing which actor mentions, quotes and event triggers cover it.

The template renders each piece as one element whose classes and ``data-refs`` come from here, so
overlapping annotations (a name inside a quote, a trigger inside a quote) need no nested markup. The
text itself is always rendered escaped by the template.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from eventwire.store.query import magnitude_summary


@dataclass(slots=True)
class Piece:
    text: str
    classes: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    href: str | None = None
    title: str | None = None


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    kind: str  # actor | quote | event | magnitude
    ref: str
    classes: list[str]
    title: str


def _party_names(parties: list[dict[str, Any]], names: dict[str, str]) -> str:
    return ", ".join(names.get(p.get("actor") or "", "") or p.get("text") or "?" for p in parties) or "?"


def describe(article: dict[str, Any], keys: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The records behind the highlights, keyed ``a:ID``, ``q:ID`` and ``e:ID``, with names resolved for display."""
    names = {a["id"]: a["name"] for a in article.get("actors", [])}
    records: dict[str, dict[str, Any]] = {}
    for actor in article.get("actors", []):
        records[f"a:{actor['id']}"] = {
            "kind": "actor", "name": actor["name"], "actor_kind": actor.get("kind"), "country": actor.get("country"),
            "sector": actor.get("sector"), "role": actor.get("role"), "kb_id": actor.get("kb_id"),
            "anonymous": bool(actor.get("anonymous")), "key": keys.get(actor["id"]),
        }
    for quote in article.get("quotes", []):
        speaker = quote.get("speaker")
        records[f"q:{quote['id']}"] = {
            "kind": "quote", "quote_kind": quote.get("kind"), "text": quote.get("text"),
            "speaker": names.get(speaker or "") or quote.get("speaker_text"),
            "speaker_text": quote.get("speaker_text"), "speaker_key": keys.get(speaker or ""),
            "cue": quote.get("cue"), "channel": quote.get("channel"), "anonymous": bool(quote.get("anonymous")),
        }
    for event in article.get("events", []):
        modality = [m for m in ("negated", "hypothetical") if event.get(m)] or ["asserted"]
        records[f"e:{event['id']}"] = {
            "kind": "event", "event": event.get("event"), "mode": event.get("mode"), "cameo": event.get("cameo"),
            "quad": event.get("quad"), "goldstein": event.get("goldstein"),
            "actor": _party_names(event.get("actor", []), names),
            "recipient": _party_names(event.get("recipient", []), names),
            "date": event.get("date"), "date_text": event.get("date_text"), "modality": ", ".join(modality),
            "location": (event.get("location") or {}).get("name"),
            "reported_by": event.get("reported_by"),
            "magnitudes": magnitude_summary(event.get("magnitudes")) or None,
        }
    return records


def _spans(article: dict[str, Any], records: dict[str, dict[str, Any]], size: int) -> list[_Span]:
    spans: list[_Span] = []

    def valid(start: Any, end: Any) -> bool:
        return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size

    for actor in article.get("actors", []):
        record = records[f"a:{actor['id']}"]
        classes = ["hl-actor", *(["anon"] if record["anonymous"] else [])]
        title = f"Actor: {record['name']}" + (f" — {record['role']}" if record["role"] else "")
        for mention in actor.get("mentions", []):
            if valid(mention.get("start"), mention.get("end")):
                spans.append(_Span(mention["start"], mention["end"], "actor", f"a:{actor['id']}", classes, title))
    for quote in article.get("quotes", []):
        record = records[f"q:{quote['id']}"]
        if valid(quote.get("start"), quote.get("end")):
            speaker = record["speaker"] or "unknown"
            title = f"Quote ({record['quote_kind']}) — speaker: {speaker}" + (" [anonymous]" if record["anonymous"]
                                                                             else "")
            # Only the quoted fragments are marked: the frame of a split quote ("he said") is not the quote.
            parts = [(p.get("start"), p.get("end")) for p in quote.get("parts") or []]
            parts = [p for p in parts if valid(*p)] or [(quote["start"], quote["end"])]
            for start, end in parts:
                spans.append(_Span(start, end, "quote", f"q:{quote['id']}",
                                   ["hl-quote", *(["anon"] if record["anonymous"] else [])], title))
    for event in article.get("events", []):
        record = records[f"e:{event['id']}"]
        trigger = event.get("trigger") or {}
        if valid(trigger.get("start"), trigger.get("end")):
            flags = [m for m in ("negated", "hypothetical") if event.get(m)]
            title = (f"Event {record['event']}: {record['actor']} → {record['recipient']}"
                     f"{', ' + record['date'] if record['date'] else ''} ({record['modality']})")
            spans.append(_Span(trigger["start"], trigger["end"], "event", f"e:{event['id']}",
                               ["hl-event", *flags], title))
        # The words that say how many were killed, arrested, marched: they open the same event record.
        for magnitude in event.get("magnitudes") or []:
            text = magnitude.get("text") or {}
            if valid(text.get("start"), text.get("end")):
                spans.append(_Span(text["start"], text["end"], "magnitude", f"e:{event['id']}", ["hl-magnitude"],
                                   f"{magnitude_summary([magnitude])} (event {record['event']})"))
    return spans


def pieces(article: dict[str, Any], records: dict[str, dict[str, Any]], keys: dict[str, str],
           actor_href: Any) -> list[Piece]:
    """The text cut at every annotation boundary; each piece lists the annotations covering it, innermost first."""
    text: str = article.get("text") or ""
    spans = _spans(article, records, len(text))
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    result: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted((s for s in spans if s.start <= start and s.end >= end), key=lambda s: s.end - s.start)
        piece = Piece(text[start:end])
        seen: set[str] = set()
        for span in covering:
            if span.ref in seen:
                continue
            seen.add(span.ref)
            piece.refs.append(span.ref)
            piece.classes.extend(c for c in span.classes if c not in piece.classes)
            if span.kind == "actor" and piece.href is None:
                key = keys.get(span.ref[2:])
                piece.href = actor_href(key) if key else None
        if covering:
            piece.title = " | ".join(dict.fromkeys(s.title for s in covering))
        result.append(piece)
    return result
