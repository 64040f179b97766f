"""Cost of the actor stage: parse ~100 articles once, then time the actor stage on the parsed docs.

Usage: python benchmarks/actors.py [--articles N] [--kb DIR] [--lower-case]

Articles are made from the bundled sample corpus (and ../shared/corpus when present): paragraphs of
different articles are shuffled together with a fixed seed, so every article is different and the
resolver's cache does not see the same text twice. Prints the spaCy parse time, the time of the
other stages, and the actor stage's time, with its share of the pipeline (parse + stages).
``--lower-case`` runs on the same articles in lower case (as regional feeds arrive): the parse then
includes case restoration (``eventwire.nlp.truecase``), whose own time is printed too.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from eventwire.actors import ActorStage
from eventwire.actors.agents import load_agents
from eventwire.actors.kb import default_user_kb, load_kb
from eventwire.ingest import read_inputs
from eventwire.model import Article
from eventwire.nlp import load_nlp, parse_many
from eventwire.nlp.truecase import restorer
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.places.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent


def corpus_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    sources = [ROOT / "src" / "eventwire" / "data" / "sample", ROOT.parent / "shared" / "corpus"]
    for source in sources:
        if not source.exists():
            continue
        for item in read_inputs([str(source)]):
            if isinstance(item, Article):
                paragraphs.extend(p for p in item.text.split("\n\n") if len(p) > 80)
    return paragraphs


def make_articles(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    paragraphs = corpus_paragraphs()
    articles = []
    for n in range(count):
        text = "\n\n".join(rng.sample(paragraphs, k=min(8, len(paragraphs))))
        published = f"20{rng.randint(15, 24)}-0{rng.randint(1, 9)}-15"
        articles.append(Article(id=f"bench-{n}", text=text, published=published))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--kb", type=Path, default=None, help="user KB directory (default: the usual one)")
    parser.add_argument("--lower-case", action="store_true", help="the articles in lower case")
    args = parser.parse_args()
    articles = make_articles(args.articles)
    if args.lower_case:
        articles = [Article(id=a.id, text=a.text.lower(), published=a.published) for a in articles]
    words = sum(len(a.text.split()) for a in articles)

    started = time.perf_counter()
    kb = load_kb([args.kb or default_user_kb()])
    agents = load_agents([args.kb or default_user_kb()])
    load_seconds = time.perf_counter() - started

    nlp = load_nlp()
    parse_many(nlp, [a.text for a in articles[:4]])  # warm up
    started = time.perf_counter()
    docs = parse_many(nlp, [a.text for a in articles])
    parse_seconds = time.perf_counter() - started

    others = Pipeline(PipelineConfig(disabled=("actors",)), nlp=nlp)
    started = time.perf_counter()
    for article, doc in zip(articles, docs, strict=True):
        copy = Article.from_dict(article.to_dict())
        for other in others.stages:
            other(copy, doc)
    other_seconds = time.perf_counter() - started

    stage = ActorStage(kb, agents, place_names=Gazetteer.load)  # as the pipeline builds it
    started = time.perf_counter()
    actors = 0
    for article, doc in zip(articles, docs, strict=True):
        copy = Article.from_dict(article.to_dict())
        stage(copy, doc)
        actors += len(copy.actors)
    actor_seconds = time.perf_counter() - started

    restore_seconds = 0.0
    if args.lower_case:
        restore = restorer(nlp).restore
        started = time.perf_counter()
        for article in articles:
            restore(article.text)
        restore_seconds = time.perf_counter() - started

    pipeline_seconds = parse_seconds + other_seconds + actor_seconds
    print(f"{len(articles)} articles, {words} words; KB: {len(kb)} entities loaded in {load_seconds:.2f}s")
    print(f"spaCy parse:        {parse_seconds:7.2f}s  ({len(articles) / parse_seconds:6.1f} articles/s)")
    if args.lower_case:
        print(f"  of which case restoration: {restore_seconds:.2f}s "
              f"({1000 * restore_seconds / len(articles):.1f} ms/article)")
    print(f"other stages:       {other_seconds:7.2f}s  ({', '.join(s.name for s in others.stages) or 'none'})")
    print(f"actor stage:        {actor_seconds:7.2f}s  ({1000 * actor_seconds / len(articles):.1f} ms/article, "
          f"{actors} actors)")
    print(f"actor share of the pipeline: {100 * actor_seconds / pipeline_seconds:.1f}% "
          f"(throughput without it would be {100 * actor_seconds / (pipeline_seconds - actor_seconds):.1f}% higher)")


if __name__ == "__main__":
    main()
