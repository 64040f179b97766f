"""A small news site on 127.0.0.1 for the watcher's tests: feeds, sitemaps, pages and misbehaving routes.

Every request is logged (path, headers) so tests can count fetches. Article texts are generated from our own
sentence templates, each one distinct, long enough for trafilatura to keep as the main text.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PEOPLE = ("The foreign minister of Kenya", "Ethiopian officials", "The mayor of Lyon", "Brazilian negotiators",
          "A spokesman for the Indonesian navy", "The Chilean president", "Union leaders in Ghana",
          "Norwegian diplomats", "The Peruvian health ministry", "Farmers in Punjab")
DEEDS = ("met their counterparts in {p} to discuss a new water-sharing plan",
         "accused the neighbouring government of blocking grain shipments through {p}",
         "signed a trade agreement in {p} after three days of talks",
         "called for the release of detained reporters held in {p}",
         "announced emergency aid for families displaced by floods near {p}",
         "rejected a proposal to move the summit away from {p}",
         "promised to reopen the border crossing at {p} before the harvest")
PLACES = ("Nairobi", "Addis Ababa", "Lyon", "Brasilia", "Surabaya", "Santiago", "Accra", "Oslo", "Lima", "Amritsar")
TAILS = ("The talks are expected to continue next week, according to people familiar with the plans.",
         "Local newspapers described the meeting as tense but productive.",
         "Observers said the decision would affect thousands of traders along the route.",
         "The statement gave no timetable for the next steps.")


def article_text(seed: int, paragraphs: int = 4) -> str:
    """A distinct news text of a few paragraphs (our own templates; the seed picks the sentences)."""
    rng = random.Random(seed)
    out = []
    for number in range(paragraphs):
        sentences = [f"{rng.choice(PEOPLE)} {rng.choice(DEEDS).format(p=rng.choice(PLACES))} on day {seed}-{number}."
                     for _ in range(3)]
        sentences.append(rng.choice(TAILS))
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def article_html(title: str, text: str, canonical: str | None = None, published: str = "2024-05-01",
                 extra_head: str = "") -> bytes:
    links = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>{links}{extra_head}'
            f'<meta property="og:site_name" content="Local Wire"><meta name="date" content="{published}"></head>'
            f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{escape(title)}</h1>'
            f'{body}</article><footer>Local Wire, all rights reserved.</footer></body></html>').encode()


def rss(items: list[tuple[str, str]], title: str = "Local Wire") -> bytes:
    """An RSS 2.0 feed of ``(url, title)`` items."""
    entries = "".join(f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
                      f"<pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>" for u, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://127.0.0.1/</link><description>news</description>{entries}</channel></rss>").encode()


def sitemap(urls: list[str]) -> bytes:
    locations = "".join(f"<url><loc>{escape(u)}</loc><lastmod>2024-05-02</lastmod></url>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locations}</urlset>").encode()


def sitemap_index(urls: list[str]) -> bytes:
    locations = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locations}</sitemapindex>').encode()


Route = Callable[["Handler"], None]


@dataclass
class Site:
    """Routes by path (query string included when a route names one); everything else is a 404."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    conditional: list[tuple[str, str | None]] = field(default_factory=list)
    base: str = ""
    served: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, title: str, text: str, **kwargs: str) -> str:
        body = article_html(title, text, **kwargs)
        self.routes[path] = lambda h: h.send(200, body, "text/html; charset=utf-8")
        return self.url(path)

    def feed(self, path: str, items: list[tuple[str, str]], etag: bool = True) -> str:
        body = rss(items)
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

        def route(h: Handler) -> None:
            if etag and h.headers.get("If-None-Match") == tag:
                h.send(304, b"", None, {"ETag": tag})
            else:
                h.send(200, body, "application/rss+xml", {"ETag": tag} if etag else {})
        self.routes[path] = route
        return self.url(path)

    def fixed(self, path: str, status: int, body: bytes = b"", content_type: str | None = "text/plain",
              headers: dict[str, str] | None = None) -> str:
        self.routes[path] = lambda h: h.send(status, body, content_type, headers or {})
        return self.url(path)


class Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet test output
        pass

    def send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            site.hits[self.path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            site.conditional.append((self.path, self.headers.get("If-None-Match")))
        route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.send(404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        site.served.set()


@contextmanager
def running_site() -> Iterator[Site]:
    site = Site()
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving_watch(db: Path, feed: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``eventwire serve --watch FEED --every 1s`` on ``db``, on a free port of 127.0.0.1, without an API token,
    its output in ``log``: the process and its base URL. Stopped with SIGTERM (and waited for) on exit."""
    from support.web import eventwire_command, free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "EVENTWIRE_API_TOKEN"}
    with log.open("wb") as out:
        server = subprocess.Popen([*eventwire_command(), "serve", "--db", str(db), "--port", str(port),
                                   "--watch", feed, "--every", "1s"], stdout=out, stderr=out, env=env)
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(WAIT)


def flaky(site: Site, path: str, failures: int, status: int, then: bytes) -> str:
    """A page answering ``status`` to its first ``failures`` requests, then the page."""
    count = {"n": 0}

    def route(h: Handler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            h.send(status, b"busy", "text/plain")
        else:
            h.send(200, then, "text/html; charset=utf-8")
    site.routes[path] = route
    return site.url(path)


def slow(site: Site, path: str, seconds: float, body: bytes) -> str:
    def route(h: Handler) -> None:
        time.sleep(seconds)
        h.send(200, body, "text/html")
    site.routes[path] = route
    return site.url(path)


def endless(site: Site, path: str, total: int) -> str:
    """An HTML page of ``total`` bytes sent without a Content-Length (close-delimited), in 64 KB chunks."""
    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        chunk = b"<p>" + b"filler text " * 5460 + b"</p>"
        sent = 0
        while sent < total:
            h.wfile.write(chunk)
            sent += len(chunk)
    site.routes[path] = route
    return site.url(path)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def http_date(when: datetime | None = None) -> str:
    return format_datetime(when or datetime.now(UTC), usegmt=True)


WAIT = 180.0  # generous bounds for a shared machine; no assertion is about time


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited ({process.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)
