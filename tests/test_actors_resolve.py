"""Name resolution against the shipped knowledge base: one test per path of eventwire.actors.resolve."""

from __future__ import annotations

import pytest

from eventwire.actors.agents import load_agents
from eventwire.actors.kb import Entity, Tenure, load_kb
from eventwire.actors.resolve import Resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(load_kb(), load_agents())


PERSON = ("person",)


def test_exact_alias(resolver: Resolver) -> None:
    result = resolver.resolve("James Jeffrey", PERSON, "2017-12-20")
    assert result.entity is not None and result.entity.id == "person:james-jeffrey"
    assert result.method == "exact" and result.confidence >= 0.9


def test_exact_ignores_case_accents_and_articles(resolver: Resolver) -> None:
    assert resolver.resolve("RECEP TAYYIP ERDOGAN", PERSON).entity.id == "person:recep-tayyip-erdogan"  # type: ignore[union-attr]
    assert resolver.resolve("the Washington Institute", ("organization",)).entity.id == (  # type: ignore[union-attr]
        "org:washington-institute")


def test_fuzzy_spelling_variant(resolver: Resolver) -> None:
    result = resolver.resolve("Haider al-Abbadi", PERSON, "2017-12-20", "head-of-government")
    assert result.entity is not None and result.entity.id == "person:haider-al-abadi"
    assert result.method == "fuzzy" and "spelling" in result.reason


def test_machine_translated_mattis(resolver: Resolver) -> None:
    result = resolver.resolve("Jim Mats", PERSON, "2017-12-20", "defence-minister", "USA")
    assert result.entity is not None and result.entity.id == "person:jim-mattis"
    assert result.tenure is not None and result.tenure.sector == "GOV" and result.tenure.country == "USA"


def test_phonetic_match(resolver: Resolver) -> None:
    result = resolver.resolve("Kassem Suleimany", PERSON, "2017-06-01")
    assert result.entity is not None and result.entity.id == "person:qasem-soleimani"
    assert result.method == "phonetic" and "sounds alike" in result.reason


def test_phonetic_match_needs_the_person_in_office(resolver: Resolver) -> None:
    # The same spelling distance, but Soleimani was dead by 2021: no fuzzy guess.
    assert resolver.resolve("Kassem Suleimany", PERSON, "2021-06-01").entity is None


def test_role_constrained_match(resolver: Resolver) -> None:
    with_role = resolver.resolve("Jawad Zareef", PERSON, "2017-06-01", "foreign-minister")
    assert with_role.entity is not None and with_role.entity.id == "person:mohammad-javad-zarif"
    assert "role 'foreign-minister' fits" in with_role.reason
    # Without the role words the spelling alone is too weak.
    assert resolver.resolve("Jawad Zareef", PERSON, "2017-06-01").entity is None


def test_surname_with_role_and_country(resolver: Resolver) -> None:
    result = resolver.resolve("Rajab Tayeb Erdogan", PERSON, "2018-05-14", "head-of-state", "TUR")
    assert result.entity is not None and result.entity.id == "person:recep-tayyip-erdogan"
    assert result.method == "surname"
    # A different given name is a different person, whatever the role says.
    assert resolver.resolve("Fouad Hussain", PERSON, "2017-06-01", "head-of-state").entity is None


def test_role_contradiction_rules_out_a_fuzzy_candidate(resolver: Resolver) -> None:
    # Mattis was Defense Secretary, not a general, in 2017.
    assert resolver.resolve("Jim Mats", PERSON, "2017-12-20", "military-commander").entity is None


def test_date_constrained_exact(resolver: Resolver) -> None:
    assert resolver.resolve("George Bush", PERSON, "2005-06-01").entity.id == "person:george-w-bush"  # type: ignore[union-attr]
    assert resolver.resolve("George Bush", PERSON, "1990-06-01").entity.id == "person:george-hw-bush"  # type: ignore[union-attr]


def test_unresolved_when_ambiguous(resolver: Resolver) -> None:
    result = resolver.resolve("George Bush", PERSON)
    assert result.entity is None and result.reason.startswith("ambiguous")
    assert {c.entity.id for c in result.candidates} == {"person:george-w-bush", "person:george-hw-bush"}


def test_unresolved_when_weak(resolver: Resolver) -> None:
    assert resolver.resolve("John Smith", PERSON, "2017-06-01").entity is None
    assert resolver.resolve("Mohammad Zarif", PERSON, "2017-06-01", "head-of-government").entity is None


def test_bare_surname_needs_context(resolver: Resolver) -> None:
    assert resolver.resolve("Bush", PERSON).entity is None
    result = resolver.resolve("Bush", PERSON, "2005-03-01", "head-of-state")
    assert result.entity is not None and result.entity.id == "person:george-w-bush" and result.method == "surname"


def test_shipped_entry_wins_over_an_imported_duplicate() -> None:
    kb = load_kb()
    kb.add(Entity("phoenix:nuri-al-maliki", "Nuri Al Maliki", "person", "IRQ", "GOV", None,
                  ["Nouri al-Maliki"], [Tenure(None, "GOV", "IRQ", "2006-05-20", "2014-09-08")], "phoenix.jsonl"))
    result = Resolver(kb, load_agents()).resolve("Nouri al-Maliki", PERSON, "2010-01-01")
    assert result.entity is not None and result.entity.id == "person:nouri-al-maliki"
    assert "imported duplicates" in result.reason


def test_candidates_are_listed_with_scores(resolver: Resolver) -> None:
    candidates = resolver.candidates("Jim Mats", PERSON, "2017-12-20")
    assert candidates[0].entity.id == "person:jim-mattis"
    assert all(c.score >= candidates[-1].score for c in candidates)
