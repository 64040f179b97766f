"""``eventwire eval``: one sub-command per gold format.

Each command is a thin wrapper: the scoring lives in the format's own module
under ``eventwire.eval`` and returns a report dict; ``--format json`` prints it
as JSON, otherwise it is printed as a table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire on gold data (P/R/F1 per field).")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


FormatOption = Annotated[ReportFormat, typer.Option("--format", help="table or json")]
ModelOption = Annotated[str | None, typer.Option("--model", help="spaCy pipeline name or path.")]


def _print_json(report: dict[str, Any]) -> None:
    typer.echo(json.dumps(report, indent=2))


def _print_report(report: dict[str, Any], output_format: ReportFormat, render: Callable[[dict[str, Any]], str]) -> None:
    """The report as JSON (``--format json``), or as the text its module renders."""
    if output_format is ReportFormat.json:
        return _print_json(report)
    typer.echo(render(report))


def _print_scores(title: str, key_columns: tuple[str, ...], rows: Iterable[tuple[tuple[str, ...], dict[str, Any]]],
                  counts: bool = True) -> None:
    """A table of P/R/F1 rows (and their tp/predicted/gold counts), each under its key columns."""
    from rich.console import Console
    from rich.table import Table

    count_columns = ("tp", "pred", "gold") if counts else ()
    table = Table(title=title)
    for column in (*key_columns, "P", "R", "F1", *count_columns):
        table.add_column(column)
    for keys, row in rows:
        cells = [f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}"]
        if counts:
            cells += [str(row["tp"]), str(row["predicted"]), str(row["gold"])]
        table.add_row(*keys, *cells)
    Console().print(table)


@eval_app.command("quotes")
def quotes_command(
    gold_dir: Annotated[str, typer.Argument(help="Directory of brat .txt/.ann attribution files (Source, Cue, "
                                                 "Content).")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
    part: Annotated[list[str] | None, typer.Option(
        "--part", help="tuning, checking or all (repeatable; default: all three). The split is "
                       "eventwire.eval.split.part_of(article name).")] = None,
) -> None:
    """Quote attribution: P/R/F1 for content and content+source, direct and all; exact, one-to-one and any-overlap."""
    from eventwire.eval.quotes import evaluate

    parts = tuple(part or ("tuning", "checking", "all"))
    unknown = [p for p in parts if p not in ("tuning", "checking", "all")]
    if unknown:
        raise typer.BadParameter(f"--part must be tuning, checking or all, not {', '.join(unknown)}")
    report = evaluate(gold_dir, model=model, parts=parts)
    if output_format is ReportFormat.json:
        return _print_json(report)
    for name, scores in report["parts"].items():
        _print_scores(f"quotes, {name} part: {scores['gold_quotes']} gold attributions in {scores['documents']} "
                      "documents", ("quotes", "measure", "match"),
                      ((tuple(key.split("/")), row) for key, row in scores["scores"].items()))
        typer.echo(f"kind accuracy {scores['kind_accuracy']:.3f}, anonymous accuracy "
                   f"{scores['anonymous_accuracy']:.3f} (over one-to-one pairs)")


@eval_app.command("places")
def places_command(
    gold: Annotated[str, typer.Argument(help="GeoVirus or GeoWebNews-style XML file (or a directory of them): "
                                             "articles with located toponyms.")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
) -> None:
    """Geoparsing: toponym detection P/R/F1, found and resolved right per toponym type, feature and part."""
    from eventwire.eval.places import evaluate

    report = evaluate(gold, model=model)
    if output_format is ReportFormat.json:
        return _print_json(report)
    detection = (((key.removeprefix("detection_"),), report[key]) for key in ("detection_exact", "detection_overlap"))
    _print_scores(f"places: {report['gold_toponyms']} gold toponyms in {report['articles']} articles", ("detection",),
                  detection, counts=False)
    resolution = report["resolution"]
    typer.echo(f"resolved {resolution['resolved']} found toponyms: {resolution['accuracy_161km']:.3f} within 161 km, "
               f"median error {resolution['median_error_km']} km, mean {resolution['mean_error_km']} km; "
               f"end to end {resolution['end_to_end_161km']:.3f} of gold toponyms found and within 161 km")
    _print_places_table(report)


def _print_places_table(report: dict[str, Any]) -> None:
    """Found and resolved right (same GeoNames id, within 161 km, or same country) by part, type and feature."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="found (span overlap) and resolved right (of found)")
    for column in ("part", "group", "gold", "found", "found rate", "right", "right rate"):
        table.add_column(column)
    sections = [("all", report)] + [(name, part) for name, part in report.get("parts", {}).items()]
    for name, section in sections:
        rows = [("all", section["found"])]
        rows += [(f"type {key}", value) for key, value in section["by_type"].items()]
        rows += [(f"feature {key}", value) for key, value in section["by_feature"].items()]
        for group, row in rows:
            table.add_row(name, group, str(row["gold"]), str(row["found"]), f"{row['found_rate']:.3f}",
                          str(row["resolved_right"]), f"{row['right_rate']:.3f}")
        if section.get("on_non_places"):
            typer.echo(f"{name}: places predicted on non-place mentions: {section['on_non_places']}")
    Console().print(table)


@eval_app.command("plover-gsr")
def plover_gsr_command(
    gold: Annotated[list[str], typer.Argument(help="PLOVER gold records (JSON lines or a JSON array), or "
                                                   "training-corpus files / directories of them.")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
    part: Annotated[str, typer.Option("--part", help="Score the tuning part, the checking part, or all records "
                                                     "(all also reports each part).")] = "all",
    no_model: Annotated[bool, typer.Option("--no-model", help="Code with the rules alone, without the trained "
                                                              "event-type model.")] = False,
    transform: Annotated[list[str] | None, typer.Option(
        "--transform", help="Also score the texts put through a transform (repeatable or a comma list): lower, "
                            "upper, title, mojibake, mojibake-quotes, nopunct, linebreaks, spaces.")] = None,
) -> None:
    """Event coding per split part: top-type accuracy, macro-F1, source/target country and sector accuracy."""
    from eventwire.errors import GoldFormatError
    from eventwire.eval.plover import evaluate, render
    from eventwire.eval.transforms import transform_names
    from eventwire.pipeline import Pipeline, PipelineConfig

    try:
        transforms = transform_names(transform or ())
    except GoldFormatError as exc:
        raise typer.BadParameter(str(exc), param_hint="--transform") from exc
    report = evaluate([Path(g) for g in gold], Pipeline(PipelineConfig(model=model, event_model=not no_model)),
                      part=part, transforms=transforms)
    _print_report(report, output_format, render)


@eval_app.command("petr")
def petr_command(
    records: Annotated[str, typer.Argument(help="PETRARCH validation records (PETR.UnitTest.records.xml).")],
    dictionaries: Annotated[str, typer.Option("--dictionaries", help="Directory of PETRARCH dictionaries to code "
                                                                     "with.")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
    allow_missing_target: Annotated[bool, typer.Option(
        "--allow-missing-target", help="Also code events without a target (PETRARCH's require_dyad = false).")] = False,
) -> None:
    """PETRARCH2 unit-test records: expected (source, target, code) triples reproduced, per category."""
    from eventwire.eval.petr import evaluate, format_report

    report = evaluate(records, dictionaries, model=model, require_dyad=not allow_missing_target)
    if output_format is ReportFormat.json:
        report.pop("details")
    _print_report(report, output_format, format_report)


@eval_app.command("entities")
def entities_command(
    gold: Annotated[str, typer.Argument(help="Entity gold: JSON lines of {id, text, published, entities: "
                                             "[{start, end, type}]} (see eventwire.eval.entities).")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
    lower_case: Annotated[bool, typer.Option(
        "--lower-case", help="Run on the documents in lower case (as regional feeds arrive).")] = False,
) -> None:
    """Named entities (Person, Organisation, Location, Nationality): P/R/F1 exact and lenient per type."""
    from eventwire.eval.entities import evaluate

    report = evaluate(gold, model=model, lower_case=lower_case)
    if output_format is ReportFormat.json:
        return _print_json(report)
    _print_scores(f"entities: {report['gold_entities']} gold entities in {report['documents']} documents",
                  ("type", "match"),
                  (((kind, mode), row) for mode in ("exact", "lenient") for kind, row in report[mode].items()))


@eval_app.command("coverage")
def coverage_command(output_format: FormatOption = ReportFormat.table) -> None:
    """Ontology coverage of the event lexicon: CAMEO codes and PLOVER types/modes with no trigger sense."""
    from eventwire.eval.coverage import coverage, render

    _print_report(coverage(), output_format, render)


@eval_app.command("magnitudes")
def magnitudes_command(
    gold: Annotated[str, typer.Argument(help="Magnitude gold: JSON lines of {id, text, published, magnitudes: "
                                             "{kind: value}} (see eventwire.eval.magnitudes).")],
    output_format: FormatOption = ReportFormat.table, model: ModelOption = None,
    errors: Annotated[bool, typer.Option("--errors", help="Also list the tuning part's errors (never the "
                                                          "checking part's).")] = False,
) -> None:
    """Event magnitudes (killed, injured, arrested, ...): exact-value accuracy and precision per kind and part."""
    from eventwire.eval.magnitudes import evaluate, render

    report = evaluate(gold, model=model)
    if not errors:
        report.pop("tuning_errors")

    def with_errors(report: dict[str, Any]) -> str:
        return "\n".join([render(report), *(f"{e['id']}: gold {e['gold']} predicted {e['predicted']}: {e['text']}"
                                             for e in report.get("tuning_errors", []))])

    _print_report(report, output_format, with_errors)
