"""`kb import` accumulates and reports what it changed, `--dry-run` writes nothing (issue 14, item 5); the KB
cache is data, never a pickle (item 7)."""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path

from typer.testing import CliRunner

from eventwire.actors.kb import CACHE_NAME, load_kb
from eventwire.cli import app


def _person(pid: str, *names: str, role: str = "Minister") -> str:
    return json.dumps({"id": pid, "names": list(names), "country": "NOR", "sector": "GOV", "role": role})


def _import(kb: Path, source: Path, *options: str) -> str:
    result = CliRunner().invoke(app, ["kb", "import", str(source), "--format", source.suffix.lstrip(".") or "json",
                                      "--kb", str(kb), *options])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _files(kb: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(kb.iterdir()) if p.is_file()}


def test_imports_accumulate_and_report_counts(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    first, second = tmp_path / "a" / "people.json", tmp_path / "b" / "people.json"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(_person("1", "Ingrid Alpha") + "\n", encoding="utf-8")
    second.write_text(_person("2", "Olav Beta") + "\n", encoding="utf-8")
    assert "1 added, 0 updated, 0 unchanged" in _import(kb, first)
    # A second file with the same base name adds to the first instead of replacing it.
    assert "1 added, 0 updated, 0 unchanged" in _import(kb, second)
    names = {e.name for e in load_kb([kb]).entities.values() if e.source == "people.jsonl"}
    assert names == {"Ingrid Alpha", "Olav Beta"}
    assert "0 added, 0 updated, 1 unchanged" in _import(kb, first)
    first.write_text(_person("1", "Ingrid Alpha", "I. Alpha", role="Prime Minister") + "\n", encoding="utf-8")
    assert "0 added, 1 updated, 0 unchanged" in _import(kb, first)
    entity = load_kb([kb]).entities["people:1"]
    assert "I. Alpha" in entity.aliases and "people:2" in load_kb([kb]).entities
    # --replace: the file's output is exactly this import.
    report = _import(kb, second, "--replace")
    assert "replaced" in report
    assert {e.name for e in load_kb([kb]).entities.values() if e.source == "people.jsonl"} == {"Olav Beta"}


def test_dry_run_validates_and_reports_without_writing(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    source = tmp_path / "people.json"
    source.write_text(_person("1", "Ingrid Alpha") + "\n{broken\n", encoding="utf-8")
    _import(kb, source)
    before = _files(kb)
    source.write_text(_person("1", "Ingrid Alpha") + "\n" + _person("3", "Sigrid Gamma") + "\n", encoding="utf-8")
    report = _import(kb, source, "--dry-run")
    assert "dry run" in report and "1 added, 0 updated, 1 unchanged" in report
    assert _files(kb) == before
    petrarch = tmp_path / "mini.actors.txt"
    petrarch.write_text("GONDOR_ [GON]\n+MINAS_TIRITH_\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["kb", "import", "--format", "petrarch", str(petrarch), "--dry-run",
                                      "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    assert "1 added" in " ".join(result.output.split())
    assert _files(kb) == before


def test_agent_imports_accumulate(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "mini.agents.txt", tmp_path / "b" / "mini.agents.txt"
    first.write_text("WARLORD_ [~UAF]\n", encoding="utf-8")
    second.write_text("SMUGGLER_ [~CRM]\n", encoding="utf-8")
    for source in (first, second):
        result = CliRunner().invoke(app, ["kb", "import", str(source), "--format", "petrarch", "--kb", str(kb)])
        assert result.exit_code == 0, result.output
        assert re.search(r"agents: [1-9]\d* added, 0 updated", " ".join(result.output.split())), result.output
    from eventwire.actors.agents import load_agents

    agents = load_agents([kb])
    assert agents.get("warlord") is not None and agents.get("smuggler") is not None


class _Payload:
    """A pickle that creates a file when it is unpickled: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_kb_cache_is_data_and_a_planted_pickle_never_runs(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "mine.jsonl").write_text('{"id": "m:1", "name": "Mona One", "kind": "person"}\n', encoding="utf-8")
    assert "m:1" in load_kb([kb]).entities
    cache = kb / CACHE_NAME
    assert cache.exists() and not CACHE_NAME.endswith(".pickle")
    json.loads(cache.read_text(encoding="utf-8"))  # plain JSON data
    marker = tmp_path / "code-ran"
    planted = pickle.dumps(_Payload(marker))
    for name in (CACHE_NAME, ".kb-cache.pickle"):
        (kb / name).write_bytes(planted)
        os.utime(kb / name)
        loaded = load_kb([kb])
        assert "m:1" in loaded.entities and not marker.exists()
    # A cache that is valid JSON but not a KB is rebuilt too.
    cache.write_text('{"version": "nope"}', encoding="utf-8")
    assert "m:1" in load_kb([kb]).entities
    cache.write_text("[[1, 2], 3]", encoding="utf-8")
    assert "m:1" in load_kb([kb]).entities
