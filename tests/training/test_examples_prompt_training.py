"""Tuning on the untuned planner's prompt (nearest examples and all), the adapter recording
that prompt, a peft folder trained elsewhere exported, and the planner running it so."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from tiny_models import build_tiny_llama

pytest.importorskip("peft")
pytest.importorskip("gguf")


def _cases() -> list[dict[str, Any]]:
    step = {"id": "s1", "tool": "generate_image", "args": {"prompt": "a red kite"}}
    speech = {"id": "s1", "tool": "text_to_speech", "args": {"text": "good morning"}}
    return [
        {"id": "a", "request": "draw a red kite", "inputs": [],
         "plan": {"steps": [step], "outputs": ["@s1.image"]}},
        {"id": "b", "request": "paint me a red kite over the sea", "inputs": [],
         "plan": {"steps": [step], "outputs": ["@s1.image"]}},
        {"id": "c", "request": "say good morning out loud", "inputs": [],
         "plan": {"steps": [speech], "outputs": ["@s1.audio"]}},
        {"id": "d", "request": "what is the capital of peru?", "inputs": [],
         "plan": {"steps": [], "outputs": []}},
    ]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("examples-prompt")
    data = root / "data"
    data.mkdir()
    rows = "".join(json.dumps(c) + "\n" for c in _cases())
    (data / "train.jsonl").write_text(rows)
    (data / "dev.jsonl").write_text(rows)
    model = build_tiny_llama(root / "tiny-llama", [c["request"] for c in _cases()] * 20)
    return model, data


def test_examples_prompt_shows_the_nearest_other_cases_and_learns_the_plan(
        tiny: tuple[Path, Path]) -> None:
    from transformers import AutoTokenizer

    from modalswitch.agent.planners.retrieval import ExampleIndex
    from modalswitch.evals.datasets.native import load_native
    from modalswitch.tools import default_registry
    from modalswitch.training.lora import encode_case, planner_prompt

    model_dir, data = tiny
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    index = ExampleIndex.from_cases(_cases())
    planner = planner_prompt(default_registry(), "examples", index)
    case = load_native(data / "train.jsonl").cases[0]
    ids, labels = encode_case(tokenizer, planner, case, 100_000)
    prompt = tokenizer.decode([i for i, lab in zip(ids, labels, strict=True) if lab == -100])
    learned = tokenizer.decode([i for i, lab in zip(ids, labels, strict=True) if lab != -100])
    assert "paint me a red kite over the sea" in prompt  # the nearest other case is shown
    assert prompt.count("draw a red kite") == 1  # the case itself only as the request
    assert learned.startswith('{"wants":"image","steps":[{"id":"s1","tool":"generate_image"')
    with pytest.raises(Exception, match="compact or examples"):
        planner_prompt(default_registry(), "fewshot")


def test_cosine_schedule_warms_up_then_decays_to_a_floor() -> None:
    from modalswitch import UserError
    from modalswitch.training.lora import LoraConfig, learning_rate

    cosine = LoraConfig(lr=1e-3, steps=100, lr_schedule="cosine")
    rates = [learning_rate(cosine, s) for s in range(100)]
    assert rates[0] == pytest.approx(2e-4)  # first of 5 warm-up steps
    assert max(rates) == pytest.approx(rates[4]) and rates[4] > 9.9e-4
    assert all(a >= b for a, b in itertools.pairwise(rates[4:]))
    assert rates[-1] == pytest.approx(5e-5)  # never below 5 % of lr
    assert learning_rate(LoraConfig(lr=1e-3), 57) == 1e-3
    with pytest.raises(UserError, match="constant or cosine"):
        learning_rate(LoraConfig(lr_schedule="linear"), 0)


def test_adapter_records_its_prompt_and_the_tuned_planner_uses_it(
        tiny: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gguf

    from modalswitch.agent.chat.lora_adapter import adapter_base, adapter_prompt
    from modalswitch.agent.planners.llm import LLMPlanner
    from modalswitch.agent.planners.presets import embedded_planner, shipped_adapter
    from modalswitch.cli import main
    from modalswitch.tools import default_registry

    model_dir, data = tiny
    out = tmp_path / "run"
    assert main(["train", "lora", "--base", str(model_dir), "--data", str(data),
                 "--out", str(out), "--steps", "2", "--grad-accum", "2", "--max-len", "4096",
                 "--prompt", "examples", "--lr-schedule", "cosine", "--max-grad-norm", "1",
                 "--train-extra", "--held-out", "--no-eval"]) == 0
    summary = json.loads((out / "train.json").read_text())
    assert summary["steps"] == 2 and all(loss > 0 for loss in summary["losses"])
    assert adapter_prompt(out / "adapter.gguf") == "examples"
    assert adapter_base(out / "adapter.gguf") == str(model_dir)
    # adapters written before the prompt was recorded were all tuned on the compact one
    assert adapter_prompt(shipped_adapter(small=True)) == "compact"
    assert adapter_prompt(shipped_adapter()) == "examples"

    # the same peft folder exported by `train export` (as after training on a GPU machine)
    again = tmp_path / "exported.gguf"
    assert main(["train", "export", str(out / "adapter"), "--base", str(model_dir),
                 "--prompt", "examples", "--out", str(again)]) == 0
    first, second = gguf.GGUFReader(str(out / "adapter.gguf")), gguf.GGUFReader(str(again))
    assert {t.name: t.data.tobytes() for t in first.tensors} == \
        {t.name: t.data.tobytes() for t in second.tensors}
    assert adapter_prompt(again) == "examples"
    assert main(["train", "export", str(tmp_path), "--base", str(model_dir),
                 "--out", str(tmp_path / "x.gguf")]) == 2  # not a peft folder: a clear error

    # `tuned` runs each adapter on the prompt it learned (models load on first use only)
    plain = tmp_path / "compact.gguf"
    assert main(["train", "export", str(out / "adapter"), "--base", str(model_dir),
                 "--out", str(plain)]) == 0
    monkeypatch.setenv("MODALSWITCH_PLANNER_GGUF", str(tmp_path / "base.gguf"))
    registry = default_registry()
    with_examples = embedded_planner(registry, "tuned", adapter=again)
    compact = embedded_planner(registry, "tuned", adapter=plain)
    assert isinstance(with_examples, LLMPlanner) and isinstance(compact, LLMPlanner)
    assert with_examples.use_examples and with_examples.example_index is not None
    assert with_examples.llm is not with_examples.writer  # the adapter plans, prose stays
    assert not compact.use_examples and compact.compact
