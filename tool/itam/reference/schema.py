"""The shapes of the files the reference package reads, as JSON Schemas.

Kept as Python data, beside the code that reads them, so that they ship with
the package without a data-file entry of their own.
"""

from __future__ import annotations

from typing import Any

PRODUCT_ID = "^[a-z0-9][a-z0-9.+_-]*$"
"""A product id: the file stem of an endoflife.date product (``windows``, ``cisco-ios-xe``)."""

CYCLE = "^[a-z0-9][a-z0-9.+_-]*$"
"""A release cycle as endoflife.date writes it (``11-24h2-e``, ``7.4``, ``24.04``)."""

_DATE = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "x-message": "write dates as YYYY-MM-DD",
}
_MILESTONE = {
    "description": "A day, true (ended on a day not given) or false (no end announced).",
    "anyOf": [_DATE, {"type": "boolean"}],
}

REFERENCE_FILE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://itam.invalid/reference/reference.schema.json",
    "title": "A reference file in reference/: one product's release cycles",
    "type": "object",
    "additionalProperties": False,
    "required": ["product", "title", "source", "licence", "releases"],
    "properties": {
        "product": {"type": "string", "pattern": PRODUCT_ID},
        "title": {"type": "string", "minLength": 1},
        "source": {"type": "string", "minLength": 1},
        "licence": {"type": "string", "minLength": 1},
        "releases": {
            "type": "object",
            "propertyNames": {"pattern": CYCLE},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "label": {"type": "string", "minLength": 1},
                    "released": _DATE,
                    "eoas": _MILESTONE,
                    "eol": _MILESTONE,
                    "eoes": _MILESTONE,
                },
            },
        },
    },
}

ENDOFLIFE_FRONT_MATTER: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://itam.invalid/reference/endoflife.schema.json",
    "title": "The front matter of an endoflife.date product file (the parts itam reads)",
    "type": "object",
    "required": ["title", "releases"],
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "permalink": {"type": "string"},
        "releaseLabel": {"type": "string"},
        "releases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["releaseCycle"],
                "properties": {
                    "releaseCycle": {"type": ["string", "number"]},
                    "releaseLabel": {"type": ["string", "null"]},
                    "codename": {"type": ["string", "null"]},
                    "releaseDate": _DATE,
                    "eoas": _MILESTONE,
                    "eol": _MILESTONE,
                    "eoes": _MILESTONE,
                    # The names of eoas and eoes before endoflife.date renamed them.
                    "support": _MILESTONE,
                    "extendedSupport": _MILESTONE,
                },
            },
        },
    },
}
