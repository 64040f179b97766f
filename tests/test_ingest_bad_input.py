"""Bad input: each broken document becomes one ``failures`` row with its reason; the rest is stored.

The batch runs through the real ingest job into a real DuckDB file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.cli import sample_corpus_dir
from eventwire.ingest import Limits, read_inputs, read_path
from eventwire.jobs import ingest_items
from eventwire.model import Article, Failure
from eventwire.pipeline import Pipeline
from eventwire.store import Store

SAMPLE = sample_corpus_dir()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""

XXE_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>t</title><description>&secret;</description></item>
</channel></rss>
"""

GOOD_TEXT = ("Talks in Geneva\n\nGENEVA, June 3, 2021 (Alpine Wire) \u2014 The UN envoy met delegations from both "
             "sides on Tuesday, officials said. \u201cWe are making progress,\u201d the envoy told reporters.\n")


def truncated_copy(source: Path, target: Path, keep: float) -> None:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])


def build_bad_batch(root: Path) -> dict[str, str]:
    """Write good and bad documents under ``root``; returns {failure name: expected reason fragment}."""
    (root / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "cp1252.txt").write_bytes(
        "\u201cWe reject these accusations,\u201d the minister said in Caf\u00e9 Riche \u2014 twice.".encode("cp1252"))
    (root / "blob.txt").write_bytes(os.urandom(4096) + bytes(512))
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_bytes(b"  \n\n \t \n")
    # 20 MB of text: over the 5,242,880-character document limit.
    (root / "huge.txt").write_bytes(b"The talks went on. " * (20 * 1024 * 1024 // 19 + 1))
    (root / "garbage.html").write_bytes(b"<html><<<>>><head><script>var a = '</div>\x0c<<<!--</head><body <<<")
    truncated_copy(SAMPLE / "crawl-2022.warc.gz", root / "truncated.warc.gz", 0.7)
    (root / "bomb.rss").write_bytes(BILLION_LAUGHS)
    (root / "xxe.xml").write_bytes(XXE_FEED)
    good_line = json.dumps({"id": "jsonl-good", "text": "Protesters gathered in Tbilisi on Sunday, police said."})
    lines = [
        good_line.encode(),
        b'{"id": "broken", "text": "unterminated',
        json.dumps({"id": "jsonl-good-2", "text": "Police arrested 12 protesters in Tbilisi."}).encode(),
        json.dumps({"id": "latin1", "text": "Caf\u00e9"}, ensure_ascii=False).encode("latin-1"),
        b'["not", "an", "object"]',
        json.dumps({"id": "no-text", "title": "x"}).encode(),
    ]
    (root / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (root / "report.pdf").write_bytes(b"%PDF-1.4 not supported")
    return {
        str(root / "blob.txt"): "binary data",
        str(root / "empty.txt"): "empty document",
        str(root / "whitespace.txt"): "empty document",
        str(root / "huge.txt"): "over the 5,242,880-character",
        str(root / "garbage.html"): "no words",
        str(root / "truncated.warc.gz"): "truncated",
        str(root / "bomb.rss"): "entities",
        str(root / "xxe.xml"): "entities",
        f"{root / 'mixed.jsonl'}#2": "malformed JSON",
        f"{root / 'mixed.jsonl'}#4": "not UTF-8",
        f"{root / 'mixed.jsonl'}#5": "not a JSON object",
        f"{root / 'mixed.jsonl'}#6": "no 'text' string",
        str(root / "report.pdf"): "unsupported file type .pdf",
    }


def test_each_bad_document_is_one_failure_row_and_the_rest_is_stored(tmp_path: Path, pipeline: Pipeline) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = build_bad_batch(corpus)
    with Store(tmp_path / "bad.duckdb") as store:
        summary = ingest_items(read_inputs([str(corpus)]), store, pipeline=pipeline)
        failures = {row["name"]: row["reason"] for row in store.failures()}
        texts = dict(store.con.execute("SELECT source, text FROM articles").fetchall())
        counts = store.counts()
    assert set(failures) == set(expected), set(failures) ^ set(expected)
    for name, fragment in expected.items():
        assert fragment in failures[name], (name, failures[name])
    assert summary.failed == len(expected)
    # good.txt, cp1252.txt, the first WARC record before the cut, and two good JSONL lines.
    assert counts["articles"] == summary.stored == 5
    assert texts[str(corpus / "good.txt")] == GOOD_TEXT
    assert texts[str(corpus / "cp1252.txt")].startswith("\u201cWe reject these accusations,\u201d")
    assert any(source.startswith(str(corpus / "truncated.warc.gz#https://")) for source in texts)
    assert {f"{corpus / 'mixed.jsonl'}#1", f"{corpus / 'mixed.jsonl'}#3"} <= set(texts)


def test_text_over_character_limit_after_decoding(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("été " * 500, encoding="utf-8")
    [failure] = list(read_path(path, Limits(max_document_chars=1000)))
    assert isinstance(failure, Failure)
    assert failure.reason == "document has 2,000 characters, over the 1,000-character limit"


def test_billion_laughs_is_refused_unexpanded(tmp_path: Path) -> None:
    path = tmp_path / "bomb.rss"
    path.write_bytes(BILLION_LAUGHS)
    [failure] = list(read_path(path))
    assert isinstance(failure, Failure)
    assert "entities" in failure.reason and "lol" not in failure.reason


def test_entity_declaration_in_utf16_feed_is_refused(tmp_path: Path) -> None:
    # The byte-level check cannot see UTF-16 declarations; defusedxml's parse must catch them.
    path = tmp_path / "bomb16.xml"
    path.write_bytes(BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="utf-16"?>')
                     .decode("ascii").encode("utf-16"))
    [failure] = list(read_path(path))
    assert isinstance(failure, Failure) and "entities" in failure.reason


def test_feed_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<note><to>nobody</to></note>", encoding="utf-8")
    [failure] = list(read_path(path))
    assert isinstance(failure, Failure) and "not an RSS/Atom feed" in failure.reason


def test_feed_over_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.rss"
    path.write_bytes(b"<rss>" + b" " * 3000 + b"</rss>")
    [failure] = list(read_path(path, Limits(max_markup_bytes=1000)))
    assert isinstance(failure, Failure) and "over the 1,000-byte limit" in failure.reason


def test_html_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<html><body><p>" + b"words " * 1000 + b"</p></body></html>")
    [failure] = list(read_path(path, Limits(max_markup_bytes=1000)))
    assert isinstance(failure, Failure) and "over the 1,000-byte limit" in failure.reason


def test_deeply_nested_html_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</body></html>",
                    encoding="utf-8")
    items = list(read_path(path))
    assert len(items) == 1
    assert isinstance(items[0], Article | Failure)


def test_truncated_plain_warc_yields_articles_so_far_plus_one_failure(tmp_path: Path) -> None:
    full = tmp_path / "full.warc"
    with full.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for n in range(3):
            body = (f"<html><body><p>Story number {n}: the foreign ministers met in Amman on Monday to discuss "
                    f"the crisis, officials said, and agreed to meet again.</p></body></html>").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://c.example/{n}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))
    cut = tmp_path / "cut.warc"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) - 120])
    items = list(read_path(cut))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Failure"]
    assert "truncated" in items[-1].reason  # type: ignore[union-attr]


def test_corrupt_gzip_warc(tmp_path: Path) -> None:
    data = bytearray((SAMPLE / "crawl-2022.warc.gz").read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = bytes(64)
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(data))
    items = list(read_path(path))
    failures = [i for i in items if isinstance(i, Failure)]
    assert len(failures) == 1 and "WARC" in failures[0].reason
    assert len(items) <= 2


def test_gzip_bomb_warc_is_stopped(tmp_path: Path) -> None:
    # One gzip member whose record claims 64 MB of zeros: it inflates about 1000 times its size.
    size = 64 * 1024 * 1024
    header = (f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
              f"WARC-Target-URI: https://bomb.example/\r\nContent-Type: text/html\r\n"
              f"Content-Length: {size}\r\n\r\n").encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = bytes(1024 * 1024)
    parts = [compressor.compress(header)] + [compressor.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(compressor.compress(b"\r\n\r\n") + compressor.flush())
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(b"".join(parts))
    assert path.stat().st_size < 200_000
    items = list(read_path(path, Limits(max_record_bytes=1024 * 1024)))
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert "decompression bomb" in items[0].reason


def test_oversized_html_record_in_warc_is_one_failure_and_the_next_record_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    big = b"<html><body><p>" + b"The talks went on. " * 5000 + b"</p></body></html>"
    small = (b"<html><body><p>The foreign ministers met in Amman on Monday to discuss the crisis, officials "
             b"said.</p></body></html>")
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in (("https://d.example/big", big), ("https://d.example/small", small)):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    failure, article = read_path(path, Limits(max_record_bytes=50_000))
    assert isinstance(failure, Failure) and failure.name.endswith("#https://d.example/big")
    assert "limit" in failure.reason
    assert isinstance(article, Article) and article.url == "https://d.example/small"


def test_warc_without_html_and_empty_warc(tmp_path: Path) -> None:
    path = tmp_path / "images.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://e.example/a.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=headers))
    [failure] = list(read_path(path))
    assert isinstance(failure, Failure) and "no HTML response records" in failure.reason
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    [failure] = list(read_path(empty))
    assert isinstance(failure, Failure)
    not_gzip = tmp_path / "junk.warc.gz"
    not_gzip.write_bytes(gzip.compress(b"this is not a WARC file at all\n" * 10))
    [failure] = list(read_path(not_gzip))
    assert isinstance(failure, Failure)


def test_over_long_jsonl_line_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_line = json.dumps({"text": "x " * 5000})
    good = json.dumps({"id": "ok", "text": "The envoy met both delegations in Geneva, officials said."})
    path.write_text(long_line + "\n" + good + "\n", encoding="utf-8")
    failure, article = read_path(path, Limits(max_line_bytes=1000))
    assert isinstance(failure, Failure) and failure.name == f"{path}#1" and "1,000-byte limit" in failure.reason
    assert isinstance(article, Article) and article.id == "ok"


def test_unreadable_file() -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="eventwire-unreadable-"))
    folder.chmod(0o755)  # pytest's own temporary folders are private to root
    path = folder / "secret.txt"
    path.write_text("Talks resumed in Doha, officials said.", encoding="utf-8")
    path.chmod(0)
    readable = folder / "readable.txt"
    readable.write_text("Talks resumed in Doha, officials said.", encoding="utf-8")
    # The reader's modules (and the codecs they load) are imported before dropping privileges.
    assert isinstance(next(iter(read_path(readable))), Article)
    switched = os.geteuid() == 0
    if switched:
        os.seteuid(65534)  # root reads files whatever their permissions: read as the unprivileged user
    try:
        items = list(read_path(path))
    finally:
        if switched:
            os.seteuid(0)
        path.chmod(0o600)
        path.unlink()
        readable.unlink()
        folder.rmdir()
    [failure] = items
    assert isinstance(failure, Failure) and "cannot read file" in failure.reason, failure
