"""The parse helpers the stages share (``eventwire.nlp.parse``): the subject finder, its stage wrappers, and the
noun-phrase extent, on short sentences of our own."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Token

from eventwire.events.coder import Coder
from eventwire.events.lexicon import default_lexicon as events_lexicon
from eventwire.model import Article
from eventwire.nlp import parse_many
from eventwire.nlp.english import RELATIVE_PRONOUNS
from eventwire.nlp.parse import Subject, doc_text, phrase_extent, subject_of
from eventwire.petrarch import syntax
from eventwire.quotes.lexicon import default_lexicon as quotes_lexicon
from eventwire.quotes.speakers import _expletive
from eventwire.quotes.stage import _Extraction


@pytest.fixture(scope="module")
def parse(nlp: Language):  # type: ignore[no-untyped-def]
    def parsed(text: str) -> Doc:
        return parse_many(nlp, [text])[0]
    return parsed


def word(doc: Doc, text: str) -> Token:
    return next(t for t in doc if t.text == text)


def text_of(found: Subject) -> str | None:
    return found.token.text if found.token is not None else None


# ---------------------------------------------------------------------------------------------- the shared core

def test_active_subject_is_the_verbs_own(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The minister signed the agreement on Monday.")
    found = subject_of(word(doc, "signed"))
    assert (text_of(found), found.passive, found.clause.text) == ("minister", False, "signed")


def test_passive_subject_is_flagged_passive(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The convoy was attacked by rebels near the border.")
    found = subject_of(word(doc, "attacked"))
    assert (text_of(found), found.passive) == ("convoy", True)


def test_relative_pronoun_stands_for_the_modified_noun_only_when_listed(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The officials who met in Geneva agreed on a truce.")
    met = word(doc, "met")
    assert text_of(subject_of(met)) == "officials"
    assert text_of(subject_of(met, relatives={"which"})) == "who"
    assert "whom" in RELATIVE_PRONOUNS


def test_conjoined_verb_takes_its_first_conjuncts_subject(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The army shelled the town and killed ten people.")
    killed = word(doc, "killed")
    found = subject_of(killed)
    assert (text_of(found), found.clause.text) == ("army", "shelled")
    # Without the conj link there is no subject, and the search stops on the verb itself.
    none = subject_of(killed, links=())
    assert (none.token, none.clause.text) == (None, "killed")


def test_infinitive_takes_the_controlling_verbs_subject_within_max_steps(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("Iran agreed to release the prisoners.")
    release = word(doc, "release")
    assert text_of(subject_of(release)) == "Iran"
    assert subject_of(release, max_steps=1).token is None


def test_expletive_subject_is_skipped_by_the_ignore_callback(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("It is said that the talks failed.")
    said = word(doc, "said")
    assert text_of(subject_of(said)) == "It"
    assert subject_of(said, ignore=_expletive).token is None


def test_rule_can_end_the_search_or_move_it(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The UN urged Iran to release the prisoners.")
    release, urged = word(doc, "release"), word(doc, "urged")
    # No rule: the infinitive climbs to "urged" and takes its subject.
    assert text_of(subject_of(release)) == "UN"

    def object_control(clause: Token, found: Subject | None, came_from: Token | None) -> Subject | None:
        if found is None and clause.dep_ == "xcomp":
            obj = next(c for c in clause.head.children if c.dep_ == "dobj")
            return Subject(obj, False, clause.head)
        return None

    found = subject_of(release, rule=object_control)
    assert (text_of(found), found.clause.text) == ("Iran", "urged")

    def jump_to_root(clause: Token, found: Subject | None, came_from: Token | None) -> Token | None:
        return urged if clause.i == release.i else None

    assert text_of(subject_of(release, links=(), rule=jump_to_root)) == "UN"


def test_deps_groups_set_the_preference(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The convoy was attacked by rebels near the border.")
    attacked = word(doc, "attacked")
    assert subject_of(attacked, deps=(("nsubj", "csubj"),)).token is None


# ---------------------------------------------------------------------------------------------- the stage wrappers

def test_petrarch_reads_a_passive_verbs_source_from_its_by_agent(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The convoy was attacked by rebels near the border.")
    found = syntax.subject_of(word(doc, "attacked"))
    assert found is not None and found.text == "rebels"
    assert syntax.subject_of(None) is None


def test_petrarch_and_events_give_an_object_control_verbs_object(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The UN urged Iran to release the prisoners.")
    release = word(doc, "release")
    found = syntax.subject_of(release)
    assert found is not None and found.text == "Iran"
    subj, passive, clause = Coder(events_lexicon()).subject_clause(release)
    assert (subj.text if subj is not None else None, passive, clause.text) == ("Iran", False, "urged")


def test_events_keeps_the_passive_flag_and_the_relative_clause_noun(parse) -> None:  # type: ignore[no-untyped-def]
    coder = Coder(events_lexicon())
    doc = parse("The convoy was attacked by rebels near the border.")
    subj, passive, _ = coder.subject_clause(word(doc, "attacked"))
    assert (subj.text if subj is not None else None, passive) == ("convoy", True)
    doc = parse("The officials who met in Geneva agreed on a truce.")
    subj, passive, clause = coder.subject_clause(word(doc, "met"))
    assert (subj.text if subj is not None else None, passive, clause.text) == ("officials", False, "met")


def test_quotes_speaker_of_a_cue(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("Police said protesters blocked the road and set tyres alight. It is said that the talks failed.")
    speakers = _Extraction(quotes_lexicon(), Article(id="t", text=doc.text), doc)
    found = speakers.subject_of(word(doc, "said"))
    assert found is not None and found.text == "Police"
    set_verb = word(doc, "set")
    found = speakers.subject_of(set_verb)
    assert found is not None and found.text == "protesters"
    expletive = [t for t in doc if t.text == "said"][1]
    assert speakers.subject_of(expletive) is None


# ---------------------------------------------------------------------------------------------- noun phrases

def test_phrase_extent_keeps_the_named_dependents_only(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("The two senior US officials who spoke to reporters left.")
    officials = word(doc, "officials")
    start, end = phrase_extent(officials, left=("det", "nummod", "amod", "compound"))
    assert doc[start:end + 1].text == "The two senior US officials"
    start, end = phrase_extent(officials, left=("compound",))
    assert doc[start:end + 1].text == "US officials"
    start, end = phrase_extent(officials, left=(), right=("relcl",))
    assert doc[start:end + 1].text == "officials who spoke to reporters"


def test_doc_text_is_the_docs_text_and_kept_once(parse) -> None:  # type: ignore[no-untyped-def]
    doc = parse("KABUL — Taliban fighters attacked a checkpoint.\nTwo guards were hurt.")
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)  # built once, then read from the doc
    other = parse("A different and longer text about talks in Geneva.")
    other.user_data.update(doc.user_data)  # another doc's text must never be returned for this one
    assert doc_text(other) == other.text
