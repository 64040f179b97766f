"""Sources: RSS/Atom feeds, sitemaps (and sitemap indexes), and pages that link their feeds.

``source_urls`` turns the command-line arguments into source URLs (a URL, or a text file listing them one per
line with ``#`` comments). ``read_listing`` reads a fetched source: the article URLs of a feed or sitemap, the
child sitemaps of an index, or the feeds a page advertises (``<link rel="alternate" type="application/rss+xml">``),
which the watcher then follows as sources of their own.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from lxml import etree

from eventwire.errors import DocumentError, WatchError
from eventwire.ingest.document import normalize_published
from eventwire.ingest.feeds import _entry_date, check_safe_xml, html_to_text
from eventwire.watch.urls import check_http_url, link_tags, normalize_or_none, normalize_url

_FEED_TYPES = (b"application/rss+xml", b"application/atom+xml", b"application/feed+json", b"application/rdf+xml")
_COMMENT = re.compile(r"\s#")
_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<!--)", re.IGNORECASE)


@dataclass
class Entry:
    """An article URL listed by a source, with what the listing says about it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass
class Listing:
    kind: str  # "feed", "sitemap", "sitemap index" or "page"
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    # Further sources found: the child sitemaps of an index, or the feeds a page links to.
    sources: list[str] = field(default_factory=list)


def source_urls(arguments: list[str]) -> list[str]:
    """Source URLs from arguments that are URLs or files listing URLs (one per line, ``#`` comments)."""
    found: list[str] = []
    for argument in arguments:
        if argument.lower().startswith(("http://", "https://")):
            found.append(normalize_url(argument))
            continue
        path = Path(argument)
        if not path.is_file():
            raise WatchError(f"{argument}: neither an http(s) URL nor a file listing sources")
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise WatchError(f"{argument}: cannot read the sources file: {exc}") from None
        for number, line in enumerate(lines, start=1):
            line = _COMMENT.split(line, maxsplit=1)[0].strip()
            if not line or line.startswith("#"):
                continue
            try:
                check_http_url(line)
            except WatchError as exc:
                raise WatchError(f"{argument}:{number}: {exc}") from None
            found.append(normalize_url(line))
    if not found:
        raise WatchError("no sources given: pass feed or sitemap URLs, or a file listing them")
    return list(dict.fromkeys(found))


def _inflate(body: bytes, name: str, max_bytes: int) -> bytes:
    """A gzip body (a ``sitemap.xml.gz``) decompressed, refusing to inflate past ``max_bytes``."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise DocumentError(name, f"corrupt gzip data: {exc}") from None
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise DocumentError(name, f"over the size cap: gzip inflates past {max_bytes:,} bytes")
    return data


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _sitemap(root: etree._Element, base: str) -> Listing | None:
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    listing = Listing("sitemap" if kind == "urlset" else "sitemap index")
    for item in root:
        fields: dict[str, str] = {}
        for child in item.iter():
            name = _local(child.tag)
            if name and child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        url = normalize_or_none(fields["loc"], base) if fields.get("loc") else None
        if url is None:
            continue
        if kind == "sitemapindex":
            listing.sources.append(url)
        else:
            # Google News sitemaps carry the headline and date; plain ones a lastmod at best.
            published = normalize_published(fields.get("publication_date") or fields.get("lastmod"))
            listing.entries.append(Entry(url, fields.get("title"), published))
    return listing


def _feed(body: bytes, base: str) -> Listing | None:
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        return None
    listing = Listing("feed", title=parsed.feed.get("title") or None)
    for entry in parsed.entries:
        url = normalize_or_none(entry["link"], base) if entry.get("link") else None
        if url is None:
            continue
        published = _entry_date(entry)
        title = html_to_text(entry.get("title", "")) or None
        listing.entries.append(Entry(url, title, published.isoformat() if published else None))
    if parsed.get("bozo") and not listing.entries:
        # An empty feed is fine; a broken one with no readable item is a failure to report, not "no news".
        raise DocumentError(base, f"malformed feed: {parsed.get('bozo_exception')}")
    return listing


def _page(body: bytes, base: str) -> Listing:
    listing = Listing("page")
    for attributes in link_tags(body, 262144):
        if b"alternate" in attributes.get(b"rel", b"").lower().split() and \
                attributes.get(b"type", b"").lower().strip() in _FEED_TYPES and attributes.get(b"href"):
            url = normalize_or_none(attributes[b"href"].decode("utf-8", "replace"), base)
            if url is not None:
                listing.sources.append(url)
    return listing


def read_listing(body: bytes, url: str, max_bytes: int) -> Listing:
    """What a fetched source lists; DocumentError when it is none of feed, sitemap or page linking a feed."""
    data = _inflate(body, url, max_bytes)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_START.match(stripped):
        listing = _page(data, url)
        if not listing.sources:
            raise DocumentError(url, "an HTML page that links no RSS/Atom feed: not a feed or sitemap")
        return listing
    check_safe_xml(data, url)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is not None and (listing := _sitemap(root, url)) is not None:
        return listing
    if (listing := _feed(data, url)) is not None:
        return listing
    raise DocumentError(url, "not an RSS/Atom feed or a sitemap")
