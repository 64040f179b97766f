"""API latency with a large database: /api/events with filters and the dyad timeline (target: < 200 ms).

Generates a DuckDB file of synthetic articles (default 100,000 events in 20,000 articles, written through
``Store.write_batch`` like a real ingest), starts ``eventwire serve`` on it on 127.0.0.1, and times each request
over HTTP (median and 95th percentile of repeated runs after one warm-up). Prints a Markdown table.

    .venv/bin/python benchmarks/api_latency.py [--events 100000] [--runs 15] [--db FILE] [--keep]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from eventwire.model import PLOVER_TYPES, Actor, Article, Event, Party, Span
from eventwire.store import Store

COUNTRIES = ["USA", "IRQ", "RUS", "UKR", "SYR", "IRN", "CHN", "FRA", "GBR", "DEU", "TUR", "ISR", "EGY", "SAU", "IND",
             "PAK", "AFG", "JPN", "KOR", "PRK", "BRA", "MEX", "NGA", "ZAF", "ETH", "KEN", "LBY", "YEM", "QAT", "JOR"]
SECTORS = ["GOV", "MIL", "REB", "CVL", "BUS", "MED"]
OUTLETS = ["Wire One", "Wire Two", "Baghdad Daily", "Kyiv Post", "Gulf Times", "Global Desk", "Example News"]
QUAD = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 2, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
        "REQUEST": 1, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 3, "SANCTION": 4, "MOBILIZE": 4,
        "COERCE": 4, "ASSAULT": 4}
GOLDSTEIN = {1: 2.0, 2: 6.0, 3: -4.0, 4: -9.0}


def synthetic_article(rng: random.Random, number: int, events_per_article: int, start: date) -> Article:
    published = start + timedelta(days=rng.randrange(365 * 8))
    # The first pairs are the busiest dyads, as in real news.
    pairs = [(rng.choice(COUNTRIES[:6]), rng.choice(COUNTRIES)) for _ in range(events_per_article)]
    codes = sorted({c for pair in pairs for c in pair})
    text_parts: list[str] = []
    actors: dict[str, Actor] = {}
    offset = 0
    for code in codes:
        name = f"Government of {code}"
        sentence = f"{name} said. "
        actors[code] = Actor(f"a{len(actors)}", name, "country", code, "GOV", None, f"kb:{code.lower()}", False,
                             [Span(offset, offset + len(name), name)], 0.8)
        text_parts.append(sentence)
        offset += len(sentence)
    events: list[Event] = []
    for i, (src, dst) in enumerate(pairs):
        kind = rng.choice(PLOVER_TYPES)
        sentence = f"{src} acted towards {dst} in event {i}. "
        trigger = Span(offset + 4, offset + 9, "acted")
        quad = QUAD[kind]
        day = published - timedelta(days=rng.randrange(30))
        events.append(Event(
            id=f"e{i}", event=kind, trigger=trigger, sentence=(offset, offset + len(sentence) - 1), quad=quad,
            goldstein=GOLDSTEIN[quad] + rng.choice((-1.0, 0.0, 1.0)),
            actor=[Party(actors[src].id, actors[src].name, src, rng.choice(SECTORS))],
            recipient=[Party(actors[dst].id, actors[dst].name, dst, rng.choice(SECTORS))],
            date=day.isoformat(), negated=rng.random() < 0.05, hypothetical=rng.random() < 0.08,
        ))
        text_parts.append(sentence)
        offset += len(sentence)
    return Article(f"bench-{number:07d}", "".join(text_parts), f"Synthetic article {number}", None,
                   rng.choice(OUTLETS), published.isoformat(), "en", list(actors.values()), [], events)


def generate(path: Path, events: int, per_article: int = 5, batch: int = 2000, seed: int = 7) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    articles = events // per_article
    with Store(path) as store:
        for first in range(0, articles, batch):
            store.write_batch([synthetic_article(rng, n, per_article, date(2011, 1, 1))
                               for n in range(first, min(first + batch, articles))])
    return time.perf_counter() - started


QUERIES = [
    ("events, no filter", "/api/events"),
    ("events actor=USA", "/api/events?actor=USA"),
    ("events actor=USA recipient=IRQ since/until", "/api/events?actor=USA&recipient=IRQ&since=2014-01&until=2016-12"),
    ("events type=ASSAULT outlet=wire negated=false", "/api/events?type=ASSAULT&outlet=wire&negated=false"),
    ("events actor name 'government of rus'", "/api/events?actor=government%20of%20rus&limit=50&offset=200"),
    ("events quad=4 since=2017", "/api/events?quad=4&since=2017-01-01"),
    ("dyad timeline USA-IRQ month", "/api/dyads/USA/IRQ/timeline?interval=month"),
    ("dyad timeline RUS-UKR week directed", "/api/dyads/RUS/UKR/timeline?interval=week&directed=true"),
    ("dyad timeline USAGOV-IRQ year", "/api/dyads/USAGOV/IRQ/timeline?interval=year"),
    ("stats", "/api/stats"),
    ("actors (grouped by key)", "/api/actors?limit=50"),
    ("actor kb:irq (events, quotes, network)", "/api/actors/kb:irq?limit=100"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, default=None, help="Reuse or create this file (default: a temp file).")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="eventwire-bench-")) / "bench.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        seconds = generate(db, args.events)
        print(f"generated {args.events:,} events in {seconds:.1f}s → {db} ({db.stat().st_size / 1e6:.0f} MB)")
    with Store(db, read_only=True) as store:
        counts = store.counts()
    print(f"database: {counts['articles']:,} articles, {counts['events']:,} events, {counts['actors']:,} actor rows")
    eventwire = Path(sys.executable).with_name("eventwire")
    server = subprocess.Popen([str(eventwire), "serve", "--db", str(db), "--port", str(args.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{args.port}"
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/api/stats")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            print("\n| request | items/periods | total | median ms | p95 ms |\n|---|---|---|---|---|")
            for label, path in QUERIES:
                first = client.get(path)
                first.raise_for_status()
                body = first.json()
                size = len(body.get("items", body.get("periods", body.get("events", {}).get("items", []))))
                total = body.get("total", "")
                times = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"| {label} | {size} | {total} | {statistics.median(times):.1f} | {p95:.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
