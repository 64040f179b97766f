"""PLOVER JSON lines: one event record per line, in the layout of the PLOVER gold-standard records.

Fields follow the PLOVER data format (``id``, ``date``, ``event``, ``mode``, ``context``,
``source``/``target`` as lists of ``{actorText, code, sector}``, ``eventText``, ``text``,
``language``, ``publication``, ``coder``, ``version``, ``dateCoded``) and add eventwire's own
fields (``cameo``, ``quad``, ``goldstein``, ``url``, ``articleId``, ``eventLoc``, ``negated``,
``hypothetical``, ``reportedBy``, ``confidence``, ``magnitudes``), and PLOVER's optional ``size`` object
(``dead``, ``injured``, ``arrested``) when the text gives those figures. Negated and hypothetical events are exported
with their flags set and the PLOVER auxiliary context ``negation``/``hypothetical``, so a reader
never mistakes them for facts. ``eventwire eval plover-gsr`` reads these files back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventwire.model import DOUBTFUL_CONFIDENCE, Article, Event, Party
from eventwire.store import Store

CODER = "eventwire"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eventwire")
    except PackageNotFoundError:  # running from a source tree
        return "0"


def _parties(parties: list[Party], article: Article) -> list[dict[str, Any]]:
    result = []
    for party in parties:
        actor = article.actor_by_id(party.actor)
        record: dict[str, Any] = {"actorText": party.text, "code": party.code, "sector": party.sector}
        if actor is not None:
            record["actorName"] = actor.name
            record["actorId"] = actor.id
        result.append(record)
    return result


_SIZE_FIELDS = {"killed": "dead", "injured": "injured", "arrested": "arrested"}


def _size(event: Event) -> dict[str, int] | None:
    size = {_SIZE_FIELDS[m.kind]: m.value for m in event.magnitudes if m.kind in _SIZE_FIELDS}
    return size or None


def plover_record(article: Article, event: Event, coded_on: str, version: str) -> dict[str, Any]:
    """One event as a PLOVER record."""
    start, end = event.sentence
    context = [name for name, flag in (("negation", event.negated), ("hypothetical", event.hypothetical)) if flag]
    location = event.location
    return {
        "id": f"{article.id}-{event.id}",
        "date": event.date or article.published,
        "event": event.event,
        "mode": event.mode or "",
        "context": context,
        "source": _parties(event.actor, article),
        "target": _parties(event.recipient, article),
        "eventText": event.trigger.text,
        "text": article.text[start:end],
        "language": article.language,
        "publication": article.outlet,
        "url": article.url,
        "articleId": article.id,
        "eventLoc": None if location is None else {
            "name": location.name, "country": location.country, "admin1": location.admin1,
            "lat": location.lat, "lon": location.lon, "geonameid": location.geonameid},
        "cameo": event.cameo,
        "quad": event.quad,
        "goldstein": event.goldstein,
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "reportedBy": event.reported_by,
        "dateText": event.date_text,
        "confidence": event.confidence,
        # PLOVER's "size" information object (dead, injured, arrested) and eventwire's full magnitudes.
        "size": _size(event),
        "magnitudes": [m.to_dict() for m in event.magnitudes],
        "coder": CODER,
        "version": version,
        "dateCoded": coded_on,
    }


def export_plover(store: Store, out: Path) -> int:
    """Every stored event but the doubtful ones as a PLOVER JSON line; returns the number of events written."""
    coded_on = datetime.now(UTC).date().isoformat()
    version = _version()
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for article in store.iter_articles():
            for event in article.events:
                if event.confidence < DOUBTFUL_CONFIDENCE:
                    continue  # doubtful (a disaster's "killed", a crime with no political actor)
                handle.write(json.dumps(plover_record(article, event, coded_on, version), ensure_ascii=False) + "\n")
                count += 1
    return count
