"""CLI polish (issue 14, item 11): help without type tags, `--all true`, messages, web wording of filter errors,
`serve` failing before it says "serving", a quiet Parquet export and Ray run, no "0.0 articles/s"."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import _rate, app
from eventwire.ingest import read_inputs
from eventwire.model import Failure
from support.cli import run
from support.trust import build_trust_db
from support.web import live_server

TYPE_TAG = re.compile(r"<(?:bool|str|int|float|list\[|Path|int range|float range)")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("polish") / "polish.duckdb"
    build_trust_db(path)
    return path


@pytest.mark.parametrize("command", [[], ["extract"], ["ingest"], ["events"], ["export"], ["serve"], ["run"],
                                     ["kb", "import"], ["eval"], ["demo"]])
def test_help_has_no_type_tags(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    assert not TYPE_TAG.search(result.stdout), result.stdout


def test_all_takes_an_optional_truth_value(db: Path) -> None:
    every = run("events", "--db", str(db), "--all", "--format", "json")
    assert every.returncode == 0, every.stderr
    assert run("events", "--db", str(db), "--all", "true", "--format", "json").stdout == every.stdout
    factual = run("events", "--db", str(db), "--format", "json")
    off = run("events", "--db", str(db), "--all", "false", "--format", "json")
    assert off.returncode == 0 and off.stdout == factual.stdout


def test_json_errors_do_not_say_at_at(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "unterminated\n{"text": "x", "a": \u0001}\n', encoding="utf-8")
    reasons = [f.reason for f in read_inputs([str(source)]) if isinstance(f, Failure)]
    assert len(reasons) == 2 and all("at at" not in r and "column" in r for r in reasons), reasons


def test_filter_errors_use_each_interface_s_wording(db: Path) -> None:
    cli = run("events", "--db", str(db), "--since", "2020-13-01")
    assert cli.returncode == 2 and "--since '2020-13-01' is not a date" in cli.stderr
    with live_server(db) as live, live.client() as http:
        page = http.get("/events", params={"since": "2020-13-01"})
        assert page.status_code == 400
        assert "since" in page.text and "--since" not in page.text
        api = http.get("/api/events", params={"until": "2020-02-30"})
        assert api.status_code == 400 and api.json()["error"].startswith("until '2020-02-30'")


@pytest.fixture()
def read_only_db(db: Path) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="eventwire-ro-"))
    folder.chmod(0o755)
    path = folder / "ro.duckdb"
    shutil.copy(db, path)
    path.chmod(0o444)
    yield path
    shutil.rmtree(folder, ignore_errors=True)


def test_serve_fails_before_saying_serving(read_only_db: Path) -> None:
    import uvicorn  # noqa: F401 - imported before dropping privileges (the interpreter lives under /root)

    import eventwire.web.api
    import eventwire.web.pages  # noqa: F401

    switched = os.geteuid() == 0
    if switched:
        os.seteuid(65534)  # root may write any file: open it as an unprivileged user
    try:
        if os.access(read_only_db, os.W_OK, effective_ids=True):
            pytest.skip("this user can write a file with mode 444")
        result = CliRunner().invoke(app, ["serve", "--db", str(read_only_db), "--port", "1"])
    finally:
        if switched:
            os.seteuid(0)
    assert result.exit_code != 0
    assert "serving" not in result.output
    assert "Permission denied" in str(result.exception)


def test_parquet_export_is_quiet(db: Path, tmp_path: Path) -> None:
    result = run("export", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "pq"))
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == [f"2 records → {tmp_path / 'pq'}"], result.stderr


def test_rates_are_never_zero() -> None:
    assert _rate(0, 12.0) == "" and _rate(5, 0) == ""
    assert _rate(1, 30.0) == " (0.033 articles/s)"
    assert _rate(30, 2.0) == " (15.0 articles/s)"


def test_ingest_of_nothing_prints_no_rate(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = run("ingest", str(tmp_path / "in"), "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 3
    assert "articles/s" not in result.stderr and "0 stored" in result.stderr


@pytest.mark.slow
def test_ray_run_is_quiet_without_verbose(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Talks\n\nIraq and Iran held talks in Baghdad on Tuesday.\n",
                                          encoding="utf-8")
    result = run("run", "--engine", "ray", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--num-cpus", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("1 articles, 0 failures"), result.stderr
    assert "0.0 articles/s" not in lines[0]
    manifest = json.loads((tmp_path / "out" / "_eventwire.json").read_text(encoding="utf-8"))
    assert manifest
