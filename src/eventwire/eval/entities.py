"""Entity evaluation: named mentions found by the actor stage against a gold set.

Gold format (JSON lines, one document per line; ``#`` lines are comments)::

    {"id": "doc-1", "published": "2017-12-20", "source": "where the text came from (optional)",
     "text": "Washington and Baghdad ...",
     "entities": [{"start": 0, "end": 10, "type": "Location", "text": "Washington"}, ...]}

``start``/``end`` are Python ``str`` offsets into ``text`` (``text[start:end]`` must equal the
optional ``text`` field of the entity). ``type`` is one of Person, Organisation, Location,
Nationality. What is annotated: every name, as in CoNLL/OntoNotes-style NER — people (full names
and surnames alone), organisations and armed groups, countries, capitals and other places
(metonymic capitals too), and nationality words ("Iraqi", "Americans"); a name inside a longer
description is annotated on its own ("US" in "US officials"). Pronouns and descriptions without a
name ("the two officials") are not annotated.

What is scored: the actor stage's mentions that are names, typed by the actor's kind (person ->
Person, organisation/group -> Organisation, country/location -> Location, and Nationality when the
mention is a demonym), plus the country words inside description mentions (typed the same way).
Precision, recall and F1 are reported per type and overall (micro), with **exact** span matches
and **lenient** ones (the spans overlap); the type must agree in both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.errors import GoldFormatError
from eventwire.model import Article
from eventwire.nlp.english import (
    INDEPENDENT_POSSESSIVES,
    OBJECT_PRONOUNS,
    PERSON_PRONOUNS,
    POSSESSIVE_PRONOUNS,
    SUBJECT_PRONOUNS,
    THIRD_PERSON,
)

TYPES: tuple[str, ...] = ("Person", "Organisation", "Location", "Nationality")
_PRONOUNS = ((SUBJECT_PRONOUNS | OBJECT_PRONOUNS | POSSESSIVE_PRONOUNS) & THIRD_PERSON) | (
    INDEPENDENT_POSSESSIVES & PERSON_PRONOUNS)
_NAME_STOPWORDS = frozenset({"of", "for", "the", "and", "on", "in", "de", "al", "el", "to", "bin", "ibn"})


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    type: str


@dataclass(slots=True)
class GoldDocument:
    id: str
    text: str
    published: str | None
    entities: list[Entity] = field(default_factory=list)


def read_gold(path: str | Path) -> list[GoldDocument]:
    """Read a gold file; a malformed line raises :class:`GoldFormatError` naming the line and the problem."""
    path = Path(path)
    if not path.is_file():
        raise GoldFormatError(f"{path}: no such gold file")
    documents: list[GoldDocument] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(f"{where}: not valid JSON: {exc.msg}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or "id" not in data:
            raise GoldFormatError(f"{where}: a document needs 'id' and a string 'text'")
        text = data["text"]
        entities = []
        for item in data.get("entities", []):
            try:
                start, end, kind = int(item["start"]), int(item["end"]), str(item["type"])
            except (KeyError, TypeError, ValueError) as exc:
                raise GoldFormatError(f"{where}: an entity needs integer 'start', 'end' and a 'type'") from exc
            if kind not in TYPES:
                raise GoldFormatError(f"{where}: entity type {kind!r} is not one of {', '.join(TYPES)}")
            if not 0 <= start < end <= len(text):
                raise GoldFormatError(f"{where}: entity offsets {start}-{end} are outside the text")
            if "text" in item and text[start:end] != item["text"]:
                raise GoldFormatError(f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {item['text']!r}")
            entities.append(Entity(start, end, kind))
        documents.append(GoldDocument(str(data["id"]), text, data.get("published"), entities))
    if not documents:
        raise GoldFormatError(f"{path}: no documents")
    return documents


def _is_name(text: str) -> bool:
    words = [w for w in text.replace("-", " ").split() if w.isalpha() or w[:1].isalpha()]
    content = [w for w in words if w.lower() not in _NAME_STOPWORDS]
    return bool(content) and all(w[:1].isupper() for w in content)


def _is_description(text: str) -> bool:
    """A capitalised description at the start of a sentence ("Officials said") is not a name."""
    from eventwire.knowledge.agents import agent_nouns

    nouns = agent_nouns()
    words = text.lower().split()
    if not words:
        return False
    # The phrase may be plural ("Officials", "US officials"): its last word is tried as written and without -s.
    lasts = {words[-1], words[-1][:-1]} if words[-1].endswith("s") else {words[-1]}
    for k in range(len(words)):
        for last in lasts:
            noun = nouns.get(" ".join([*words[k:-1], last]))
            if noun is not None and noun.type is not None:
                return True
    return False


def predicted_entities(article: Article) -> list[Entity]:
    """The typed name spans an annotated article's actors contain (see the module docstring)."""
    from eventwire.actors.kb import DEMONYM, cached_kb

    kb = cached_kb(())

    def country_type(text: str) -> str | None:
        """Location for a country, capital or region name; Nationality for a demonym or people word."""
        for entity, form in kb.exact(text):
            if entity.kind == "country" or entity.source == "peoples.tsv":
                return "Nationality" if form == DEMONYM else "Location"
        return None

    found: list[Entity] = []
    for actor in article.actors:
        for mention in actor.mentions:
            text = mention.text
            if text.lower() in _PRONOUNS:
                continue
            whole = country_type(text) if actor.kind == "country" or (actor.kb_id or "").startswith(
                "people:") else None
            if whole is not None:
                found.append(Entity(mention.start, mention.end, whole))
                continue
            if _is_name(text) and (actor.kb_id or not _is_description(text)):
                kind = {"person": "Person", "organization": "Organisation", "group": "Organisation",
                        "country": "Location", "location": "Location"}[actor.kind]
                found.append(Entity(mention.start, mention.end, kind))
                continue
            # A description: the country words inside it ("US officials", "the Sri Lankan police"),
            # longest first over runs of up to four words; hyphenated parts count ("US-backed").
            words = [(m.start(), m.end()) for m in re.finditer(r"[^\s\-,.;:’'\"()]+", text)]
            i = 0
            while i < len(words):
                for n in range(min(4, len(words) - i), 0, -1):
                    start, end = words[i][0], words[i + n - 1][1]
                    piece = text[start:end]
                    kind = country_type(piece) if piece[:1].isupper() else None
                    if kind is not None:
                        found.append(Entity(mention.start + start, mention.start + end, kind))
                        i += n
                        break
                else:
                    i += 1
    return found


def _lower(text: str) -> str:
    """``text`` in lower case, character for character (a letter whose lower case is longer stays)."""
    lower = text.lower()
    return lower if len(lower) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float | int]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp,
            "predicted": predicted, "gold": gold}


def _matches(gold: list[Entity], predicted: list[Entity], lenient: bool) -> int:
    """Matched pairs, one-to-one: exact spans, or overlapping spans when lenient; types must agree."""
    used: set[int] = set()
    tp = 0
    for g in gold:
        for n, p in enumerate(predicted):
            if n in used or p.type != g.type:
                continue
            if (p.start, p.end) == (g.start, g.end) or (lenient and p.start < g.end and g.start < p.end):
                used.add(n)
                tp += 1
                break
    return tp


def score(pairs: Iterable[tuple[list[Entity], list[Entity]]]) -> dict[str, dict[str, dict[str, float | int]]]:
    """P/R/F1 per type and overall, exact and lenient, from (gold, predicted) entity lists per document."""
    counts: dict[tuple[str, str], list[int]] = {}
    for gold, predicted in pairs:
        for kind in (*TYPES, "all"):
            g = [e for e in gold if kind in ("all", e.type)]
            p = [e for e in predicted if kind in ("all", e.type)]
            for mode in ("exact", "lenient"):
                row = counts.setdefault((mode, kind), [0, 0, 0])
                row[0] += _matches(g, p, mode == "lenient")
                row[1] += len(p)
                row[2] += len(g)
    return {mode: {kind: _prf(*counts[(mode, kind)]) for kind in (*TYPES, "all")} for mode in ("exact", "lenient")}


def evaluate(gold_path: str | Path, model: str | None = None, lower_case: bool = False) -> dict[str, object]:
    """Run the pipeline on every gold document and score its named mentions.

    ``lower_case``: run on the documents written in lower case (as regional feeds arrive) and score the
    same spans; a mention's words are read from the gold text, so only what was found counts, not how the
    lower-case text writes it.
    """
    from eventwire.pipeline import Pipeline, PipelineConfig

    documents = read_gold(gold_path)
    pipeline = Pipeline(PipelineConfig(model=model))
    articles = [Article(id=d.id, text=_lower(d.text) if lower_case else d.text, published=d.published)
                for d in documents]
    annotated = list(pipeline.pipe(articles))
    if lower_case:
        for document, article in zip(documents, annotated, strict=True):
            for actor in article.actors:
                for mention in actor.mentions:
                    mention.text = document.text[mention.start:mention.end]
    pairs = [(d.entities, predicted_entities(a)) for d, a in zip(documents, annotated, strict=True)]
    report: dict[str, object] = {"documents": len(documents), "gold_entities": sum(len(d.entities) for d in documents)}
    report.update(score(pairs))
    return report
