"""Countries, nationalities, capitals, peoples and the other names spaCy tags (step 3 and 5 of the stage).

A country named ("Iraq"), a nationality word ("Iraqi"), a capital ("Baghdad") or a people ("Kurds") is a
mention of the country's (or people's) actor. A capital that is not used as a place ("Washington and
Baghdad are negotiating") or a country that acts stands for its government (sector GOV); a capital in
capitals at the start of a line is a dateline, the place the story comes from. Other ORG/NORP entities
are resolved in the KB or become organisations and groups of their own; LOC/FAC entities are locations.
Country names spaCy missed, and names one typo away from a country ("Ethopia"), come from the country
automaton and the KB's fuzzy country look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventwire.actors.index import Cluster, Step, acts, locative, token_end, trim, word_forms
from eventwire.actors.kb import CAPITAL, DEMONYM
from eventwire.actors.normalize import name_key
from eventwire.nlp.dateline import find_dateline, line_start, opening_dateline
from eventwire.nlp.english import DIRECTION_WORDS, LOCATIVE_WORDS

# Heads that make a description the country's government itself.
GOVERNMENT_HEADS = frozenset({"government", "administration", "regime", "authority", "cabinet", "leadership"})
# Role families whose holder's name can stand for a government ("the Bush administration").
_LEADER_ROLES = frozenset({"head-of-state", "head-of-government"})
# Prepositions after which a city spaCy calls a person is the city ("in Meerut", "area of Meerut").
_PLACE_PREPOSITIONS = LOCATIVE_WORDS | DIRECTION_WORDS | {"of"}
_PLACE_POPULATION = 100_000
_DIVISION_KINDS = frozenset({"admin1", "admin2", "region"})
_PLACE_NOUNS = frozenset({"town", "city", "village", "district", "province", "region", "area", "state", "county",
                          "municipality", "suburb", "outskirts", "neighbourhood", "neighborhood", "port", "island",
                          "governorate", "capital", "river", "mountain", "lake", "valley", "dam", "camp", "base",
                          "airport", "border", "desert", "plain", "coast", "peninsula", "square", "road", "highway",
                          "crossing", "checkpoint", "refinery", "oilfield", "gulf", "strait", "canal", "bay"})


class Countries(Step):
    """Countries, capitals, nationalities and peoples; other named entities; the dateline's outlet."""

    def origin_of(self, ent: SpacySpan) -> bool:
        """Whether an entity names a country, nationality, capital or people."""
        bounds = trim(ent)
        surface = self.text[bounds[0]:bounds[1]] if bounds else ent.text
        return bool(self.kb.country_of(surface) or self.kb.people_of(surface)
                    or self.misspelt_country(surface, ent.label_))

    def misspelt_country(self, surface: str, label: str | None) -> tuple[str, str] | None:
        """(ISO3, form) when a capitalised word that no KB entry names is a country name or demonym one typo
        away ("Ethopia"), unless spaCy calls it a person ("Frances") or the gazetteer knows it as a place
        of its own ("Indiana", "Columbia")."""
        if label == "PERSON" or not surface[:1].isupper() or " " in surface:
            return None
        found = self.kb.fuzzy_country(surface)
        if found is None:
            return None
        if self.knowledge.gazetteer.candidates(surface):
            return None
        return found

    def nationality_words(self, ent: SpacySpan) -> bool:
        """A "name" made only of nationality and people words ("Bosnian Serbs") is no person but a group
        of the first word's country: where it lives, not whom it descends from."""
        tokens = [t for t in ent if not (t.is_punct or t.is_space or t.lower_ in ("the", "a", "an"))]
        if len(tokens) < 2 or not all(self.word(t)[:1].isupper() and (self.kb.country_of(self.word(t))
                                                                       or self.kb.people_of(self.word(t)))
                                      for t in tokens):
            return False
        first = self.kb.country_of(self.word(tokens[0]))
        code = first[0] if first is not None else self.kb.people_of(self.word(tokens[0]))[0]  # type: ignore[index]
        start, end = tokens[0].idx, token_end(tokens[-1])
        surface = self.text[start:end]
        key = f"group:{name_key(surface)}"
        cluster = self.cluster(key, Cluster(key, surface, "group", code, confidence=0.7, plural=True))
        if cluster is not None:
            self.add_mention(cluster, start, end)
        return True

    def leader_government(self, ent: SpacySpan, start: int, end: int) -> bool:
        """A leader's name before "administration"/"government" ("the Bush administration", "Yeltsin's
        government") is that leader's country's government, when every KB head of state or government of
        that name served the same country (no date needed: both Bushes were US presidents)."""
        head = ent.root.head
        possessive = ent.root.dep_ == "poss" and ent.end < len(self.doc) and self.doc[ent.end].tag_ == "POS"
        if not ((ent.root.dep_ == "compound" and head.i == ent.end) or (possessive and head.i == ent.end + 1)) \
                or head.lemma_.lower() not in GOVERNMENT_HEADS:
            return False
        key = name_key(self.text[start:end])
        ids = {eid for eid, _ in self.kb.index.get(key, ())} | set(self.kb.surnames.get(key.split()[-1], ()))
        countries = set()
        for eid in ids:
            entity = self.kb.entities[eid]
            if entity.kind != "person":
                continue
            for tenure in entity.tenures:
                if tenure.country and self.resolver.role_family(tenure.role) in _LEADER_ROLES:
                    countries.add(tenure.country)
        if len(countries) != 1 or not self.free(start, token_end(head)):
            return False
        cluster = self.country_cluster(countries.pop())
        cluster.governs = True
        self.add_mention(cluster, start, token_end(head))
        return True

    def countries_in(self, tokens: Iterable[Token]) -> list[str]:
        found: list[str] = []
        seen_ents: set[int] = set()
        for token in tokens:
            ent = self.ent_label.get(token.i)
            # spaCy may call a country a person or a place ("Mali's military government").
            if ent is not None and ent.label_ in ("GPE", "NORP", "PERSON", "LOC") and ent.start not in seen_ents:
                seen_ents.add(ent.start)
                bounds = trim(ent)
                hit = self.kb.country_of(self.text[bounds[0]:bounds[1]]) if bounds else None
            elif ent is None or ent.label_ in ("ORG", "FAC"):
                # A country word inside an organisation's name: "China Coast Guard".
                hit = self.kb.country_of(self.word(token)) if self.word(token)[:1].isupper() else None
            else:
                hit = None
            if hit is not None and hit[0] not in found:
                found.append(hit[0])
        if not found:
            for token in tokens:
                people = self.kb.people_of(self.word(token)) if self.word(token)[:1].isupper() else None
                if people is not None and people[0] not in found:
                    found.append(people[0])
        return found

    def of_country(self, head: Token) -> str | None:
        """The country an "of" phrase gives a title or body: "the president of Armenia", "the Foreign
        Ministry of Egypt"."""
        for child in head.rights:
            if child.dep_ != "prep" or child.lower_ != "of":
                continue
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is None:
                return None
            ent = self.ent_label.get(pobj.i)
            bounds = trim(ent) if ent is not None else None
            surface = self.text[bounds[0]:bounds[1]] if bounds else pobj.text
            found = self.kb.country_of(surface)
            return found[0] if found is not None and found[1] != DEMONYM else None
        return None

    def country_cluster(self, iso3: str) -> Cluster:
        key = f"country:{iso3}"
        info = self.kb.countries.get(iso3)
        cluster = self.cluster(key, Cluster(key, info.name if info else iso3, "country", iso3, kb_id=key,
                                             confidence=0.9))
        assert cluster is not None
        return cluster

    def named(self, ent: SpacySpan) -> None:
        bounds = trim(ent)
        if bounds is None:
            return
        start, end = bounds
        if not self.free(start, end):
            return
        surface = self.text[start:end]
        if ent.label_ in ("ORG", "NORP") and self.leader_government(ent, start, end):
            return  # "the Trump administration" with the name tagged as an organisation
        if ent.label_ == "ORG" and not self.kb.exact(surface) and self.misnamed_place(ent, surface):
            return  # "the city of El Fasher" tagged as an organisation
        if self.joined_nationalities(start, surface):
            return
        found = self.kb.country_of(surface) or self.misspelt_country(surface, ent.label_)
        if found is not None:
            iso3, form = found
            # A capital in capitals is a dateline ("KABUL, May 3 —"): the place the story comes from.
            as_place = locative(ent) or (form == CAPITAL and (surface.isupper() or self.names_a_place(ent)
                                                               or self.dateline_at(start, end)))
            if form == CAPITAL and as_place:
                key = f"place:{name_key(surface)}"
                name = surface.title() if surface.isupper() else surface  # "KHARTOUM, June 3" is Khartoum
                cluster = self.cluster(key, Cluster(key, name, "location", iso3, confidence=0.8))
            else:
                cluster = self.country_cluster(iso3)
                if form == CAPITAL or (form != DEMONYM and not as_place and acts(ent)):
                    cluster.governs = True
            if cluster is not None:
                self.add_mention(cluster, start, end)
            return
        people = self.kb.people_of(surface)
        if people is not None:
            code, entity = people
            cluster = self.cluster(entity.id, Cluster(entity.id, entity.name, "group", code, kb_id=entity.id,
                                                       confidence=0.8))
            if cluster is not None:
                self.add_mention(cluster, start, end)
            return
        if ent.label_ in ("ORG", "NORP", "PERSON"):
            kinds = ("organization", "group")
            resolution = self.resolver.resolve(surface, kinds, self.day)
            if resolution.entity is not None:
                entity = resolution.entity
                tenure = resolution.tenure
                cluster = self.cluster(entity.id, Cluster(
                    entity.id, entity.name, entity.kind, (tenure.country if tenure else None) or entity.country,
                    (tenure.sector if tenure else None) or entity.sector, entity.role, entity.id,
                    confidence=resolution.confidence))
                if cluster is not None:
                    self.add_mention(cluster, start, end)
                return
            tokens = [t for t in self.doc[ent.start:ent.end] if start <= t.idx < end]
            matches = self.agents.match(word_forms(tokens))
            sectors = [m.agent.sector for m in matches if m.agent.sector and m.agent.type != "modifier"]
            countries = self.countries_in(tokens)
            if ent.label_ == "PERSON":
                return  # a person name that is neither a person nor a known organisation: leave it
            kind = "group" if ent.label_ == "NORP" else "organization"
            key = f"{kind}:{name_key(surface)}"
            cluster = self.cluster(key, Cluster(key, surface, kind, countries[0] if len(countries) == 1 else None,
                                                 sectors[0] if sectors else None, confidence=0.5))
        else:
            key = f"place:{name_key(surface)}"
            cluster = self.cluster(key, Cluster(key, surface, "location", confidence=0.6))
        if cluster is not None:
            self.add_mention(cluster, start, end)

    def dateline_outlet(self) -> None:
        """The news outlet of a dateline: "BAGHDAD, May 14, 2018 (Al-Rafidain News) —", "WASHINGTON (AP) —"."""
        found = opening_dateline(self.text, within=600)
        if found is None or found.outlet is None:
            return
        start, end = found.outlet
        surface = self.text[start:end]
        if not self.free(start, end):
            return
        resolution = self.resolver.resolve(surface, ("organization",), self.day)
        entity = resolution.entity
        if entity is not None:
            cluster = self.cluster(entity.id, Cluster(entity.id, entity.name, entity.kind, entity.country,
                                                       entity.sector, entity.role, entity.id,
                                                       confidence=resolution.confidence))
        else:
            key = f"organization:{name_key(surface)}"
            cluster = self.cluster(key, Cluster(key, surface, "organization", sector="JRN", role="news outlet",
                                                 confidence=0.7))
        if cluster is not None:
            self.add_mention(cluster, start, end)

    def joined_nationalities(self, start: int, surface: str) -> bool:
        """ "Russian-Turkish patrols", "US-Iranian talks": countries joined by a hyphen are each a mention of
        their country (none of them acts alone in the phrase)."""
        parts = surface.split("-")
        if len(parts) < 2 or not all(part[:1].isupper() and self.kb.country_of(part) for part in parts):
            return False
        offset = start
        for part in parts:
            found = self.kb.country_of(part)
            if found is not None:
                self.add_mention(self.country_cluster(found[0]), offset, offset + len(part))
            offset += len(part) + 1
        return True

    def misnamed_place(self, ent: SpacySpan, surface: str) -> bool:
        """A city that spaCy tagged as a person or an organisation, after a place preposition ("clashes in
        the old city area of Meerut", "arrived from Sialkot", "the town of Sake"): a location. Only cities of
        100,000 people or more, by their own name, or a name after "town of", "city of" ..., so that a person
        named after a small town stays a person."""
        root = ent.root
        while root.dep_ == "conj" and root.head is not root:
            root = root.head  # "the provinces of Dhi Qar and Maysan"
        # "the Tigris river", "the Sinjar mountains", "the town of Wad Madani": the noun says it is a place,
        # whatever the gazetteer knows.
        modifies_place = root.dep_ in ("compound", "nmod") and root.head.i >= ent.end and \
            root.head.lemma_.lower() in _PLACE_NOUNS
        named_place = modifies_place or (root.dep_ == "pobj" and root.head.lower_ == "of"
                                         and root.head.head.lemma_.lower() in _PLACE_NOUNS)
        if not named_place and (root.dep_ != "pobj" or root.head.lower_ not in _PLACE_PREPOSITIONS):
            return False
        # A division or region of any size; a natural feature when written with "the" ("the Tigris"), so that
        # "orders from Amazon" stays a company; a city of 100,000 people or more.
        definite = ent.start > 0 and self.doc[ent.start - 1].lower_ == "the"
        if not named_place and not any(
                not alternate and (candidate.kind in _DIVISION_KINDS or (candidate.kind == "feature" and definite)
                                   or candidate.population >= _PLACE_POPULATION)
                for candidate, alternate in self.knowledge.gazetteer.candidates(surface)):
            return False
        bounds = trim(ent)
        if bounds is None:
            return False
        key = f"place:{name_key(surface)}"
        cluster = self.cluster(key, Cluster(key, surface, "location", confidence=0.6))
        if cluster is not None:
            self.add_mention(cluster, *bounds)
        return True

    def dateline_at(self, start: int, end: int) -> bool:
        """Whether a place name opens a line as a dateline does, in any case ("manila, aug 19 (wire) -")."""
        surface = self.text[start:end]
        found = find_dateline(self.text, line_start(self.text, start), is_place=lambda place: place == surface)
        return found is not None and found.place is not None and found.place[0] <= start and end <= found.place[1]

    def names_a_place(self, span: SpacySpan) -> bool:
        """Whether a capital modifies a word for a place or thing ("Harare airport", "the Kabul road"), not
        a word for an actor ("the Baghdad government"): then it is the city."""
        root = span.root
        head = root.head
        return root.dep_ == "compound" and head.i >= span.end and head.pos_ in ("NOUN", "PROPN") and not (
            self.agents.ends_a_phrase(head.lemma_.lower()) or self.agents.ends_a_phrase(head.lower_))

    def scanned_countries(self, person: Callable[[SpacySpan], bool] | None = None) -> None:
        """Country names, capitals and nationality words spaCy did not tag (datelines in capitals, "Mali").

        ``person(span)`` is asked first and takes the words when they are a person's name ("Turk said").
        """
        for start, end, iso3, form in self.knowledge.scanner.find_countries(self.text):
            if not self.free(start, end):
                continue
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None or any(t.i in self.ent_label for t in span):
                continue  # spaCy saw an entity here and the named pass judged it
            if person is not None and person(span):
                continue
            surface = self.text[start:end]
            if form == CAPITAL and (surface.isupper() or locative(span) or self.names_a_place(span)
                                    or self.dateline_at(start, end)):
                key = f"place:{name_key(surface)}"
                name = surface.title() if surface.isupper() else surface
                cluster = self.cluster(key, Cluster(key, name, "location", iso3, confidence=0.7))
            else:
                cluster = self.country_cluster(iso3)
                if form == CAPITAL or (form != DEMONYM and acts(span)):
                    cluster.governs = True
            if cluster is not None:
                self.add_mention(cluster, start, end)
        # Misspelt country names spaCy did not tag at all ("Ethopia has agreed").
        for token in self.index.tokens:
            if token.i in self.ent_label or token.pos_ not in ("PROPN", "NOUN", "ADJ"):
                continue
            start, end = token.idx, token_end(token)
            if not self.free(start, end):
                continue
            misspelt = self.misspelt_country(self.word(token), None)
            if misspelt is None:
                continue
            cluster = self.country_cluster(misspelt[0])
            span = self.doc[token.i:token.i + 1]
            if misspelt[1] != DEMONYM and not locative(span) and acts(span):
                cluster.governs = True
            self.add_mention(cluster, start, end)
