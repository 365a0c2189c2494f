"""The shared caption table (assets/captions/caption-schema.json), read at run time.

The composer, the CLI and this synthetic world must agree byte for byte on field order, templates and camera
sentences, so nothing here copies those strings: every lookup goes to the one JSON file.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

# native-models/hyvideo/world/schema.py -> repository root is three folders above native-models/hyvideo/world.
_DEFAULT_PATH = Path(__file__).resolve().parents[3] / "assets" / "captions" / "caption-schema.json"


def schema_path() -> Path:
    """Where the schema lives; HYVIDEO_CAPTION_SCHEMA overrides it for packaged runs outside the repository."""
    return Path(os.environ.get("HYVIDEO_CAPTION_SCHEMA", _DEFAULT_PATH))


@lru_cache(maxsize=None)
def load_schema() -> dict[str, Any]:
    with open(schema_path(), encoding="utf-8") as f:
        return json.load(f)


def field_ids() -> list[str]:
    return [f["id"] for f in load_schema()["fields"]]


def field_template(field_id: str) -> str:
    for f in load_schema()["fields"]:
        if f["id"] == field_id:
            return f["template"]
    raise KeyError(field_id)


def camera_ids() -> list[str]:
    """The 14 camera classes in schema order (the order of the evaluator's confusion matrix)."""
    return [c["id"] for c in load_schema()["camera_moves"]]


def camera_sentence(camera: str) -> str:
    for c in load_schema()["camera_moves"]:
        if c["id"] == camera:
            return c["sentence"]
    raise ValueError(f"unknown camera move {camera!r}; expected one of {camera_ids()}")


def joiner() -> str:
    return load_schema()["joiner"]


def camera_position() -> str:
    return load_schema()["camera_position"]
