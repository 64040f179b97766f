"""The actor stage: named and described actors, coreferenced and resolved against the KB."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from eventwire.actors.kb import CAPITAL, KnowledgeBase, cached_kb, default_user_kb
from eventwire.actors.normalize import name_key
from eventwire.model import Actor, Article, Span

log = logging.getLogger(__name__)

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_KIND_BY_LABEL = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location",
                  "FAC": "location", "NORP": "group"}


@dataclass(slots=True)
class _Cluster:
    """An actor being built: a key that decides which mentions join it, and its mentions."""

    key: str
    name: str
    kind: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    kb_id: str | None = None
    anonymous: bool = False
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


def _trim(span: SpacySpan) -> tuple[int, int] | None:
    """Character bounds of an entity span without a leading article and a trailing possessive."""
    tokens = list(span)
    while tokens and tokens[0].lower_ in {"the", "a", "an"}:
        tokens = tokens[1:]
    while tokens and tokens[-1].tag_ == "POS":
        tokens = tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = span.doc.text[start:end]
    for suffix in ("’s", "'s", "’", "'"):
        if text.endswith(suffix) and len(text) > len(suffix):
            end -= len(suffix)
            break
    return start, end


class ActorStage:
    """Finds actors in an article and writes them to ``article.actors`` (ids a1, a2, ... by first mention)."""

    name = "actors"

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    @classmethod
    def from_config(cls, config: object) -> ActorStage:
        extra = getattr(config, "extra", {}) or {}
        user_kb = extra.get("kb") if isinstance(extra, dict) else None
        dirs = (str(Path(str(user_kb)).expanduser()),) if user_kb else (str(default_user_kb()),)
        return cls(cached_kb(dirs))

    def __call__(self, article: Article, doc: Doc) -> None:
        clusters: dict[str, _Cluster] = {}
        text = article.text
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS:
                continue
            bounds = _trim(ent)
            if bounds is None:
                continue
            start, end = bounds
            surface = text[start:end]
            cluster = self._cluster_for(surface, ent.label_, clusters)
            if cluster is not None:
                cluster.mentions.append(Span(start, end, surface))
        ordered = sorted((c for c in clusters.values() if c.mentions), key=lambda c: c.first)
        article.actors.extend(
            Actor(id=f"a{i}", name=c.name, kind=c.kind, country=c.country, sector=c.sector, role=c.role,
                  kb_id=c.kb_id, anonymous=c.anonymous, mentions=sorted(c.mentions, key=lambda m: m.start),
                  confidence=c.confidence)
            for i, c in enumerate(ordered, 1))

    def _cluster_for(self, surface: str, label: str, clusters: dict[str, _Cluster]) -> _Cluster | None:
        key = name_key(surface)
        if not key:
            return None
        found = self.kb.country_of(surface)
        if found is not None:
            iso3, form = found
            cluster = clusters.get(f"country:{iso3}")
            if cluster is None:
                cluster = clusters[f"country:{iso3}"] = _Cluster(
                    f"country:{iso3}", self.kb.countries[iso3].name, "country", iso3, kb_id=f"country:{iso3}",
                    confidence=0.9)
            if form == CAPITAL:
                cluster.sector = "GOV"
            return cluster
        for entity, _form in self.kb.exact(surface):
            cluster = clusters.get(entity.id)
            if cluster is None:
                cluster = clusters[entity.id] = _Cluster(entity.id, entity.name, entity.kind, entity.country,
                                                         entity.sector, entity.role, entity.id, confidence=0.9)
            return cluster
        if label == "PERSON":
            # A surname alone joins the person whose full name ends with it.
            for cluster in clusters.values():
                if cluster.kind == "person" and name_key(cluster.name).split()[-1] == key.split()[-1]:
                    return cluster
        kind = _KIND_BY_LABEL[label]
        ckey = f"{kind}:{key}"
        if ckey not in clusters:
            clusters[ckey] = _Cluster(ckey, surface, kind)
        return clusters[ckey]
