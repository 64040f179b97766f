"""The places stage: find toponyms in the parsed text and resolve them offline.

Detection takes spaCy's GPE/LOC/FAC entities and adds gazetteer matches the
recogniser missed (countries, divisions, continents, big cities, multi-word
features, division abbreviations after "Place, "), then drops what is not a
place mention: demonyms ("Iraqi", "European"), place names inside an
organisation's name ("USA Today", "Washington Institute for Near East
Policy"), and words that are only part of a compound ("Plain-clothes").
A capital standing for its government ("Washington and Baghdad are
negotiating") is a place mention (it names the place), but never an event
location: :mod:`eventwire.places.locations` leaves it out.

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
from dataclasses import dataclass, field
from functools import cache

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span, Token

from eventwire.config import PipelineConfig
from eventwire.knowledge.countries import COUNTRY_POINTS
from eventwire.model import Article, Place
from eventwire.nlp import CASED_TEXT
from eventwire.places.gazetteer import Candidate, Gazetteer
from eventwire.places.tables import DEFAULT_MIN_POPULATION, normalize, read_table, read_words

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entities that may be place names the recogniser misread ("Hadley" as a person, "Niger state" as a product).
MISREAD_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT"})
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
# How many characters at the start of an article may hold its dateline ("SPRINGFIELD, Mass. (AP) —").
DATELINE_CHARS = 80
# Kinds a generic word after a name may stand for when the gazetteer lists the name without it ("Kaduna city").
_ADMIN_KINDS = frozenset({"city", "capital", "admin1", "admin2"})
# Generic words that follow too many names of other things to license a place ("Apple Road", "Lake Street").
_NOT_LICENSING = frozenset({"road", "roads", "street", "streets", "avenue", "avenues", "square", "squares", "airport",
                            "airports", "camp", "camps", "city", "town", "state", "states", "region", "regions"})
# The doc.user_data key of the article's text while the stage runs.
_TEXT = "eventwire.places.text"
# The doc.user_data key of the tokens taken for places while detecting.
_PLACE_TOKENS = "eventwire.places.place_tokens"
# Lower-case words that join two names the recogniser read as one entity.
_JOINING_WORDS = frozenset({"and", "or", "to", "in", "near", "from", "of", "&"})
# Kinds of gazetteer entry a smaller name found outside the recogniser's places may stand for.
_PLACE_KINDS = frozenset({"city", "capital", "admin1", "admin2", "feature", "country", "region"})
# Words after which a capitalised name is most likely a place ("in Agawam", "near Hadley").
_PLACE_PREPOSITIONS = frozenset({"in", "near", "at", "from", "to", "outside", "around", "toward", "towards", "into",
                                 "through", "across", "via", "between", "on"})
_SITE_PREPOSITIONS = frozenset({"in", "near", "outside", "around", "across", "through", "into", "inside"})
# Part-of-speech tags of a sentence-initial word that is not a name ("Plain", "Grand", "Fresh").
_NON_NAME_TAGS = frozenset({"JJ", "JJR", "JJS", "RB", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "DT", "IN"})
# "and" is left out: it joins separate names ("Baghdad and USA Today") as often as it sits inside one.
_CONNECTORS = frozenset({"of", "for", "the", "on", "de"})


@dataclass(slots=True)
class Toponym:
    """A detected place mention before and after resolution."""

    start: int  # character offsets into the article text
    end: int
    text: str
    candidates: list[tuple[Candidate, bool]]
    span: Span
    bonus: dict[int, float] = field(default_factory=dict)  # id(candidate) → extra score
    marked: bool = False  # a word next to it says which kind of place it is ("Kaduna state")
    _own_countries: frozenset[str | None] | None = None

    def own_countries(self) -> frozenset[str | None]:
        """The countries this very name names ("Mexico"): their places get no context bonus from it."""
        if self._own_countries is None:
            self._own_countries = frozenset(c.country for c, _ in self.candidates if c.kind == "country")
        return self._own_countries
    resolved: Candidate | None = None


class PlaceStage:
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
        # Doc.text joins every token on each access: the article's text is the same string, read once.
        length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        doc.user_data[_TEXT] = article.text if len(article.text) == length else doc.text
        try:
            toponyms = self.detect(doc)
            self.resolve(toponyms, article)
        finally:
            doc.user_data.pop(_TEXT, None)
        article.places.extend(_to_place(t) for t in toponyms)

    # -- detection ---------------------------------------------------------------------------

    def detect(self, doc: Doc) -> list[Toponym]:
        found: list[Toponym] = []
        taken = [False] * len(doc)
        dateline = _dateline_end(_opening(doc))
        # Where the recogniser saw places: a name listed with one of them is licensed to be a place too.
        # Kept on the doc, not the stage: one stage object may serve several threads.
        place_tokens = doc.user_data[_PLACE_TOKENS] = {
            i for ent in doc.ents if ent.label_ in PLACE_LABELS for i in range(ent.start, ent.end)}
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS:
                for i in range(ent.start, ent.end):
                    taken[i] = True
                if ent.label_ not in MISREAD_LABELS:
                    continue
            else:
                for i in range(ent.start, ent.end):
                    taken[i] = True
            # "Springfield, Mass." or "Paris, Texas" as one entity: each part is a toponym.
            for part in self._parts(ent):
                span = _trim(part)
                if span is None:
                    continue
                # The recogniser often calls a bare country or city name an organisation or a person ("DRC",
                # "Harare", "Hadley"): such a name is taken as a place when it is well known or stands where
                # places stand ("in Agawam", "Northampton and Hadley", "Malappuram and Kannur districts").
                if ent.label_ not in PLACE_LABELS:
                    if not self._place_name_here(span, span.start_char < dateline, ent.label_):
                        continue
                    place_tokens.update(range(span.start, span.end))
                span = self._extend(span, taken)
                candidates = self._lookup(span)
                surface = _span_text(span)
                if surface.isupper() and len(surface) <= 3 and span.start_char >= dateline:
                    # An acronym ("EU", "AU") is no town written in lower case ("Eu", France); "US" and "DRC"
                    # reach their countries through aliases, whose names differ.
                    candidates = [(c, a) for c, a in candidates
                                  if c.name.isupper() or normalize(c.name) != normalize(surface)]
                if ent.label_ == "FAC" and not candidates:
                    continue  # buildings and roads the gazetteer cannot place are not worth a record
                if self._rejected(span, candidates):
                    continue
                found.append(Toponym(span.start_char, span.end_char, span.text, candidates, span))
        found.extend(self._gazetteer_matches(doc, taken, dateline))
        found.extend(self._qualifier_abbreviations(doc, found, taken))
        found.extend(self._repeated(doc, found))
        found.sort(key=lambda t: t.start)
        del doc.user_data[_PLACE_TOKENS]  # a set would not survive the doc's serialisation
        return found

    def _repeated(self, doc: Doc, found: list[Toponym]) -> list[Toponym]:
        """Later (or earlier) mentions of a name already found as a place, which the recogniser missed there
        ("south of Djibo", "Djibo, near the border"): a name keeps its reading within an article. Not when
        the words are part of a longer name of something else ("Djibo Airport")."""
        # One model per distinct name (a long article may mention one place thousands of times).
        by_first: dict[str, dict[str, Toponym]] = {}
        for toponym in found:
            if toponym.candidates and _capitalised(_span_text(toponym.span)):
                by_first.setdefault(toponym.span[0].text, {}).setdefault(toponym.span.text, toponym)
        if not by_first:
            return []
        covered = [False] * len(doc)
        for toponym in found:
            for i in range(toponym.span.start, toponym.span.end):
                covered[i] = True
        owner = [None] * len(doc)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                owner[i] = ent
        added: list[Toponym] = []
        # Only tokens spelt like a name's first word are looked at (from the ORTH ids, without building the
        # other Tokens: this walk over every token was about a quarter of the stage's time).
        firsts = {doc.vocab.strings[text] for text in by_first}
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            if orth not in firsts or covered[i]:
                continue
            token = doc[i]
            for model in by_first.get(token.text, {}).values():
                end = token.i + len(model.span)
                if end > len(doc) or any(covered[token.i:end]) or doc[token.i:end].text != model.span.text:
                    continue
                ent = owner[token.i]
                if ent is not None and (ent.start < token.i or ent.end > end) and ent.label_ not in PLACE_LABELS:
                    continue
                span = doc[token.i:end]
                if self._rejected(span, model.candidates):
                    continue
                for i in range(token.i, end):
                    covered[i] = True
                added.append(Toponym(span.start_char, span.end_char, span.text, list(model.candidates), span))
                break
        return added

    def _parts(self, ent: Span) -> list[Span]:
        """An entity split at its commas ("Springfield, Mass."), and, when the whole is no gazetteer name,
        at lower-case joining words ("the Sahel to Burkina Faso", "Kisumu and Nakuru")."""
        parts = _split(ent, frozenset({","})) if any(t.text == "," for t in ent) else [ent]
        split: list[Span] = []
        for part in parts:
            trimmed = _trim(part)
            if (trimmed is not None and len(trimmed) > 2 and any(_word(t).islower() for t in trimmed)
                    and not self.gazetteer.candidates(trimmed.text)):
                split.extend(_split(trimmed, _JOINING_WORDS))
            else:
                split.append(part)
        return split

    def _lookup(self, span: Span) -> list[tuple[Candidate, bool]]:
        """The candidates of a span; a trailing generic word the gazetteer does not list with the name is
        dropped ("Kaduna city"), and after "Place, " an abbreviation is read as a division ("Mass.")."""
        gazetteer = self.gazetteer
        candidates = gazetteer.candidates(span.text)
        kinds = self._markers.get((span[-1].lower_, "after"), frozenset()) & _ADMIN_KINDS if len(span) > 1 else None
        if not candidates and kinds:
            # Only as the kind the word names: "Guadalupe River" is not the town of Guadalupe.
            candidates = [(c, a) for c, a in gazetteer.candidates(span[:-1].text) if c.kind in kinds]
        if not candidates and span.start > 0 and span.doc[span.start - 1].text == ",":
            candidates = gazetteer.abbreviation(span.text)
        return candidates

    def _extend(self, span: Span, taken: list[bool]) -> Span:
        """The span grown rightwards to the longest primary gazetteer name it starts ("San" → "San Pedro
        Garza García" when the recogniser cut a long name short)."""
        doc = span.doc
        best = span
        for end in range(span.end + 1, min(span.end + 4, len(doc)) + 1):
            longer = doc[span.start:end]
            last = longer[-1]
            # A hyphen inside a name ("Guinea-Bissau", "Bosnia-Herzegovina") may be crossed, not ended on.
            if last.text in ("-", "–") and not doc[end - 2].whitespace_ and not last.whitespace_:
                continue
            if not _capitalised(_word(last)) or any(taken[i] for i in range(span.end, end)
                                                    if i not in _place_tokens(doc)):
                break
            if any(not alternate for _, alternate in self.gazetteer.candidates(longer.text)):
                best = longer
        if best is not span:
            for i in range(span.end, best.end):
                taken[i] = True
        return best

    def _place_name_here(self, span: Span, in_dateline: bool = False, misread: str | None = None) -> bool:
        """A capitalised name that the gazetteer knows as a primary name and that stands in a place's slot:
        any well-known name, or a smaller one after a locative preposition, in a list with places, before
        ", <place>", or in the dateline."""
        key = normalize(span.text)
        if key in self._not_places or not _capitalised(_span_text(span)):
            return False
        if key in self.gazetteer.detectable:
            return True
        if not (in_dateline or self._licensed(span, misread)):
            return False
        return any(not alternate and c.kind in _PLACE_KINDS for c, alternate in self.gazetteer.candidates(span.text))

    def _licensed(self, span: Span, misread: str | None = None) -> bool:
        doc = span.doc
        before = span.start - 1
        while before >= 0 and doc[before].lower_ in ("the",):
            before -= 1
        # After "to", "from" or "on", a name the recogniser took for a person or an organisation is often one
        # ("wrote to Putin", "data from Reuters"); after "in" or "near" it is a place.
        prepositions = _PLACE_PREPOSITIONS if misread is None else _SITE_PREPOSITIONS
        if before >= 0 and doc[before].lower_ in prepositions:
            return True
        # "the town of Djibo", "residents of Ingram", "30 km south of Djibo".
        if before >= 1 and doc[before].lower_ == "of" and doc[before - 1].lower_ in self._place_of_words:
            return True
        places = _place_tokens(doc)
        # "Northampton and Hadley", "Kisumu, Nakuru": listed with a place the recogniser found.
        if before >= 1 and doc[before].lower_ in ("and", "or", ",") and (before - 1) in places:
            return True
        after = span.end
        if after + 1 < len(doc) and doc[after].lower_ in ("and", "or", ",") and (after + 1) in places:
            return True
        # "Malappuram and Kannur districts", "Aurora province": a generic word after the name (or the list).
        for i in range(after, min(after + 5, len(doc))):
            word = doc[i].lower_
            if (word, "after") in self._markers or (word.endswith("s") and (word[:-1], "after") in self._markers):
                return word not in _NOT_LICENSING
            if not (word in ("and", "or", ",") or _capitalised(_word(doc[i]))):
                return False
        return False

    def _gazetteer_matches(self, doc: Doc, taken: list[bool], dateline: int = 0) -> list[Toponym]:
        gazetteer = self.gazetteer
        matches: list[Toponym] = []
        tagged = doc.has_annotation("TAG")
        i = 0
        while i < len(doc):
            if taken[i] or not _capitalised(_word(doc[i])):
                i += 1
                continue
            for length in range(min(4, len(doc) - i), 0, -1):
                span = doc[i:i + length]
                if any(taken[i:i + length]) or not _capitalised(_word(span[-1])):
                    continue
                key = normalize(span.text)
                in_dateline = span.end_char <= dateline
                if key in self._not_places:
                    continue
                # A lone word must be tagged a proper noun: "Man" opening a sentence is not the city. A
                # dateline is written in capitals, which the tagger reads as anything.
                if length == 1 and tagged and span[0].tag_ not in ("NNP", "NNPS") and not in_dateline:
                    continue
                if key not in gazetteer.detectable and not self._place_name_here(span, in_dateline):
                    continue
                candidates = gazetteer.candidates(span.text)
                if self._rejected(span, candidates):
                    continue
                matches.append(Toponym(span.start_char, span.end_char, span.text, candidates, span))
                i += length - 1
                break
            i += 1
        return matches

    def _qualifier_abbreviations(self, doc: Doc, found: list[Toponym], taken: list[bool]) -> list[Toponym]:
        """Division abbreviations right after "Place, " ("Springfield, Mass.", "Portland, Ore.", "Erie, PA")."""
        added: list[Toponym] = []
        for toponym in found:
            comma = toponym.span.end
            if comma + 1 >= len(doc) or doc[comma].text != ",":
                continue
            for length in (3, 2, 1):
                end = comma + 1 + length
                if end > len(doc) or any(taken[comma + 1:end]):
                    continue
                span = doc[comma + 1:end]
                if not _capitalised(_span_text(span)):
                    continue
                text = span.text
                end_char = span.end_char
                # "Mass." may end a sentence, where the tokenizer splits its dot off.
                if end < len(doc) and doc[end].text == "." and not span[-1].whitespace_:
                    text, end_char = text + ".", end_char + 1
                candidates = self.gazetteer.abbreviation(text)
                if candidates:
                    for i in range(comma + 1, end):
                        taken[i] = True
                    added.append(Toponym(span.start_char, end_char, text, candidates, span))
                    break
        return added

    def _rejected(self, span: Span, candidates: list[tuple[Candidate, bool]]) -> bool:
        text = span.text
        key = normalize(text)
        if not any(ch.isupper() for ch in _span_text(span)):
            return True
        demonyms = self.gazetteer.demonyms
        # "Iraqis" is a plural demonym, but "Philippines" and "Laos" are names in their own right.
        if key in demonyms or (key.endswith("s") and key[:-1] in demonyms and not candidates):
            return True
        if span.end < len(span.doc) and span.doc[span.end].lower_ in self._eponym_words:
            return True
        if self._inside_organisation(span):
            return True
        return self._compound_part(span, key)

    def _compound_part(self, span: Span, key: str) -> bool:
        """A word that is only part of a compound or an adjective ("Plain-clothes officers", "Grand jury"),
        unless it is a well-known place name ("Iran-backed", "Kyiv-based")."""
        if key in self.gazetteer.detectable:
            return False
        doc = span.doc
        following = span.end
        if (following + 1 < len(doc) and doc[following].text in ("-", "–") and not span[-1].whitespace_
                and _word(doc[following + 1]).islower()):
            return True
        # A lone capitalised adjective or verb opening a sentence is a sentence-initial capital.
        first = span[0]
        return len(span) == 1 and first.is_sent_start is True and first.tag_ in _NON_NAME_TAGS

    def _inside_organisation(self, span: Span) -> bool:
        """True when the span sits in a run of capitalised words naming an organisation."""
        doc = span.doc
        try:
            sent_start, sent_end = span.sent.start, span.sent.end
        except ValueError:  # a pipeline without sentence boundaries: the whole text is one run
            sent_start, sent_end = 0, len(doc)
        words: list[str] = []
        i = span.end
        while i < sent_end and (_capitalised(_word(doc[i])) or (doc[i].lower_ in _CONNECTORS and i + 1 < sent_end
                                                                and _capitalised(_word(doc[i + 1])))):
            words.append(doc[i].lower_)
            i += 1
        i = span.start - 1
        while i >= sent_start and (_capitalised(_word(doc[i])) or (doc[i].lower_ in _CONNECTORS and i > sent_start
                                                                   and _capitalised(_word(doc[i - 1])))):
            # A sentence-initial capital is not evidence of a name.
            if i == sent_start and doc[i].is_stop:
                break
            words.append(doc[i].lower_)
            i -= 1
        return any(w in self._org_words for w in words)

    # -- resolution --------------------------------------------------------------------------

    def resolve(self, toponyms: list[Toponym], article: Article) -> None:
        self._qualifiers(toponyms)
        countries: Counter[str] = Counter({a.country for a in article.actors
                                           if a.country and a.country in self.gazetteer.countries})
        divisions: Counter[str] = Counter()
        votes: dict[str, float] = {}
        for country in countries:
            votes[country] = votes.get(country, 0.0) + 0.5
        dateline_end = _dateline_end(_opening(toponyms[0].span.doc) if toponyms else "")
        # Pass 1: toponyms with a single candidate (or a country) fix the context.
        for toponym in toponyms:
            single = _single_reading(toponym)
            if single is not None:
                toponym.resolved = single
                _note(toponym.resolved, countries, divisions)
                if toponym.resolved.country:
                    weight = 2.0 if toponym.start < dateline_end else 1.0
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
        text = _doc_text(toponyms[0].span.doc) if toponyms else ""
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
        text = _doc_text(toponyms[0].span.doc) if toponyms else ""
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


def _split(ent: Span, separators: frozenset[str]) -> list[Span]:
    parts: list[Span] = []
    start = ent.start
    for token in ent:
        if token.lower_ in separators:
            if token.i > start:
                parts.append(ent.doc[start:token.i])
            start = token.i + 1
    if start < ent.end:
        parts.append(ent.doc[start:ent.end])
    return parts


_DATELINE = re.compile(r"^[^\n]{2,%d}?(?:\s[—–-]{1,2}\s|\((?:AP|AFP|Reuters|UPI|dpa|IANS|PTI|Xinhua)\))"  # noqa: UP031
                       % DATELINE_CHARS)


def _dateline_end(text: str) -> int:
    """Where the dateline ends ("BEIRUT, Lebanon (AP) — "), or 0 when the text opens without one."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


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


def _doc_text(doc: Doc) -> str:
    return doc.user_data.get(_TEXT) or doc.text  # type: ignore[no-any-return]


def _opening(doc: Doc) -> str:
    """The first characters of the text, enough to hold a dateline."""
    return _doc_text(doc)[:DATELINE_CHARS + 40] if _TEXT in doc.user_data else doc[:60].text


def _place_tokens(doc: Doc) -> set[int]:
    """Indexes of the tokens the recogniser (or the stage so far) took for places."""
    return doc.user_data.get(_PLACE_TOKENS, set())  # type: ignore[no-any-return]


def _support(mentions: int) -> float:
    """How much context weighs: more for a country or division several other places lie in (up to 1.5×)."""
    return 1.0 + 0.25 * min(max(mentions - 1, 0), 2)


def _note(candidate: Candidate, countries: Counter[str], divisions: Counter[str]) -> None:
    if candidate.country:
        countries[candidate.country] += 1
    if candidate.admin1_key and candidate.kind != "continent":
        divisions[candidate.admin1_key] += 1


def _word(token: Token) -> str:
    """A token as the parse read it: from the case-restored copy of a lower-case text when there is one."""
    cased = token.doc.user_data.get(CASED_TEXT)
    return cased[token.idx:token.idx + len(token.text)] if cased else token.text  # type: ignore[no-any-return]


def _span_text(span: Span) -> str:
    cased = span.doc.user_data.get(CASED_TEXT)
    return cased[span.start_char:span.end_char] if cased else span.text  # type: ignore[no-any-return]


def _capitalised(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _trim(ent: Span) -> Span | None:
    """The entity without a leading article and a trailing possessive ("the United States's")."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and doc[end - 1].text in ("'s", "’s", "'", "’", ".", ","):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _to_place(toponym: Toponym) -> Place:
    candidate = toponym.resolved
    if candidate is None:
        return Place(name=toponym.text, start=toponym.start, end=toponym.end)
    admin1 = candidate.admin1 if candidate.kind in ("admin1", "admin2", "capital", "city") else None
    return Place(name=candidate.name, start=toponym.start, end=toponym.end, country=candidate.country,
                 admin1=admin1, lat=round(candidate.lat, 5), lon=round(candidate.lon, 5),
                 geonameid=candidate.geonameid)
