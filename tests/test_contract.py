"""The data contract: the committed JSON Schema matches the model, and real pipeline output validates."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from eventwire.model import CONTRACT_VERSION, Article
from eventwire.schema import contract_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_committed_schema_is_generated_from_the_model() -> None:
    committed = json.loads((DOCS / "contract.schema.json").read_text(encoding="utf-8"))
    assert committed == contract_schema(), "run: python -m eventwire.schema > docs/contract.schema.json"


def test_contract_document_names_the_current_version_and_every_field() -> None:
    document = (DOCS / "contract.md").read_text(encoding="utf-8")
    assert f"Contract version **{CONTRACT_VERSION}**" in document
    for definition in contract_schema()["$defs"].values():
        for name in definition["properties"]:
            assert f"`{name}`" in document, name


@pytest.mark.slow
def test_pipeline_output_validates_against_the_schema(iraq: Article) -> None:
    data = iraq.to_dict()
    assert data["events"] and data["quotes"] and data["actors"]
    jsonschema.validate(data, contract_schema())


def test_schema_rejects_what_breaks_the_contract() -> None:
    good = Article(id="a", text="x").to_dict()
    jsonschema.validate(good, contract_schema())
    for broken in ({**good, "published": "20/12/2017"}, {**good, "events": [{"id": "e1"}]},
                   {**good, "surprise": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, contract_schema())
