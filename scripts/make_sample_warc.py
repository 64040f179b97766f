# ruff: noqa: E501  (the sample articles are prose, one paragraph per line)
"""Write the sample corpus's WARC archive: src/eventwire/data/sample/crawl-2022.warc.gz.

The two articles are the project's own prose (like the rest of the sample
corpus), wrapped in news-site HTML with navigation and footer boilerplate and
stored as gzip-compressed HTTP ``response`` records, the way a crawler (or
Common Crawl News) stores pages, each preceded by its ``request`` record.
Run it from the repository root after editing the texts below; the output is
committed, so the demo needs no generation step.

    .venv/bin/python scripts/make_sample_warc.py
"""

from __future__ import annotations

import html
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parent.parent / "src" / "eventwire" / "data" / "sample" / "crawl-2022.warc.gz"

# (target URI, WARC-Date, site name, published date or None, article text: title line, blank line, paragraphs)
PAGES: list[tuple[str, str, str, str | None, str]] = [
    (
        "https://balticsentinel.example/world/2022/03/24/nato-eastern-flank-battlegroups",
        "2022-03-24T19:02:11Z", "Baltic Sentinel", "2022-03-24",
        """NATO to deploy thousands more troops to eastern flank after Russian invasion of Ukraine

BRUSSELS — NATO allies agreed on Thursday to deploy four new multinational battlegroups to Slovakia, Hungary, Romania and Bulgaria, doubling the number of alliance battlegroups on its eastern flank, Secretary General Jens Stoltenberg said after an emergency summit.

The decision adds to the four battlegroups that the alliance has stationed in Estonia, Latvia, Lithuania and Poland since 2017, three years after Russia annexed Crimea. About 40,000 troops are now under direct NATO command in the east, ten times more than a few months ago, according to alliance officials.

"Nobody should doubt that an attack on one ally would be met by the whole alliance," Stoltenberg told a news conference at the alliance headquarters. He said that leaders had also agreed to send Ukraine equipment to protect itself against chemical, biological and nuclear threats.

US President Joe Biden, who attended the summit, said that NATO had "never been more united" and warned that the alliance would respond if Russia used chemical weapons in Ukraine. He announced 1 billion dollars in new humanitarian aid and said that the United States would welcome up to 100,000 Ukrainian refugees.

Ukrainian President Volodymyr Zelenskiy, addressing the leaders by video link, asked the alliance for "a small share of the aircraft and tanks that stand idle in your bases". He criticised NATO for rejecting his requests for a no-fly zone over Ukraine, which allies fear could draw them into a direct war with Russia.

The Kremlin accused the alliance of turning Ukraine into a battlefield. Kremlin spokesman Dmitry Peskov said that the deployment of new forces near Russia's borders "does not contribute to security in Europe" and that Moscow would take measures to ensure its own security.

Romanian President Klaus Iohannis said that the new battlegroup in his country, led by France, would start operations within weeks. French officials who spoke on condition of anonymity said that around 500 French soldiers had already arrived at the Mihail Kogalniceanu base near the Black Sea.

The alliance's defence ministers are due to meet in June to discuss longer-term changes to NATO's defence posture ahead of a summit in Madrid.""",
    ),
    (
        "https://hornafricatimes.example/news/mogadishu-hotel-siege",
        "2022-08-21T08:45:37Z", "Horn of Africa Times", None,
        """Al-Shabaab gunmen storm Mogadishu hotel, killing at least 20

MOGADISHU — Al-Shabaab fighters stormed a hotel in the Somali capital on Friday evening after setting off two car bombs at its gates, killing at least 20 people and trapping dozens of guests inside during a siege that lasted more than a day, security officials said.

Somali special forces ended the siege on Sunday morning after killing the last attackers, who had taken positions on the upper floors of the hotel, a popular meeting place for officials and businessmen near the presidential palace. Police spokesman Abdifatah Aden Hassan said that 106 people had been rescued, including women and children.

The Islamist group, which is linked to al-Qaeda, claimed responsibility for the attack in a statement broadcast on its Andalus radio station, saying that it had targeted "officials of the apostate government".

President Hassan Sheikh Mohamud, who returned to power in May, condemned the attack and vowed to intensify the war against the militants. "These terrorists want to frighten our people, but they will not succeed," he said in a speech on Sunday. "We will hunt them in every district and every village until the country is free of them."

The African Union mission in Somalia (ATMIS) condemned what it called a "cowardly attack" and said it would continue to support the Somali security forces. The United States, which has about 450 troops in Somalia after President Joe Biden reversed a withdrawal ordered by his predecessor earlier this year, said that it stood with the Somali people.

A senior security official, who spoke on condition of anonymity, said that the attackers had disguised themselves as soldiers and that the hotel's guards had been overwhelmed within minutes. Several relatives of the victims accused the security forces of reacting too slowly.

Al-Shabaab has fought to overthrow Somalia's central government since 2007 and still controls large rural areas in the south and centre of the country. The group carried out the deadliest bombing in the country's history in 2017, when a truck bomb killed more than 500 people at a busy intersection in Mogadishu.

Earlier this month, government forces and allied clan militias recaptured several villages from al-Shabaab in the Hiran region, in an offensive supported by US air strikes.""",
    ),
]

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
{date_meta}<link rel="canonical" href="{url}"></head>
<body>
<header><a href="/">{site}</a><nav><a href="/world">World</a> <a href="/politics">Politics</a>
<a href="/business">Business</a> <a href="/sport">Sport</a> <a href="/account">My account</a></nav></header>
<main><article><h1>{title}</h1>
{paragraphs}
</article>
<aside><h2>Most read</h2><ol><li><a href="/a">Markets close higher</a></li><li><a href="/b">Weather warning</a></li></ol></aside>
</main>
<footer><p>&copy; 2022 {site}. All rights reserved.</p><p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a>
| <a href="/newsletter">Newsletter</a></p></footer>
</body></html>
"""


def page_html(url: str, site: str, published: str | None, text: str) -> bytes:
    title, body = text.split("\n\n", 1)
    paragraphs = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body.split("\n\n"))
    date_meta = f'<meta property="article:published_time" content="{published}T08:00:00Z">\n' if published else ""
    return TEMPLATE.format(title=html.escape(title), site=site, url=url, date_meta=date_meta,
                           paragraphs=paragraphs).encode("utf-8")


def main() -> None:
    with OUT.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, warc_date, site, published, text in PAGES:
            request = StatusAndHeaders(f"GET {url.split('/', 3)[3]} HTTP/1.1",
                                       [("Host", url.split("/")[2]), ("User-Agent", "eventwire-sample/1.0")],
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(
                url, "request", payload=BytesIO(b""), http_headers=request,
                warc_headers_dict={"WARC-Date": warc_date},
            ))
            body = page_html(url, site, published, text)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": warc_date},
            ))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
