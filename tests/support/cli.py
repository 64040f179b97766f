"""The ``eventwire`` command as the tests run it (one definition for every test module)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from eventwire.cli import sample_corpus_dir
from eventwire.ingest import read_inputs


def eventwire_command() -> list[str]:
    """The installed console script, or the same entry point through this interpreter."""
    script = Path(sys.executable).with_name("eventwire")
    if script.exists():
        return [str(script)]
    found = shutil.which("eventwire")
    return [found] if found else [sys.executable, "-c", "from eventwire.cli import main; main()"]


EVENTWIRE_COMMAND = eventwire_command()
SAMPLE_COUNT = sum(1 for _ in read_inputs([str(sample_corpus_dir())]))


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EVENTWIRE_COMMAND, *args], input=stdin, capture_output=True, text=True, cwd=cwd,
                          timeout=900)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
