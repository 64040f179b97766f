"""The NLP stage: long texts are split without losing a character and parse with exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from eventwire.errors import ModelNotFoundError
from eventwire.nlp import (
    CASED_TEXT,
    MAX_PIECE_CHARS,
    NEEDED_COMPONENTS,
    load_nlp,
    model_name,
    parse_many,
    split_text,
)

PARAGRAPH = ("The foreign ministers of Egypt and Jordan met in Amman on Monday. \u201cWe agreed to keep talking,\u201d "
             "the Jordanian minister said. Officials who spoke on condition of anonymity said that no decision "
             "had yet been made.")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .!?\n\u201d\"'")), max_size=3000),
       max_chars=st.integers(min_value=8, max_value=400))
def test_split_text_pieces_concatenate_to_the_text(text: str, max_chars: int) -> None:
    pieces = split_text(text, max_chars)
    assert "".join(pieces) == text
    assert all(len(piece) <= max_chars for piece in pieces)
    assert all(pieces) or text == ""


def test_split_text_prefers_paragraph_then_sentence_breaks() -> None:
    text = "\n\n".join([PARAGRAPH] * 10)
    pieces = split_text(text, 1000)
    assert len(pieces) > 1
    assert all(piece.endswith("\n\n") for piece in pieces[:-1])
    no_paragraphs = " ".join([PARAGRAPH] * 10)
    pieces = split_text(no_paragraphs, 1000)
    assert all(piece.rstrip().endswith(".") for piece in pieces[:-1])


def test_split_text_without_breaks_cuts_hard() -> None:
    text = "x" * 2500
    assert [len(p) for p in split_text(text, 1000)] == [1000, 1000, 500]


def test_short_text_is_one_piece() -> None:
    assert split_text(PARAGRAPH) == [PARAGRAPH]


def test_long_text_parses_with_exact_offsets(nlp: Language) -> None:
    text = "\n\n".join(f"Paragraph {n}. {PARAGRAPH}" for n in range(500))
    assert len(text) > 100_000
    assert len(split_text(text)) > len(text) // MAX_PIECE_CHARS
    short = "Talks in Doha resumed on Tuesday, a Taliban spokesman said."
    long_doc, short_doc = parse_many(nlp, [text, short])
    assert long_doc.text == text and short_doc.text == short
    for token in long_doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text
    for ent in long_doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text
    last = text.rindex("Amman")
    assert any(ent.start_char == last and ent.text == "Amman" for ent in long_doc.ents)
    assert len(list(long_doc.sents)) >= 500 * 3


def test_only_needed_components_run(nlp: Language) -> None:
    assert set(nlp.pipe_names) <= set(NEEDED_COMPONENTS)
    assert {"parser", "ner"} <= set(nlp.pipe_names)


def test_unknown_model_is_a_clear_error() -> None:
    assert model_name("my_model") == "my_model"
    with pytest.raises(ModelNotFoundError, match="cannot load spaCy model 'no_such_model_xyz'"):
        load_nlp("no_such_model_xyz")


def test_lower_case_text_is_parsed_from_a_restored_copy(nlp: Language) -> None:
    cased = "Kenyan police arrested 12 protesters in Nairobi on Tuesday, officials said."
    lower = cased.lower()
    cased_doc, lower_doc = parse_many(nlp, [cased, lower])
    assert CASED_TEXT not in cased_doc.user_data  # cased text is parsed as it is
    assert lower_doc.text == lower
    assert lower_doc.user_data[CASED_TEXT].startswith("Kenyan police arrested")
    assert ("nairobi", "GPE") in {(ent.text, ent.label_) for ent in lower_doc.ents}
    assert ("kenyan", "NORP") in {(ent.text, ent.label_) for ent in lower_doc.ents}
    assert [t.lemma_.lower() for t in lower_doc][:3] == ["kenyan", "police", "arrest"]
    assert len(list(lower_doc.sents)) == 1


def test_long_lower_case_text_keeps_exact_offsets(nlp: Language) -> None:
    text = "\n\n".join(f"paragraph {n}. {PARAGRAPH.lower()}" for n in range(300))
    assert len(split_text(text)) > 1
    [doc] = parse_many(nlp, [text])
    assert doc.text == text and len(doc.user_data[CASED_TEXT]) == len(text)
    for ent in doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text
    assert sum(ent.text == "amman" for ent in doc.ents) >= 250
