"""Finding KB names that spaCy's entity recogniser missed or mislabelled ("Daesh", "Houthis", "KABUL").

Two Aho-Corasick automata (pyahocorasick), built once per knowledge base; each scan reads the text once:

- organisations and people: aliases of armed groups, international and national organisations,
  and multi-word names of people in the shipped KB;
- countries: names, capitals and nationality words of the countries table, as written and in
  capitals (datelines: "BAGHDAD, May 14").

Only aliases unlikely to be ordinary words are used: written with a capital letter and either
several words, or an all-capital acronym (three letters or more for organisations), or a single
word of five letters or more. Matches keep the alias's case and must start and end at word
boundaries; the longest match wins.
"""

from __future__ import annotations

from collections.abc import Iterator

import ahocorasick

from eventwire.actors.kb import ALIAS, CAPITAL, DEMONYM, NAME, KnowledgeBase
from eventwire.nlp.english import NAME_PARTICLES

SCANNED_SOURCES = frozenset({"groups.tsv", "igos.tsv", "organizations.tsv"})


def _scannable(alias: str, acronym_length: int = 3) -> bool:
    if not alias[:1].isupper():
        return False
    if " " in alias or "-" in alias:
        return True
    if alias.replace(".", "").isupper():
        return len(alias) >= acronym_length
    return len(alias) >= 5


def _variants(alias: str) -> set[str]:
    return {alias, alias.replace("'", "’")}


class AliasScanner:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._names: ahocorasick.Automaton | None = None
        self._countries: ahocorasick.Automaton | None = None

    def _build_names(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for entity in self.kb.entities.values():
            if entity.source in SCANNED_SOURCES:
                aliases = [a for a in entity.all_names() if _scannable(a)]
            elif entity.source == "people.tsv":
                aliases = [a for a in entity.all_names() if len(a.split()) >= 2 and all(
                    w[:1].isupper() or w.lower() in NAME_PARTICLES for w in a.split())]
            else:
                continue
            for alias in aliases:
                for variant in _variants(alias):
                    if variant not in automaton:
                        automaton.add_word(variant, (len(variant), entity.id))
        return automaton

    def _build_countries(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for info in self.kb.countries.values():
            entity = self.kb.entities.get(f"country:{info.iso3}")
            if entity is None:
                continue
            forms = [(n, NAME) for n in entity.all_names()] + [(c, CAPITAL) for c in info.capitals] + [
                (d, DEMONYM) for d in info.demonyms]
            for alias, form in forms:
                if alias.lower().startswith("the "):
                    alias = alias[4:]
                if not _scannable(alias, acronym_length=2) and not (len(alias) >= 4 and alias[:1].isupper()):
                    continue
                variants = _variants(alias) | ({alias.upper()} if form in (NAME, ALIAS, CAPITAL) else set())
                for variant in variants:
                    if variant not in automaton:
                        automaton.add_word(variant, (len(variant), info.iso3, form))
        return automaton

    @staticmethod
    def _iter(automaton: ahocorasick.Automaton, text: str) -> Iterator[tuple[int, int, tuple[object, ...]]]:
        if automaton.kind != ahocorasick.AHOCORASICK:
            return
        hits: list[tuple[int, int, tuple[object, ...]]] = []
        for end_index, value in automaton.iter(text):
            length = value[0]
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
                continue
            if end < len(text) and text[end].isalnum():
                continue
            hits.append((start, end, value[1:]))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        last_end = -1
        for start, end, rest in hits:
            if start >= last_end:
                last_end = end
                yield start, end, rest

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, entity id) of each organisation, group or person alias found, left to right."""
        if self._names is None:
            self._names = self._build_names()
            if len(self._names):
                self._names.make_automaton()
        for start, end, (entity_id,) in self._iter(self._names, text):
            yield start, end, str(entity_id)

    def find_countries(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, ISO3, form) of each country name, capital or nationality word found, left to right."""
        if self._countries is None:
            self._countries = self._build_countries()
            if len(self._countries):
                self._countries.make_automaton()
        for start, end, (iso3, form) in self._iter(self._countries, text):
            yield start, end, str(iso3), str(form)
