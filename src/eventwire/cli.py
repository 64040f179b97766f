"""The ``eventwire`` command line.

Exit codes: 0 success (documents that failed are reported and stored as
failures, the rest of the batch succeeds); 1 an unexpected internal error;
2 a usage or user error (bad path, bad filter, database in use), reported
in one line; 3 nothing could be processed (every document failed).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from eventwire.cli_queries import (
    DbOption,
    FormatOption,
    OutputFormat,
    _emit,
    _event_rows,
    _print_table,
    _quote_rows,
    _stdout_console,
    _stdout_may_close,
    actors_command,
    events_command,
    quotes_command,
)
from eventwire.errors import EventwireError, StoreLockedError
from eventwire.exit_codes import EXIT_INTERNAL, EXIT_NOTHING, EXIT_OK, EXIT_USER
from eventwire.jobs import IngestSummary, extract, ingest
from eventwire.model import Failure
from eventwire.pipeline import PipelineConfig
from eventwire.store import DEFAULT_DB, Store
from eventwire.store.query import Filters, query_actors, query_events, query_quotes

app = typer.Typer(
    name="eventwire", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="News articles in, political event data out: events, quotes and actors, offline.",
)
# soft_wrap: a warning or error is one line in a log whatever its length (Rich wraps at 80 columns off a terminal).
err = Console(stderr=True, soft_wrap=True)


def _register_sub_apps() -> None:
    from eventwire.eval.cli import eval_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(__import__("eventwire.actors.cli", fromlist=["kb_app"]).kb_app, name="kb")


_register_sub_apps()
state: dict[str, Any] = {"debug": False}


ModelOption = Annotated[str | None, typer.Option("--model", help="spaCy pipeline name or path.")]
ProcessesOption = Annotated[int | None, typer.Option("--processes", "-j", help="Worker processes (default: all cores)")]
DictionariesOption = Annotated[
    str | None, typer.Option("--dictionaries", help="Directory of PETRARCH/CAMEO dictionaries to code with.")
]
# eventwire watch / serve --watch
EveryOption = Annotated[str, typer.Option("--every", help="Time between the starts of rounds: 30s, 15m, 2h.")]
MaxPerRoundOption = Annotated[int, typer.Option("--max-per-round", min=1, help="At most this many pages a round.")]
ContactOption = Annotated[str | None, typer.Option(
    "--contact", help="An e-mail or URL put in the User-Agent so site operators can reach you.")]


def _print_version(requested: bool) -> None:
    if requested:
        from eventwire import __version__

        typer.echo(f"eventwire {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    state["debug"] = debug


DEFAULT_DOC_TIMEOUT = PipelineConfig().doc_timeout or 0.0
TimeoutOption = Annotated[float, typer.Option(
    "--doc-timeout", min=0, help="Seconds a document's stages may run before it becomes a failure (0: no limit).")]


PublishedOption = Annotated[str | None, typer.Option(
    "--published", help="Publication date (YYYY-MM-DD) of documents that carry none (a bare .txt file).")]


def _published(value: str | None) -> str | None:
    if value is None:
        return None
    from eventwire.ingest.document import normalize_published

    day = normalize_published(value)
    if day is None:
        raise EventwireError(f"--published {value!r} is not a date (YYYY-MM-DD)")
    return day


NoEventModelOption = Annotated[bool, typer.Option(
    "--no-event-model", help="Code events with the lexicon rules alone, without the trained event-type model.")]


def _config(model: str | None, dictionaries: str | None = None,
            doc_timeout: float = DEFAULT_DOC_TIMEOUT, no_event_model: bool = False) -> PipelineConfig:
    return PipelineConfig(model=model, dictionaries=dictionaries, doc_timeout=doc_timeout or None,
                          event_model=not no_event_model)


def _warn_failure(failure: Failure) -> None:
    _warn(failure.name, failure.reason)


def _warn(name: str, reason: str) -> None:
    err.print(f"[yellow]warning[/yellow]: {escape(name)}: {escape(reason)}", highlight=False, markup=True)


# Article warnings shown per run; the rest stay in the articles' `warnings` field.
MAX_SHOWN_WARNINGS = 20


@app.command("extract")
def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Files or directories; - reads JSON lines from stdin.")],
    model: ModelOption = None, processes: ProcessesOption = None, dictionaries: DictionariesOption = None,
    doc_timeout: TimeoutOption = DEFAULT_DOC_TIMEOUT, published: PublishedOption = None,
    no_event_model: NoEventModelOption = False,
) -> None:
    """Extract events, quotes and actors; print one JSON article per line (no database)."""
    written = failed = warned = 0
    day = _published(published)
    with _stdout_may_close():
        for item in extract(paths, _config(model, dictionaries, doc_timeout, no_event_model), processes,
                            published=day):
            if isinstance(item, Failure):
                failed += 1
                _warn_failure(item)
                continue
            written += 1
            for warning in item.warnings:
                warned += 1
                if warned <= MAX_SHOWN_WARNINGS:
                    _warn(item.source or item.id, warning)
            sys.stdout.write(item.to_json() + "\n")
    if warned > MAX_SHOWN_WARNINGS:
        err.print(f"... and {warned - MAX_SHOWN_WARNINGS} more warnings (in each article's `warnings`)",
                  highlight=False)
    if written == 0 and failed:
        raise typer.Exit(EXIT_NOTHING)


def _run_ingest(paths: Sequence[str], db: str, config: PipelineConfig, processes: int | None,
                quiet: bool = False, published: str | None = None) -> IngestSummary:
    from eventwire.ingest import check_inputs

    check_inputs(paths)
    started = time.perf_counter()
    with Store(db) as store, Progress(
        TextColumn("[bold]ingest[/bold]"), BarColumn(), TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
        console=err, transient=True, disable=quiet or not err.is_terminal,
    ) as progress:
        store.check_writable()
        task = progress.add_task("ingest", total=None, status="starting")

        def report(summary: IngestSummary) -> None:
            rate = _rate(summary.stored, time.perf_counter() - started)
            progress.update(task, status=f"{summary.stored} stored, {summary.skipped} skipped, "
                                         f"{summary.failed} failed{rate}")

        summary = ingest(list(paths), store, config, processes, progress=report, published=published)
        if summary.stored:
            progress.update(task, status="linking near-duplicates and aggregating events")
            _refresh_derived(store)
    elapsed = time.perf_counter() - started
    for failure in summary.failures:
        _warn_failure(failure)
    for name, warning in summary.warnings[:MAX_SHOWN_WARNINGS]:
        _warn(name, warning)
    if len(summary.warnings) > MAX_SHOWN_WARNINGS:
        err.print(f"... and {len(summary.warnings) - MAX_SHOWN_WARNINGS} more warnings (stored in the articles' "
                  "`warnings`)", highlight=False)
    if not quiet:
        err.print(f"{summary.stored} stored, {summary.skipped} already stored, {summary.failed} failed "
                  f"in {elapsed:.1f}s{_rate(summary.stored, elapsed)} → {db}", highlight=False)
    return summary


def _rate(count: int, seconds: float) -> str:
    """" (N articles/s)" for a summary line; nothing when no article was done (a rate of 0.0 says nothing)."""
    if count <= 0 or seconds <= 0:
        return ""
    rate = count / seconds
    return f" ({rate:.1f} articles/s)" if rate >= 1 else f" ({rate:.2g} articles/s)"


def _refresh_derived(store: Store) -> None:
    """Recompute the stories (near-duplicates) and aggregated events after new articles are stored."""
    from eventwire.store.aggregate import refresh_derived

    refresh_derived(store.con)


def _ingest_parquet(root: str, db: str) -> None:
    from eventwire.store.parquet import load_dataset

    started = time.perf_counter()
    with Store(db) as store:
        stored, skipped, failures = load_dataset(store, root)
        if stored:
            _refresh_derived(store)
    err.print(f"{stored} stored, {skipped} already stored, {failures} failures from {root} "
              f"in {time.perf_counter() - started:.1f}s → {db}")


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or directories; - reads JSON lines from stdin.")]
    = None,
    db: DbOption = DEFAULT_DB, model: ModelOption = None, processes: ProcessesOption = None,
    dictionaries: DictionariesOption = None, doc_timeout: TimeoutOption = DEFAULT_DOC_TIMEOUT,
    from_parquet: Annotated[str | None, typer.Option(
        "--from-parquet", help="Load a Parquet dataset written by `eventwire run` instead of extracting.")] = None,
    published: PublishedOption = None, no_event_model: NoEventModelOption = False,
) -> None:
    """Extract and store articles in a DuckDB file (re-running resumes; stored articles are skipped)."""
    if from_parquet:
        if paths:
            raise EventwireError("give either input paths or --from-parquet DIR, not both")
        _ingest_parquet(from_parquet, db)
        return
    if not paths:
        raise EventwireError("give files or directories to ingest, or --from-parquet DIR")
    summary = _run_ingest(paths, db, _config(model, dictionaries, doc_timeout, no_event_model), processes,
                          published=_published(published))
    if summary.stored == 0 and summary.skipped == 0 and summary.failed:
        raise typer.Exit(EXIT_NOTHING)


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command("run")
def run_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories or fsspec URLs (s3://bucket/news/).")],
    out: Annotated[str, typer.Option("-o", "--output", help="Output directory of the Parquet dataset.")],
    engine: Annotated[Engine, typer.Option("--engine", help="ray (a local Ray, or --address) or local.")]
    = Engine.ray,
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address (default: start one).")]
    = None,
    num_cpus: Annotated[int | None, typer.Option("--num-cpus", min=1, help="CPUs for a local Ray / processes.")]
    = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, help="Documents per task and part file.")] = 64,
    model: ModelOption = None, dictionaries: DictionariesOption = None,
    doc_timeout: TimeoutOption = DEFAULT_DOC_TIMEOUT,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show Ray's logs and progress bars.")] = False,
    no_event_model: NoEventModelOption = False,
) -> None:
    """Scale-out: extract into a partitioned Parquet dataset (OUT/articles, OUT/events, ...) on Ray or locally."""
    from eventwire.engines.dataset import RunSummary, run_dataset_local

    config = _config(model, dictionaries, doc_timeout, no_event_model)

    def report(summary: RunSummary) -> None:
        if err.is_terminal:
            err.print(f"  {summary.chunks} chunks, {summary.articles} articles, {summary.failures} failed",
                      end="\r")

    if engine is Engine.ray:
        from eventwire.engines.ray_engine import run_ray

        summary = run_ray(paths, out, config, address=address, num_cpus=num_cpus, chunk_size=chunk_size,
                          progress=report, quiet=not verbose)
    else:
        if address:
            raise EventwireError("--address is for --engine ray")
        summary = run_dataset_local(paths, out, config, processes=num_cpus, chunk_size=chunk_size, progress=report)
    err.print(f"{summary.articles} articles, {summary.failures} failures from {summary.files} files in "
              f"{summary.seconds:.1f}s{_rate(summary.articles, summary.seconds)} → {out}", highlight=False)
    if summary.articles == 0 and summary.failures:
        raise typer.Exit(EXIT_NOTHING)


def sample_corpus_dir() -> Path:
    return Path(__file__).parent / "data" / "sample"


def _demo_contents(path: Path) -> tuple[bool, list[str], int]:
    """What an existing database holds, for the demo: (made by a demo, stored article ids, failure rows not
    named after a sample-corpus file). Read-only; a file that is not a database reads as "not made by demo"."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(f"{path} is in use by another process (is `eventwire serve` running on it?)") \
                from exc
        return False, [], 0
    except duckdb.Error:
        return False, [], 0
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'created_by'").fetchone()
        if not row or row[0] != "demo":
            return False, [], 0
        ids = [r[0] for r in con.execute("SELECT id FROM articles").fetchall()]
        foreign_failures = int(con.execute("SELECT count(*) FROM failures WHERE NOT starts_with(name, ?)",
                                           [str(sample_corpus_dir())]).fetchone()[0])
    except duckdb.Error:
        # A demo database too old to read: it cannot be told apart from one holding the user's articles.
        raise EventwireError(f"{path} was made by an older demo and cannot be read by this version; "
                             "move it away or pass --db with another file name") from None
    finally:
        con.close()
    return True, ids, foreign_failures


def _sample_ids() -> set[str]:
    """The ids of the sample corpus's articles (read, not extracted: no NLP)."""
    from eventwire.ingest import read_inputs
    from eventwire.model import Article

    return {item.id for item in read_inputs([str(sample_corpus_dir())]) if isinstance(item, Article)}


@app.command("demo")
def demo_command(
    db: DbOption = DEFAULT_DB, processes: ProcessesOption = None, model: ModelOption = None,
) -> None:
    """Ingest the bundled sample corpus and print a summary.

    The demo only ever rebuilds a database it made itself and that holds nothing but the sample corpus;
    articles ingested into it since are kept (the sample is added again, stored articles are skipped), and a
    database the demo did not make is refused.
    """
    path = Path(db)
    if path.exists():
        made_by_demo, ids, foreign_failures = _demo_contents(path)
        if not made_by_demo:
            raise EventwireError(f"{db} exists and was not made by the demo; pass --db with another file name")
        others = len(set(ids) - _sample_ids())
        if others or foreign_failures:
            what = f"{others} article{'s' if others != 1 else ''}"
            if foreign_failures:
                what += f" and {foreign_failures} failure row{'s' if foreign_failures != 1 else ''}"
            err.print(f"eventwire demo: {db} holds {what} not from the sample corpus: keeping everything and "
                      "adding the sample corpus to it (already stored articles are skipped)", highlight=False)
        else:
            # Nothing but the demo's own articles: start afresh so the summary shows this version's results.
            path.unlink()
            Path(f"{db}.wal").unlink(missing_ok=True)
    if not path.exists():
        with Store(db) as store:
            store.con.execute("INSERT INTO meta VALUES ('created_by', 'demo')")
    corpus = sample_corpus_dir()
    err.print(f"eventwire demo: ingesting the sample corpus in {corpus}", highlight=False)
    summary = _run_ingest([str(corpus)], db, _config(model), processes)
    with Store(db, read_only=True) as store, _stdout_may_close():
        counts = store.counts()
        console = _stdout_console()
        console.print(f"\n[bold]{db}[/bold]: " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        events, _ = query_events(store.con, Filters(limit=8, negated=False, hypothetical=False))
        _print_table(console, "Sample events", _event_rows(events))
        quotes, _ = query_quotes(store.con, Filters(limit=5))
        _print_table(console, "Sample quotes", _quote_rows(quotes))
        actors, _ = query_actors(store.con, Filters(limit=8))
        _print_table(console, "Most mentioned actors", [
            {k: a[k] for k in ("name", "kind", "country", "sector", "role", "articles", "mentions")} for a in actors
        ])
        console.print("Browse it with [bold]eventwire serve[/bold]; query it with "
                      "[bold]eventwire events --actor USA[/bold].")
    if summary.stored == 0 and summary.skipped == 0:
        raise typer.Exit(EXIT_NOTHING)


# -- query commands (in eventwire.cli_queries) ----------------------------------------------

app.command("events")(events_command)
app.command("quotes")(quotes_command)
app.command("actors")(actors_command)


def _usage_error_types() -> tuple[type[Exception], ...]:
    """Click's usage errors; recent Typer versions raise those of their own vendored copy of Click."""
    import click

    types: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as VendoredClickException
    except ImportError:
        pass
    else:
        types.append(VendoredClickException)
    return tuple(types)


# Words a flag given a value may be followed by ("--all true"): the flag then means what the word says.
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def _walk_commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk_commands(sub)


def _plain_help(command: Any) -> None:
    """Help without type tags: a flag shows nothing after its name, a value its kind in words (TEXT, N, PATH),
    a choice its choices, instead of Typer's ``<bool>``, ``<str>`` and ``<list[str]>``."""
    for sub in _walk_commands(command):
        for param in getattr(sub, "params", []):
            _plain_param(param)
        make_help = getattr(sub, "get_help_option", None)
        if make_help is not None:
            def plain_help_option(ctx: Any, _make: Any = make_help) -> Any:
                option = _make(ctx)
                if option is not None:
                    _plain_param(option)
                return option

            sub.get_help_option = plain_help_option


def _plain_param(param: Any) -> None:
    if getattr(param, "param_type_name", "") == "argument":
        # The argument's name is shown already; its type column stays empty.
        param.display_type_rich = lambda ctx: ""
        return
    if getattr(param, "metavar", None) is not None:
        return
    if getattr(param, "is_flag", False):
        param.metavar = ""
        return
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if getattr(descriptor, "is_choice", False) else None
    if choices:
        param.metavar = "|".join(str(getattr(c, "value", c)) for c in choices)
        return
    bare = param.bare_type() if hasattr(param, "bare_type") else "str"
    param.metavar = {"int": "N", "float": "NUMBER", "Path": "PATH"}.get(bare, "TEXT")


def _flag_names(command: Any) -> frozenset[str]:
    return frozenset(name for sub in _walk_commands(command) for param in getattr(sub, "params", [])
                     if getattr(param, "is_flag", False) and not getattr(param, "count", False)
                     for name in param.opts if name.startswith("--"))


def _fold_flag_values(args: list[str], flags: frozenset[str]) -> list[str]:
    """``--all true`` as ``--all`` and ``--all false`` as nothing: a boolean flag takes no value, but people
    write one."""
    folded: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        following = args[index + 1].lower() if index + 1 < len(args) else None
        if arg in flags and following in _TRUE_WORDS | _FALSE_WORDS:
            if following in _TRUE_WORDS:
                folded.append(arg)
            index += 2
            continue
        folded.append(arg)
        index += 1
    return folded


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the app and turns eventwire's errors into one line and an exit code."""
    from eventwire.store.query import FilterError

    command = typer.main.get_command(app)
    _plain_help(command)
    args = _fold_flag_values(list(argv) if argv is not None else sys.argv[1:], _flag_names(command))
    try:
        # Outside standalone mode Click returns (not raises) the code of a typer.Exit.
        code = command.main(args=args, prog_name="eventwire", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except EventwireError as exc:
        if state["debug"]:
            raise
        message = exc.cli_message if isinstance(exc, FilterError) else str(exc)
        err.print(f"[red]error[/red]: {escape(message)}", highlight=False)
        sys.exit(EXIT_USER)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # a click usage error or a bug
        if isinstance(exc, _usage_error_types()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_USER)
        if state["debug"]:
            raise
        err.print(f"[red]internal error[/red]: {type(exc).__name__}: {escape(str(exc))} (run with --debug for the "
                  "traceback)", highlight=False)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help="jsonl, csv, parquet, plover or gdelt.")],
    out: Annotated[Path, typer.Option("-o", "--output", help="Output file (a directory for parquet).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export stored records to a file."""
    from eventwire.export import EXPORTERS

    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise EventwireError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}")
    with Store(db, read_only=True) as store:
        count = exporter(store, out)
    err.print(f"{count} records → {out}")


@app.command("serve")
def serve_command(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (other machines: 0.0.0.0).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    watch: Annotated[list[str] | None, typer.Option(
        "--watch", help="Also watch these feeds/sitemaps (or files listing them) in the server (repeatable).")]
    = None,
    every: EveryOption = "15m", max_per_round: MaxPerRoundOption = 100, contact: ContactOption = None,
) -> None:
    """Browse and query the database in a web UI and JSON API (writes via POST need EVENTWIRE_API_TOKEN)."""
    from eventwire.web import serve

    watch_config = _watch_config(watch, every, max_per_round, contact, 1.0, 4, 20.0) if watch else None

    existed = Path(db).exists()

    def announce() -> None:
        # Said once the database is open: a file that cannot be opened fails before any "serving".
        if not existed:
            err.print(f"{db} did not exist: serving a new, empty database (fill it with `eventwire demo`, "
                      "`eventwire ingest` or POST /api/articles)", highlight=False)
        err.print(f"eventwire: http://{host}:{port}/ serving {db} (Ctrl-C to stop)"
                  + (f", watching {len(watch_config.sources)} sources every {watch_config.every:g}s" if watch_config
                     else ""), highlight=False)

    serve(db, host=host, port=port, watch=watch_config, announce=announce)


# -- live monitoring (issue 19) ----------------------------------------------------------------------


def _watch_config(sources: list[str], every: str, max_per_round: int, contact: str | None, host_delay: float,
                  connections: int, timeout: float) -> Any:
    from eventwire.watch import Politeness, WatchConfig, parse_interval, source_urls, user_agent

    politeness = Politeness(user_agent=user_agent(contact), host_delay=host_delay, connections=connections,
                            per_host=min(2, connections), timeout=timeout)
    return WatchConfig(source_urls(sources), every=parse_interval(every), max_per_round=max_per_round,
                       politeness=politeness)


@app.command("watch")
def watch_command(
    sources: Annotated[list[str], typer.Argument(help="RSS/Atom feed or sitemap URLs, or text files listing them "
                                                      "(one per line, # comments).")],
    db: DbOption = DEFAULT_DB, every: EveryOption = "15m",
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (for cron and tests).")] = False,
    max_per_round: MaxPerRoundOption = 100, contact: ContactOption = None,
    host_delay: Annotated[float, typer.Option("--host-delay", min=0,
                                              help="Seconds between requests to one host.")] = 1.0,
    connections: Annotated[int, typer.Option("--connections", min=1, help="Requests in flight in total.")] = 4,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for an answer.")] = 20.0,
    model: ModelOption = None, doc_timeout: TimeoutOption = DEFAULT_DOC_TIMEOUT,
) -> None:
    """Follow feeds and sitemaps: fetch new articles each round, extract and store them (Ctrl-C stops cleanly)."""
    import signal
    import threading

    from eventwire.pipeline import Pipeline
    from eventwire.watch import Watcher

    config = _watch_config(sources, every, max_per_round, contact, host_delay, connections, timeout)
    stop = threading.Event()
    loaded: list[Pipeline] = []

    def pipeline() -> Pipeline:
        if not loaded:
            loaded.append(Pipeline(_config(model, None, doc_timeout)))
        return loaded[0]

    def request_stop(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print(f"eventwire watch: {signal.Signals(signum).name}: stopping after the current article "
                  "(again to abort)", highlight=False)

    def report(result: Any) -> None:
        for name, reason in result.failures:
            _warn_failure(Failure(name, reason))
        err.print(f"eventwire watch: {result.summary()} → {db}", highlight=False)

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with Store(db) as store:
            watcher = Watcher(store, config, pipeline, stop=stop, on_stored=lambda _: _refresh_derived(store))
            err.print(f"eventwire watch: {len(config.sources)} sources → {db}"
                      + ("" if once else f", a round every {config.every:g}s (Ctrl-C to stop)"), highlight=False)
            try:
                results = watcher.run(once=once, report=report)
            finally:
                watcher.close()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if once and results and results[-1].sources and results[-1].sources == results[-1].sources_failed:
        raise typer.Exit(EXIT_NOTHING)


@app.command("sources")
def sources_command(db: DbOption = DEFAULT_DB, fmt: FormatOption = OutputFormat.table) -> None:
    """List watched sources: last status, new URLs and stored articles in the last round, failure counts."""
    from eventwire.store.sources import last_round, sources_report

    with Store(db, read_only=True) as store:
        rows = sources_report(store.con)
        latest = last_round(store.con)
    table_rows = [{
        "source": r["url"], "kind": r["kind"] or "",
        "status": f"{r['last_status'] or 'not fetched'}"
                  + (f" {r['last_http_status']}" if r["last_http_status"] else ""),
        "last fetch": r["last_fetched_at"].strftime("%Y-%m-%d %H:%M") if r["last_fetched_at"] else "",
        "new": r["new_urls_last_round"], "stored": r["stored_last_round"], "articles": r["articles"],
        "pending": r["pending_urls"], "failing": r["failing_urls"] + r["given_up_urls"],
        "source failures": r["source_failures"], "reason": r["last_reason"] or "",
    } for r in rows]
    title = "sources" + (f", last round {latest['round']}" if latest else "")
    _emit(rows, table_rows, fmt, title, len(rows))
