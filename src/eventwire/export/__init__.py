"""Export stored records to files other tools read.

Each format is a function ``(store, out_path) -> count`` registered in
``EXPORTERS`` under the name ``eventwire export --format`` takes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq

from eventwire.export.csv_cells import SafeWriter
from eventwire.export.gdelt import export_gdelt, export_gdelt_magnitudes
from eventwire.export.plover import export_plover
from eventwire.model import DOUBTFUL_CONFIDENCE
from eventwire.store import Store
from eventwire.store.records import RECORD_TABLES

Exporter = Callable[[Store, Path], int]


def export_jsonl(store: Store, out: Path) -> int:
    """One contract article object per line."""
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for article in store.iter_articles():
            handle.write(article.to_json() + "\n")
            count += 1
    return count


# Flat event columns for spreadsheets: one row per event, parties joined with "; "; doubtful events (confidence
# below the contract's threshold) are left out, as in every event export (JSONL and Parquet keep them).
CSV_EVENT_SQL = f"""
SELECT article_id, id, event, mode, cameo, quad, goldstein, date, date_text,
       array_to_string(list_transform(actor, lambda p: p.text), '; ') AS actor_text,
       array_to_string(list_transform(actor, lambda p: coalesce(p.code, '')), '; ') AS actor_code,
       array_to_string(list_transform(actor, lambda p: coalesce(p.sector, '')), '; ') AS actor_sector,
       array_to_string(list_transform(recipient, lambda p: p.text), '; ') AS recipient_text,
       array_to_string(list_transform(recipient, lambda p: coalesce(p.code, '')), '; ') AS recipient_code,
       array_to_string(list_transform(recipient, lambda p: coalesce(p.sector, '')), '; ') AS recipient_sector,
       trigger.text AS trigger, location.name AS location, location.country AS location_country,
       location.lat AS lat, location.lon AS lon, negated, hypothetical, reported_by, confidence,
       killed, injured, arrested,
       outlet, published, sentence_text
FROM events WHERE confidence >= {DOUBTFUL_CONFIDENCE} ORDER BY article_id, id
"""


def export_csv(store: Store, out: Path) -> int:
    """Events as CSV, one row per event."""
    cursor = store.con.cursor()
    result = cursor.execute(CSV_EVENT_SQL)
    count = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow([d[0] for d in result.description])
        while rows := result.fetchmany(1000):
            writer.writerows(rows)
            count += len(rows)
    return count


def export_parquet(store: Store, out: Path) -> int:
    """A directory with one Parquet file per record table (the layout of ``eventwire run``)."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for table in RECORD_TABLES:
        # Streamed in record batches so a large store never sits in memory whole; read through a relation, which
        # hands Arrow its batches directly (a DB-API result would copy them, and DuckDB 2 warns about that).
        # DuckDB 2 names the reader to_arrow_reader, DuckDB 1 fetch_arrow_reader.
        relation = store.con.cursor().sql(f'SELECT * FROM "{table}"')
        reader = (relation.to_arrow_reader() if hasattr(relation, "to_arrow_reader")
                  else relation.fetch_arrow_reader())
        (out / table).mkdir(exist_ok=True)
        rows = 0
        with pq.ParquetWriter(out / table / "part-0.parquet", reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
        if table == "articles":
            count = rows
    return count


EXPORTERS: dict[str, Exporter] = {
    "jsonl": export_jsonl,
    "csv": export_csv,
    "parquet": export_parquet,
    "plover": export_plover,
    "gdelt": export_gdelt,
    "gdelt-magnitudes": export_gdelt_magnitudes,
}
