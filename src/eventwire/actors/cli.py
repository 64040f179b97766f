"""``eventwire kb``: inspect and extend the actor knowledge base.

``kb import FILE --format json|csv|petrarch`` adds entities (or PETRARCH agents) to the user KB
directory; ``kb lookup NAME [--date D] [--role R] [--country C]`` shows the candidates a name gets,
with their scores and the reason for the decision; ``kb check`` lists malformed lines.
The user KB directory is ``--kb DIR``, else ``$EVENTWIRE_KB``, else ``~/.local/share/eventwire/kb``.
"""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from eventwire.actors.agents import load_agents
from eventwire.actors.importers import FORMATS, import_file
from eventwire.actors.kb import default_user_kb, load_kb
from eventwire.actors.resolve import Resolver
from eventwire.errors import EventwireError
from eventwire.exit_codes import EXIT_USER

kb_app = typer.Typer(no_args_is_help=True, help="Inspect and extend the actor knowledge base.")
err = Console(stderr=True)


class LookupFormat(StrEnum):
    table = "table"
    json = "json"


KbOption = Annotated[Path | None, typer.Option("--kb", help="User KB directory (default $EVENTWIRE_KB or "
                                                           "~/.local/share/eventwire/kb).")]


def _kb_dir(kb: Path | None) -> Path:
    return kb.expanduser() if kb else default_user_kb()


@kb_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="File to import.")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "json",
    kb: KbOption = None,
    replace: Annotated[bool, typer.Option("--replace", help="Make the output file exactly this import (entries "
                                                            "earlier imports put there are dropped).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read, validate and report; write nothing.")] = False,
) -> None:
    """Import actors (Wikidata-style JSON/CSV, PETRARCH/Phoenix dictionaries) or PETRARCH agents.

    Imports accumulate: entries already in the knowledge base are kept, entries given again are updated.
    """
    directory = _kb_dir(kb)
    started = time.perf_counter()
    known = frozenset(load_kb(()).countries)
    report = import_file(path, fmt, directory, known, replace=replace, dry_run=dry_run)
    for error in report.errors[:20]:
        err.print(f"[yellow]warning[/yellow]: {error}", highlight=False)
    if len(report.errors) > 20:
        err.print(f"[yellow]warning[/yellow]: ... and {len(report.errors) - 20} more malformed lines", highlight=False)
    what = "agents" if report.agents else "entities"
    counts = f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged"
    if replace:
        counts += f", {report.removed} removed (replaced)"
    where = f"dry run: nothing written to {report.path}" if dry_run else f"→ {report.path}"
    err.print(f"{what}: {counts} ({len(report.errors)} lines skipped) in {time.perf_counter() - started:.1f}s "
              f"{where}", highlight=False)
    if report.entities and report.written:
        # Build the KB cache now, so the first pipeline run loads the enlarged KB quickly.
        load_kb((directory,))


@kb_app.command("lookup")
def lookup_command(
    name: Annotated[str, typer.Argument(help="A name as found in a text, e.g. 'Jim Mats'.")],
    day: Annotated[str | None, typer.Option("--date", help="Publication date (YYYY[-MM[-DD]]).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Role words around the name, e.g. 'Defense "
                                                            "Secretary'.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO3 code of the country in the context.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many candidates.")] = 10,
    fmt: Annotated[LookupFormat, typer.Option("--format", help="table or json.")] = LookupFormat.table,
    kb: KbOption = None,
) -> None:
    """Show the KB candidates for a name with their scores, and the resolution decision."""
    from eventwire.actors.stage import _day

    started = time.perf_counter()
    directory = _kb_dir(kb)
    knowledge = load_kb((directory,))
    agents = load_agents([directory])
    loaded = time.perf_counter() - started
    resolver = Resolver(knowledge, agents)
    family = agents.role_family(role) if role else None
    when = _day(day)
    if day and when is None:
        raise EventwireError(f"--date {day!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    kinds = ("person", "organization", "group", "country")
    candidates = resolver.candidates(name, kinds, when, family, country)[:limit]
    decision = resolver.resolve(name, kinds, when, family, country)
    if fmt is LookupFormat.json:
        sys.stdout.write(json.dumps({
            "name": name, "date": when, "role_family": family, "country": country,
            "decision": {"kb_id": decision.entity.id if decision.entity else None,
                         "name": decision.entity.name if decision.entity else None,
                         "confidence": decision.confidence, "method": decision.method, "reason": decision.reason},
            "candidates": [{"kb_id": c.entity.id, "name": c.entity.name, "kind": c.entity.kind,
                            "country": (c.tenure.country if c.tenure else None) or c.entity.country,
                            "sector": (c.tenure.sector if c.tenure else None) or c.entity.sector,
                            "role": c.tenure.role if c.tenure else c.entity.role, "score": round(c.score, 3),
                            "method": c.method, "excluded": c.excluded, "reason": c.reason} for c in candidates],
        }, ensure_ascii=False) + "\n")
        return
    console = Console()
    table = Table(title=f"candidates for {name!r}" + (f" on {when}" if when else "")
                  + (f", role {family}" if family else ""))
    for column in ("kb_id", "name", "country", "sector", "role", "score", "method", "reason"):
        table.add_column(column, overflow="fold")
    for c in candidates:
        table.add_row(c.entity.id, c.entity.name, (c.tenure.country if c.tenure else None) or c.entity.country or "",
                      (c.tenure.sector if c.tenure else None) or c.entity.sector or "",
                      (c.tenure.role if c.tenure else c.entity.role) or "",
                      f"{c.score:.2f}" + (" ✗" if c.excluded else ""), c.method, c.reason)
    console.print(table)
    if decision.entity is not None:
        console.print(f"→ [bold]{decision.entity.name}[/bold] ({decision.entity.id}), confidence "
                      f"{decision.confidence:.2f}: {decision.reason}")
    else:
        console.print(f"→ unresolved: {decision.reason}")
    err.print(f"KB: {len(knowledge)} entities loaded in {loaded:.2f}s", highlight=False)


@kb_app.command("check")
def check_command(kb: KbOption = None) -> None:
    """Load the shipped and user KB and list malformed lines (file:line: reason)."""
    directory = _kb_dir(kb)
    started = time.perf_counter()
    knowledge = load_kb((directory,))
    agents = load_agents([directory])
    elapsed = time.perf_counter() - started
    for error in [*knowledge.errors, *agents.errors]:
        typer.echo(str(error))
    err.print(f"{len(knowledge)} entities, {len(knowledge.index)} names; "
              f"{len(knowledge.errors) + len(agents.errors)} malformed lines; loaded in {elapsed:.2f}s "
              f"(user KB: {directory})", highlight=False)
    if knowledge.errors or agents.errors:
        raise typer.Exit(EXIT_USER)
