"""The JSON Schema of the data contract, generated from the dataclasses of :mod:`eventwire.model`.

``docs/contract.schema.json`` is this module's output (``python -m eventwire.schema > docs/contract.schema.json``);
a test regenerates it and fails when the committed file is stale, and validates real pipeline output against it.

Rules that map the dataclasses to their JSON form (the form ``to_dict`` writes):
every field is a required key, ``X | None`` may be ``null``, a ``(start, end)`` pair of ints is written as
``{"start": ..., "end": ...}``, nested dataclasses are ``$defs``, and fields declared with ``compare=False``
(working metadata such as ``Article.source``) are not part of the contract.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from typing import Any

from eventwire import model

# Closed vocabularies of the contract, by (class, field).
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Actor", "kind"): model.ACTOR_KINDS,
    ("Quote", "kind"): model.QUOTE_KINDS,
    ("Event", "event"): model.PLOVER_TYPES,
    ("Magnitude", "kind"): model.MAGNITUDE_KINDS,
}
# Formats of the contract's strings and ranges of its numbers, by (class, field).
_CONSTRAINTS: dict[tuple[str, str], dict[str, Any]] = {
    ("Article", "published"): {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
    ("Event", "date"): {"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    ("Event", "quad"): {"minimum": 1, "maximum": 4},
    ("Event", "goldstein"): {"minimum": -10, "maximum": 10},
    ("Magnitude", "value"): {"minimum": 0},
}
_SCALARS: dict[type, dict[str, Any]] = {
    str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"},
}
_RANGE = {"type": "object", "required": ["start", "end"], "additionalProperties": False,
          "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}}}


def _schema_of(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_schema_of(arg, defs) for arg in typing.get_args(hint) if arg is not type(None)]
        nullable = type(None) in typing.get_args(hint)
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        return {"anyOf": [schema, {"type": "null"}]} if nullable else schema
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _schema_of(item, defs)}
    if origin is tuple and typing.get_args(hint) == (int, int):
        return dict(_RANGE)
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    if dataclasses.is_dataclass(hint):
        _define(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    raise TypeError(f"no JSON form for the type {hint!r}")


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # reserve the name: the dataclasses may refer to each other
    hints = typing.get_type_hints(cls, vars(model))
    properties: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if not item.compare:
            continue
        schema = _schema_of(hints[item.name], defs)
        vocabulary = _ENUMS.get((cls.__name__, item.name))
        if vocabulary:
            schema = {"enum": list(vocabulary)}
        constraint = _CONSTRAINTS.get((cls.__name__, item.name))
        if constraint:
            schema = _constrain(schema, constraint)
        properties[item.name] = schema
    defs[cls.__name__] = {
        "type": "object", "description": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
        "required": list(properties), "properties": properties, "additionalProperties": False,
    }


def _constrain(schema: dict[str, Any], constraint: dict[str, Any]) -> dict[str, Any]:
    """Put ``constraint`` on the non-null branch of a nullable schema, or on the schema itself."""
    if "anyOf" in schema:
        return {"anyOf": [_constrain(option, constraint) if option != {"type": "null"} else option
                          for option in schema["anyOf"]]}
    return schema | constraint


def contract_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one article as ``Article.to_dict()`` writes it."""
    defs: dict[str, Any] = {}
    _define(model.Article, defs)
    article = defs.pop("Article")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://eventwire.dev/contract/{model.CONTRACT_VERSION}/article.schema.json",
        "title": f"eventwire article (contract {model.CONTRACT_VERSION})",
        **article,
        "$defs": dict(sorted(defs.items())),
    }


def main() -> None:
    json.dump(contract_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
