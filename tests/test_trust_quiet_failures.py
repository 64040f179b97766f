"""Bad inputs that used to pass silently now give a failure row or a warning naming the input and the reason,
with the documented exit codes; a closed stdout (`| head -1`) is not an error (issue 14, item 9)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.model import Article, Failure
from eventwire.store import Store
from support.cli import EVENTWIRE_COMMAND, run
from support.trust import build_trust_db, lookalike_article


def _failures(*paths: Path) -> dict[str, str]:
    return {Path(f.name).name: f.reason for f in read_inputs([str(p) for p in paths]) if isinstance(f, Failure)}


def test_empty_jsonl_is_a_failure_like_an_empty_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n  \n")
    assert "empty" in _failures(empty)["empty.jsonl"] and "empty" in _failures(blank)["blank.jsonl"]
    result = run("extract", str(empty), "-j", "1")
    assert result.returncode == 3 and result.stdout == ""
    assert "empty.jsonl" in result.stderr and "empty" in result.stderr
    db = tmp_path / "x.duckdb"
    result = run("ingest", str(empty), "--db", str(db), "-j", "1")
    assert result.returncode == 3, result.stderr
    with Store(db, read_only=True) as store:
        assert [f["name"] for f in store.failures()] == [str(empty)]


def test_named_pipes_and_broken_symlinks_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    failures = _failures(folder)
    assert "named pipe" in failures["pipe.txt"]
    assert "broken symbolic link" in failures["dangling.txt"] and "gone.txt" in failures["dangling.txt"]
    # Given directly, a pipe is refused without being opened (reading it would wait forever).
    result = subprocess.run([*EVENTWIRE_COMMAND, "extract", str(folder / "pipe.txt"), "-j", "1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "pipe.txt" in result.stderr and "named pipe" in result.stderr
    result = run("extract", str(folder / "dangling.txt"))
    assert result.returncode == 2 and "broken symbolic link" in result.stderr


def test_garbage_warc_says_what_is_wrong(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not an archive\n" * 50)
    gz = tmp_path / "garbage.warc.gz"
    gz.write_bytes(bytes(range(256)) * 4)
    failures = _failures(garbage, gz)
    assert "not a WARC" in failures["garbage.warc"], failures
    assert "Error" not in failures["garbage.warc"]
    assert "garbage.warc.gz" in failures and "NoneType" not in failures["garbage.warc.gz"]


def test_impossible_publication_date_is_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "dated.jsonl"
    source.write_text(json.dumps({"id": "d1", "published": "31/02/2024",
                                  "text": "Officials in Rome met envoys from Paris on Monday."}) + "\n",
                      encoding="utf-8")
    [article] = list(read_inputs([str(source)]))
    assert isinstance(article, Article) and article.published is None
    assert any("31/02/2024" in w for w in article.warnings), article.warnings
    result = run("extract", str(source), "-j", "1")
    assert result.returncode == 0, result.stderr
    assert "31/02/2024" in result.stderr and "dated.jsonl" in result.stderr


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough events that their JSON lines fill a pipe's buffer many times over."""
    articles = []
    for n in range(400):
        article = lookalike_article()
        article.id = f"lookalike-{n}"
        articles.append(article)
    path = tmp_path_factory.mktemp("pipe") / "big.duckdb"
    build_trust_db(path, articles)
    return path


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_closed_stdout_is_not_an_error(big_db: Path, fmt: str) -> None:
    command = " ".join([*EVENTWIRE_COMMAND, "events", "--db", str(big_db), "--limit", "5000", "--format", fmt])
    result = subprocess.run(["bash", "-o", "pipefail", "-c", f"{command} | head -1"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


@pytest.fixture()
def world_readable_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="eventwire-perm-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_unreadable_directory_is_reported(world_readable_dir: Path) -> None:
    locked = world_readable_dir / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("Talks\n\nIraq and Iran held talks.\n", encoding="utf-8")
    (world_readable_dir / "empty.txt").write_bytes(b"")
    locked.chmod(0)
    list(read_inputs([str(world_readable_dir / "empty.txt")]))  # every module the readers use is imported
    switched = os.geteuid() == 0
    if switched:
        # Root reads every directory whatever its mode: read as the unprivileged user, in this process.
        os.seteuid(65534)
    try:
        try:
            os.listdir(locked)
        except PermissionError:
            pass
        else:
            pytest.skip("this user can read a directory with mode 000")
        failures = {f.name: f.reason for f in read_inputs([str(world_readable_dir)]) if isinstance(f, Failure)}
    finally:
        if switched:
            os.seteuid(0)
    assert "cannot read directory" in failures[str(locked)], failures
