"""Ships and weapons: names that never act (read from ``data/objects.tsv``).

"The MV Tutor", "the tanker Marlin Luanda", "the Galaxy Leader, a car carrier", "Kinzhal missiles",
"Leopard tanks": spaCy tags such names as organisations or people, and an actor made of them becomes a
party to events ("fired" making a ship attack itself). A name is left alone (its words are claimed, no
actor is made) when it starts with a ship prefix, follows or is in apposition to a word for a ship, or
modifies a word for a weapon. A country, people or KB organisation is never taken for a thing: "Russian
drones" and "Hamas rockets" keep their actors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventwire.actors.index import DEFINITE, INDEFINITE, Step, trim
from eventwire.actors.kb import DATA_DIR
from eventwire.datafiles import read_rows

_KINDS = ("prefix", "vessel", "weapon")


@dataclass(frozen=True, slots=True)
class ObjectWords:
    prefixes: frozenset[str]
    vessels: frozenset[str]
    weapons: frozenset[str]


@cache
def object_words() -> ObjectWords:
    found: dict[str, set[str]] = {kind: set() for kind in _KINDS}
    for kind, word in read_rows(DATA_DIR / "objects.tsv", 2, header="kind", lower=True):
        if kind in found:
            found[kind].add(word)
    return ObjectWords(frozenset(found["prefix"]), frozenset(found["vessel"]), frozenset(found["weapon"]))


class Objects(Step):
    """Names of ships and weapons, claimed so that no step makes an actor of them."""

    def claim_object(self, ent: SpacySpan) -> bool:
        """Claim ``ent`` and return True when it names a ship or a weapon."""
        bounds = trim(ent)
        if bounds is None or not self.free(*bounds):
            return False
        surface = self.text[bounds[0]:bounds[1]]
        if self.kb.country_of(surface) or self.kb.people_of(surface) or self.kb.exact(surface):
            return False
        if not (self.vessel(ent) or self.weapon(ent)):
            return False
        self.claim(*bounds)
        return True

    def vessel(self, ent: SpacySpan) -> bool:
        words = object_words()
        first = next((t for t in ent if t.lower_ not in DEFINITE), None)
        if first is not None and first.lower_ in words.prefixes and first.i + 1 < ent.end:
            return True
        before = ent.start - 1
        while before >= 0 and self.doc[before].lower_ in DEFINITE | INDEFINITE:
            before -= 1
        if before >= 0 and self.doc[before].i < ent.start and _is(self.doc[before], words.vessels) and \
                self.doc[before].i == ent.start - 1:
            return True
        root = ent.root
        appositives = [c for c in root.children if c.dep_ == "appos" and c.i >= ent.end]
        if root.dep_ == "appos" and root.head.i < ent.start:
            appositives.append(root.head)
        return any(_is(a, words.vessels) for a in appositives)

    def weapon(self, ent: SpacySpan) -> bool:
        root = ent.root
        return root.dep_ in ("compound", "nmod", "amod") and root.head.i >= ent.end and _is(root.head,
                                                                                           object_words().weapons)


def _is(token: Token, words: frozenset[str]) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words or token.lower_.rstrip("s") in words


__all__ = ["Objects", "object_words"]
