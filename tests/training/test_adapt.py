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
    # the scripted writer never asks for a step in words: the step check is tested apart
    config = AdaptConfig(catalog=str(catalog), out=str(out), requests=12, steps=2,
                         base=str(base), synth_model=ScriptedChat(_writer), check_steps=False)
    heard: list[int] = []
    result = adapt(config, log=lambda m: None, on_step=lambda step, loss: heard.append(step))
    assert heard == [1, 2]  # the command shows each step's loss as it trains
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


def test_adapt_with_no_steps_synthesizes_and_indexes_only(tmp_path: Path) -> None:
    from modalswitch.agent.planners.adaptation import Adaptation
    from modalswitch.errors import UserError
    from modalswitch.training.adapt import AdaptConfig, adapt

    catalog = tmp_path / "tools.json"
    catalog.write_text(json.dumps(CATALOG))
    out = tmp_path / "run"
    result = adapt(AdaptConfig(catalog=str(catalog), out=str(out), requests=5, steps=0,
                               synth_model=ScriptedChat(_writer), check_steps=False),
                   log=lambda m: None)
    assert result["cases"] == 5 and result["adapter"] is None and result["train"] is None
    adaptation = Adaptation.load(out)
    assert len(adaptation.examples.examples) == 5
    assert not (out / "lora").exists()
    with pytest.raises(UserError, match=r"no adapter\.gguf"):
        _ = adaptation.adapter


def test_cases_an_earlier_run_kept_are_checked_again(tmp_path: Path) -> None:
    from modalswitch.training.adapt import AdaptConfig, adapt

    def row(request: str, tool: str) -> dict[str, object]:
        return {"id": tool, "request": request, "inputs": [],
                "plan": {"steps": [{"id": "s1", "tool": tool, "args": {"text": "a fox"}}],
                         "outputs": ["@s1"]}}

    data = tmp_path / "run" / "data"
    data.mkdir(parents=True)
    rows = [row("Please draw a picture of a fox", "generate_image"),
            row("Translate 'a fox' into French", "text_to_speech")]  # asks for no speech
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    never = ScriptedChat(lambda m: pytest.fail("nothing left to synthesize"))
    logged: list[str] = []
    result = adapt(AdaptConfig(catalog="default", out=str(tmp_path / "run"), requests=1,
                               steps=0, synth_model=never), log=logged.append)
    assert result["cases"] == 1
    assert any("1 of 2 earlier cases left out" in m for m in logged)
