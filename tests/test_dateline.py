"""The dateline finder (eventwire.nlp.dateline): one table of lines written for this test, datelines and lines
that only look like one, in several outlets' styles, regions and registers (capitals, title case, lower case,
mojibake).

The second column records which of the five patterns the finder replaced accepted the line (measured on the code
before the change), so that each difference is a decision on record:

- C: actors/countries.py ``_DATELINE`` (the outlet of a dateline; the any-case variant for a lower-case line),
- T: actors/countries.py ``_DATELINE_TAIL`` after one of the line's first three words (a capital as the place),
- Q: quotes/indirect.py ``DATELINE`` (skipped before indirect content),
- P: places/detection.py ``_DATELINE`` (the dateline's places; only at the start of the text),
- I: ingest/text.py ``_DATELINE`` (the date and outlet of a plain-text article),
- E: events/parties.py ``_is_dateline`` true for some token of the line (never a party).
"""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from spacy.tokens import Span

from eventwire import Pipeline
from eventwire.ingest.text import dateline as text_dateline
from eventwire.model import Article
from eventwire.nlp.dateline import AGENCIES, find_dateline, opening_dateline, token_in_dateline

Parts = tuple[str | None, str | None, str | None, str | None, str | None]

# line, old patterns accepting it, (place, region, date, outlet, separator) or None for no dateline
TABLE: list[tuple[str, str, Parts | None]] = [
    ('BAGHDAD (Reuters) — Iraqi forces retook the town on Sunday.', 'CTQP',
     ('BAGHDAD', None, None, 'Reuters', '—')),
    ('KYIV, Ukraine, May 3 (AP) -- Russian drones struck the capital overnight.', 'CQPE',
     ('KYIV', 'Ukraine', 'May 3', 'AP', '--')),
    ('WASHINGTON — The Senate voted on Tuesday to approve the aid package.', 'TPE',
     ('WASHINGTON', None, None, None, '—')),
    ('Damascus, March 3 (SANA) - Syrian and Iraqi officials met to discuss border trade.', 'TP',
     ('Damascus', None, 'March 3', 'SANA', '-')),
    ('baghdad, may 14, 2018 (al-rafidain news, translated) — iraqi and turkish officials met in baghdad.', 'CTP',
     ('baghdad', None, 'may 14, 2018', 'al-rafidain news', '—')),
    ('manila, aug 19 (wire) - china and the philippines traded accusations after their ships collided.', 'CTP',
     ('manila', None, 'aug 19', 'wire', '-')),
    ("BEIJING, May 3 (Xinhua) -- China's foreign ministry urged restraint.", 'CQPE',
     ('BEIJING', None, 'May 3', 'Xinhua', '--')),
    ('NEW DELHI, Jan. 5 (PTI): The government announced new rules for exporters.', 'PE',
     ('NEW DELHI', None, 'Jan. 5', 'PTI', ':')),
    ('SPRINGFIELD, Mass. (AP) — A fire destroyed a warehouse near the river.', 'CQPE',
     ('SPRINGFIELD', 'Mass.', None, 'AP', '—')),
    ('UNITED NATIONS (AP) — The Security Council met behind closed doors.', 'CTQP',
     ('UNITED NATIONS', None, None, 'AP', '—')),
    ('BEIRUT/DAMASCUS (Reuters) - Israeli jets struck targets near the capital.', 'TP',
     ('BEIRUT/DAMASCUS', None, None, 'Reuters', '-')),
    ('PORT-AU-PRINCE, Haiti (AP) — Gangs attacked a police station.', 'CQPE',
     ('PORT-AU-PRINCE', 'Haiti', None, 'AP', '—')),
    ('ST. LOUIS (AP) — Protesters marched downtown for a third night.', 'CTQP',
     ('ST. LOUIS', None, None, 'AP', '—')),
    ('LONDON, 3 May (Reuters) - Britain said it would expel two diplomats.', 'CTQPE',
     ('LONDON', None, '3 May', 'Reuters', '-')),
    ('ADEN, January 16, 2024 (Gulf Wire) — Rebels fired two missiles at a ship.', 'CTQPIE',
     ('ADEN', None, 'January 16, 2024', 'Gulf Wire', '—')),
    ('KABUL, May 3 — Taliban fighters attacked a checkpoint.', 'TQPE',
     ('KABUL', None, 'May 3', None, '—')),
    ('ISTANBUL — Ukraine and Russia signed separate agreements with Turkey.', 'TPE',
     ('ISTANBUL', None, None, None, '—')),
    ('GOMA, Democratic Republic of Congo (AP) — M23 rebels advanced on the town.', 'CQPE',
     ('GOMA', 'Democratic Republic of Congo', None, 'AP', '—')),
    ('(Reuters) - U.S. President Joe Biden said on Monday he would veto the bill.', 'P',
     (None, None, None, 'Reuters', '-')),
    ('BOGOTÁ, Colombia (AFP) — Colombian troops clashed with dissidents.', 'TQPE',
     ('BOGOTÁ', 'Colombia', None, 'AFP', '—')),
    ('Khartoum, Sudan — The army said it had retaken the bridge.', 'TP',
     ('Khartoum', 'Sudan', None, None, '—')),
    ('BAGHDAD—Iraqi officials said the talks would resume.', 'E',
     ('BAGHDAD', None, None, None, '—')),
    ('  GAZA CITY (AP) – Airstrikes hit a school sheltering families.', 'TP',
     ('GAZA CITY', None, None, 'AP', '–')),
    ('KYIV, Ukraine, May 3 (AP) â€” Russian drones struck the capital overnight.', 'PE',
     ('KYIV', 'Ukraine', 'May 3', 'AP', 'â€”')),
    ('kyiv, ukraine, may 3 (ap) -- russian drones struck the capital overnight.', 'CP',
     ('kyiv', 'ukraine', 'may 3', 'ap', '--')),
    ('NAIROBI, Kenya, Tuesday (AFP) - Police fired tear gas at protesters.', 'CTQPE',
     ('NAIROBI', 'Kenya', 'Tuesday', 'AFP', '-')),
    ('ABUJA, Nigeria, Sept. 5, 2023 (Premium Times) — Gunmen kidnapped 20 students.', 'CTQPE',
     ('ABUJA', 'Nigeria', 'Sept. 5, 2023', 'Premium Times', '—')),
    ('BEIJING (Xinhua) Chinese and Russian officials met in the capital.', 'P',
     ('BEIJING', None, None, 'Xinhua', None)),
    ('Abu Dhabi, 12 March 2024 (WAM) – The UAE announced a new aid package.', 'P',
     ('Abu Dhabi', None, '12 March 2024', 'WAM', '–')),
    ('SÃƒO PAULO (Reuters) - Brazilian police raided the offices.', 'TP',
     ('SÃƒO PAULO', None, None, 'Reuters', '-')),
    ('WASHINGTON POST reported on Monday that the talks had stalled.', '',
     None),
    ('US — which has 5,000 troops in Iraq — said it would stay.', 'TPE',
     None),
    ('NATO said on Monday it would send more troops to the region.', '',
     None),
    ('NATO, the EU and the UN condemned the attack.', 'E',
     None),
    ('Ukraine War Latest — Russia Strikes Kyiv Power Grid', 'TP',
     None),
    ('BREAKING NEWS — Protesters Storm Parliament In Capital', 'TP',
     None),
    ('Officials said the talks - which lasted hours - ended without a deal.', 'P',
     None),
    ('EU — The bloc agreed new sanctions on Monday.', 'TPE',
     None),
    ('IMF - World Bank meetings open in Washington', 'TPE',
     None),
    ('Smith, 45, was arrested - police said.', 'TP',
     None),
    ('UPDATE 2-Israel strikes Gaza as talks stall', '',
     None),
    ('Iraq, Turkey agree on water sharing - ministry', 'P',
     None),
    ('washington — the senate voted on tuesday to approve the aid package.', 'TP',
     None),
    ('EXCLUSIVE: Iran offers talks on nuclear programme', '',
     None),
    ('WASHINGTON (Reuters) reported that the talks had stalled.', 'P',
     None),
    ('MOGADISHU, Somalia (Hiiraan Online) — Al-Shabaab fighters attacked a base.', 'CTQPE',
     ('MOGADISHU', 'Somalia', None, 'Hiiraan Online', '—')),
    ('Port Sudan, Sudan, 3 June (Sudan Tribune) - The army said it repelled an attack.', 'P',
     ('Port Sudan', 'Sudan', '3 June', 'Sudan Tribune', '-')),
    ("TEHRAN, Iran — Iran's president said talks would continue.", 'TQPE',
     ('TEHRAN', 'Iran', None, None, '—')),
    ('GAZA — Israeli strikes killed at least 12 people overnight.', 'TPE',
     ('GAZA', None, None, None, '—')),
    ('DOHA: Qatar said mediators were close to a deal.', '',
     None),
    ('However, officials — who spoke on condition of anonymity — disagreed.', 'TP',
     None),
    ('The UN said on Friday that aid convoys were blocked.', '',
     None),
    ('Monday, May 3 — Officials met in the capital to discuss the budget.', 'TP',
     None),
    ('By Jane Doe, Reuters — The talks resumed on Monday.', 'P',
     None),
    ('NEW YORK, May 3, 2024 /PRNewswire/ -- Acme Corp. announced a new plant in Ohio.', 'QPE',
     ('NEW YORK', None, 'May 3, 2024', 'PRNewswire', '--')),
    ('Bogota, May 3 (EFE).- Colombian troops clashed with rebels near the border.', '',
     ('Bogota', None, 'May 3', 'EFE', '.-')),
    ('BOGOTÃ\x81, Colombia (AFP) â€” Colombian troops clashed with dissidents.', 'P',
     ('BOGOTÃ\x81', 'Colombia', None, 'AFP', 'â€”')),
    ('LONDON (Reuters)-Britain said it would expel two diplomats.', 'CP',
     ('LONDON', None, None, 'Reuters', '-')),
    ('KABUL-based officials said the talks would resume.', 'E',
     None),
    ('(CNN) — A powerful storm battered the coast overnight.', 'P',
     (None, None, None, 'CNN', '—')),
    ('WASHINGTON, D.C. — The House passed the bill late on Friday.', 'QPE',
     ('WASHINGTON', 'D.C.', None, None, '—')),
]


def _parts(text: str) -> Parts | None:
    found = find_dateline(text)
    if found is None:
        return None
    return tuple(text[s[0]:s[1]] if s else None  # type: ignore[return-value]
                 for s in (found.place, found.region, found.date, found.outlet, found.separator))


@pytest.mark.parametrize(("text", "old", "expected"), TABLE, ids=[row[0][:40] for row in TABLE])
def test_table(text: str, old: str, expected: Parts | None) -> None:
    assert set(old) <= set("CTQPIE")
    assert _parts(text) == expected


def test_table_covers_both_kinds_and_every_case() -> None:
    found = [find_dateline(text) for text, _, _ in TABLE]
    assert len(TABLE) >= 40
    assert sum(f is None for f in found) >= 12 and sum(f is not None for f in found) >= 25
    assert {f.case for f in found if f is not None} == {"upper", "title", "lower"}


def test_body_starts_after_the_separator_and_its_spaces() -> None:
    text = "  GAZA CITY (AP) – Airstrikes hit a school."
    found = find_dateline(text)
    assert found is not None and (found.start, text[found.body:]) == (2, "Airstrikes hit a school.")
    assert text[found.start:found.end] == "GAZA CITY (AP) –"
    assert found.contains(*found.outlet) and not found.contains(found.body, found.body + 1)  # type: ignore[misc]


@pytest.mark.parametrize("text", ["washington — the senate voted on tuesday.", "Khartoum: The army said it won.",
                                  "Washington — The Senate voted on Tuesday.", "EU — The bloc agreed sanctions."])
def test_a_place_the_line_cannot_vouch_for_needs_the_callers_word(text: str) -> None:
    assert find_dateline(text) is None
    place = text.split(" ")[0].rstrip(":")
    found = find_dateline(text, is_place=lambda name: name == place)
    assert found is not None and text[found.place[0]:found.place[1]] == place  # type: ignore[index]
    assert find_dateline(text, is_place=lambda name: False) is None


def test_day_of_the_date_part() -> None:
    days = {}
    for text in ("ADEN, January 16, 2024 (Gulf Wire) — Rebels fired.", "ABUJA, Sept. 5, 2023 — Gunmen struck.",
                 "Abu Dhabi, 12 March 2024 (WAM) – The UAE said.", "baghdad, may 14, 2018 (wire) — officials met.",
                 "KABUL, May 3 — Taliban fighters attacked.", "NAIROBI, Tuesday (AFP) - Police fired."):
        found = find_dateline(text)
        assert found is not None
        days[text.split(",")[0]] = found.day(text)
    assert days == {"ADEN": date(2024, 1, 16), "ABUJA": date(2023, 9, 5), "Abu Dhabi": date(2024, 3, 12),
                    "baghdad": date(2018, 5, 14), "KABUL": None, "NAIROBI": None}


def test_opening_dateline_after_a_title_and_from_a_line_start() -> None:
    text = "Ministers meet in Amman\n\nAMMAN, March 2, 2020 (Levant Post) — The ministers met.\nROME — Later."
    found = opening_dateline(text)
    assert found is not None and text[found.place[0]:found.place[1]] == "AMMAN"  # type: ignore[index]
    assert opening_dateline(text, within=10) is None
    later = find_dateline(text, text.index("ROME"))
    assert later is not None and text[later.body:] == "Later."
    assert find_dateline(text, 0) is None  # the title is no dateline


def test_token_in_dateline() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Talks resume\nISTANBUL — Ukraine and Russia signed deals.\nUS — which has troops — agreed.")
    inside = [t.text for t in doc if token_in_dateline(t)]
    assert inside == ["ISTANBUL", "—"]
    lower = nlp("kyiv, ukraine, may 3 (ap) -- russian drones struck.")
    assert [t.text for t in lower if token_in_dateline(t)] == ["kyiv", ",", "ukraine", ",", "may", "3", "(", "ap",
                                                                ")", "--"]


def test_token_in_dateline_takes_the_parse_entities_as_word_for_a_place() -> None:
    nlp = spacy.blank("en")
    for text, label, inside in (("Washington — The Senate voted.", "GPE", ["Washington", "—"]),
                                ("kabul — taliban fighters attacked.", "GPE", ["kabul", "—"]),
                                ("Washington — The Senate voted.", "PERSON", []),
                                ("US — which has troops — agreed.", "GPE", [])):
        doc = nlp(text)
        doc.ents = [Span(doc, 0, 1, label=label)]
        assert [t.text for t in doc if token_in_dateline(t)] == inside, text
    doc = nlp("EU — The bloc agreed.")
    assert [t.text for t in doc if token_in_dateline(t, is_place=lambda name: name == "EU")] == ["EU", "—"]


def test_agency_list_is_read_from_its_data_file() -> None:
    assert {"ap", "reuters", "xinhua", "afp"} <= AGENCIES


@pytest.mark.parametrize("text", ["WASHINGTON — Rebels fired two missiles at a ship, the US military said.",
                                  "Kabul — Taliban fighters attacked a checkpoint in the north, officials said.",
                                  "kabul — taliban fighters attacked a checkpoint in the north, officials said."])
def test_indirect_quote_content_starts_after_the_dateline(pipeline: Pipeline, text: str) -> None:
    # None of the three had its dateline skipped by the quotes stage's own pattern (a comma part or an outlet was
    # needed); the parse vouches for the title- and lower-case places.
    article = pipeline(Article(id="d", text=text, published="2024-05-03"))
    assert [q.text for q in article.quotes] == [text[text.index("—") + 2:text.rindex(",")]]


def test_plain_text_reader_reads_date_and_outlet_in_any_register() -> None:
    # The reader's own pattern needed capitals, a date right after the place and its year; the outlet came only
    # with such a date.
    assert text_dateline("washington (ap) — the senate voted.") == (None, "ap")
    assert text_dateline("Title\n\nkabul, may 3, 2021 (meridian news) — fighting resumed.") == (
        date(2021, 5, 3), "meridian news")
    assert text_dateline("ABUJA, Nigeria, Sept. 5, 2023 (Premium Times) — Gunmen struck.") == (
        date(2023, 9, 5), "Premium Times")
    assert text_dateline("KABUL, May 3 — Taliban fighters attacked.") == (None, None)
    assert text_dateline("Title\n\nThe ministers met in Amman (Jordan) - officials said.") == (None, None)


def test_title_case_dateline_gives_its_outlet(pipeline: Pipeline) -> None:
    article = pipeline(Article(id="d", text="Damascus, March 3 (SANA) - Syrian and Iraqi officials met on Monday.",
                               published="2024-03-03"))
    outlet = next((a for a in article.actors if any(m.text == "SANA" for m in a.mentions)), None)
    assert outlet is not None and outlet.sector == "JRN"
