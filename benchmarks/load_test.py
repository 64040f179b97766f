"""Bounded load test of `eventwire serve` on 127.0.0.1.

Starts a real server process over a DuckDB file built from the sample corpus,
then runs concurrent readers (the events API with filters, the events page,
the home page and an article page) and one writer posting articles, for a
fixed number of requests. Prints throughput, p50/p99 latency per kind of
request, the error count and the server's resident memory before and after.

    python benchmarks/load_test.py [--requests 2000] [--readers 8] [--writes 20]

Only loopback addresses are used; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "load-test-token"
DEADLINE_SECONDS = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="read requests in total")
    parser.add_argument("--readers", type=int, default=8, help="concurrent reader threads")
    parser.add_argument("--writes", type=int, default=20, help="articles posted by the writer")
    args = parser.parse_args()

    eventwire = shutil.which("eventwire") or str(Path(sys.executable).parent / "eventwire")
    workdir = Path(tempfile.mkdtemp(prefix="eventwire-load-"))
    db = workdir / "load.duckdb"
    subprocess.run([eventwire, "demo", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    env = {**os.environ, "EVENTWIRE_API_TOKEN": TOKEN}
    server = subprocess.Popen([eventwire, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    if client.get("/api/stats").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            article_ids = [a["id"] for a in client.get("/api/articles", params={"limit": 20}).json()["items"]]
            # The first write loads the extraction pipeline (spaCy): done before measuring, so the memory
            # figures compare a warm server with itself.
            warm = client.post("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                               json={"id": "load-warm-up", "text": "Officials in Ankara met envoys from Moscow."})
            warm.raise_for_status()
        rss_before = rss_mb(server.pid)
        rss_samples: list[float] = []
        read_paths = [
            ("api_events", "/api/events?limit=50"),
            ("api_events_filtered", "/api/events?actor=USA&since=2015-01-01&limit=50"),
            ("api_events_type", "/api/events?type=ASSAULT&negated=false"),
            ("ui_events", "/events?actor=USA"),
            ("ui_home", "/"),
            *[("ui_article", f"/articles/{i}") for i in article_ids[:3]],
        ]
        latencies: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()
        counter = iter(range(args.requests))
        started = time.perf_counter()

        def reader() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                for n in counter:
                    if time.perf_counter() - started > DEADLINE_SECONDS:
                        return
                    kind, path = read_paths[n % len(read_paths)]
                    t0 = time.perf_counter()
                    try:
                        status = client.get(path).status_code
                    except httpx.HTTPError as exc:
                        status = type(exc).__name__
                    elapsed = time.perf_counter() - t0
                    with lock:
                        latencies.setdefault(kind, []).append(elapsed)
                        if status != 200:
                            errors.append(f"{kind} {status}")
                        if n % 100 == 0:
                            rss_samples.append(rss_mb(server.pid))

        def writer() -> None:
            with httpx.Client(base_url=base, timeout=120,
                              headers={"Authorization": f"Bearer {TOKEN}"}) as client:
                for n in range(args.writes):
                    body = {"id": f"load-{n}", "title": f"Load test {n}", "outlet": "Load Wire",
                            "published": "2020-05-01",
                            "text": f"Officials in Ankara said on Tuesday that talks with Moscow would resume. "
                                    f"Protesters rallied in Istanbul for the {n}th day."}
                    t0 = time.perf_counter()
                    try:
                        status = client.post("/api/articles", content=json.dumps(body),
                                             headers={"Content-Type": "application/json"}).status_code
                    except httpx.HTTPError as exc:
                        status = type(exc).__name__
                    with lock:
                        latencies.setdefault("post_article", []).append(time.perf_counter() - t0)
                        if status not in (200, 201):
                            errors.append(f"post {status}")

        threads = [threading.Thread(target=reader) for _ in range(args.readers)] + [threading.Thread(target=writer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        rss_after = rss_mb(server.pid)
        total = sum(len(v) for v in latencies.values())
        print(f"{total} requests ({args.readers} readers + 1 writer) in {wall:.1f}s: {total / wall:.1f} req/s, "
              f"{len(errors)} errors")
        print(f"{'request':22} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for kind, values in sorted(latencies.items()):
            print(f"{kind:22} {len(values):6d} {percentile(values, 0.5) * 1000:8.1f} "
                  f"{percentile(values, 0.99) * 1000:8.1f} {statistics.fmean(values) * 1000:8.1f}")
        with httpx.Client(base_url=base, timeout=30) as client:
            stored = client.get("/api/articles", params={"q": "Load test", "limit": 1}).json()["total"]
        if stored != args.writes:
            errors.append(f"{stored} of {args.writes} posted articles stored")
        print(f"server RSS (warm): {rss_before:.0f} MB before, {max(rss_samples, default=rss_after):.0f} MB peak, "
              f"{rss_after:.0f} MB after")
        # Every 100th read request: a leak keeps climbing, caches (DuckDB buffers, spaCy strings) level off.
        print("server RSS every 100 reads (MB):", " ".join(f"{v:.0f}" for v in rss_samples))
        if errors:
            print("errors:", ", ".join(sorted(set(errors))))
        return 1 if errors else 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
