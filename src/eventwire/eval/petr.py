"""``eventwire eval petr``: PETRARCH2's unit-test records, coded with eventwire's own parse.

``PETR.UnitTest.records.xml`` holds sentences, each with the (source, target,
event code) triples PETRARCH2 should produce, or ``noevents`` / ``error``
(``dateline``, ``bad_input_parse``, ``storydiscard``, ``sentencediscard``)
when it should produce none. The records carry hand-made constituency parses;
eventwire ignores them and parses the text with spaCy, which is the point of
the exercise. Each record is coded as a story of its own, dated by its
``date`` attribute (actor codes are date-restricted).

Scores: per category and overall, the expected triples (``codings``), how many
eventwire reproduces (``matched``), ``accuracy = matched / codings``, and the
triples it produces that were not expected (``extra``). Records expecting no
event count as ``clean`` when eventwire codes nothing for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as ElementTree

from eventwire.errors import GoldFormatError
from eventwire.nlp import load_nlp
from eventwire.petrarch.coder import PetrarchCoder

Triple = tuple[str, str, str]


@dataclass(slots=True)
class Record:
    id: str
    category: str
    text: str
    day: date | None
    expected: list[Triple] = field(default_factory=list)
    # "noevents", or the error kind ("storydiscard", ...), when no event is expected.
    empty: str | None = None


def read_records(path: str | Path) -> list[Record]:
    """Read the ``<Sentence>`` records of a PETRARCH validation file."""
    try:
        root = ElementTree.parse(str(path)).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise GoldFormatError(f"{path}: cannot read PETRARCH records: {exc}") from exc
    records: list[Record] = []
    for sentence in root.iter("Sentence"):
        text_node = sentence.find("Text")
        if text_node is None or not (text_node.text or "").strip():
            raise GoldFormatError(f"{path}: record {sentence.get('id')!r} has no <Text>")
        record = Record(
            id=sentence.get("id", ""), category=sentence.get("category", "").upper().rstrip("X") or "NONE",
            text=" ".join(text_node.text.split()), day=_record_date(sentence.get("date")),
        )
        for coding in sentence.findall("EventCoding"):
            attributes = {k.strip(): v.strip() for k, v in coding.attrib.items()}
            if "eventcode" in attributes:
                record.expected.append((attributes.get("sourcecode", "---"), attributes.get("targetcode", "---"),
                                        attributes["eventcode"]))
            elif "error" in attributes:
                record.empty = attributes["error"]
            else:
                record.empty = "noevents"
        if not record.expected and record.empty is None:
            record.empty = "noevents"
        records.append(record)
    if not records:
        raise GoldFormatError(f"{path}: no <Sentence> records")
    return records


def _record_date(text: str | None) -> date | None:
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _empty_scores() -> dict[str, Any]:
    return {"records": 0, "codings": 0, "matched": 0, "extra": 0, "empty_records": 0, "clean": 0}


def evaluate(records_path: str | Path, dictionaries: str | Path, model: str | None = None,
             nlp: Any = None, require_dyad: bool = True) -> dict[str, Any]:
    """Code every record and score the triples; returns the report dict (see the module docs).

    ``require_dyad=False`` is PETRARCH's option of the same name: events whose target is
    unknown are coded too, with the target ``---``.
    """
    records = read_records(records_path)
    coder = PetrarchCoder.from_directory(dictionaries, require_dyad=require_dyad)
    nlp = nlp or load_nlp(model)
    overall = _empty_scores()
    categories: dict[str, dict[str, Any]] = {}
    details: list[dict[str, Any]] = []
    for record, doc in zip(records, nlp.pipe([r.text for r in records]), strict=True):
        produced: list[Triple] = []
        for _sent, codings in coder.code_doc(doc, record.day):
            for coding in codings:
                if coding.triple not in produced:
                    produced.append(coding.triple)
        expected = Counter(record.expected)
        got = Counter(produced)
        matched = sum((expected & got).values())
        extra = sum((got - expected).values())
        for scores in (overall, categories.setdefault(record.category, _empty_scores())):
            scores["records"] += 1
            scores["codings"] += len(record.expected)
            scores["matched"] += matched
            scores["extra"] += extra
            if record.empty is not None:
                scores["empty_records"] += 1
                scores["clean"] += not produced
        details.append({"id": record.id, "category": record.category, "expected": record.expected,
                        "empty": record.empty, "produced": produced, "matched": matched})
    for scores in (overall, *categories.values()):
        scores["accuracy"] = round(scores["matched"] / scores["codings"], 4) if scores["codings"] else None
    return {**overall, "categories": dict(sorted(categories.items())), "details": details}


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table: one line per category and the overall line."""
    header = f"{'category':<10} {'records':>7} {'codings':>7} {'matched':>7} {'accuracy':>8} {'extra':>6} {'clean':>9}"
    lines = [header, "-" * len(header)]

    def row(name: str, s: dict[str, Any]) -> str:
        accuracy = f"{s['accuracy']:.1%}" if s["accuracy"] is not None else "-"
        clean = f"{s['clean']}/{s['empty_records']}"
        return (f"{name:<10} {s['records']:>7} {s['codings']:>7} {s['matched']:>7} {accuracy:>8} "
                f"{s['extra']:>6} {clean:>9}")

    for name, scores in report["categories"].items():
        lines.append(row(name, scores))
    lines.append("-" * len(header))
    lines.append(row("overall", report))
    lines.append("clean = records expecting no event (noevents / error) for which none was coded")
    return "\n".join(lines)
