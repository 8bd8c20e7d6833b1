"""`modalswitch train` end to end on a tiny local Llama: resume, GGUF adapter, dev eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_models import build_tiny_llama

pytest.importorskip("peft")
pytest.importorskip("gguf")


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from modalswitch.cli import main

    root = tmp_path_factory.mktemp("switch-train")
    data = root / "data"
    assert main(["train", "data", "--out", str(data), "--per-task", "1",
                 "--eval-per-task", "1"]) == 0
    texts = [line for f in data.glob("*.jsonl") for line in f.read_text().splitlines()]
    return build_tiny_llama(root / "tiny-llama", texts), data


def test_train_resumes_exports_gguf_and_scores_dev(tiny_setup: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    import gguf

    from modalswitch.cli import main

    model_dir, data = tiny_setup
    out = tmp_path / "run"
    train = [json.loads(line) for line in (data / "train.jsonl").read_text().splitlines()]
    held = tmp_path / "held.jsonl"  # an evaluation set sharing one request with train
    held.write_text(json.dumps({"request": train[0]["request"]}) + "\n")
    common = ["train", "lora", "--base", str(model_dir), "--data", str(data), "--out", str(out),
              "--grad-accum", "1", "--save-every", "1", "--max-len", "192", "--lr", "1e-3",
              "--train-extra", "--held-out", str(held)]
    assert main([*common, "--steps", "2", "--no-eval"]) == 0
    first = json.loads((out / "train.json").read_text())
    assert first["steps"] == 2 and len(first["losses"]) == 2
    assert 0 < first["train_cases"] < len(train)  # nothing is learned from the held-out one
    assert (out / "checkpoint" / "trainer_state.pt").exists()
    import torch

    # the summary and the checkpoint count the same seconds (steps only), so a resumed run,
    # which starts from the checkpoint's count, can only add to the summary's
    state = torch.load(out / "checkpoint" / "trainer_state.pt", weights_only=False)
    assert round(state["train_seconds"], 6) == first["train_seconds"] > 0
    assert (out / "adapter" / "adapter_model.safetensors").exists()

    # a second run continues from the checkpoint instead of starting over
    assert main([*common, "--steps", "3", "--eval-limit", "2", "--generated-limit", "2"]) == 0
    second = json.loads((out / "train.json").read_text())
    assert second["steps"] == 3 and second["losses"][:2] == first["losses"]
    assert 0 < second["train_cases"] <= 2  # two generated cases drawn, no hand-written ones
    assert second["train_seconds"] > first["train_seconds"] > 0  # time adds up over resumes
    metrics = json.loads((out / "dev-eval" / "metrics.json").read_text())
    assert metrics["n"] == 2 and 0.0 <= metrics["validity"] <= 1.0

    reader = gguf.GGUFReader(str(out / "adapter.gguf"))
    names = {t.name for t in reader.tensors}
    assert "blk.0.attn_q.weight.lora_a" in names and "blk.1.attn_v.weight.lora_b" in names
    assert len(names) == 2 * 2 * 4  # 2 layers x q,k,v,o x (a, b)
    kinds = {f.name for f in reader.fields.values()}
    assert {"general.type", "adapter.type", "adapter.lora.alpha"} <= kinds
    shapes = {t.name: [int(d) for d in t.shape] for t in reader.tensors}
    # GGUF lists dims fastest-first: lora_a is (rank x 64), k's lora_b is (32 x rank)
    assert shapes["blk.0.attn_q.weight.lora_a"] == [64, 8]
    assert shapes["blk.0.attn_k.weight.lora_b"] == [8, 32]

    # the adapter names its base, so a planner can find the model to apply it to
    from modalswitch import UserError
    from modalswitch.agent.chat.lora_adapter import adapter_base
    from modalswitch.agent.planners.presets import tuned_chat

    assert adapter_base(out / "adapter.gguf") == str(model_dir)
    with pytest.raises(UserError, match="not packaged"):
        tuned_chat(out / "adapter.gguf")


def test_examples_offer_narrowed_catalogs_with_the_gold_tools() -> None:
    import random

    from modalswitch.tools import default_registry
    from modalswitch.training.lora import offered_tools

    registry = default_registry()
    gold = ["read_text", "text_to_speech"]
    sizes = set()
    for seed in range(30):
        names = offered_tools(gold, registry, random.Random(seed), full_share=0.0)
        assert set(gold) <= set(names) and 4 <= len(names) <= 7
        assert names == [n for n in registry.names if n in names]  # registry order
        sizes.add(len(names))
    assert len(sizes) > 1
    assert offered_tools(gold, registry, random.Random(0), full_share=1.0) == registry.names
    shares = [len(offered_tools([], registry, random.Random(s), 0.2)) == len(registry)
              for s in range(400)]
    assert 0.12 < sum(shares) / len(shares) < 0.28


def test_training_target_is_the_plan_as_decoding_writes_it(tiny_setup: tuple[Path, Path]) -> None:
    from transformers import AutoTokenizer

    from modalswitch.evals.datasets.native import load_native
    from modalswitch.tools import default_registry
    from modalswitch.training.lora import encode_case, planner_prompt

    model_dir, data = tiny_setup
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    cases = load_native(data / "train.jsonl").cases
    case = next(c for c in cases if [s.tool for s in c.gold.steps] == ["text_to_speech"])
    ids, labels = encode_case(tokenizer, planner_prompt(default_registry()), case, 4096)
    learned = tokenizer.decode([i for i, lab in zip(ids, labels, strict=True) if lab != -100])
    assert learned.startswith('{"wants":"audio","steps":[{"id":"s1","tool":"text_to_speech"')
    assert learned.endswith("<|im_end|>")
    assert tokenizer.decode(ids).count("text_to_speech(") == 1  # the catalog is in the prompt


def test_missing_adapter_and_bad_dtype_are_clear_errors(tmp_path: Path) -> None:
    from modalswitch import MissingModelError, UserError
    from modalswitch.agent.planners.presets import tuned_chat
    from modalswitch.training.lora import torch_dtype

    with pytest.raises(MissingModelError, match="adapter"):
        tuned_chat(tmp_path / "nope.gguf")
    with pytest.raises(UserError, match="float32, bfloat16 or auto"):
        torch_dtype("float8")


def test_the_plan_loss_is_the_models_own_loss_on_fewer_logits(tiny_setup: tuple[Path, Path]
                                                             ) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    from modalswitch.training.lora import plan_loss

    model_dir, _ = tiny_setup
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    ids = list(range(5, 45))
    labels = [-100] * 30 + ids[30:]
    full = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels])).loss
    assert torch.allclose(plan_loss(model, ids, labels), full, atol=1e-5)
