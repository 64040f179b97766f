"""Property-based tests of the whole extraction pipeline and the date resolver on hostile text.

Invariants: no exception, every offset slices ``text`` exactly, and the output
reads back as the contract (JSON round trip).
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.model import Article
from eventwire.pipeline import Pipeline
from eventwire.time import find_times

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NEWS_WORDS = ["Washington", "Baghdad", "said", "“", "”", "\"", "attacked", "the", "US", "officials", "Iran",
              "negotiating", "with", "he", "in", "2011", "last month", ".", ",", "\n\n", "Jim Mats", "told",
              "according to", "not", "would", "troops", "withdrew", "from", "Mosul"]
hostile_chars = st.sampled_from(["\u200f", "\u202e", "\u0301", "\u200b", "\ufeff", "\U0001f600", "\ue000",
                                 "\u05d0", "\u0627", "\t", "\r\n", "\u2028", "\x85", "«", "»", "„"])
hostile_text = st.lists(st.one_of(st.sampled_from(NEWS_WORDS), hostile_chars, st.text(max_size=8)),
                        min_size=1, max_size=80).map(" ".join)
DATE_VALUE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def assert_offsets_slice(article: Article) -> None:
    text = article.text
    for actor in article.actors:
        for mention in actor.mentions:
            assert text[mention.start:mention.end] == mention.text
    for quote in article.quotes:
        assert text[quote.start:quote.end] == quote.text
    for event in article.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert 0 <= event.sentence[0] <= event.trigger.start < event.trigger.end <= event.sentence[1] <= len(text)
        assert event.date is None or DATE_VALUE.fullmatch(event.date)
    for place in article.places:
        # A place's name is canonical ("United States" for "US"); its span must still lie in the text.
        if place.start is not None:
            assert place.end is not None and 0 <= place.start < place.end <= len(text)


@SETTINGS
@given(text=hostile_text, published=st.one_of(st.none(), st.just("2017-12-20")))
def test_pipeline_on_hostile_unicode_keeps_offsets_and_contract(pipeline: Pipeline, text: str,
                                                               published: str | None) -> None:
    if not text.strip():
        return
    article = pipeline(Article(id="fuzz", text=text, published=published))
    assert not any(w.startswith("stage ") for w in article.warnings), article.warnings
    assert_offsets_slice(article)
    again = Article.from_dict(json.loads(article.to_json()))
    assert again.to_dict() == article.to_dict()


def test_pipeline_on_a_one_megabyte_single_line(pipeline: Pipeline) -> None:
    sentence = "Iran accused Washington of violating the agreement, officials said. "
    text = sentence * (1_000_000 // len(sentence))
    article = pipeline(Article(id="long", text=text, published="2020-01-01"))
    assert_offsets_slice(article)
    assert len(article.events) > 1000


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), published=st.one_of(st.none(), st.sampled_from(["2017-12-20", "1999-02-28"])))
def test_date_resolver_slices_and_formats(text: str, published: str | None) -> None:
    for expression in find_times(text, published):
        assert text[expression.start:expression.end] == expression.text
        assert expression.value is None or DATE_VALUE.fullmatch(expression.value)
