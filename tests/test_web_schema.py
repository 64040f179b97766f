"""Schemathesis generates requests from /openapi.json (in-process ASGI app, real DuckDB file): no 5xx anywhere."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from eventwire.web import create_app
from test_web_fixtures import build_db

_DB = Path(tempfile.mkdtemp(prefix="eventwire-schema-")) / "schema.duckdb"
build_db(_DB)
# A token is configured, and the generated requests do not carry it: writes answer 401 without running the
# pipeline, while every read endpoint gets the generated parameters.
APP = create_app(_DB, api_token="schemathesis-token")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
