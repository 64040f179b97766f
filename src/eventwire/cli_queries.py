"""The ``eventwire`` query commands (events, quotes, actors) and how the command line prints rows.

Rows go to stdout as a Rich table, JSON lines or CSV; :mod:`eventwire.cli` registers the commands on its app
and its other commands (demo, sources) print through the same helpers.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from eventwire.exit_codes import EXIT_OK
from eventwire.model import DOUBTFUL_CONFIDENCE
from eventwire.store import DEFAULT_DB, Store
from eventwire.store.query import Filters, event_summary_rows, query_actors, query_events, query_quotes


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[str, typer.Option("--db", help="DuckDB database file.")]


@contextmanager
def _stdout_may_close() -> Iterator[None]:
    """Results go to stdout; a reader that stops early (``| head -1``) is not an error: exit 0 quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Later writes (and the flush at exit) go nowhere instead of raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None



def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# Shared with the web API's CSV download.
_event_rows = event_summary_rows


def _quote_words(quote: dict[str, Any]) -> str:
    """The quoted words: a split quote's fragments joined by " … " (its frame, "he said", left out)."""
    parts = quote.get("parts") or []
    if len(parts) < 2:
        return quote["text"]
    offset = quote["start"]
    return " … ".join(quote["text"][p["start"] - offset:p["end"] - offset] for p in parts)


def _quote_rows(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for q in quotes:
        text = _quote_words(q)
        rows.append({"kind": q["kind"], "speaker": q["speaker_name"] or q["speaker_text"],
                     "anonymous": q["anonymous"], "cue": q["cue"], "channel": q["channel"],
                     "text": (text[:90] + "…") if len(text) > 90 else text, "article": q["article_id"]})
    return rows


def _stdout_console() -> Console:
    """Rich's console for results; off a terminal it is wide enough that tables don't wrap every word."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _print_table(console: Console, title: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(f"[dim]{title}: none[/dim]")
        return
    table = Table(title=title, show_lines=False)
    for column in rows[0]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row.values()))
    console.print(table)


def _emit(rows: list[dict[str, Any]], table_rows: list[dict[str, Any]], fmt: OutputFormat, title: str,
          total: int) -> None:
    with _stdout_may_close():
        _write_rows(rows, table_rows, fmt, title, total)


def _write_rows(rows: list[dict[str, Any]], table_rows: list[dict[str, Any]], fmt: OutputFormat, title: str,
                total: int) -> None:
    if fmt is OutputFormat.json:
        for row in rows:
            sys.stdout.write(json.dumps(_jsonable(row), ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv:
        from eventwire.export.csv_cells import SafeWriter

        writer = SafeWriter(sys.stdout)
        writer.writerow(list(table_rows[0]) if table_rows else ["none"])
        writer.writerows(row.values() for row in table_rows)
    else:
        console = _stdout_console()
        _print_table(console, f"{title} ({len(rows)} of {total})", table_rows)


# A query of eventwire.store.query: a page of rows and how many match in all.
_Query = Callable[[duckdb.DuckDBPyConnection, Filters], tuple[list[dict[str, Any]], int]]


def _list(db: str, query: _Query, filters: Filters, fmt: OutputFormat, title: str,
          table_rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> None:
    """What the query commands share: run ``query`` on the store read-only and print its rows (``table_rows``
    turns them into the columns of a table or CSV; JSON lines always carry the rows whole)."""
    with Store(db, read_only=True) as store:
        rows, total = query(store.con, filters)
    _emit(rows, table_rows(rows) if table_rows else rows, fmt, title, total)


def _filters(actor: str | None, recipient: str | None, type_: str | None, since: str | None, until: str | None,
             outlet: str | None, limit: int, article: str | None = None) -> Filters:
    return Filters(actor=actor, recipient=recipient, type=type_, since=since, until=until, outlet=outlet,
                   limit=limit, article=article)


ActorFilter = Annotated[str | None, typer.Option(
    "--actor", help="Exact code (USA; USAGOV = country+sector, PLOVER sectors: USAJRN news media, USAMED health; "
                    "CAMEO's USAHLH reads as USAMED), whole words of a name (Jeffrey) or an actor id.")]
RecipientFilter = Annotated[str | None, typer.Option(
    "--recipient", help="The target, matched like --actor: exact code, whole words of a name or an actor id.")]
TypeFilter = Annotated[str | None, typer.Option("--type", help="PLOVER event type, e.g. CONSULT.")]
SinceFilter = Annotated[str | None, typer.Option("--since", help="From this date (YYYY[-MM[-DD]]).")]
UntilFilter = Annotated[str | None, typer.Option("--until", help="Up to this date (YYYY[-MM[-DD]]).")]
OutletFilter = Annotated[str | None, typer.Option("--outlet", help="Outlet name contains this.")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table, json (lines) or csv.")]


def events_command(
    db: DbOption = DEFAULT_DB, actor: ActorFilter = None, recipient: RecipientFilter = None,
    type_: TypeFilter = None, since: SinceFilter = None, until: UntilFilter = None, outlet: OutletFilter = None,
    limit: LimitOption = 50, fmt: FormatOption = OutputFormat.table,
    all_modalities: Annotated[bool, typer.Option("--all", help="Include negated and hypothetical events.")] = False,
    min_killed: Annotated[int | None, typer.Option("--min-killed", min=0, help="At least this many killed.")] = None,
    min_injured: Annotated[int | None, typer.Option("--min-injured", min=0, help="At least this many injured.")]
    = None,
    min_arrested: Annotated[int | None, typer.Option("--min-arrested", min=0, help="At least this many arrested.")]
    = None,
    min_confidence: Annotated[float, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help=f"Leave out events below this confidence (default {DOUBTFUL_CONFIDENCE}: doubtful events hidden; "
             "0 shows all).")] = DOUBTFUL_CONFIDENCE,
) -> None:
    """List stored events (factual and not doubtful ones unless --all / --min-confidence 0)."""
    filters = _filters(actor, recipient, type_, since, until, outlet, limit)
    filters.min_killed, filters.min_injured, filters.min_arrested = min_killed, min_injured, min_arrested
    filters.min_confidence = min_confidence
    if not all_modalities:
        filters.negated = False
        filters.hypothetical = False
    _list(db, query_events, filters, fmt, "events", _event_rows)


def quotes_command(
    db: DbOption = DEFAULT_DB, actor: ActorFilter = None, since: SinceFilter = None, until: UntilFilter = None,
    outlet: OutletFilter = None, limit: LimitOption = 50, fmt: FormatOption = OutputFormat.table,
) -> None:
    """List stored quotes; --actor matches the speaker."""
    _list(db, query_quotes, _filters(actor, None, None, since, until, outlet, limit), fmt, "quotes", _quote_rows)


def actors_command(
    db: DbOption = DEFAULT_DB, actor: ActorFilter = None, since: SinceFilter = None, until: UntilFilter = None,
    outlet: OutletFilter = None, limit: LimitOption = 50, fmt: FormatOption = OutputFormat.table,
) -> None:
    """List actors across stored articles, most mentioned first."""
    _list(db, query_actors, _filters(actor, None, None, since, until, outlet, limit), fmt, "actors")
