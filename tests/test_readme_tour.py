"""The README's short tour runs as written after `make demo` and prints what it says (issue 14, item 12).

The commands are read from the ```bash blocks of README.md's "## A short tour" section, so the README and
this test cannot drift apart: a tour command without a check below fails. The tour runs once per session, in
order, in a scratch directory laid out like the repository's root (``src`` and ``docs`` link to the repo, and
``../shared`` to the shared data), after `eventwire demo` (what `make demo` runs) made its database there.
Checks assert what the sample corpus plainly states (names, dates, event types it spells out) and the shape of
outputs, not counts of events, which change as the stages improve.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import REPO, SHARED
from support.web import free_port, stop

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def tour_commands() -> list[str]:
    """The command lines of the tour, comments removed, in README order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## A short tour\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(re.split(r"\s+#\s", line, maxsplit=1)[0].strip())
    return commands


@dataclass
class Ran:
    command: str
    returncode: int
    stdout: str
    stderr: str
    cwd: Path


Check = Callable[[Ran], None]


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_consult_table(ran: Ran) -> None:
    words = " ".join(ran.stdout.split())
    assert "CONSULT" in words and "2018-05" in words and "IRQ" in words, ran.stdout


def check_lavrov_actor(ran: Ran) -> None:
    words = " ".join(ran.stdout.split())
    assert "Sergey Lavrov" in words and "RUS" in words and "GOV" in words, ran.stdout


def check_lavrov_quotes(ran: Ran) -> None:
    quotes = _json_lines(ran.stdout)
    assert quotes and all("Lavrov" in q["speaker_name"] for q in quotes)
    spelled = " ".join(q["speaker_text"] or "" for q in quotes)
    assert "Lavrof" in spelled or "Lavrov" in spelled


def check_usa_csv(ran: Ran) -> None:
    rows = list(csv.reader((ran.cwd / "usa.csv").open(encoding="utf-8")))
    assert rows[0][:3] == ["date", "event", "cameo"] and len(rows) > 1
    assert all("USA" in row[3] for row in rows[1:]), rows[:3]


def check_gdelt(ran: Ran) -> None:
    lines = (ran.cwd / "events.tsv").read_text(encoding="utf-8").splitlines()
    assert lines and all(len(line.split("\t")) == 61 for line in lines)
    assert "records →" in ran.stderr


def check_plover(ran: Ran) -> None:
    records = _json_lines((ran.cwd / "events.plover.jsonl").read_text(encoding="utf-8"))
    assert records and all(r["event"] and "source" in r and "target" in r for r in records)


def check_extract_talks(ran: Ran) -> None:
    [article] = _json_lines((ran.cwd / "talks.jsonl").read_text(encoding="utf-8"))
    assert article["published"] == "2018-05-14" and article["outlet"] == "Al-Rafidain News"
    assert "CONSULT" in {e["event"] for e in article["events"]}


def check_run_local(ran: Ran) -> None:
    manifest = json.loads((ran.cwd / "dataset" / "_eventwire.json").read_text(encoding="utf-8"))
    assert manifest and list((ran.cwd / "dataset" / "events").glob("*.parquet"))


def check_kb_lookup(ran: Ran) -> None:
    words = " ".join(ran.stdout.split())
    assert "→ Jim Mattis (person:jim-mattis)" in words, ran.stdout


def check_kb_import_dry_run(ran: Ran) -> None:
    words = " ".join(ran.stderr.split())
    assert "3 added, 0 updated, 0 unchanged" in words and "dry run: nothing written" in words, ran.stderr
    assert not any(Path(os.environ.get("EVENTWIRE_KB", "/nonexistent")).glob("*.jsonl"))


def check_serve(ran: Ran) -> None:
    assert "serving eventwire.duckdb" in " ".join(ran.stderr.split()), ran.stderr
    assert '"articles": 16' in ran.stdout.replace(":16", ": 16"), ran.stdout


def check_iraq(ran: Ran) -> None:
    [article] = _json_lines((ran.cwd / "iraq.jsonl").read_text(encoding="utf-8"))
    assert article["published"] == "2017-12-20"
    resolved = {a["kb_id"] for a in article["actors"]}
    assert {"person:jim-mattis", "person:haider-al-abadi"} <= resolved
    consults = [e for e in article["events"] if e["event"] == "CONSULT" and not e["negated"]]
    assert any({"USA", "IRQ"} <= {p["code"] for p in e["actor"] + e["recipient"]} for e in consults)
    assert any(e["date"] == "2011" for e in article["events"])


def check_min_killed(ran: Ran) -> None:
    events = _json_lines(ran.stdout)
    assert events and all(e["killed"] >= 5 for e in events), ran.stdout
    assert all(any(m["kind"] == "killed" and m["value"] == e["killed"] for m in e["magnitudes"]) for e in events)


def check_watch(ran: Ran) -> None:
    words = " ".join(ran.stderr.split())
    assert "round 1: 1 sources (0 failed), 2 new URLs, 2 pages fetched, 2 stored" in words, ran.stderr


def check_sources(ran: Ran) -> None:
    words = " ".join(ran.stdout.split())
    assert "last round 1" in words and "feed" in words and "ok 200" in words, ran.stdout


def check_eval_petr(ran: Ran) -> None:
    assert re.search(r"overall\s+\d+\s+\d+\s+\d+\s+[\d.]+%", ran.stdout), ran.stdout


# (pattern a tour command must match, what its output must show)
CHECKS: list[tuple[str, Check]] = [
    (r"^eventwire events --actor IRQ --type CONSULT$", check_consult_table),
    (r"^eventwire actors --actor Lavrov$", check_lavrov_actor),
    (r"^eventwire quotes --actor Lavrov --format json$", check_lavrov_quotes),
    (r"^eventwire events --actor USA --all --format csv > usa\.csv$", check_usa_csv),
    (r"^eventwire events --min-killed 5 --format json$", check_min_killed),
    (r"^eventwire export --format gdelt -o events\.tsv$", check_gdelt),
    (r"^eventwire export --format plover -o events\.plover\.jsonl$", check_plover),
    (r"^eventwire extract src/eventwire/data/sample/2018-05-iraq-turkey-water-talks\.txt > talks\.jsonl$",
     check_extract_talks),
    (r"^eventwire run --engine local src/eventwire/data/sample -o dataset$", check_run_local),
    (r"^eventwire events --db dataset --actor IRQ --type CONSULT$", check_consult_table),
    (r'^eventwire kb lookup "Jim Mats" --date 2017-12-20$', check_kb_lookup),
    (r"^eventwire kb import docs/examples/people\.json --format json --dry-run$", check_kb_import_dry_run),
    (r"^python -m http\.server 8765 --bind 127\.0\.0\.1 & sleep 1; eventwire watch "
     r"http://127\.0\.0\.1:8765/docs/examples/watch-feed\.xml --once --db watch\.duckdb; kill \$!$", check_watch),
    (r"^eventwire sources --db watch\.duckdb$", check_sources),
    (r"^eventwire serve$", check_serve),
    (r"^eventwire extract \.\./shared/corpus/iraq-us-presence\.txt --published 2017-12-20 > iraq\.jsonl$",
     check_iraq),
    (r"^eventwire eval petr \.\./shared/eval/petrarch2/PETR\.UnitTest\.records\.xml "
     r"--dictionaries \.\./shared/eval/petrarch2$", check_eval_petr),
]


def check_for(command: str) -> Check:
    found = [check for pattern, check in CHECKS if re.match(pattern, command)]
    assert len(found) == 1, f"README tour command without exactly one check in {__file__}: {command}"
    return found[0]


def test_every_tour_command_has_a_check() -> None:
    commands = tour_commands()
    assert len(commands) >= 10
    for command in commands:
        check_for(command)
    assert len(commands) == len(CHECKS), "a check in this test has no command in the README tour"


def test_make_demo_runs_the_demo_command() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/eventwire demo" in target.split("\n", 1)[1].strip()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _serve(command: str, cwd: Path, env: dict[str, str]) -> Ran:
    """Start the server as written, read /api/stats once it answers, stop it."""
    args = shlex.split(command)
    port = 8000
    if not _port_free(port):
        # Someone else's server holds the default port on this shared machine: same command, another port.
        port = free_port()
        args += ["--port", str(port)]
    log = cwd / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    body = ""
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2)
                body = json.dumps(response.json()["counts"])
                break
            except (httpx.TransportError, ValueError, KeyError):
                time.sleep(0.3)
    finally:
        stop(process)
    text = log.read_text(encoding="utf-8", errors="replace")
    return Ran(command, 0 if body else 1, body, text, cwd)


@pytest.fixture(scope="session")
def tour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Ran]]:
    root = tmp_path_factory.mktemp("tour")
    cwd = root / "eventwire"
    cwd.mkdir()
    for name in ("src", "docs"):
        (cwd / name).symlink_to(REPO / name)
    if SHARED.exists():
        (root / "shared").symlink_to(SHARED)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "EVENTWIRE_KB": str(root / "kb"), "COLUMNS": "160"}
    env.pop("EVENTWIRE_API_TOKEN", None)
    demo = subprocess.run(["eventwire", "demo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert demo.returncode == 0, demo.stderr
    assert "16 articles" in " ".join(demo.stdout.split())
    results: dict[str, Ran] = {}
    for command in tour_commands():
        if "../shared" in command and not SHARED.exists():
            continue
        if command == "eventwire serve":
            results[command] = _serve(command, cwd, env)
            continue
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=1800)
        results[command] = Ran(command, done.returncode, done.stdout, done.stderr, cwd)
    yield results


@pytest.mark.parametrize("command", tour_commands())
def test_tour_command(tour: dict[str, Ran], command: str) -> None:
    if command not in tour:
        pytest.skip(f"needs the shared data at {SHARED}")
    ran = tour[command]
    assert ran.returncode == 0, (command, ran.stderr[-2000:])
    assert "Traceback" not in ran.stderr and "warning" not in ran.stderr.lower(), ran.stderr[-2000:]
    check_for(command)(ran)
