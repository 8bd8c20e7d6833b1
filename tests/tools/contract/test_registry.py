"""The registry's exports all come from the same typed models."""

from __future__ import annotations

import pytest

from modalswitch import Registry
from modalswitch.errors import UnknownToolError


def test_modalities_come_from_the_typed_fields(registry):
    draw = registry.get("fake_draw")
    assert [m.value for m in draw.input_modalities] == ["text"]
    assert [m.value for m in draw.output_modalities] == ["image"]
    assert registry.get("sleep").primary_output == "text"


def test_json_schema_export_marks_media_as_references(registry):
    [caption] = [t for t in registry.describe() if t["name"] == "fake_caption"]
    image = caption["input_schema"]["properties"]["image"]
    assert image["type"] == "string" and image["x-modality"] == "image"
    assert "@input" in image["description"]
    assert caption["output_schema"]["properties"]["text"]["x-modality"] == "text"
    assert {"name", "description", "input_modalities", "output_modalities",
            "backend"} <= caption.keys()


def test_openai_tool_definitions(registry):
    tools = {t["function"]["name"]: t for t in registry.openai_tools()}
    sleep = tools["sleep"]["function"]
    assert tools["sleep"]["type"] == "function"
    assert sleep["parameters"]["properties"]["seconds"]["type"] == "number"
    assert sleep["parameters"]["properties"]["seconds"]["default"] == 0.2


def test_unknown_names_and_duplicates(registry):
    with pytest.raises(UnknownToolError, match="did you mean 'fake_speak'"):
        registry.get("fake_speek")
    with pytest.raises(ValueError, match="already registered"):
        Registry([registry.get("sleep"), registry.get("sleep")])
    assert registry.subset(["sleep"]).names == ["sleep"]
