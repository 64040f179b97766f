"""Generated news articles for the speed and memory benchmarks (deterministic, no shared text copied).

Sentences are drawn from templates over a few dozen actors, verbs and places, so the pipeline
finds actors, quotes, places and events in them as it would in wire copy. ``words`` sets the
approximate article length.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

ACTORS = (
    "The United States", "Iraq", "Russian forces", "The European Union", "China", "Turkey", "Iranian officials",
    "The Iraqi government", "Washington", "Baghdad", "NATO", "The United Nations", "Egypt", "Kurdish fighters",
    "Prime Minister Haider al-Abadi", "Secretary of State Rex Tillerson", "President Vladimir Putin",
    "Defense Secretary Jim Mattis", "Syrian rebels", "Israeli troops", "Saudi Arabia", "The French president",
)
PLACES = ("Baghdad", "Mosul", "Damascus", "Ankara", "Geneva", "Cairo", "Kharkiv", "Erbil", "Tehran", "Brussels")
DAYS = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "last week", "in 2014", "last month", "")
TEMPLATES = (
    "{a} met {b} in {p} {d} to discuss security cooperation and the future of the border.",
    "{a} accused {b} of violating the ceasefire near {p} {d}.",
    "{a} signed an agreement with {b} in {p} {d} to expand trade and investment.",
    "{a} threatened to impose sanctions on {b} if the talks in {p} failed.",
    "\"We will not accept any foreign presence on our soil,\" {a} told reporters in {p} {d}.",
    "{a} said {d} that {b} had agreed to withdraw its forces from {p}.",
    "Officials who declined to be named said {a} would send aid to {b} in the coming weeks.",
    "{a} attacked positions held by {b} outside {p} {d}, killing at least a dozen people.",
    "{a} called on {b} to release the detained journalists held in {p}.",
    "Protesters gathered in {p} {d} to denounce the decision by {a}.",
    "{a} praised {b} for its role in the negotiations held in {p}.",
    "According to a statement, {a} rejected the proposal made by {b} {d}.",
    "The talks between {a} and {b} are expected to resume in {p} next month, a spokesman said.",
    "Analysts said the visit by {a} to {p} signalled a shift in relations with {b}.",
)


def article_text(rng: random.Random, words: int) -> str:
    sentences: list[str] = []
    count = 0
    while count < words:
        a, b = rng.sample(ACTORS, 2)
        sentence = rng.choice(TEMPLATES).format(a=a, b=b if b[:4] != "The " else "the" + b[3:],
                                                p=rng.choice(PLACES), d=rng.choice(DAYS))
        sentence = " ".join(sentence.split()).replace(" .", ".")
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def generate(count: int, words: int = 600, seed: int = 1) -> Iterator[dict[str, str]]:
    """``count`` article records (JSONL fields) of about ``words`` words each."""
    rng = random.Random(seed)
    for number in range(count):
        yield {"id": f"syn{seed}-{number:07d}", "text": article_text(rng, words),
               "outlet": f"Outlet {number % 17}", "url": f"https://outlet{number % 17}.example/{number}",
               "published": f"2017-{1 + number % 12:02d}-{1 + number % 28:02d}"}


def write_jsonl(directory: Path, count: int, words: int = 600, files: int = 1, seed: int = 1) -> list[Path]:
    """Write ``count`` generated articles as ``files`` JSONL files under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"news-{i:03d}.jsonl" for i in range(files)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for number, record in enumerate(generate(count, words, seed)):
            handles[number % files].write(json.dumps(record) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return paths
