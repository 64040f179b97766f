"""Coverage-guided fuzzing (atheris) of the date resolver.

Invariants: find_times never raises; every expression's offsets slice the
input exactly; every resolved value is YYYY, YYYY-MM or YYYY-MM-DD.
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    from eventwire.time import find_times

VALUE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
PUBLISHED = ["2017-12-20", "2000-01-01", "2024-02-29", None, "bogus"]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    published = PUBLISHED[provider.ConsumeIntInRange(0, len(PUBLISHED) - 1)]
    text = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    for expression in find_times(text, published):
        assert text[expression.start:expression.end] == expression.text
        assert expression.value is None or VALUE.fullmatch(expression.value), expression.value


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
