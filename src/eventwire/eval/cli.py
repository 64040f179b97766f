"""``eventwire eval``: one sub-command per gold format.

Each command is a thin wrapper: the scoring lives in the format's own module
under ``eventwire.eval`` and returns a report dict; ``--format json`` prints it
as JSON, otherwise it is printed as a table.
"""

from __future__ import annotations

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire on gold data (P/R/F1 per field).")


@eval_app.command("quotes")
def quotes_command(
    gold_dir: str = typer.Argument(..., help="Directory of brat .txt/.ann attribution files (Source, Cue, Content)."),
    output_format: str = typer.Option("table", "--format", help="table or json"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline name or path."),
) -> None:
    """Quote attribution: P/R/F1 for content and content+source, direct and all (exact and overlap spans)."""
    import json

    from rich.console import Console
    from rich.table import Table

    from eventwire.eval.quotes import evaluate

    if output_format not in ("table", "json"):
        raise typer.BadParameter(f"--format must be table or json, not {output_format!r}")
    report = evaluate(gold_dir, model=model)
    if output_format == "json":
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"quotes: {report['gold_quotes']} gold quotes in {report['documents']} documents")
    for column in ("quotes", "measure", "match", "P", "R", "F1", "tp", "pred", "gold"):
        table.add_column(column)
    for key, row in report["scores"].items():
        subset, measure, mode = key.split("/")
        table.add_row(subset, measure, mode, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      str(row["tp"]), str(row["predicted"]), str(row["gold"]))
    Console().print(table)
    typer.echo(f"kind accuracy {report['kind_accuracy']:.3f}, anonymous accuracy {report['anonymous_accuracy']:.3f} "
               "(over quotes matched by overlap)")


@eval_app.command("places")
def places_command(
    gold: str = typer.Argument(..., help="GeoVirus-format XML file (articles with located toponyms)."),
    output_format: str = typer.Option("table", "--format", help="table or json"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline name or path."),
) -> None:
    """Geoparsing: toponym detection P/R/F1 (exact and overlap) and resolution within 161 km."""
    import json

    from rich.console import Console
    from rich.table import Table

    from eventwire.eval.places import evaluate

    report = evaluate(gold, model=model)
    if output_format == "json":
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"places: {report['gold_toponyms']} gold toponyms in {report['articles']} articles")
    for column in ("detection", "P", "R", "F1"):
        table.add_column(column)
    for key in ("detection_exact", "detection_overlap"):
        row = report[key]
        table.add_row(key.removeprefix("detection_"), f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                      f"{row['f1']:.3f}")
    Console().print(table)
    resolution = report["resolution"]
    typer.echo(f"resolved {resolution['resolved']} found toponyms: {resolution['accuracy_161km']:.3f} within 161 km, "
               f"median error {resolution['median_error_km']} km, mean {resolution['mean_error_km']} km; "
               f"end to end {resolution['end_to_end_161km']:.3f} of gold toponyms found and within 161 km")


@eval_app.command("plover-gsr")
def plover_gsr_command(
    gold: str = typer.Argument(..., help="PLOVER gold records: JSON lines or a JSON array."),
    output_format: str = typer.Option("table", "--format", help="table or json"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline name or path."),
) -> None:
    """Event coding: top-type accuracy, macro-F1, source/target country and sector accuracy, events/sentence."""
    import json
    from pathlib import Path

    from eventwire.eval.plover import evaluate, render
    from eventwire.pipeline import Pipeline, PipelineConfig

    report = evaluate(Path(gold), Pipeline(PipelineConfig(model=model)))
    if output_format == "json":
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(render(report))


@eval_app.command("petr")
def petr_command(
    records: str = typer.Argument(..., help="PETRARCH validation records (PETR.UnitTest.records.xml)."),
    dictionaries: str = typer.Option(..., "--dictionaries", help="Directory of PETRARCH dictionaries to code with."),
    output_format: str = typer.Option("table", "--format", help="table or json"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline name or path."),
    allow_missing_target: bool = typer.Option(
        False, "--allow-missing-target", help="Also code events without a target (PETRARCH's require_dyad = false)."),
) -> None:
    """PETRARCH2 unit-test records: expected (source, target, code) triples reproduced, per category."""
    import json

    from eventwire.eval.petr import evaluate, format_report

    report = evaluate(records, dictionaries, model=model, require_dyad=not allow_missing_target)
    if output_format == "json":
        report.pop("details")
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(format_report(report))


@eval_app.command("entities")
def entities_command(
    gold: str = typer.Argument(..., help="Entity gold: JSON lines of {id, text, published, entities: "
                                         "[{start, end, type}]} (see eventwire.eval.entities)."),
    output_format: str = typer.Option("table", "--format", help="table or json"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline name or path."),
) -> None:
    """Named entities (Person, Organisation, Location, Nationality): P/R/F1 exact and lenient per type."""
    import json

    from rich.console import Console
    from rich.table import Table

    from eventwire.eval.entities import evaluate

    report = evaluate(gold, model=model)
    if output_format == "json":
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table(title=f"entities: {report['gold_entities']} gold entities in {report['documents']} documents")
    for column in ("type", "match", "P", "R", "F1", "tp", "pred", "gold"):
        table.add_column(column)
    for mode in ("exact", "lenient"):
        for kind, row in report[mode].items():  # type: ignore[attr-defined]
            table.add_row(kind, mode, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                          str(row["tp"]), str(row["predicted"]), str(row["gold"]))
    Console().print(table)
