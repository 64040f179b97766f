"""Live monitoring: ``eventwire watch`` follows news feeds and sitemaps and keeps the event database current.

:mod:`~eventwire.watch.urls` normalises URLs, :mod:`~eventwire.watch.sources` reads feeds, sitemaps and feed
links, :mod:`~eventwire.watch.fetch` fetches politely (robots.txt, per-host limits, retries, size cap),
:mod:`~eventwire.watch.loop` runs the rounds, and :mod:`~eventwire.watch.service` runs them in a thread of the
web server (``eventwire serve --watch``). The state lives in the store (:mod:`eventwire.store.sources`).
"""

from __future__ import annotations

from eventwire.watch.fetch import Politeness, user_agent
from eventwire.watch.loop import RoundReport, WatchConfig, Watcher, parse_interval
from eventwire.watch.sources import source_urls

__all__ = ["Politeness", "RoundReport", "WatchConfig", "Watcher", "parse_interval", "source_urls", "user_agent"]
