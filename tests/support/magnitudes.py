"""Stored articles whose events carry casualty and arrest figures (magnitudes), for the store, CLI, API and
browser tests. Their text is invented for these tests."""

from __future__ import annotations

from eventwire.model import Article, Event, Magnitude, Party, Span


def _span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle), needle)


def raid(aid: str, outlet: str, published: str, killed: str, killed_value: int, at_least: bool = False,
         injured: str | None = None, injured_value: int | None = None) -> Article:
    """One report of the same attack on a village, with its own casualty figures."""
    text = f"Gunmen attacked a village in Zamfara state, killing {killed} and wounding " \
           f"{injured or 'several others'}, police said."
    magnitudes = [Magnitude("killed", killed_value, at_least, _span(text, killed))]
    if injured and injured_value is not None:
        magnitudes.append(Magnitude("injured", injured_value, False, _span(text, injured)))
    event = Event("e1", "ASSAULT", _span(text, "attacked"), (0, len(text)), cameo="190", quad=4, goldstein=-10.0,
                  actor=[Party(None, "Gunmen", "NGA", "UAF")], recipient=[Party(None, "a village", "NGA", "CVL")],
                  date=published, magnitudes=magnitudes)
    return Article(aid, text, "Attack in Zamfara", f"https://example.org/{aid}", outlet, published, "en",
                   events=[event])


def arrests() -> Article:
    text = "Police arrested 40 protesters in Minsk on Sunday."
    event = Event("e1", "COERCE", _span(text, "arrested"), (0, len(text)), mode="arrest", cameo="173", quad=4,
                  goldstein=-5.0, actor=[Party(None, "Police", "BLR", "COP")],
                  recipient=[Party(None, "40 protesters", "BLR", "OPP")], date="2024-03-03",
                  magnitudes=[Magnitude("arrested", 40, False, _span(text, "40 protesters"))])
    return Article("minsk", text, "Arrests in Minsk", "https://example.org/minsk", "Wire B", "2024-03-03", "en",
                   events=[event])


def talks() -> Article:
    text = "Nigeria and Niger held talks on border security in Abuja."
    event = Event("e1", "CONSULT", _span(text, "talks"), (0, len(text)), cameo="040", quad=1, goldstein=1.0,
                  actor=[Party(None, "Nigeria", "NGA", "GOV")], recipient=[Party(None, "Niger", "NER", "GOV")],
                  date="2024-03-01")
    return Article("talks", text, "Talks", "https://example.org/talks", "Wire A", "2024-03-01", "en", events=[event])


ARTICLES = [
    raid("raid-a", "Wire A", "2024-03-01", "14 people", 14, injured="nine", injured_value=9),
    raid("raid-b", "Wire B", "2024-03-01", "at least 20 people", 20, at_least=True, injured="nine", injured_value=9),
    raid("raid-c", "Local C", "2024-03-02", "16 villagers", 16),
    arrests(),
    talks(),
]
