"""Hostile records for the security tests: a script payload in every field any page or popup renders."""

from __future__ import annotations

from pathlib import Path

from eventwire.model import Actor, Article, Event, Party, Place, Quote
from eventwire.store import Store
from support.web import sample_articles, span


def payload(tag: str) -> str:
    """Markup that would run script (setting ``window.__pwned``) if any field were inserted unescaped."""
    return (f"\"'><img src=x onerror=\"window.__pwned='{tag}'\"><script>window.__pwned='{tag}'</script>"
            f"<svg onload=\"window.__pwned='{tag}'\"></svg>{tag}")


def hostile_everything() -> Article:
    """One article with a script payload in every field any page or popup renders."""
    actor_text, quote_text, trigger_text, place_text = (payload(t) for t in ("MENTION", "QUOTE", "TRIGGER", "PLACE"))
    text = (f"Reports said {actor_text} spoke. {quote_text} was said after the {trigger_text} near {place_text}. "
            "The end.")
    place = Place(payload("PLACENAME"), text.index(place_text), text.index(place_text) + len(place_text),
                  "<b>IRQ</b>", payload("ADMIN1"), 33.3, 44.4, 98182)
    actor = Actor("x1", payload("KBNAME"), "person", "<i>USA</i>", "<u>GOV</u>", payload("ROLE"),
                  "kb:\"><script>window.__pwned='KBID'</script>", False, [span(text, actor_text)], 0.9)
    anon = Actor("x2", payload("ANON"), "group", None, None, None, None, True, [span(text, "Reports")], 0.4)
    quoted = span(text, quote_text)
    quotes = [Quote("xq1", "direct", quoted.text, quoted.start, quoted.end, "x1", payload("SPEAKER"), payload("CUE"),
                    payload("CHANNEL"), False, 0.9)]
    trigger = span(text, trigger_text)
    sentence_start = text.index(quote_text)
    events = [Event("xe1", "ASSAULT", trigger, (sentence_start, len(text)), mode=payload("MODE"), cameo="190",
                    quad=4, goldstein=-10.0,
                    actor=[Party("x1", payload("SOURCE"), "USA<script>", "GOV")],
                    recipient=[Party(None, payload("TARGET"), "IRQ", "<b>MIL</b>")],
                    date="2017-10-03", date_text=payload("DATETEXT"), location=place, reported_by="xq1")]
    return Article("xss<\"'>&", text, payload("TITLE"), "javascript:window.__pwned='URL'", payload("OUTLET"),
                   "2017-10-04", "en", [actor, anon], quotes, events, [place])


def build_hostile_db(path: Path) -> list[Article]:
    articles = [*sample_articles(), hostile_everything()]
    with Store(path) as store:
        assert store.write_batch(articles) == len(articles)
    return articles
