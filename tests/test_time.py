"""Time expressions resolved against the publication date (eventwire.time)."""

from __future__ import annotations

import pytest

from eventwire.time import find_times, precision, resolve, shift

PUBLISHED = "2017-12-20"  # a Wednesday


@pytest.mark.parametrize(("words", "expected"), [
    ("last month", "2017-11"),
    ("earlier this month", "2017-12"),
    ("next month", "2018-01"),
    ("in October", "2017-10"),          # a bare month is the latest one not after publication
    ("in March", "2017-03"),
    ("last year", "2016"),
    ("this year", "2017"),
    ("in 2011", "2011"),
    ("in late 2002", "2002"),
    ("on September 29", "2017-09-29"),
    ("on 5 March 2016", "2016-03-05"),
    ("on March 5, 2016", "2016-03-05"),
    ("in June 2014", "2014-06"),
    ("2015-07-04", "2015-07-04"),
    ("on Tuesday", "2017-12-19"),
    ("on Wednesday", "2017-12-20"),
    ("last Wednesday", "2017-12-13"),
    ("yesterday", "2017-12-19"),
    ("today", "2017-12-20"),
    ("two years ago", "2015"),
    ("three months ago", "2017-09"),
])
def test_resolve_against_publication_date(words: str, expected: str) -> None:
    assert resolve(words, PUBLISHED) == expected


def test_precision_follows_the_words() -> None:
    assert [precision(v) for v in ("2011", "2017-10", "2017-12-19")] == ["year", "month", "day"]


def test_relative_expressions_need_a_publication_date() -> None:
    assert resolve("last month", None) is None
    assert resolve("in 2011", None) == "2011"


def test_anaphoric_offset_is_left_for_the_caller() -> None:
    [found] = find_times("But three years after that withdrawal, the army collapsed.", PUBLISHED)
    assert found.kind == "anchored" and found.value is None
    assert found.anchor_noun == "withdrawal" and found.offset == (3, 0, 0)
    assert shift("2011", *found.offset) == "2014"


def test_then_is_anaphoric_but_since_then_is_not() -> None:
    [then] = find_times("The government then rejected the deal.", PUBLISHED)
    assert then.kind == "anchored" and then.anchor_noun is None
    assert find_times("Since then, forces have advanced.", PUBLISHED) == []


@pytest.mark.parametrize("text", [
    "5,500 US troops",            # a number, not a year
    "told USA Today",             # a newspaper's name
    "they may march on the city", # verbs, not months
    "the 1990s",                  # a decade is not a year
])
def test_non_dates_are_not_found(text: str) -> None:
    assert find_times(text, PUBLISHED) == []


def test_offsets_are_article_offsets() -> None:
    [found] = find_times("in 2011", PUBLISHED, offset=100)
    assert (found.start, found.end, found.text) == (103, 107, "2011")


def test_shift_keeps_precision() -> None:
    assert shift("2017-12", months=1) == "2018-01"
    assert shift("2017-12-20", days=-30) == "2017-11-20"
    with pytest.raises(ValueError):
        shift("someday", years=1)
