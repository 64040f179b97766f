"""Live monitoring end to end: articles per minute from a feed to the database (``eventwire watch``).

A news site runs in its own process on 127.0.0.1 with ``--pages`` generated articles (HTML pages of about
``--words`` words, the templates of ``synthetic_news.py``), an RSS feed listing them all and a robots.txt.
The watcher runs one round in this process, as ``eventwire watch --once`` does: feed → robots.txt → fetch
each page (httpx, per-host limits) → trafilatura → the full pipeline → DuckDB, one article per transaction,
then the near-duplicate stories and aggregated events are refreshed. The spaCy model is loaded before the
clock starts (a long-running watcher loads it once); its load time is reported apart.

    python benchmarks/watch.py --pages 200 --words 400 --host-delay 0

``--host-delay`` is the politeness delay between two requests to one host: 0 measures the machine, the default
1 s caps one site at 60 pages a minute whatever the machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_news import article_text

from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.store import Store
from eventwire.store.aggregate import refresh_derived
from eventwire.watch import Politeness, WatchConfig, Watcher


def site_pages(pages: int, words: int, seed: int = 19) -> dict[str, tuple[bytes, str]]:
    rng = random.Random(seed)
    routes: dict[str, tuple[bytes, str]] = {"/robots.txt": (b"User-agent: *\nDisallow: /private/\n", "text/plain")}
    items = []
    for number in range(pages):
        title = f"Dispatch {number}"
        body = "".join(f"<p>{escape(p)}</p>" for p in article_text(rng, words).split("\n\n"))
        html = (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta name="date" content="2024-05-{1 + number % 28:02d}"></head><body><nav>Home | World</nav>'
                f"<article><h1>{title}</h1>{body}</article><footer>Bench Wire</footer></body></html>")
        routes[f"/news/{number}"] = (html.encode(), "text/html; charset=utf-8")
        items.append(f"<item><title>{title}</title><link>/news/{number}</link></item>")
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench Wire</title>{"".join(items)}'
            f"</channel></rss>")
    routes["/feed.xml"] = (feed.encode(), "application/rss+xml")
    return routes


def serve(routes: dict[str, tuple[bytes, str]], port: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body, kind = routes.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--host-delay", type=float, default=0.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    site = multiprocessing.Process(target=serve, args=(site_pages(args.pages, args.words), queue), daemon=True)
    site.start()
    base = f"http://127.0.0.1:{queue.get(timeout=30)}"
    try:
        started = time.perf_counter()
        pipeline = Pipeline(PipelineConfig())
        load_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "watch.duckdb") as store:
            politeness = Politeness(host_delay=args.host_delay, connections=args.connections)
            config = WatchConfig([f"{base}/feed.xml"], max_per_round=args.pages, politeness=politeness)
            watcher = Watcher(store, config, lambda: pipeline)
            started = time.perf_counter()
            report = watcher.run_round()
            round_seconds = time.perf_counter() - started
            refresh_derived(store.con)
            total_seconds = time.perf_counter() - started
            watcher.close()
            words = store.con.execute("SELECT sum(len(string_split(text, ' '))) FROM articles").fetchall()[0][0]
            events = store.con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    finally:
        site.terminate()
    result = {
        "pages": args.pages, "stored": report.stored, "failed": report.failed, "words": int(words or 0),
        "events": int(events), "host_delay": args.host_delay, "connections": args.connections,
        "model_load_s": round(load_seconds, 1), "round_s": round(round_seconds, 1),
        "with_derived_refresh_s": round(total_seconds, 1),
        "articles_per_minute": round(60 * report.stored / total_seconds, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
