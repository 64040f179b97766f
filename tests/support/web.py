"""Shared helpers for the web tests: a hand-built DuckDB file and a live ``eventwire serve`` process.

The articles are written here by hand, with their actors, quotes and events, so the web tests do not depend on
the extraction stages. Their text is invented for these tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from eventwire.model import Actor, Article, Event, Party, Quote, Span
from eventwire.store import Store
from support.cli import eventwire_command

HOSTILE_TITLE = '<script>alert("title")</script> Hostile <b>title</b>'
HOSTILE_TEXT = ('Officials in <img src=x onerror=alert(1)> said the army attacked the town. '
                '<script>document.title="pwned"</script> "We reject this," an <a href="javascript:alert(2)">aide</a> '
                'said.')
HOSTILE_ACTOR = '<svg onload=alert(3)>Army</svg>'
HOSTILE_URL = "javascript:alert(document.cookie)"


def span(text: str, needle: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``needle`` in ``text`` as a Span."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), needle)


def sentence_of(text: str, at: Span) -> tuple[int, int]:
    start = text.rfind(". ", 0, at.start)
    end = text.find(".", at.end)
    return (0 if start < 0 else start + 2, len(text) if end < 0 else end + 1)


def make_event(text: str, eid: str, kind: str, trigger: Span, actor: list[Party], recipient: list[Party],
               quad: int, goldstein: float, date: str | None, **extra: object) -> Event:
    return Event(id=eid, event=kind, trigger=trigger, sentence=sentence_of(text, trigger), quad=quad,
                 goldstein=goldstein, actor=actor, recipient=recipient, date=date, **extra)  # type: ignore[arg-type]


def talks_article() -> Article:
    """Mattis meets al-Abadi: a quote with a named speaker, an anonymous source, negated and hypothetical events."""
    text = ("US Defense Secretary Jim Mattis met Iraqi Prime Minister Haider al-Abadi in Baghdad on Monday. "
            "\"We will stay as long as we are needed,\" Mattis told reporters. "
            "Officials who declined to be named said no agreement had been reached on the number of troops. "
            "The two governments may sign a security pact next year.")
    mattis = Actor("a1", "Jim Mattis", "person", "USA", "GOV", "US Defense Secretary", "kb:jim-mattis", False,
                   [span(text, "Jim Mattis"), span(text, "Mattis", 1)], 0.9)
    abadi = Actor("a2", "Haider al-Abadi", "person", "IRQ", "GOV", "Iraqi Prime Minister", "kb:haider-al-abadi",
                  False, [span(text, "Haider al-Abadi")], 0.9)
    officials = Actor("a3", "Officials who declined to be named", "group", None, "GOV", None, None, True,
                      [span(text, "Officials who declined to be named")], 0.6)
    quote_text = span(text, "We will stay as long as we are needed,")
    said = span(text, "no agreement had been reached on the number of troops")
    quotes = [
        Quote("q1", "direct", quote_text.text, quote_text.start, quote_text.end, "a1", "Mattis", "told", "reporters",
              False, 0.9),
        Quote("q2", "indirect", said.text, said.start, said.end, "a3", "Officials who declined to be named", "said",
              None, True, 0.7),
    ]
    usa = Party("a1", "Jim Mattis", "USA", "GOV")
    irq = Party("a2", "Haider al-Abadi", "IRQ", "GOV")
    events = [
        make_event(text, "e1", "CONSULT", span(text, "met"), [usa], [irq], 1, 1.0, "2017-12-18",
                   cameo="040", date_text="on Monday"),
        make_event(text, "e2", "AGREE", span(text, "agreement"), [Party(None, "Washington", "USA", "GOV")],
                   [Party(None, "Baghdad", "IRQ", "GOV")], 1, 3.0, "2017-12", negated=True, reported_by="q2"),
        make_event(text, "e3", "AGREE", span(text, "sign"), [Party(None, "The two governments", "USA", "GOV")],
                   [Party(None, "The two governments", "IRQ", "GOV")], 1, 3.0, "2018", hypothetical=True),
    ]
    return Article("talks", text, "Mattis and al-Abadi discuss the US troop presence", "https://example.org/talks",
                   "Example Wire", "2017-12-20", "en", [mattis, abadi, officials], quotes, events)


def hostile_article() -> Article:
    """Markup and script in every field the UI renders."""
    text = HOSTILE_TEXT
    army = Actor("h1", HOSTILE_ACTOR, "organization", "IRQ", "MIL", "<i>role</i>", None, False,
                 [span(text, "the army")], 0.5)
    aide = Actor("h2", "aide", "person", None, None, None, None, True, [span(text, "aide")], 0.5)
    quoted = span(text, "We reject this,")
    quotes = [Quote("hq1", "direct", quoted.text, quoted.start, quoted.end, "h2", "aide", "said", None, True, 0.5)]
    events = [make_event(text, "he1", "ASSAULT", span(text, "attacked"),
                         [Party("h1", HOSTILE_ACTOR, "IRQ", "MIL")], [Party(None, "the town", None, None)],
                         4, -10.0, "2017-10-03")]
    return Article("hostile<1>", text, HOSTILE_TITLE, HOSTILE_URL, "Evil <b>Outlet</b>", "2017-10-04", "en",
                   [army, aide], quotes, events)


# (id, published, event date, type, quad, goldstein, source country, target country, trigger word)
_WIRE = [
    ("w1", "2017-06-10", "2017-06-09", "AID", 2, 7.4, "USA", "IRQ", "sent"),
    ("w2", "2017-06-25", "2017-06-24", "CONSULT", 1, 1.0, "IRQ", "USA", "talked"),
    ("w3", "2017-08-02", "2017-08-01", "ACCUSE", 3, -2.0, "IRQ", "USA", "blamed"),
    ("w4", "2017-09-15", "2017-09-14", "ASSAULT", 4, -10.0, "USA", "IRQ", "struck"),
    ("w5", "2018-01-20", "2018-01-19", "COOPERATE", 2, 6.0, "USA", "IRQ", "trained"),
    ("w6", "2018-02-11", "2018-02-10", "THREATEN", 3, -6.0, "RUS", "UKR", "warned"),
    ("w7", "2018-02-12", "2018-02-11", "ASSAULT", 4, -10.0, "RUS", "UKR", "shelled"),
    ("w8", "2018-03-05", "2018-03-04", "CONSULT", 1, 1.0, "RUS", "SYR", "hosted"),
]
_COUNTRY = {"USA": "the United States", "IRQ": "Iraq", "RUS": "Russia", "UKR": "Ukraine", "SYR": "Syria"}
_OUTLET = {"USA": "Wire One", "IRQ": "Baghdad Daily", "RUS": "Wire Two"}


def wire_article(aid: str, published: str, day: str, kind: str, quad: int, goldstein: float, src: str, dst: str,
                 verb: str) -> Article:
    """One short wire story: a country-level event between two governments."""
    source, target = _COUNTRY[src], _COUNTRY[dst]
    text = f"On {day}, {source} {verb} {target}, officials said. The statement came after weeks of talks."
    actors = [
        Actor(f"{aid}a", source.removeprefix("the "), "country", src, "GOV", None, f"kb:{src.lower()}", False,
              [span(text, source)], 0.8),
        Actor(f"{aid}b", target, "country", dst, "GOV", None, f"kb:{dst.lower()}", False, [span(text, target)], 0.8),
    ]
    event = make_event(text, f"{aid}e", kind, span(text, verb), [Party(f"{aid}a", source, src, "GOV")],
                       [Party(f"{aid}b", target, dst, "GOV")], quad, goldstein, day)
    return Article(aid, text, f"{source} {verb} {target}".capitalize(), f"https://example.org/{aid}",
                   _OUTLET[src], published, "en", actors, [], [event])


def sample_articles() -> list[Article]:
    return [talks_article(), hostile_article(), *(wire_article(*row) for row in _WIRE)]


def build_db(path: Path) -> list[Article]:
    """A DuckDB file holding :func:`sample_articles`; returns them."""
    articles = sample_articles()
    with Store(path) as store:
        assert store.write_batch(articles) == len(articles)
    return articles


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kwargs)  # type: ignore[arg-type]


@contextmanager
def live_server(db: Path, token: str | None = None, ready_timeout: float = 60) -> Iterator[LiveServer]:
    """``eventwire serve --db DB`` on a free port of 127.0.0.1, stopped (and waited for) on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "EVENTWIRE_API_TOKEN"}
    if token is not None:
        env["EVENTWIRE_API_TOKEN"] = token
    log = db.with_suffix(".server.log")
    with log.open("wb") as out:
        process = subprocess.Popen([*eventwire_command(), "serve", "--db", str(db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{url}/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {ready_timeout}s: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield LiveServer(url, db, process, log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    """Terminate ``process`` and wait for it to exit; killed when it has not after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def served(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object],
           token: str | None = None) -> Iterator[LiveServer]:
    """:func:`live_server` on a database that ``build`` writes into a fresh temporary directory: the body of a
    test module's ``server`` fixture."""
    db = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    build(db)
    with live_server(db, token=token) as live:
        yield live


# Debian's Chromium, driven by Playwright; the flags keep it off the network and quiet as root.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHROMIUM_MISSING = f"{CHROMIUM} is missing (make test installs it with apt-get: scripts/ensure-chromium.sh)"


@contextmanager
def chromium() -> Iterator[object]:
    """A launched headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
