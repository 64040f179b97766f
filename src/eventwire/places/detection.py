"""Places, step one: find the toponyms in the parsed text (:class:`Detection`, mixed into
:class:`eventwire.places.stage.PlaceStage`).

Detection takes spaCy's GPE/LOC/FAC entities and adds gazetteer matches the
recogniser missed (countries, divisions, continents, big cities, multi-word
features, division abbreviations after "Place, "), then drops what is not a
place mention: demonyms ("Iraqi", "European"), place names inside an
organisation's name ("USA Today", "Washington Institute for Near East
Policy"), and words that are only part of a compound ("Plain-clothes").
A capital standing for its government ("Washington and Baghdad are
negotiating") is a place mention (it names the place), but never an event
location: :mod:`eventwire.places.locations` leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span, Token

from eventwire.nlp import CASED_TEXT
from eventwire.nlp.dateline import opening_dateline
from eventwire.nlp.parse import doc_text
from eventwire.places.gazetteer import Candidate, Gazetteer
from eventwire.places.tables import normalize

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Entities that may be place names the recogniser misread ("Hadley" as a person, "Niger state" as a product).
MISREAD_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT"})
# Kinds a generic word after a name may stand for when the gazetteer lists the name without it ("Kaduna city").
_ADMIN_KINDS = frozenset({"city", "capital", "admin1", "admin2"})
# Generic words that follow too many names of other things to license a place ("Apple Road", "Lake Street").
_NOT_LICENSING = frozenset({"road", "roads", "street", "streets", "avenue", "avenues", "square", "squares", "airport",
                            "airports", "camp", "camps", "city", "town", "state", "states", "region", "regions"})
# The doc.user_data key of the article's text while the stage runs.
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


class Detection:
    """The detection half of the places stage: the stage supplies the gazetteer and the word lists."""

    gazetteer: Gazetteer
    _markers: dict[tuple[str, str], frozenset[str]]
    _org_words: frozenset[str]
    _not_places: frozenset[str]
    _eponym_words: frozenset[str]
    _place_of_words: frozenset[str]

    def detect(self, doc: Doc) -> list[Toponym]:
        found: list[Toponym] = []
        taken = [False] * len(doc)
        dateline = self._dateline(doc)
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
                    if not self._place_name_here(span, _inside(span, dateline), ent.label_):
                        continue
                    place_tokens.update(range(span.start, span.end))
                span = self._extend(span, taken)
                candidates = self._lookup(span)
                surface = _span_text(span)
                if surface.isupper() and len(surface) <= 3 and not _inside(span, dateline):
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

    def _dateline(self, doc: Doc) -> tuple[int, int]:
        """Where the text's dateline lies ("BEIRUT, Lebanon (AP) —", after a title line too), (0, 0) without one.
        The gazetteer confirms a place the line alone cannot ("Washington — The Senate ...")."""
        found = opening_dateline(doc_text(doc), is_place=lambda name: bool(self.gazetteer.candidates(name)))
        return (found.start, found.end) if found is not None else (0, 0)

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

    def _gazetteer_matches(self, doc: Doc, taken: list[bool], dateline: tuple[int, int] = (0, 0)) -> list[Toponym]:
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
                in_dateline = _inside(span, dateline)
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


def _inside(span: Span, dateline: tuple[int, int]) -> bool:
    return dateline[0] <= span.start_char and span.end_char <= dateline[1]


def _place_tokens(doc: Doc) -> set[int]:
    """Indexes of the tokens the recogniser (or the stage so far) took for places."""
    return doc.user_data.get(_PLACE_TOKENS, set())  # type: ignore[no-any-return]


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
