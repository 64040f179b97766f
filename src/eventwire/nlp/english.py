"""Closed classes of English words shared by the stages (``data/word_classes.tsv``).

- :data:`NAME_PARTICLES`: lower-case particles inside names ("al", "bin", "von").
- :data:`PATRON_WORDS`: participles of "X-backed"/"X-led" modifiers, whose X is a patron.
- :data:`LOCATIVE_WORDS`, :data:`DIRECTION_WORDS`: words that put what follows at a place, or on the
  way from or to one.
- :data:`THIRD_PERSON_PRONOUNS`: each third-person pronoun and what it stands for ("person", "group" or
  "body": a country, organisation or group named as one).
- :data:`PERSON_PRONOUNS`: the third-person pronouns that stand for one person ("he", "her", "himself").
- :data:`RELATIVE_PRONOUNS`: relative pronouns ("who", "which", "that"), which as the subject of a relative
  clause stand for the noun the clause modifies.
- The personal pronouns by case (:data:`SUBJECT_PRONOUNS`, :data:`OBJECT_PRONOUNS`,
  :data:`POSSESSIVE_PRONOUNS` for the determiners, :data:`INDEPENDENT_POSSESSIVES`) and by person
  (:data:`FIRST_PERSON_SINGULAR`, :data:`FIRST_PERSON_PLURAL`, :data:`SECOND_PERSON`, :data:`THIRD_PERSON`,
  :data:`THIRD_PERSON_PLURAL`);
  a stage builds its own list from these by set algebra.
"""

from __future__ import annotations

from pathlib import Path

from eventwire.datafiles import read_rows

_PATH = Path(__file__).parent / "data" / "word_classes.tsv"


def _classes() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name, word in read_rows(_PATH, 2, header="class", lower=True):
        found.setdefault(name, set()).add(word)
    return {name: frozenset(words) for name, words in found.items()}


_CLASSES = _classes()
NAME_PARTICLES: frozenset[str] = _CLASSES["particle"]
PATRON_WORDS: frozenset[str] = _CLASSES["patron"]
LOCATIVE_WORDS: frozenset[str] = _CLASSES["locative"]
DIRECTION_WORDS: frozenset[str] = _CLASSES["direction"]
THIRD_PERSON_PRONOUNS: dict[str, str] = {word: kind.split("-", 1)[1] for kind in ("pronoun-person", "pronoun-group",
                                                                                  "pronoun-body")
                                         for word in _CLASSES[kind]}
PERSON_PRONOUNS: frozenset[str] = _CLASSES["pronoun-person"]
RELATIVE_PRONOUNS: frozenset[str] = _CLASSES["relative"]


def _pronouns(case: str | None = None, persons: tuple[str, ...] = ()) -> frozenset[str]:
    """The words of the ``pronoun-CASE-PERSON`` classes with this case (any if None) and one of these persons."""
    return frozenset(word for name, words in _CLASSES.items() if name.count("-") == 2 and name.startswith("pronoun-")
                     and (case is None or name.split("-")[1] == case)
                     and (not persons or name.split("-")[2] in persons) for word in words)


SUBJECT_PRONOUNS: frozenset[str] = _pronouns("subject")
OBJECT_PRONOUNS: frozenset[str] = _pronouns("object")
POSSESSIVE_PRONOUNS: frozenset[str] = _pronouns("possessive")
INDEPENDENT_POSSESSIVES: frozenset[str] = _pronouns("independent")
FIRST_PERSON_SINGULAR: frozenset[str] = _pronouns(persons=("1s",))
FIRST_PERSON_PLURAL: frozenset[str] = _pronouns(persons=("1p",))
SECOND_PERSON: frozenset[str] = _pronouns(persons=("2",))
THIRD_PERSON: frozenset[str] = _pronouns(persons=("3s", "3p"))
THIRD_PERSON_PLURAL: frozenset[str] = _pronouns(persons=("3p",))
