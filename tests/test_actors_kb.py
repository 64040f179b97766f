"""The actor knowledge base: shipped data, malformed lines, imports, the cache and the ``kb`` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from eventwire.actors.agents import load_agents, read_agent_file
from eventwire.actors.importers import import_file, split_code
from eventwire.actors.kb import CACHE_NAME, DATA_DIR, load_kb, read_entity_file
from eventwire.actors.resolve import Resolver
from eventwire.actors.scan import AliasScanner
from eventwire.cli import app
from eventwire.errors import KnowledgeBaseError

HEADER = "id\tname\tkind\tcountry\tsector\trole\tstart\tend\taliases\n"


def test_shipped_kb_loads_cleanly_with_every_iso_country() -> None:
    kb = load_kb()
    assert kb.errors == []
    assert len(kb.countries) >= 249
    assert kb.country_of("Iraqi") == ("IRQ", "demonym")
    assert kb.country_of("Baghdad") == ("IRQ", "capital")
    assert kb.country_of("U.S.")[0] == "USA"  # type: ignore[index]
    people = [e for e in kb.entities.values() if e.kind == "person"]
    assert len(people) >= 300
    assert all(e.tenures for e in people if e.source == "people.tsv" and e.id not in (
        "person:muqtada-al-sadr", "person:ali-al-sistani"))


def test_shipped_data_files_document_their_format() -> None:
    for path in DATA_DIR.iterdir():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#"), f"{path.name} does not start with a comment"


def test_tenure_dates_are_ordered_in_the_shipped_people() -> None:
    rows, errors = read_entity_file(DATA_DIR / "people.tsv")
    assert errors == []
    for entity in rows:
        for tenure in entity.tenures:
            assert not (tenure.start and tenure.end) or tenure.start <= tenure.end, entity.id


def test_malformed_entity_lines_are_reported_and_the_rest_loaded(tmp_path: Path) -> None:
    path = tmp_path / "people.tsv"
    path.write_text("# test\n" + HEADER
                    + "person:a\tAlpha One\tperson\tUSA\tGOV\tminister\t2001-01-01\t2002-01-01\t\n"
                    + "person:b\tBeta\tperson\tUSA\n"
                    + "person:c\tGamma Three\tperson\tUSA\tGOV\tminister\t2001-13\t\t\n"
                    + "person:d\tDelta Four\talien\tUSA\tGOV\t\t\t\t\n"
                    + "person:e\tEpsilon Five\tperson\tUSA\tGOV\tminister\t2005\t2001\t\n"
                    + "person:f\tPhi Six\tperson\tFRA\tGOV\tminister\t\t\tPhi 6\n", encoding="utf-8")
    entities, errors = read_entity_file(path)
    assert [e.id for e in entities] == ["person:a", "person:f"]
    assert [(e.line, e.reason.split(" ")[0]) for e in errors] == [
        (4, "expected"), (5, "date"), (6, "kind"), (7, "start")]
    assert str(errors[0]).startswith(f"{path}:4:")


def test_malformed_user_kb_lines_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "mine.jsonl").write_text(
        '{"id": "x:1", "name": "Xavier One", "kind": "person", "country": "ESP"}\n'
        "not json\n"
        '{"id": "x:2", "kind": "person"}\n'
        '{"id": "x:3", "name": "Xavier Three", "kind": "person", "tenures": [{"start": "yesterday"}]}\n',
        encoding="utf-8")
    kb = load_kb([tmp_path])
    assert "x:1" in kb.entities and "x:2" not in kb.entities and "x:3" not in kb.entities
    assert sorted(e.line for e in kb.errors) == [2, 3, 4]


def test_malformed_agent_lines(tmp_path: Path) -> None:
    path = tmp_path / "agents-mine.tsv"
    path.write_text("phrase\tsector\ttype\trole\ttitle\nwarlord\tUAF\tperson\t-\tno\nbad line\n"
                    "chief\tGOV\tboss\t-\tno\n", encoding="utf-8")
    agents, errors = read_agent_file(path)
    assert [a.phrase for a in agents] == ["warlord"]
    assert [e.line for e in errors] == [3, 4]
    table = load_agents([tmp_path])
    assert table.get("warlord") is not None and table.get("general") is not None


def test_agents_match_longest_phrase_and_role_family() -> None:
    table = load_agents()
    assert table.role_family("Secretary of Defense") == "defence-minister"
    assert table.role_family("Chairman of the Joint Chiefs of Staff") == "military-commander"
    matches = table.match([("security",), ("forces", "force")])
    assert [m.agent.phrase for m in matches] == ["security forces"]


def test_scanner_finds_aliases_at_word_boundaries_only() -> None:
    scanner = AliasScanner(load_kb())
    text = "Daesh and ISIS fighters, not MISISSIPPI nor Daeshmen, met Houthis."
    found = [(text[s:e], eid) for s, e, eid in scanner.find(text)]
    assert ("Daesh", "group:islamic-state") in found and ("ISIS", "group:islamic-state") in found
    assert ("Houthis", "group:houthis") in found
    assert all(t not in ("MISISSIPPI", "Daeshmen") for t, _ in found)
    dateline = "BAGHDAD, May 1 — Iraqi talks"
    countries = [(dateline[s:e], iso3) for s, e, iso3, _ in scanner.find_countries(dateline)]
    assert countries == [("BAGHDAD", "IRQ"), ("Iraqi", "IRQ")]


# -- imports ----------------------------------------------------------------------------------

def test_import_wikidata_style_json(tmp_path: Path) -> None:
    source = tmp_path / "wd.json"
    source.write_text(json.dumps([
        {"id": "Q1", "names": ["Amina Yusuf", "Amina Yousef"], "country": "SOM", "sector": "GOV",
         "role": "Foreign Minister", "start": "2020-01-01", "end": "2021-06-30"},
        {"id": "Q1", "names": "Amina Yusuf", "country": "SOM", "sector": "GOV", "role": "Prime Minister",
         "start": "2021-07-01"},
        {"id": "Q2", "names": [], "country": "SOM"},
        "garbage",
    ]), encoding="utf-8")
    kb_dir = tmp_path / "kb"
    report = import_file(source, "json", kb_dir)
    assert report.entities == 1 and sorted(e.line for e in report.errors) == [3, 4]
    kb = load_kb([kb_dir])
    entity = kb.entities["wd:Q1"]
    assert len(entity.tenures) == 2 and "Amina Yousef" in entity.aliases
    resolver = Resolver(kb, load_agents([kb_dir]))
    result = resolver.resolve("Amina Yousef", ("person",), "2022-01-01")
    assert result.entity is entity and result.tenure is not None and result.tenure.role == "Prime Minister"


def test_import_csv(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("id,names,kind,country,sector,role,start,end\n"
                      "7,Kofi Mensah;K. Mensah,person,GHA,GOV,Defence Minister,2019-02-01,\n"
                      "8,Bad Date,person,GHA,GOV,Minister,02/2019,\n", encoding="utf-8")
    report = import_file(source, "csv", tmp_path / "kb")
    assert report.entities == 1 and [e.line for e in report.errors] == [3]


def test_import_refuses_a_file_with_nothing_usable(tmp_path: Path) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("name,country\nX,Y\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="'id' and 'names'"):
        import_file(source, "csv", tmp_path / "kb")
    with pytest.raises(KnowledgeBaseError, match="unknown import format"):
        import_file(source, "yaml", tmp_path / "kb")


def test_petrarch_codes_split_into_country_and_sector() -> None:
    assert split_code("USAGOV") == ("USA", "GOV")
    assert split_code("IRQ") == ("IRQ", None)
    assert split_code("IGOUNOIAE") == ("IGOUNOIAE", "IGO")
    assert split_code("AFGREB") == ("AFG", "REB")


def test_import_small_petrarch_dictionaries(tmp_path: Path) -> None:
    actors = tmp_path / "mini.actors.txt"
    actors.write_text("# mini\nGONDOR_ [GON]\n+MINAS_TIRITH_\n\nARAGORN_\n+STRIDER_\n"
                      "    [GONREB 19900101-19991231]\n    [GONGOV >20000101]\n\nBROKEN [GON 9999]\n",
                      encoding="utf-8")
    report = import_file(actors, "petrarch", tmp_path / "kb", frozenset({"GON"}))
    assert report.entities == 2 and report.errors
    kb = load_kb([tmp_path / "kb"])
    aragorn = next(e for e in kb.entities.values() if e.name == "Aragorn")
    assert aragorn.kind == "person" and len(aragorn.tenures) == 2
    assert aragorn.tenure_at("2005-01-01").sector == "GOV"  # type: ignore[union-attr]
    agents = tmp_path / "mini.agents.txt"
    agents.write_text("WARLORD_ [~UAF]\nGENERAL_ [~MIL]\n", encoding="utf-8")
    report = import_file(agents, "petrarch", tmp_path / "kb")
    assert report.agents >= 1  # "general" stays the shipped entry
    assert load_agents([tmp_path / "kb"]).get("warlord").sector == "UAF"  # type: ignore[union-attr]


def test_import_phoenix_country_dictionary_and_lookup_stays_indexed(tmp_path: Path) -> None:
    source = shared_path("dictionaries", "petrarch2", "Phoenix.Countries.actors.txt")
    kb_dir = tmp_path / "kb"
    report = import_file(source, "petrarch", kb_dir, frozenset(load_kb().countries))
    assert report.entities > 15000
    assert all(error.line > 0 for error in report.errors)
    kb = load_kb([kb_dir])
    assert len(kb) > 15000 and (kb_dir / CACHE_NAME).exists()
    cached = load_kb([kb_dir])  # second load from the cache
    assert len(cached) == len(kb) and cached.index.keys() == kb.index.keys()
    resolver = Resolver(cached, load_agents())
    result = resolver.resolve("Nouri al-Maliki", ("person",), "2010-01-01")
    assert result.entity is not None and result.entity.id == "person:nouri-al-maliki"
    hamid = resolver.resolve("Hamid Karzai", ("person",), "2005-01-01")
    assert hamid.entity is not None and hamid.tenure is not None and hamid.tenure.country == "AFG"
    # fuzzy candidates come from blocks, not from a scan of the 18k entities
    assert 0 < len(resolver.candidates("Hamid Karzay", ("person",), "2005-01-01")) < 50


def test_cache_is_rebuilt_when_a_user_file_changes(tmp_path: Path) -> None:
    user = tmp_path / "mine.jsonl"
    user.write_text('{"id": "m:1", "name": "Mona One", "kind": "person"}\n', encoding="utf-8")
    assert "m:1" in load_kb([tmp_path]).entities
    user.write_text('{"id": "m:2", "name": "Mona Two", "kind": "person"}\n', encoding="utf-8")
    kb = load_kb([tmp_path])
    assert "m:2" in kb.entities and "m:1" not in kb.entities


# -- CLI ----------------------------------------------------------------------------------------

def test_cli_lookup_shows_candidates_and_decision(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "lookup", "Jim Mats", "--date", "2017-12-20", "--role",
                                 "Defense Secretary", "--format", "json", "--kb", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["decision"]["kb_id"] == "person:jim-mattis"
    assert data["role_family"] == "defence-minister"
    assert data["candidates"][0]["score"] > 0 and data["candidates"][0]["reason"]


def test_cli_import_then_check(tmp_path: Path) -> None:
    source = tmp_path / "wd.json"
    source.write_text('{"id": "Q9", "names": ["Lena Park"], "country": "KOR", "sector": "GOV"}\n'
                      "{broken\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "import", str(source), "--format", "json", "--kb", str(tmp_path / "kb")])
    assert result.exit_code == 0, result.output
    assert "entities: 1 added, 0 updated, 0 unchanged (1 lines skipped)" in " ".join(result.output.split())
    check = runner.invoke(app, ["kb", "check", "--kb", str(tmp_path / "kb")])
    assert check.exit_code == 0 and "0 malformed lines" in check.output
    (tmp_path / "kb" / "bad.jsonl").write_text("nope\n", encoding="utf-8")
    check = runner.invoke(app, ["kb", "check", "--kb", str(tmp_path / "kb")])
    assert check.exit_code == 2 and "bad.jsonl:1:" in check.output
