"""One sector vocabulary, PLOVER's (knowledge/data/sectors.tsv): CAMEO codes are read as PLOVER sectors where a
user's CAMEO dictionary enters the KB, written back as CAMEO codes only in the GDELT export, and a filter typed in
CAMEO spelling still finds its PLOVER sector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.actors.agents import PLOVER_SECTORS_NOTE, load_agents
from eventwire.actors.importers import import_file, split_code
from eventwire.actors.kb import load_kb
from eventwire.errors import DictionaryFormatError
from eventwire.events import EventStage
from eventwire.export import EXPORTERS
from eventwire.export.gdelt import GDELT_HEADER
from eventwire.knowledge.sectors import (
    cameo_agent_code,
    cameo_sector,
    load_sector_codes,
    plover_actor_code,
    plover_agent_code,
    plover_sector,
    sector_codes,
    user_sector,
)
from eventwire.model import Article, Event, Party, Span
from eventwire.petrarch.coder import PetrarchCoder, combined_code
from eventwire.store import Store
from eventwire.store.query import Filters, query_events

SECTOR_HEADER = "#   JRN  news media\n#   MED  health\ncameo\tplover\tback\n"


def test_the_plover_manuals_renames() -> None:
    # PLOVER manual, sector notes 3 and 4: MED/HLH renamed, INS and SEP folded into REB.
    assert [plover_sector(c) for c in ("MED", "HLH", "INS", "SEP", "GOV", "RAD")] == [
        "JRN", "MED", "REB", "REB", "GOV", None]
    assert [plover_sector(c) for c in ("NGO", "HRI", "ENV", "DEV")] == ["SOC"] * 4
    assert [cameo_sector(s) for s in ("JRN", "MED", "REB", "SOC", "GOV", "PRM", "UNK", "PRE", None)] == [
        "MED", "HLH", "REB", "NGO", "GOV", None, None, None, None]
    codes = sector_codes()
    assert {"PRM", "UNK", "PRE", "SOC", "JRN", "MED"} <= codes.plover and not {"HLH", "INS", "SEP"} & codes.plover
    # Every CAMEO code a sector is written back as reads as that sector again.
    assert all(plover_sector(cameo) == sector for sector, cameo in codes.to_cameo.items())


def test_a_malformed_sector_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "sectors.tsv"
    bad.write_text(SECTOR_HEADER + "MED\tJRN\tyes\nHLH\tXYZ\tyes\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="'XYZ' is not a PLOVER sector"):
        load_sector_codes(bad)
    twice = tmp_path / "twice.tsv"
    twice.write_text(SECTOR_HEADER + "MED\tJRN\tyes\nJRN\tJRN\tyes\n", encoding="utf-8")
    with pytest.raises(DictionaryFormatError, match="at most one CAMEO code"):
        load_sector_codes(twice)


def test_codes_typed_in_cameo_spelling() -> None:
    assert plover_actor_code("usahlh") == "USAMED" and plover_actor_code("SYRSEP") == "SYRREB"
    # A PLOVER sector is never re-read: USAMED is US health, not CAMEO's media.
    assert [plover_actor_code(c) for c in ("USAMED", "USAJRN", "USA", "HLH", "Jeffrey")] == [
        "USAMED", "USAJRN", "USA", "HLH", "JEFFREY"]
    assert [user_sector(c) for c in ("med", "HLH", "jrn", "SEP", "", None)] == ["MED", "MED", "JRN", "REB", None,
                                                                                 None]
    with pytest.raises(ValueError, match="neither a PLOVER sector"):
        user_sector("XYZ")


def test_a_cameo_actor_dictionary_is_imported_in_plover_sectors(tmp_path: Path) -> None:
    actors = tmp_path / "mini.actors.txt"
    actors.write_text("GONDOR_TIMES_ [GONMED]\n\nMINAS_TIRITH_CLINIC_ [GONHLH]\n\nNORTHERN_FRONT_ [GONSEP]\n",
                      encoding="utf-8")
    assert split_code("GONMED", frozenset({"GON"})) == ("GON", "MED")  # still CAMEO: read where it enters the KB
    report = import_file(actors, "petrarch", tmp_path / "kb", frozenset({"GON"}))
    assert report.entities == 3 and not report.errors
    kb = load_kb([tmp_path / "kb"])
    found = {e.name: (e.country, e.sector, e.kind) for e in kb.entities.values() if e.country == "GON"}
    assert found == {"Gondor Times": ("GON", "JRN", "organization"),
                     "Minas Tirith Clinic": ("GON", "MED", "organization"),
                     "Northern Front": ("GON", "REB", "group")}


def test_a_cameo_agent_dictionary_is_imported_in_plover_sectors(tmp_path: Path) -> None:
    agents = tmp_path / "mini.agents.txt"
    agents.write_text("STRINGER_ [~MED]\nFIELD_SURGEON_ [~HLH]\nSECESSIONIST_ [~SEP]\n", encoding="utf-8")
    import_file(agents, "petrarch", tmp_path / "kb")
    [written] = (tmp_path / "kb").glob("agents-*.tsv")
    assert PLOVER_SECTORS_NOTE in written.read_text(encoding="utf-8").splitlines()
    table = load_agents([tmp_path / "kb"])
    assert [table.get(p).sector for p in ("stringer", "field surgeon", "secessionist")] == [  # type: ignore[union-attr]
        "JRN", "MED", "REB"]


def test_a_user_agent_file_imported_before_keeps_its_cameo_meaning(tmp_path: Path) -> None:
    # Written before imports translated: no PLOVER line, so its MED is CAMEO's media; a code CAMEO lacks stays.
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "agents-old.tsv").write_text("# Format: ...\nphrase\tsector\ttype\trole\ttitle\n"
                                       "stringer\tMED\tperson\t-\tno\nfield surgeon\tHLH\tperson\t-\tno\n"
                                       "militia auxiliary\tPRM\tgroup\t-\tno\n",
                                       encoding="utf-8")
    (kb / "agents-new.tsv").write_text(f"{PLOVER_SECTORS_NOTE}\nphrase\tsector\ttype\trole\ttitle\n"
                                       "triage nurse\tMED\tperson\t-\tno\n", encoding="utf-8")
    table = load_agents([kb])
    assert [table.get(p).sector for p in ("stringer", "field surgeon", "militia auxiliary", "triage nurse")] == [  # type: ignore[union-attr]
        "JRN", "MED", "PRM", "MED"]


def test_json_import_reads_plover_sectors_and_refuses_unknown_ones(tmp_path: Path) -> None:
    source = tmp_path / "people.json"
    source.write_text(json.dumps([
        {"id": "a", "names": ["Ada Clinic"], "kind": "organization", "country": "GBR", "sector": "HLH"},
        {"id": "b", "names": ["Bede Herald"], "kind": "organization", "country": "GBR", "sector": "JRN"},
        {"id": "c", "names": ["Cato Trust"], "kind": "organization", "country": "GBR", "sector": "XYZ"},
    ]), encoding="utf-8")
    report = import_file(source, "json", tmp_path / "kb")
    assert report.entities == 2 and len(report.errors) == 1 and "'XYZ'" in str(report.errors[0])
    kb = load_kb([tmp_path / "kb"])
    assert {e.name: e.sector for e in kb.entities.values() if e.name.endswith(("Clinic", "Herald", "Trust"))} == {
        "Ada Clinic": "MED", "Bede Herald": "JRN"}


def _article() -> Article:
    text = "Reporters and doctors accused paramilitaries of the attack."
    event = Event("e1", "ACCUSE", Span(31, 38, "accused"), (0, len(text)), cameo="112", quad=3, confidence=0.9,
                  date="2024-05-01",
                  actor=[Party(None, "Reporters", "USA", "JRN"), Party(None, "doctors", "USA", "MED")],
                  recipient=[Party(None, "paramilitaries", "USA", "PRM")])
    return Article(id="sectors", text=text, published="2024-05-01", events=[event])


def test_gdelt_writes_cameo_codes_and_the_store_keeps_plover(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        store.write_batch([_article()])
    out = tmp_path / "events.gdelt.tsv"
    with Store(path, read_only=True) as store:
        EXPORTERS["gdelt"](store, out)
        rows, _ = query_events(store.con, Filters(article="sectors"))
    column = {name: i for i, name in enumerate(GDELT_HEADER)}
    lines = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    written = sorted((r[column["Actor1Code"]], r[column["Actor1Type1Code"]], r[column["Actor2Code"]],
                      r[column["Actor2Type1Code"]]) for r in lines)
    # News media JRN is CAMEO's MED, health MED is CAMEO's HLH; PRM has no CAMEO code.
    assert written == [("USAHLH", "HLH", "USA", ""), ("USAMED", "MED", "USA", "")]
    [row] = rows
    assert [p["sector"] for p in row["actor"]] == ["JRN", "MED"]


def test_an_actor_filter_in_cameo_spelling(tmp_path: Path) -> None:
    path = tmp_path / "events.duckdb"
    with Store(path) as store:
        store.write_batch([_article()])
    with Store(path, read_only=True) as store:
        def found(value: str) -> int:
            return query_events(store.con, Filters(actor=value))[1]
        assert found("USAMED") == found("usahlh") == found("USAJRN") == 1  # health as PLOVER or CAMEO spells it
        assert found("USAREB") == found("USASEP") == 0


def test_agent_codes_keep_their_detail() -> None:
    assert [plover_agent_code(c) for c in ("MED", "HLHNGO", "GOVFRM", "RAD", "FRM", "", None)] == [
        "JRN", "MEDNGO", "GOVFRM", None, "FRM", None, None]
    assert [cameo_agent_code(c) for c in ("JRN", "MEDNGO", "GOVFRM", "PRM", None)] == [
        "MED", "HLHNGO", "GOVFRM", None, None]


def test_the_petrarch_coder_writes_plover_party_sectors(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    for name, text in (("mini.actors.txt", "ARNOR [ARN]\nERIADOR [ERI]\n"),
                       ("mini.agents.txt", "REPORTER [~MED]\nSURGEON [~HLH]\n"),
                       ("mini.verbs.txt", "--- URGE [102] ---\nURGE\n"), ("mini.discards.txt", "BASEBALL\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    coder = PetrarchCoder.from_directory(tmp_path)
    text = "Arnor's reporters urged Eriador's surgeons to respond."
    article = Article(id="a1", text=text, published="2001-05-02")
    [event] = EventStage(coder=coder).events(article, nlp(text))
    [source], [target] = event.actor, event.recipient
    # The party is PLOVER (news media JRN, health MED); PETRARCH's own single code stays CAMEO.
    assert (source.code, source.sector, combined_code(source)) == ("ARN", "JRN", "ARNMED")
    assert (target.code, target.sector, combined_code(target)) == ("ERI", "MED", "ERIHLH")


def test_an_import_into_an_old_agent_file_translates_the_old_lines(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "agents-mini.tsv").write_text("# Format: ...\nphrase\tsector\ttype\trole\ttitle\n"
                                        "stringer\tMED\tperson\t-\tno\n", encoding="utf-8")
    agents = tmp_path / "mini.agents.txt"
    agents.write_text("FIELD_SURGEON_ [~HLH]\n", encoding="utf-8")
    import_file(agents, "petrarch", kb)
    table = load_agents([kb])
    assert [table.get(p).sector for p in ("stringer", "field surgeon")] == ["JRN", "MED"]  # type: ignore[union-attr]
