"""Polite HTTP fetching for the watcher: one shared httpx client behind per-host gates.

Manners: every request names eventwire, its version and (``--contact``) a way to reach the operator in its
``User-Agent``; robots.txt is read once per host (cached, see :class:`RobotsCache`) and honoured for every
request, redirects included, with its ``Crawl-delay`` when longer than ours; at most ``per_host``
connections per host and ``connections`` in total are open, one request per host starts every
``host_delay`` seconds, and the first request to a host is delayed by a random fraction of that, so a
watcher (re)starting on many sources does not send a burst.

A feed is untrusted: an article URL (or a redirect) whose host resolves to a loopback, private, link-local or
reserved address is refused unless that host is one of the sources given by the operator, so a feed cannot make
the watcher read the operator's own network (a router, a cloud metadata service) into the database.

Failures are values, not exceptions: :meth:`Fetcher.fetch` returns a :class:`Fetched` whose ``reason``
says what went wrong (DNS or connection, timeout, HTTP status, not HTML, over the size cap, robots.txt)
so the caller records it and the round goes on. 429 and 5xx answers and transport errors are retried
``retries`` times with exponential backoff (``Retry-After`` honoured up to ``max_retry_after``).
Bodies are read as a stream and abandoned past ``max_bytes`` (counted after gzip/brotli decoding, so a
compression bomb stops at the cap too).
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from eventwire.ingest.limits import Limits
from eventwire.watch.urls import host_of

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# robots.txt files are small; Google reads the first 500 KiB.
MAX_ROBOTS_BYTES = 500 * 1024
# How long a robots.txt that could not be read (5xx, network) forbids its host before it is asked again.
ROBOTS_RETRY_SECONDS = 60.0
ROBOTS_TTL_SECONDS = 24 * 3600.0
MAX_CRAWL_DELAY = 30.0
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Never a feed or sitemap (gzip and octet-stream are: compressed sitemaps are served as either).
BINARY_PREFIXES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip",
                   "application/vnd.", "application/msword")


def user_agent(contact: str | None = None) -> str:
    """``eventwire/VERSION (+contact)``: names the software and, when given, who runs it."""
    from eventwire import __version__

    who = f"; +{contact}" if contact else ""
    return f"eventwire/{__version__} (news event monitor{who})"


@dataclass(frozen=True)
class Politeness:
    user_agent: str = field(default_factory=user_agent)
    host_delay: float = 1.0
    per_host: int = 2
    connections: int = 4
    timeout: float = 20.0
    retries: int = 2
    retry_base: float = 1.0
    max_retry_after: float = 60.0
    max_bytes: int = Limits().max_markup_bytes


@dataclass
class Fetched:
    """The outcome of fetching one URL: a body, "not modified", or a failure ``reason``."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


_TRANSPORT_REASONS: dict[type[Exception], str] = {
    httpx.ConnectError: "cannot connect (DNS or refused)",
    httpx.RemoteProtocolError: "HTTP protocol error",
    httpx.ReadError: "connection broken while reading",
    httpx.WriteError: "connection broken while sending",
}


class Stopped(Exception):
    """The watcher was asked to stop while this request waited for its turn."""


class _Failed(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class HostGate:
    """Per-host concurrency and rate limits, and a cap on connections in total."""

    def __init__(self, politeness: Politeness, stop: threading.Event) -> None:
        self.politeness = politeness
        self.stop = stop
        self._lock = threading.Lock()
        self._total = threading.BoundedSemaphore(politeness.connections)
        self._per_host: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self.delays: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._per_host.setdefault(host, threading.BoundedSemaphore(self.politeness.per_host))
        semaphore.acquire()
        try:
            self._total.acquire()
            try:
                with self._lock:
                    now = time.monotonic()
                    delay = max(self.politeness.host_delay, self.delays.get(host, 0.0))
                    if host not in self._next_start:
                        # Jitter the first request to each host: no burst when a watcher starts.
                        self._next_start[host] = now + random.uniform(0, self.politeness.host_delay)
                    start = max(now, self._next_start[host])
                    self._next_start[host] = start + delay
                if start > now and self.stop.wait(start - now):
                    raise Stopped
                yield
            finally:
                self._total.release()
        finally:
            semaphore.release()


@dataclass
class _Robots:
    parser: Protego | None  # None: everything allowed
    unavailable: str | None  # why robots.txt could not be read: nothing on the host is fetched meanwhile
    expires: float


class RobotsCache:
    """robots.txt per host, fetched on first use and kept for a day.

    A missing robots.txt (any 4xx) allows everything; one that cannot be read (5xx, timeout, DNS) forbids the
    host for a minute, as Google does, so an overloaded site is not crawled while it cannot say no.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._entries: dict[str, _Robots] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _entry(self, url: str) -> _Robots:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            entry = self._entries.get(host)
            if entry is None or entry.expires < time.monotonic():
                entry = self._load(f"{parts.scheme}://{parts.netloc}/robots.txt", host)
                self._entries[host] = entry
            return entry

    def _load(self, robots_url: str, host: str) -> _Robots:
        now = time.monotonic()
        try:
            response = self.fetcher.request(robots_url, {}, MAX_ROBOTS_BYTES, follow=True)
        except _Failed as failed:
            return _Robots(None, f"{failed.reason} (reading {robots_url})", now + ROBOTS_RETRY_SECONDS)
        status, _, body = response
        if status >= 500 or status == 429:
            return _Robots(None, f"{robots_url} answered HTTP {status}: the host is not crawled until it can be read",
                           now + ROBOTS_RETRY_SECONDS)
        if status >= 400 or body is None:
            return _Robots(None, None, now + ROBOTS_TTL_SECONDS)
        parser = Protego.parse(body.decode("utf-8", "replace"))
        delay = parser.crawl_delay(self.fetcher.agent_token)
        if delay:
            self.fetcher.gate.delays[host] = min(float(delay), MAX_CRAWL_DELAY)
        return _Robots(parser, None, now + ROBOTS_TTL_SECONDS)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (robots.txt forbids it, or cannot be read); None when it may."""
        entry = self._entry(url)
        if entry.unavailable:
            return entry.unavailable
        if entry.parser is not None and not entry.parser.can_fetch(url, self.fetcher.agent_token):
            return f"forbidden by robots.txt ({url})"
        return None


class Fetcher:
    """Fetches URLs politely; thread-safe (one instance serves the watcher's fetch threads)."""

    def __init__(self, politeness: Politeness | None = None, stop: threading.Event | None = None,
                 trusted_hosts: frozenset[str] = frozenset()) -> None:
        self.politeness = politeness or Politeness()
        self.stop = stop or threading.Event()
        # Host names that may resolve to private addresses: those of the sources the operator gave.
        self.trusted_hosts = frozenset(h.lower() for h in trusted_hosts)
        self._addresses: dict[str, str | None] = {}
        self.gate = HostGate(self.politeness, self.stop)
        self.agent_token = "eventwire"
        timeout = self.politeness.timeout
        self.client = httpx.Client(
            headers={"User-Agent": self.politeness.user_agent, "Accept-Encoding": _accept_encoding()},
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
            limits=httpx.Limits(max_connections=self.politeness.connections * 2,
                                max_keepalive_connections=self.politeness.connections),
        )
        self.robots = RobotsCache(self)

    def close(self) -> None:
        self.client.close()

    def address_refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched because of where it points: a feed is untrusted and could list
        addresses inside the operator's network (a router, a cloud metadata service, a local admin page);
        a host resolving to a loopback, private, link-local or reserved address is refused unless it is the
        host of a source given on the command line. None when the URL may be fetched."""
        host = (urlsplit(url).hostname or "").lower()
        if host in self.trusted_hosts:
            return None
        if host not in self._addresses:
            self._addresses[host] = _non_public(host)
        found = self._addresses[host]
        return f"refused: {host} resolves to a non-public address ({found})" if found else None

    # -- one request ----------------------------------------------------------------------------
    def request(self, url: str, headers: dict[str, str], max_bytes: int, follow: bool = False,
                accept: tuple[str, ...] | None = None) -> tuple[int, httpx.Headers, bytes | None]:
        """GET ``url`` with retries; returns (status, headers, body). A body of a type ``accept`` does not list
        (None: a media or document type) is refused unread. Raises _Failed with the reason when no answer could
        be had."""
        attempts = self.politeness.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                with self.gate.slot(host_of(url)):
                    status, response_headers, body = self._once(url, headers, max_bytes, follow, accept)
            except httpx.TimeoutException:
                if last:
                    raise _Failed(f"timed out (no answer within {self.politeness.timeout:g} s)") from None
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if last:
                    what = next(r for kind, r in _TRANSPORT_REASONS.items() if isinstance(exc, kind))
                    raise _Failed(f"{what}: {exc or type(exc).__name__}") from None
            except httpx.HTTPError as exc:
                raise _Failed(f"HTTP error: {type(exc).__name__}: {exc}") from None
            except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
                raise _Failed(f"invalid URL: {exc}") from None
            else:
                if status not in RETRY_STATUSES or last:
                    return status, response_headers, body
                wait = _retry_after(response_headers.get("retry-after"))
                if wait is not None and wait > self.politeness.max_retry_after:
                    return status, response_headers, body
                self._sleep(wait if wait is not None else self._backoff(attempt))
                continue
            self._sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        base = self.politeness.retry_base * (2 ** attempt)
        return base + random.uniform(0, base / 2)

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopped

    def _once(self, url: str, headers: dict[str, str], max_bytes: int, follow: bool,
              accept: tuple[str, ...] | None) -> tuple[int, httpx.Headers, bytes | None]:
        with self.client.stream("GET", url, headers=headers, follow_redirects=follow) as response:
            status = response.status_code
            if status != 200:
                return status, response.headers, None
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not _acceptable(content_type, accept):
                what = "not HTML" if accept == HTML_TYPES else "not a feed or sitemap"
                raise _Failed(f"{what}: content type {content_type!r}", status)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _Failed(f"over the size cap: {int(declared):,} bytes declared, limit {max_bytes:,}", status)
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + 3 * self.politeness.timeout
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _Failed(f"over the size cap: more than {max_bytes:,} bytes", status)
                if time.monotonic() > deadline:
                    raise _Failed(f"timed out (body not read within {3 * self.politeness.timeout:g} s)", status)
                chunks.append(chunk)
            return status, response.headers, b"".join(chunks)

    # -- one URL, robots and redirects included ---------------------------------------------------
    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              accept: tuple[str, ...] | None = HTML_TYPES) -> Fetched:
        """Fetch ``url`` following up to five redirects, each hop checked against its host's robots.txt."""
        current = url
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if self.stop.is_set():
                    raise Stopped
                refusal = self.address_refusal(current) or self.robots.refusal(current)
                if refusal:
                    return Fetched(url, current, reason=refusal)
                status, response_headers, body = self.request(current, headers, self.politeness.max_bytes,
                                                              accept=accept)
                if status in REDIRECT_STATUSES:
                    location = response_headers.get("location")
                    if not location:
                        return Fetched(url, current, status, reason=f"HTTP {status} redirect without a Location")
                    target = urljoin(current, location)
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        return Fetched(url, current, status, reason=f"redirect to a non-http(s) URL: {target[:200]}")
                    current = target
                    continue
                return _outcome(url, current, status, response_headers, body)
            return Fetched(url, current, reason=f"more than {MAX_REDIRECTS} redirects")
        except _Failed as failed:
            return Fetched(url, current, failed.status, reason=failed.reason)
        except Stopped:
            raise
        except Exception as exc:  # a hostile server or URL must cost one page, never the round
            return Fetched(url, current, reason=f"fetch failed: {type(exc).__name__}: {exc}")


def _outcome(url: str, final: str, status: int, headers: httpx.Headers, body: bytes | None) -> Fetched:
    if status == 304:
        return Fetched(url, final, status, not_modified=True, etag=headers.get("etag"),
                       last_modified=headers.get("last-modified"))
    if status != 200:
        phrase = httpx.codes.get_reason_phrase(status)
        return Fetched(url, final, status, reason=f"HTTP {status}{' ' + phrase if phrase else ''}")
    if not body or not body.strip():
        return Fetched(url, final, status, reason="empty response body")
    content_type = headers.get("content-type", "")
    charset = None
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return Fetched(url, final, status, body=body, content_type=content_type.split(";")[0].strip().lower() or None,
                   charset=charset, etag=headers.get("etag"), last_modified=headers.get("last-modified"))


def _non_public(host: str) -> str | None:
    """The first loopback/private/link-local/reserved address ``host`` resolves to; None when all are public
    or it does not resolve (the request then fails with its own DNS error)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return str(address)
    return None


def _acceptable(content_type: str, accept: tuple[str, ...] | None) -> bool:
    """Whether to read a body of this type: one of ``accept``, or anything but media and documents when None."""
    if not content_type:
        return True  # no type given: the body is checked by the reader
    if accept is None:
        return not content_type.startswith(BINARY_PREFIXES)
    return content_type in accept


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _accept_encoding() -> str:
    try:
        import brotli  # noqa: F401  (httpx decodes br only when a brotli module is importable)
    except ImportError:
        return "gzip, deflate"
    return "gzip, deflate, br"
