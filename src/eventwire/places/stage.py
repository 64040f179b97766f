"""The places stage: find toponyms in the parsed text and resolve them offline.

Detection (spaCy's place entities, gazetteer matches the recogniser missed, minus demonyms, names inside
organisations and parts of compounds) is :mod:`eventwire.places.detection`; this module resolves them.

Resolution ranks the gazetteer candidates of each toponym by a score that sums,
roughly in this order of weight: an explicit qualifier ("Paris, Texas",
"Washington state", "Seattle, Washington"), the sense the same name already had
in the article, the feature type (continent/country > capital > division/region
> feature > city > second-level division) and the type the words around it
imply ("Suffolk county", "the Potomac river"), the countries and divisions
already named in the article (and the actors' countries), the article's focus
country (most named, the dateline's), the outlet's country (its web domain),
the kind of its neighbours in an enumeration ("Idaho, Oregon, Washington"),
population, and whether the name is a primary or only an alternate name.
Unambiguous toponyms are resolved first and become the context of the rest.
The weights are the constants below; the word lists are data files.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache

from spacy.tokens import Doc

from eventwire.config import PipelineConfig
from eventwire.knowledge.countries import COUNTRY_POINTS
from eventwire.model import Article, Place
from eventwire.nlp.parse import doc_text
from eventwire.places.detection import Detection, Toponym
from eventwire.places.gazetteer import Candidate, Gazetteer
from eventwire.places.tables import DEFAULT_MIN_POPULATION, normalize, read_table, read_words

KIND_PRIOR = {"continent": 5.0, "country": 5.0, "capital": 3.0, "region": 2.0, "admin1": 2.0, "feature": 1.6,
              "city": 1.0, "admin2": 0.8}
COUNTRY_CONTEXT = 2.0
# The country the article is mostly about (named most, or in the dateline) and the outlet's own country.
FOCUS_BONUS = 1.0
OUTLET_CONTEXT = 0.75
# Below this population, a place in none of the article's countries is taken for a mere namesake.
FAR_NAMESAKE_POPULATION = 20_000
# A kind or feature type the words around the name imply ("Suffolk county", "the Potomac river").
MARKER_BONUS = 4.0
ADMIN1_CONTEXT = 2.0
QUALIFIER_BONUS = 5.0
ALTERNATE_PENALTY = 1.5
EPONYMOUS_CITY_BONUS = 2.5
SAME_DISCOURSE_BONUS = 3.0
LIST_BONUS = 2.0
# A division of a country whose other divisions the article names ("Alabama", "Iowa", then "Georgia").
SIBLING_DIVISION_BONUS = 1.5
POPULATION_WEIGHT = 1.5
ADMIN1_POPULATION_WEIGHT = 0.5


class PlaceStage(Detection):
    """Fill ``article.places``: one :class:`Place` per toponym mention, in text order."""

    name = "places"

    def __init__(self, min_population: int = DEFAULT_MIN_POPULATION) -> None:
        self.min_population = min_population
        self._gazetteer: Gazetteer | None = None
        self._org_words = read_words("org_words.txt")
        self._not_places = read_words("not_places.txt")
        self._eponym_words = read_words("eponym_words.txt")
        self._markers: dict[tuple[str, str], frozenset[str]] = {
            (word.lower(), position): frozenset(kinds.split("|"))
            for word, position, kinds in read_table("markers.tsv")}
        self._generic_domains = read_words("outlet_domains.txt")
        self._place_of_words = read_words("place_of_words.txt")

    @classmethod
    def from_config(cls, config: PipelineConfig) -> PlaceStage:
        return cls(min_population=config.places_min_population or DEFAULT_MIN_POPULATION)

    @property
    def gazetteer(self) -> Gazetteer:
        # Lazy: the gazetteer is built on the first article, once per process.
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load(self.min_population)
        return self._gazetteer

    def __call__(self, article: Article, doc: Doc) -> None:
        toponyms = self.detect(doc)
        self.resolve(toponyms, article)
        article.places.extend(_to_place(t) for t in toponyms)

    # -- resolution --------------------------------------------------------------------------

    def resolve(self, toponyms: list[Toponym], article: Article) -> None:
        self._qualifiers(toponyms)
        countries: Counter[str] = Counter({a.country for a in article.actors
                                           if a.country and a.country in self.gazetteer.countries})
        divisions: Counter[str] = Counter()
        votes: dict[str, float] = {}
        for country in countries:
            votes[country] = votes.get(country, 0.0) + 0.5
        dateline = self._dateline(toponyms[0].span.doc) if toponyms else (0, 0)
        # Pass 1: toponyms with a single candidate (or a country) fix the context.
        for toponym in toponyms:
            single = _single_reading(toponym)
            if single is not None:
                toponym.resolved = single
                _note(toponym.resolved, countries, divisions)
                if toponym.resolved.country:
                    weight = 2.0 if dateline[0] <= toponym.start < dateline[1] else 1.0
                    votes[toponym.resolved.country] = votes.get(toponym.resolved.country, 0.0) + weight
        # The article's focus: the country named most (the dateline counts double), when there is one.
        ranking = sorted(votes.items(), key=lambda item: -item[1])
        focus = ranking[0][0] if ranking and ranking[0][1] >= 2 and (
            len(ranking) == 1 or ranking[1][1] < ranking[0][1]) else None
        outlet = self._outlet_country(article)
        self._list_kinds(toponyms)
        # Pass 2: the rest, ranked with that context (an explicit qualifier outweighs it). A name
        # keeps the sense it had earlier in the article (one sense per discourse). A first round picks
        # provisionally, so that a division named later ("... Boston ... Massachusetts") counts too.
        unresolved = [t for t in toponyms if t.resolved is None and t.candidates]
        context: dict[str, tuple[Counter[str], Counter[str]]] = {}
        if unresolved:
            first: dict[str, Candidate] = {}
            provisional: dict[int, Candidate] = {}
            for toponym in unresolved:
                if toponym.bonus:
                    provisional[id(toponym)] = self._pick(toponym, countries, divisions, focus, outlet, None)
                    continue
                key = self._key(toponym)
                if key not in first:
                    first[key] = self._pick(toponym, countries, divisions, focus, outlet, None)
                provisional[id(toponym)] = first[key]
            for toponym in unresolved:
                key = self._key(toponym)
                if key in context:
                    continue
                more_countries, more_divisions = Counter(countries), Counter(divisions)
                for other in unresolved:
                    if self._key(other) != key:
                        _note(provisional[id(other)], more_countries, more_divisions)
                context[key] = (more_countries, more_divisions)
            if focus is None:
                # No country stood out among the sure readings: the likeliest readings of the rest decide.
                for pick in provisional.values():
                    if pick.country:
                        votes[pick.country] = votes.get(pick.country, 0.0) + 0.5
                ranking = sorted(votes.items(), key=lambda item: -item[1])
                focus = ranking[0][0] if ranking and ranking[0][1] >= 2 and (
                    len(ranking) == 1 or ranking[1][1] < ranking[0][1]) else outlet
        chosen: dict[str, int] = {self._key(t): id(t.resolved) for t in toponyms if t.resolved is not None}
        rankings: dict[tuple[str, int | None], list[Candidate]] = {}
        for toponym in unresolved:
            key = self._key(toponym)
            # One sense per name in an article, unless a word says which ("Kaduna state", then "Kaduna city").
            earlier = None if toponym.marked else chosen.get(key)
            # Mentions of one name with no bonus of their own rank alike: ranked once (long articles).
            memo = (key, earlier) if not toponym.bonus else None
            ranked = rankings.get(memo) if memo else None
            if ranked is None:
                ranked = self._ranked(toponym, *context[key], focus, outlet, earlier)
                if memo:
                    rankings[memo] = ranked
            pick = next((c for c in ranked if not self._far_namesake(toponym, c, context[key][0], focus)), None)
            if pick is None:
                continue
            toponym.resolved = pick
            chosen.setdefault(key, id(toponym.resolved))

    def _key(self, toponym: Toponym) -> str:
        """The name a toponym is known by in the article: without a generic word after it ("Kaduna city")."""
        span = toponym.span
        if len(span) > 1 and (span[-1].lower_, "after") in self._markers:
            return normalize(span[:-1].text)
        return normalize(toponym.text)

    def _far_namesake(self, toponym: Toponym, pick: Candidate, countries: Counter[str], focus: str | None) -> bool:
        """A small place abroad that only shares the name: an article about Australia naming "Halls Gap" does
        not mean Halls, Tennessee. Such a toponym stays unresolved rather than placed on another continent."""
        return (focus is not None and pick.kind in ("city", "admin2") and pick.population < FAR_NAMESAKE_POPULATION
                and pick.country not in countries and not toponym.bonus.get(id(pick)))

    def _pick(self, toponym: Toponym, countries: Counter[str], divisions: Counter[str], focus: str | None,
              outlet: str | None, earlier: int | None) -> Candidate:
        return self._ranked(toponym, countries, divisions, focus, outlet, earlier)[0]

    def _ranked(self, toponym: Toponym, countries: Counter[str], divisions: Counter[str], focus: str | None,
                outlet: str | None, earlier: int | None) -> list[Candidate]:
        """The candidates, best first (ties keep the gazetteer's order: primary names, then larger places)."""
        scored = [(self._score(toponym, pair, countries, divisions, focus, outlet)
                   + (SAME_DISCOURSE_BONUS if id(pair[0]) == earlier else 0.0), index, pair[0])
                  for index, pair in enumerate(toponym.candidates)]
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [candidate for _, _, candidate in scored]

    def _outlet_country(self, article: Article) -> str | None:
        """The country of the outlet's web domain ("bbc.co.uk" → GBR, "nation.africa" → none)."""
        if not article.url:
            return None
        host = re.sub(r"^[a-z]+://", "", article.url.lower()).split("/", 1)[0].split(":", 1)[0]
        suffix = host.rsplit(".", 1)[-1]
        if len(suffix) != 2 or suffix in self._generic_domains:
            return None
        return _iso3_by_iso2().get("GB" if suffix == "uk" else suffix.upper())

    def _score(self, toponym: Toponym, pair: tuple[Candidate, bool], countries: Counter[str],
               divisions: Counter[str], focus: str | None = None, outlet: str | None = None) -> float:
        candidate, alternate = pair
        score = KIND_PRIOR[candidate.kind] + toponym.bonus.get(id(candidate), 0.0)
        if candidate.kind in ("city", "capital") and candidate.population > 0:
            score += POPULATION_WEIGHT * min(math.log10(candidate.population) / 7.0, 1.0)
        elif candidate.kind in ("admin1", "admin2") and candidate.population > 0:
            # Divisions' populations are sums over their places: a tie-breaker between divisions only.
            score += ADMIN1_POPULATION_WEIGHT * min(math.log10(candidate.population) / 8.0, 1.0)
        # Context counts for places inside a country named elsewhere, not when this very name is
        # the country's own ("Mexico" is the country, not Mexico City, in an article about Mexico).
        inside = candidate.kind != "country" and candidate.country not in toponym.own_countries()
        if inside and candidate.country in countries:
            score += COUNTRY_CONTEXT * _support(countries[candidate.country])
        elif candidate.kind == "country" and candidate.country in countries:
            # The country whose places the article names ("Tbilisi ... Georgia").
            score += COUNTRY_CONTEXT * _support(countries[candidate.country])
        if inside and candidate.country is not None:
            if candidate.country == focus:
                score += FOCUS_BONUS
            if candidate.country == outlet:
                score += OUTLET_CONTEXT
        if candidate.admin1_key in divisions and candidate.kind != "continent":
            # A place in a division the article names, or the division whose places it names.
            score += ADMIN1_CONTEXT * _support(divisions[candidate.admin1_key])
        if candidate.kind == "admin1" and any(key.split(".")[0] == candidate.admin1_key.split(".")[0]
                                              for key in divisions if key != candidate.admin1_key):  # type: ignore[union-attr]
            score += SIBLING_DIVISION_BONUS
        if alternate:
            score -= ALTERNATE_PENALTY
        return score

    def _list_kinds(self, toponyms: list[Toponym]) -> None:
        """In an enumeration ("Idaho, Oregon, Washington and Wisconsin") the items share a kind and country."""
        # Doc.text joins every token on each access: read it once, not once per toponym (quadratic on long texts).
        text = doc_text(toponyms[0].span.doc) if toponyms else ""
        for index, toponym in enumerate(toponyms):
            if toponym.resolved is not None:
                continue
            for other in (toponyms[index - 1] if index else None,
                          toponyms[index + 1] if index + 1 < len(toponyms) else None):
                if other is None or other.resolved is None:
                    continue
                left, right = (other, toponym) if other.start < toponym.start else (toponym, other)
                if text[left.end:right.start].strip(" ,") not in ("", "and", "or"):
                    continue
                for candidate, _ in toponym.candidates:
                    if candidate.kind == other.resolved.kind and candidate.country == other.resolved.country:
                        _add_bonus(toponym, candidate, LIST_BONUS)

    def _qualifiers(self, toponyms: list[Toponym]) -> None:
        """Bonuses from the words around a toponym: "A, B" (B contains A), "A state", "A City".

        Also: a city named like the division it lies in (Baghdad, Basra, New York) is what a bare
        name usually means in news, so it outranks its division unless a marker says otherwise.
        """
        text = doc_text(toponyms[0].span.doc) if toponyms else ""
        for index, toponym in enumerate(toponyms):
            divisions = {c.admin1_key for c, _ in toponym.candidates if c.kind == "admin1"}
            for candidate, _ in toponym.candidates:
                if candidate.kind in ("city", "capital") and candidate.admin1_key in divisions:
                    _add_bonus(toponym, candidate, EPONYMOUS_CITY_BONUS)
            self._markers_of(toponym)
            if index + 1 >= len(toponyms):
                continue
            container = toponyms[index + 1]
            if text[toponym.end:container.start].strip() != ",":
                continue
            for inner, _ in toponym.candidates:
                for outer, _ in container.candidates:
                    if _contains(outer, inner):
                        _add_bonus(toponym, inner, QUALIFIER_BONUS)
                        _add_bonus(container, outer, QUALIFIER_BONUS)

    def _markers_of(self, toponym: Toponym) -> None:
        """Bonuses for the kind the neighbouring words imply ("Suffolk county", "the river Thames"), and
        the entries named with the word ("Potomac" + "river" → "Potomac River") as further candidates."""
        span = toponym.span
        doc = span.doc
        for position, index in (("after", span.end), ("before", span.start - 1)):
            if not 0 <= index < len(doc):
                continue
            word = doc[index].lower_
            kinds = self._markers.get((word, position))
            if not kinds:
                continue
            longer = f"{span.text} {word}" if position == "after" else f"{word} {span.text}"
            known = {id(c) for c, _ in toponym.candidates}
            toponym.candidates.extend((c, False) for c, _ in self.gazetteer.candidates(longer) if id(c) not in known)
            for candidate, _ in toponym.candidates:
                if candidate.kind in kinds or candidate.feature in kinds:
                    _add_bonus(toponym, candidate, MARKER_BONUS)
                    toponym.marked = True


def _single_reading(toponym: Toponym) -> Candidate | None:
    """The candidate a toponym surely means: its only one, or a country or continent that no division or
    capital of another country shares the name with ("Mexico" the country, but not "Georgia")."""
    if len(toponym.candidates) == 1:
        return toponym.candidates[0][0]
    primary = [c for c, alternate in toponym.candidates if not alternate]
    top = [c for c in primary if c.kind in ("country", "continent")]
    if len(top) != 1:
        return None
    rivals = [c for c in primary if c.kind in ("admin1", "capital", "region") and c.country != top[0].country]
    return None if rivals else top[0]


@cache
def _iso3_by_iso2() -> dict[str, str]:
    return {row[0]: row[1] for row in read_table(COUNTRY_POINTS)}


def _contains(outer: Candidate, inner: Candidate) -> bool:
    if inner is outer:
        # "Washington, D.C.": the qualifier names the very place.
        return inner.kind in ("city", "capital")
    if outer.kind == "admin1":
        return inner.admin1_key == outer.admin1_key
    return outer.kind == "country" and inner.country == outer.country and inner.kind != "country"


def _add_bonus(toponym: Toponym, candidate: Candidate, value: float) -> None:
    # One qualifier counts once per candidate, however many readings of the other name support it.
    toponym.bonus[id(candidate)] = max(toponym.bonus.get(id(candidate), 0.0), value)


def _support(mentions: int) -> float:
    """How much context weighs: more for a country or division several other places lie in (up to 1.5×)."""
    return 1.0 + 0.25 * min(max(mentions - 1, 0), 2)


def _note(candidate: Candidate, countries: Counter[str], divisions: Counter[str]) -> None:
    if candidate.country:
        countries[candidate.country] += 1
    if candidate.admin1_key and candidate.kind != "continent":
        divisions[candidate.admin1_key] += 1


def _to_place(toponym: Toponym) -> Place:
    candidate = toponym.resolved
    if candidate is None:
        return Place(name=toponym.text, start=toponym.start, end=toponym.end)
    admin1 = candidate.admin1 if candidate.kind in ("admin1", "admin2", "capital", "city") else None
    return Place(name=candidate.name, start=toponym.start, end=toponym.end, country=candidate.country,
                 admin1=admin1, lat=round(candidate.lat, 5), lon=round(candidate.lon, 5),
                 geonameid=candidate.geonameid)
