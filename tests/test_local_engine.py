"""The local engine's process pool: order, and a worker killed mid-run loses and duplicates nothing."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from eventwire.engines.local import run_local
from eventwire.model import Article
from eventwire.pipeline import PipelineConfig


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The parent pid is the 2nd field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _pool_workers() -> list[int]:
    """Worker processes are children of the forkserver, itself a child of this process (other children, such as
    the browser the UI tests share for the session, are left alone)."""
    return [worker for server in _children(os.getpid()) if _is_forkserver(server) for worker in _children(server)]


def _is_forkserver(pid: int) -> bool:
    try:
        return b"forkserver" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


def _articles() -> list[Article]:
    return [Article(id=f"k{n}", published=f"2020-01-0{1 + n % 9}",
                    text=f"Report {n}. Iran accused Israel of attacking its tankers, officials said on Tuesday. "
                         f"Protesters gathered in Tehran for the {n}th day.")
            for n in range(24)]


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(pipeline, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING, logger="eventwire.engines.pool")
    config = PipelineConfig(batch_size=3)
    results = []
    killed: list[int] = []
    for item in run_local(_articles(), config, processes=2):
        results.append(item)
        if not killed:
            workers = _pool_workers()
            assert workers, "no pool worker found"
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
    assert killed
    assert "worker process died" in caplog.text  # the kill hit work in flight and was recovered
    assert all(isinstance(item, Article) for item in results)
    assert [item.id for item in results] == [a.id for a in _articles()]
    expected = list(run_local(_articles(), config, pipeline=pipeline))
    assert [item.to_dict() for item in results] == [item.to_dict() for item in expected]
    assert any(item.events for item in results)
