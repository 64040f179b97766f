"""URL normalisation: one spelling per page, so a URL is fetched and stored once.

``normalize_url`` lower-cases the scheme and host, drops default ports, the fragment and tracking
parameters (``data/tracking_params.txt``), resolves ``.``/``..`` path segments, and sorts the remaining
query parameters. ``canonical_link`` reads a page's ``<link rel="canonical">``.
"""

from __future__ import annotations

import html as html_module
import posixpath
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from eventwire.datafiles import read_words
from eventwire.errors import WatchError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


@cache
def tracking_params() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact names, prefixes) of the tracking parameters, read from the data file."""
    names = read_words(str(resources.files("eventwire.watch").joinpath("data/tracking_params.txt")), lower=True)
    return (frozenset(n for n in names if not n.endswith("*")), tuple(n[:-1] for n in names if n.endswith("*")))


def is_tracking(name: str) -> bool:
    exact, prefixes = tracking_params()
    lowered = name.lower()
    return lowered in exact or lowered.startswith(prefixes)


def check_http_url(url: str) -> str:
    """``url`` stripped, or WatchError when it is not an absolute http(s) URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise WatchError(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise WatchError(f"{url!r} is not an http(s) URL with a host")
    return url


def normalize_url(url: str, base: str | None = None) -> str:
    """The normal form of ``url`` (resolved against ``base`` when relative); WatchError when not http(s)."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    check_http_url(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii") if parts.hostname else ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        raise WatchError(f"{url!r} has an invalid port") from None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if "/." in path:
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        path = path + "/" if trailing and not path.endswith("/") else path
        path = "/" + path.lstrip("/")
    # One escaping for the same characters: unquote then quote what must be quoted.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query), doseq=True), ""))


def normalize_or_none(url: str, base: str | None = None) -> str | None:
    """:func:`normalize_url`, or None when ``url`` is not an http(s) URL: a bad link in a feed, sitemap or page is
    passed over, not an error."""
    try:
        return normalize_url(url, base)
    except WatchError:
        return None


def link_tags(html: bytes, limit: int) -> Iterator[dict[bytes, bytes]]:
    """The attributes (names lower-cased, values as written) of each ``<link>`` tag in the first ``limit`` bytes of
    a page."""
    for tag in _LINK_TAG.finditer(html[:limit]):
        yield {m[1].lower(): (m[2] or m[3] or m[4] or b"") for m in _ATTRIBUTE.finditer(tag[0])}


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, the unit of politeness (rate limit, robots.txt)."""
    parts = urlsplit(url)
    return parts.netloc.lower()


def canonical_link(html: bytes, base: str) -> str | None:
    """The normalised ``<link rel="canonical" href>`` of a page (in its first 64 KB), or None."""
    for attributes in link_tags(html, 65536):
        if b"canonical" in attributes.get(b"rel", b"").lower().split() and attributes.get(b"href"):
            return normalize_or_none(html_module.unescape(attributes[b"href"].decode("utf-8", "replace")), base)
    return None
