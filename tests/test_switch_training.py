"""`modalswitch train` end to end on a tiny local Llama: resume, GGUF adapter, dev eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("peft")
pytest.importorskip("gguf")


def build_tiny_llama(path: Path, texts: list[str]) -> Path:
    """A 2-layer Llama and a byte-level BPE tokenizer trained here, saved as a checkpoint."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(0)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(texts, trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<|endoftext|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                        pad_token="<|endoftext|>")
    config = LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=4096, eos_token_id=0, pad_token_id=0)
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from modalswitch.evals.switch_data import main as generate

    root = tmp_path_factory.mktemp("switch-train")
    data = root / "data"
    assert generate(["--out", str(data), "--per-task", "1", "--eval-per-task", "1"]) == 0
    texts = [line for f in data.glob("*.jsonl") for line in f.read_text().splitlines()]
    return build_tiny_llama(root / "tiny-llama", texts), data


def test_train_resumes_exports_gguf_and_scores_dev(tiny_setup: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    import gguf

    from modalswitch.agent.training import main

    model_dir, data = tiny_setup
    out = tmp_path / "run"
    common = ["train", "--base", str(model_dir), "--data", str(data), "--out", str(out),
              "--grad-accum", "1", "--save-every", "1", "--max-len", "192", "--lr", "1e-3"]
    assert main([*common, "--steps", "2", "--no-eval"]) == 0
    first = json.loads((out / "train.json").read_text())
    assert first["steps"] == 2 and len(first["losses"]) == 2
    assert (out / "checkpoint" / "trainer_state.pt").exists()
    assert (out / "adapter" / "adapter_model.safetensors").exists()

    # a second run continues from the checkpoint instead of starting over
    assert main([*common, "--steps", "3", "--eval-limit", "2"]) == 0
    second = json.loads((out / "train.json").read_text())
    assert second["steps"] == 3 and second["losses"][:2] == first["losses"]
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
