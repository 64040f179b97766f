"""Interrupted runs: a corpus of generated articles and an ``eventwire ingest`` killed with SIGKILL."""

from __future__ import annotations

import os
import pty
import random
import re
import select
import signal
import subprocess
import time
from pathlib import Path

from support.cli import EVENTWIRE_COMMAND

# The CLI commits every 64 articles; the kill comes once the first commits are reported.
STORED_PATTERN = re.compile(rb"(\d+) stored, \d+ skipped")
SUMMARY_PATTERN = re.compile(r"(\d+) stored, (\d+) already stored, (\d+) failed")

TEMPLATES = (
    "Talks in {city}\n\n{city} \u2014 The foreign minister of {country} met his counterpart in {city} on Tuesday "
    "to discuss border security, officials said. \u201cWe made progress,\u201d the minister told reporters. "
    "Report number {n}.",
    "Protest in {city}\n\nHundreds of people protested in {city} on Sunday against rising prices, police said. "
    "The government of {country} said that it would review the measures. Report number {n}.",
    "Aid for {country}\n\nThe United Nations sent food aid to {country} last month, according to a statement. "
    "Officials who spoke on condition of anonymity said more convoys would reach {city}. Report number {n}.",
)
PLACES = (("Amman", "Jordan"), ("Ankara", "Turkey"), ("Nairobi", "Kenya"), ("Lima", "Peru"), ("Hanoi", "Vietnam"))


def make_corpus(root: Path, count: int) -> Path:
    root.mkdir()
    for n in range(count):
        city, country = PLACES[n % len(PLACES)]
        text = TEMPLATES[n % len(TEMPLATES)].format(city=city, country=country, n=n)
        (root / f"{n:04d}.txt").write_text(text, encoding="utf-8")
    return root


def wait_for_stored(master: int, process: subprocess.Popen[bytes], timeout: float = 600) -> int:
    """Read the progress line from the pseudo-terminal until some articles are reported stored."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk and process.poll() is not None:
                break
            seen = (seen + chunk)[-4096:]
            counts = [int(m) for m in STORED_PATTERN.findall(seen)]
            if counts and max(counts) > 0:
                return max(counts)
        elif process.poll() is not None:
            break
    raise AssertionError(f"ingest reported nothing stored before it ended (rc={process.poll()}): {seen[-500:]!r}")


def kill_run(corpus: Path, db: Path, jobs: int, rng: random.Random, after_commit: bool) -> tuple[int, int]:
    """Start an ingest and SIGKILL it; returns the number of articles it reported stored before the kill and its
    exit status (-SIGKILL unless the run had already ended)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200"}
    process = subprocess.Popen([*EVENTWIRE_COMMAND, "ingest", str(corpus), "--db", str(db), "-j", str(jobs)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    reported = 0
    try:
        if after_commit:
            reported = wait_for_stored(master, process)
            time.sleep(rng.uniform(0.0, 0.4))  # anywhere in the next batch: parsing, annotating or committing
        else:
            time.sleep(rng.uniform(0.3, 2.5))  # start-up: opening the database, loading the model, first batch
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return reported, process.returncode
