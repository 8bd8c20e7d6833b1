"""`modalswitch train adapt` end to end on a tiny catalog and a tiny local Llama."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_data_pipeline import _writer
from tiny_models import build_tiny_llama

from modalswitch import ScriptedChat

pytest.importorskip("peft")
pytest.importorskip("gguf")

CATALOG = [
    {"name": "image_captioner", "description": "Write a caption for an image.",
     "inputs": {"image": "image"}, "outputs": {"text": "text"}},
    {"name": "text_to_image", "description": "Draw a picture from a description.",
     "inputs": {"text": "text"}, "outputs": {"image": "image"}},
    {"name": "speaker", "description": "Read text aloud.",
     "inputs": {"text": "text"}, "outputs": {"audio": "audio"}},
]


def test_adapt_synthesizes_indexes_and_tunes(tmp_path: Path) -> None:
    import gguf

    from modalswitch.agent.chat.lora_adapter import adapter_base
    from modalswitch.agent.planners.retrieval import ExampleIndex
    from modalswitch.training.adapt import AdaptConfig, adapt, catalog_registry

    catalog = tmp_path / "tools.json"
    catalog.write_text(json.dumps(CATALOG))
    registry = catalog_registry(str(catalog))
    assert registry.names == ["image_captioner", "text_to_image", "speaker"]
    texts = [json.dumps(CATALOG), "please work on example.jpg and the tale of a red fox"]
    base = build_tiny_llama(tmp_path / "tiny", texts)
    out = tmp_path / "run"
    config = AdaptConfig(catalog=str(catalog), out=str(out), requests=12, steps=2,
                         base=str(base), synth_model=ScriptedChat(_writer))
    result = adapt(config, log=lambda m: None)
    rows = (out / "data" / "train.jsonl").read_text().splitlines()
    assert result["cases"] == len(rows) == 12
    assert {s["tool"] for r in rows for s in json.loads(r)["plan"]["steps"]} <= set(
        registry.names)
    index = ExampleIndex.load(out / "examples.npz")
    assert len(index.examples) == 12
    reader = gguf.GGUFReader(str(out / "adapter.gguf"))
    assert any(t.name.endswith(".lora_a") for t in reader.tensors)
    assert adapter_base(out / "adapter.gguf") == str(base)
    # a second run keeps the synthesized cases and trains on from the checkpoint
    again = adapt(AdaptConfig(**{**config.__dict__, "steps": 3}), log=lambda m: None)
    assert again["cases"] == 12 and again["train"]["steps"] == 3
