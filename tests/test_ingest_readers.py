"""Every reader on good input: text, HTML, JSONL, RSS/Atom, WARC, directories and the sample corpus."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.cli import sample_corpus_dir
from eventwire.ingest import Limits, read_inputs, read_path
from eventwire.ingest.ids import article_id
from eventwire.ingest.jsonl import read_jsonl_stream
from eventwire.ingest.text import dateline, title_line
from eventwire.model import Article, Failure

SAMPLE = sample_corpus_dir()


def articles(path: Path) -> list[Article]:
    items = list(read_path(path))
    failures = [i for i in items if isinstance(i, Failure)]
    assert not failures, failures
    return items  # type: ignore[return-value]


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def write_warc(path: Path, records: list[tuple[str, str, bytes]], gzip_records: bool = True,
               warc_date: str = "2021-02-03T04:05:06Z") -> None:
    """A WARC with one ``response`` record per (url, content type, body)."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip_records)
        for url, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": warc_date},
            ))


STORY = ("<p>The foreign ministers of Egypt and Jordan met in Amman on Monday to discuss the crisis, "
         "officials said.</p><p>\u201cWe agreed to keep talking,\u201d the Jordanian minister told reporters "
         "after the meeting, according to a statement.</p>")


# -- plain text ---------------------------------------------------------------------------------

def test_text_title_dateline_and_verbatim_text(tmp_path: Path) -> None:
    raw = ("Ministers meet in Amman\n\nAMMAN, March 2, 2020 (Levant Post) \u2014 The foreign ministers met on "
           "Monday, officials said.\n\nThey will meet again next month.\n")
    path = tmp_path / "story.txt"
    path.write_text(raw, encoding="utf-8")
    [article] = articles(path)
    assert article.text == raw
    assert article.title == "Ministers meet in Amman"
    assert article.published == "2020-03-02"
    assert article.outlet == "Levant Post"
    assert article.language == "en"
    assert article.id == article_id(raw)
    assert article.source == str(path)


def test_text_without_title_or_dateline(tmp_path: Path) -> None:
    raw = "The foreign ministers met on Monday in Amman and said that the talks went well, officials said."
    path = tmp_path / "plain.text"
    path.write_text(raw, encoding="utf-8")
    [article] = articles(path)
    assert article.title is None
    assert article.published is None and article.outlet is None
    assert title_line(raw) is None
    assert dateline(raw) == (None, None)


def test_dateline_outlet_drops_translation_note() -> None:
    published, outlet = dateline("Title\n\nBAGHDAD, May 14, 2018 (Al-Rafidain News, translated) \u2014 Text.")
    assert (str(published), outlet) == ("2018-05-14", "Al-Rafidain News")


def test_same_text_rewrapped_gets_same_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One  sentence about\nthe talks in Doha.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("One sentence about the talks\r\nin Doha.  ", encoding="utf-8")
    first, second = (articles(tmp_path / name)[0] for name in ("a.txt", "b.txt"))
    assert first.id == second.id
    assert first.text != second.text


def test_text_encodings_are_detected(tmp_path: Path) -> None:
    sentence = "Le ministre fran\u00e7ais a d\u00e9clar\u00e9 \u00e0 Bamako que les n\u00e9gociations " \
               "\u00e9taient \u00ab tr\u00e8s difficiles \u00bb et qu'il reviendra en f\u00e9vrier."
    english = "\u201cWe will not accept this,\u201d the minister said \u2014 and the talks ended in caf\u00e9s."
    cases = {
        "utf8.txt": sentence.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + sentence.encode("utf-8"),
        "utf16.txt": sentence.encode("utf-16"),
        "latin1.txt": sentence.encode("latin-1"),
        "cp1252.txt": english.encode("cp1252"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        [article] = articles(tmp_path / name)
        expected = english if name == "cp1252.txt" else sentence
        assert article.text == expected, name


# -- HTML ---------------------------------------------------------------------------------------

def test_html_sample_page_strips_boilerplate_and_reads_metadata() -> None:
    [article] = articles(SAMPLE / "2023-06-sudan-aid-convoy.html")
    assert article.title == "UN aid convoy reaches Darfur as warring parties trade accusations"
    assert article.outlet == "Nile Courier"
    assert article.url == "https://nilecourier.example/africa/2023/06/21/darfur-aid-convoy"
    assert article.published == "2023-06-21"
    assert "A convoy of 27 World Food Programme trucks" in article.text
    assert "\u201cWe need safe and unimpeded access" in article.text
    assert "real toll is much higher." in article.text
    for boilerplate in ("Subscribe", "cookies", "All rights reserved", "Related stories", "Privacy policy",
                        "newsletter"):
        assert boilerplate not in article.text, boilerplate
    # Paragraphs stay separate.
    assert "\n\nThe convoy, which left Chad" in article.text


def test_html_scripts_and_styles_never_reach_the_text() -> None:
    [article] = articles(SAMPLE / "2023-06-colombia-eln-ceasefire.html")
    assert article.outlet == "Andes Herald"
    assert article.published == "2023-06-10"
    assert '"This is the first step," Petro said, "but peace will be built' in article.text
    for junk in ("analytics", "font-family", "Advertisement", "Log in", "Share this article", "Cookie settings"):
        assert junk not in article.text, junk


def test_html_declared_charset_and_hostname_outlet(tmp_path: Path) -> None:
    body = STORY.replace("Jordan met", "Jordan m\u00eat")
    html = page(body, '<meta charset="windows-1252"><title>Talks</title>'
                      '<link rel="canonical" href="https://levantpost.example/talks">')
    path = tmp_path / "page.htm"
    path.write_bytes(html.encode("cp1252"))
    [article] = articles(path)
    assert "Jordan m\u00eat in Amman" in article.text
    assert "\u201cWe agreed to keep talking,\u201d" in article.text
    assert article.url == "https://levantpost.example/talks"
    assert article.outlet == "levantpost.example"


def test_malformed_but_readable_html_still_yields_its_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<html><body><div><p>The foreign ministers of Egypt and Jordan met in Amman on Monday to "
                    "discuss the crisis, officials <b>said.<p>They agreed to meet again <i>next month in Cairo, "
                    "according to a joint statement issued after the talks.</div></span></body>", encoding="utf-8")
    [article] = articles(path)
    assert "met in Amman on Monday" in article.text
    assert "next month in Cairo" in article.text


# -- JSONL --------------------------------------------------------------------------------------

def test_jsonl_sample_keeps_given_ids_metadata_and_verbatim_text() -> None:
    path = SAMPLE / "articles.jsonl"
    read = articles(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [a.id for a in read] == [r["id"] for r in records]
    for article, record in zip(read, records, strict=True):
        assert article.text == record["text"]
        assert (article.title, article.url, article.outlet, article.published) == (
            record["title"], record["url"], record["outlet"], record["published"])
    assert read[0].source == f"{path}#1"


def test_jsonl_without_id_hashes_text_and_normalizes_dates(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    lines = [{"text": "  Talks resumed in Geneva on Monday, the UN envoy said.  ", "published": "2019-01-05T10:00:00Z"},
             {"text": "A second article about the talks in Geneva.", "published": "Sat, 05 Jan 2019 10:00:00 +0000",
              "id": 42}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    first, second = articles(path)
    assert first.text == lines[0]["text"]
    assert first.id == article_id(lines[0]["text"])
    assert first.published == second.published == "2019-01-05"
    assert second.id == "42"


def test_jsonl_stream_reads_stdin_style_input() -> None:
    stream = io.BytesIO(b'{"id": "x1", "text": "Protesters gathered in Tbilisi, police said."}\n')
    [article] = list(read_jsonl_stream(stream, "<stdin>", Limits()))
    assert isinstance(article, Article) and article.id == "x1" and article.source == "<stdin>#1"


# -- feeds --------------------------------------------------------------------------------------

def test_rss_sample_entries_from_content_or_summary() -> None:
    first, second = articles(SAMPLE / "crescent-gazette.rss")
    assert first.outlet == second.outlet == "Crescent Gazette (English edition)"
    assert first.title == "Crown Prince Mohamed Ben Salman receives US President Biden in Jeddah"
    assert first.url == "https://crescentgazette.example/en/2022/07/16/crown-prince-receives-biden"
    assert first.published == "2022-07-16"
    assert second.published == "2023-05-10"
    # content:encoded is preferred over the one-paragraph description.
    assert "eighteen agreements" in first.text
    # The second item has only an HTML description: its markup is stripped, paragraphs kept.
    assert "<p>" not in second.text and "&lt;" not in second.text
    assert second.text.startswith("Pakistan's government ordered the deployment")
    assert "\n\nPolice in Punjab said" in second.text


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Levant Post</title>
  <entry>
    <title>Ministers meet in Amman</title>
    <link href="https://levantpost.example/amman"/>
    <id>urn:levant:1</id>
    <updated>2020-03-02T12:00:00Z</updated>
    <summary type="html">&lt;p&gt;The foreign ministers met on Monday.&lt;/p&gt;
      &lt;p&gt;They will meet again.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Empty entry</title>
    <id>urn:levant:2</id>
  </entry>
</feed>
""", encoding="utf-8")
    article, failure = read_path(path)
    assert isinstance(article, Article)
    assert article.text == "The foreign ministers met on Monday.\n\nThey will meet again."
    assert (article.title, article.url, article.outlet, article.published) == (
        "Ministers meet in Amman", "https://levantpost.example/amman", "Levant Post", "2020-03-02")
    assert isinstance(failure, Failure)
    assert failure.name == f"{path}#2" and "empty document" in failure.reason


def test_rss_091_with_public_doctype_is_read(tmp_path: Path) -> None:
    # A DOCTYPE naming an external DTD declares no entities: it is read, and the DTD never fetched.
    path = tmp_path / "old.rss"
    path.write_text("""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old Wire</title><link>https://old.example/</link>
<item><title>Ceasefire holds</title><link>https://old.example/1</link>
<description>The ceasefire held for a second day on Sunday, monitors said.</description></item>
</channel></rss>
""", encoding="latin-1")
    [article] = articles(path)
    assert article.text == "The ceasefire held for a second day on Sunday, monitors said."
    assert article.outlet == "Old Wire" and article.published is None


# -- WARC ---------------------------------------------------------------------------------------

def test_warc_sample_reads_html_responses_only() -> None:
    nato, somalia = articles(SAMPLE / "crawl-2022.warc.gz")
    assert nato.url == "https://balticsentinel.example/world/2022/03/24/nato-eastern-flank-battlegroups"
    assert nato.outlet == "Baltic Sentinel" and nato.published == "2022-03-24"
    assert somalia.title == "Al-Shabaab gunmen storm Mogadishu hotel, killing at least 20"
    # The page has no date (only a copyright year): the record's WARC-Date is used.
    assert somalia.published == "2022-08-21"
    assert "Most read" not in somalia.text and "All rights reserved" not in somalia.text
    assert nato.source == f"{SAMPLE / 'crawl-2022.warc.gz'}#{nato.url}"


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_plain_and_gzip_skip_non_html(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    write_warc(path, [
        ("https://a.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        ("https://a.example/story", "text/html; charset=utf-8", page(STORY).encode("utf-8")),
        ("https://a.example/data.json", "application/json", b'{"a": 1}'),
    ], gzip_records=compressed)
    [article] = articles(path)
    assert article.url == "https://a.example/story"
    assert article.published == "2021-02-03"
    assert "\u201cWe agreed to keep talking,\u201d" in article.text
    assert article.outlet == "a.example"


def test_warc_content_encoding_gzip_payload(tmp_path: Path) -> None:
    path = tmp_path / "encoded.warc.gz"
    body = gzip.compress(page(STORY).encode("utf-8"))
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://b.example/x", "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    [article] = articles(path)
    assert "met in Amman on Monday" in article.text


# -- directories and the whole sample corpus ------------------------------------------------------

def test_directory_walk_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second story about talks in Oslo, officials said.", encoding="utf-8")
    (tmp_path / "1.txt").write_text("First story about talks in Oslo, officials said.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text("hidden too", encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    assert [Path(i.source).name for i in items if isinstance(i, Article)] == ["1.txt", "2.txt"]
    assert len(items) == 2


def test_sample_corpus_reads_cleanly() -> None:
    items = list(read_inputs([str(SAMPLE)]))
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, Failure)]
    read: list[Article] = items  # type: ignore[assignment]
    assert len(read) >= 15
    assert len({a.id for a in read}) == len(read)
    suffixes = {Path(a.source.split("#")[0]).name.split(".", 1)[1] for a in read if a.source}
    assert {"txt", "html", "jsonl", "rss", "warc.gz"} <= suffixes
    for article in read:
        words = len(article.text.split())
        assert 250 <= words <= 600, (article.source, words)
        assert article.published and "2016" <= article.published[:4] <= "2024", article.source
        assert article.title and article.language == "en"
    corpus = "\n".join(a.text for a in read)
    for feature in ("Rajab Tayeb Erdogan", "Sergey Lavrof", "Mohamed Ben Salman", "on condition of anonymity",
                    "source close to the", "said that", "according to", "last month", "on Tuesday",
                    "earlier this year", "in 2014", "\u201c", "\u201d"):
        assert feature in corpus, feature
