"""``eventwire eval``: one sub-command per gold format.

Each command is a thin wrapper: the scoring lives in the format's own module
under ``eventwire.eval`` and returns a report dict; ``--format json`` prints it
as JSON, otherwise it is printed as a table.
"""

from __future__ import annotations

import typer

eval_app = typer.Typer(no_args_is_help=True, help="Score eventwire on gold data (P/R/F1 per field).")
