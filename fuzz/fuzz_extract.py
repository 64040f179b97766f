"""Coverage-guided fuzzing (atheris) of the extract pipeline (every stage) on arbitrary Unicode.

Each input becomes an article text mixing news words (so the stages have names, quotes and triggers to work
on) with fuzzer-chosen Unicode: RTL marks, combining marks, zero-width characters, lone surrogates (as a JSON
"\\ud800" escape would give), line and paragraph separators. Invariants: no exception escapes; a stage that
fails is a finding (its warning); every offset slices ``text`` exactly; the output reads back as the contract;
no document takes longer than the per-document budget (``doc_timeout``), which would show super-linear work.
Only eventwire's own modules are instrumented, so spaCy runs at full speed.
"""

from __future__ import annotations

import json
import sys

import atheris

with atheris.instrument_imports(include=["eventwire"]):
    from eventwire.errors import DocumentError
    from eventwire.ingest import Limits
    from eventwire.ingest.jsonl import article_from_record
    from eventwire.model import Article, Failure
    from eventwire.pipeline import Pipeline, PipelineConfig

MAX_CHARS = 4000
# Seconds per input; far above the ~0.1 s a 4,000-character article takes, so only pathological inputs hit it.
BUDGET = 20.0
PIPELINE = Pipeline(PipelineConfig(doc_timeout=BUDGET))
WORDS = ["Washington", "Baghdad", "said", "\u201c", "\u201d", '"', "attacked", "the", "US", "officials", "Iran",
         "negotiating", "with", "he", "in", "2011", "last month", ".", ",", "\n\n", "Jim Mats", "told", "Mosul",
         "according to", "not", "would", "troops", "withdrew", "from", "Prime Minister", "Haider al-Abbadi",
         "who declined to be named", "on Monday", "accused", "Russia", "Ukraine", "met", "'", "(", ")", "-"]
ODD = ["\u200f", "\u202e", "\u0301", "\u200b", "\ufeff", "\U0001f600", "\ue000", "\u05d0", "\u0627", "\t",
       "\r\n", "\u2028", "\x85", "\u00ab", "\u00bb", "\u201e", "\ud800", "\udfff", "\x00", "\u0300" * 30]
PUBLISHED = [None, "2017-12-20", "1999-02-28", "2024-02-29"]


def make_text(provider: atheris.FuzzedDataProvider) -> str:
    parts: list[str] = []
    while provider.remaining_bytes() and sum(map(len, parts)) < MAX_CHARS:
        choice = provider.ConsumeIntInRange(0, 3)
        if choice == 0:
            parts.append(WORDS[provider.ConsumeIntInRange(0, len(WORDS) - 1)])
        elif choice == 1:
            parts.append(ODD[provider.ConsumeIntInRange(0, len(ODD) - 1)])
        elif choice == 2:
            parts.append(provider.ConsumeUnicode(provider.ConsumeIntInRange(0, 16)))
        else:
            parts.append(" ")
    return " ".join(parts)[:MAX_CHARS]


def check(article: Article) -> None:
    text = article.text
    assert not any(w.startswith("stage ") for w in article.warnings), article.warnings
    for actor in article.actors:
        for mention in actor.mentions:
            assert text[mention.start:mention.end] == mention.text, (actor.name, mention)
    for quote in article.quotes:
        assert text[quote.start:quote.end] == quote.text, quote
    for event in article.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text, event.trigger
        assert 0 <= event.sentence[0] <= event.trigger.start < event.trigger.end <= event.sentence[1] <= len(text)
    for place in article.places:
        if place.start is not None:
            assert place.end is not None and 0 <= place.start < place.end <= len(text), place
    again = Article.from_dict(json.loads(article.to_json()))
    assert again.to_dict() == article.to_dict()


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    published = PUBLISHED[provider.ConsumeIntInRange(0, len(PUBLISHED) - 1)]
    text = make_text(provider)
    # Through the JSON-lines reader, as the API and `ingest` would take it (lone surrogates arrive this way).
    try:
        article = article_from_record({"id": "fuzz", "text": text, "published": published}, "fuzz", Limits())
    except DocumentError:
        return
    [result] = PIPELINE.process_items([article])
    if isinstance(result, Failure):
        raise AssertionError(f"{result.reason} on {len(text)} characters")
    check(result)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
