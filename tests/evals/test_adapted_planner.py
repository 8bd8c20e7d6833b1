"""`eval run --adapted DIR`: an adaptation folder's examples join the few-shot index of the
untuned planners, its adapter goes to the tuned ones, and a half-finished folder says what
is missing."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from modalswitch.agent.planners.adaptation import Adaptation
from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.errors import UserError
from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.runner.planners import make_planner

SOLVED = [
    {"request": "What is written on this poster?", "inputs": [["poster.png", "image"]],
     "plan": {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}}],
              "outputs": ["@s1.text"]}},
    {"request": "Say hello to my grandmother out loud", "inputs": [],
     "plan": {"steps": [{"id": "s1", "tool": "text_to_speech",
                         "args": {"text": "hello to my grandmother"}}],
              "outputs": ["@s1.audio"]}},
]


@pytest.fixture
def dataset(tmp_path: Path) -> Any:
    rows = [{"id": "c1", "request": "read the sign", "inputs": [["sign.png", "image"]],
             "plan": SOLVED[0]["plan"]}]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return load_dataset(path)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What embedded_planner was asked to build (no model is loaded)."""
    seen: dict[str, Any] = {}

    def fake(registry: Any, config: str | None = None, adapter: Any = None, *,
             examples: Any = None, index: ExampleIndex | None = None) -> Any:
        seen.update(config=config, adapter=adapter, index=index)
        return SimpleNamespace(name="fake", writer=None)

    monkeypatch.setattr("modalswitch.agent.planners.presets.embedded_planner", fake)
    return seen


def adaptation_folder(path: Path, adapter: bool) -> Path:
    ExampleIndex.from_cases(SOLVED).save(path / "examples.npz")
    if adapter:
        (path / "adapter.gguf").write_bytes(b"GGUF")
    return path


def test_untuned_planners_take_the_examples_and_tuned_ones_the_adapter(
        tmp_path: Path, dataset: Any, built: dict[str, Any]) -> None:
    folder = adaptation_folder(tmp_path / "adapt-run", adapter=True)
    planner = make_planner("base", dataset, adapted=folder)
    assert planner.name == "base+adapt-run"  # never mistaken for (or resumed as) plain base
    assert [e.request for e in built["index"].examples] == [c["request"] for c in SOLVED]
    assert built["adapter"] is None
    make_planner("tuned", dataset, adapted=folder)
    assert built["adapter"] == str(folder / "adapter.gguf")
    assert built["index"] is None  # the synthesized examples would displace better shots


def test_a_folder_without_an_adapter_serves_untuned_planners_only(
        tmp_path: Path, dataset: Any, built: dict[str, Any]) -> None:
    folder = adaptation_folder(tmp_path, adapter=False)
    make_planner("routed", dataset, adapted=folder)
    assert len(built["index"].examples) == 2
    with pytest.raises(UserError, match=r"no adapter\.gguf.*train adapt"):
        make_planner("tuned-routed", dataset, adapted=folder)


def test_a_folder_that_is_not_an_adaptation_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not an adaptation folder"):
        Adaptation.load(tmp_path)


def test_joined_indexes_keep_every_example_and_its_vector() -> None:
    first, second = ExampleIndex.from_cases(SOLVED[:1]), ExampleIndex.from_cases(SOLVED[1:])
    joined = ExampleIndex.joined(first, second)
    assert [e.request for e in joined.examples] == [c["request"] for c in SOLVED]
    assert (joined.vectors[1] == second.vectors[0]).all()
    nearest = joined.nearest("please say good morning aloud", [], k=1)
    assert nearest[0].request == SOLVED[1]["request"]
