"""Peak memory against corpus size: the same command over 1k and 20k generated articles.

Runs each command as a subprocess and samples the resident memory (RSS) of its whole process
tree (the command and its worker processes) every 0.1 s from /proc; reports the peak. If no
stage holds the whole corpus, the peak depends on the batch size, not on the number of
articles. Texts are short (``--words``) so the 20k run finishes in a few minutes on 2 cores.

    .venv/bin/python benchmarks/memory.py [--sizes 1000 20000] [--words 40] [--commands run ingest]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_news import write_jsonl

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(child) for child in text.split())
    except OSError:
        pass
    return found


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(_children(pid))
    return total


def peak_rss(command: list[str]) -> tuple[int, float]:
    """Run ``command``; its peak process-tree RSS in bytes and its wall time."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.1)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return peak, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--commands", nargs="+", default=["run", "ingest"], choices=["run", "ingest", "extract"])
    args = parser.parse_args()
    eventwire = str(Path(sys.executable).with_name("eventwire"))
    print(f"{'command':<10}{'articles':>10}{'peak RSS MB':>14}{'seconds':>10}{'articles/s':>12}")
    with tempfile.TemporaryDirectory(prefix="eventwire-memory-") as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}"
            write_jsonl(corpus, size, args.words, files=4)
            for name in args.commands:
                out = Path(tmp) / f"{name}-{size}"
                command = {
                    "run": [eventwire, "run", "--engine", "local", str(corpus), "-o", str(out),
                            "--num-cpus", str(args.processes)],
                    "ingest": [eventwire, "ingest", str(corpus), "--db", f"{out}.duckdb", "-j", str(args.processes)],
                    "extract": [eventwire, "extract", str(corpus), "-j", str(args.processes)],
                }[name]
                peak, seconds = peak_rss(command)
                print(f"{name:<10}{size:>10}{peak / 2**20:>14.0f}{seconds:>10.1f}{size / seconds:>12.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
