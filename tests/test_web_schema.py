"""Schemathesis generates requests from /openapi.json (in-process ASGI app, real DuckDB file): no 5xx anywhere."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from eventwire.web import create_app
from support.web import build_db

TOKEN = "schemathesis-token"
_DIR = Path(tempfile.mkdtemp(prefix="eventwire-schema-"))
build_db(_DIR / "read.duckdb")
build_db(_DIR / "write.duckdb")
# The generated requests do not carry the token: writes answer 401 and every read endpoint gets the
# generated parameters.
READ_APP = create_app(_DIR / "read.duckdb", api_token=TOKEN)
# Here they do, so generated bodies reach the parser and the extraction pipeline.
WRITE_APP = create_app(_DIR / "write.duckdb", api_token=TOKEN)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx: Any, value: Any) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()


read_schema = schemathesis.openapi.from_asgi("/openapi.json", READ_APP)
write_schema = schemathesis.openapi.from_asgi("/openapi.json", WRITE_APP).include(method="POST")


@read_schema.parametrize()
@FUZZ
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.slow
@write_schema.parametrize()
@settings(FUZZ, max_examples=25)
def test_no_server_errors_when_writing(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error])
