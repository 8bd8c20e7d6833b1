"""LoRA instruction tuning of a planner LLM on the switching dataset (peft + transformers).

The model learns to write the plan for a request given exactly the prompt LLMPlanner uses
(system prompt with the tool catalog, no few-shot turns), so the tuned planner runs with
`use_examples=False`: a shorter prompt as well as better plans. Training is resumable: the
adapter, optimizer and step live in OUT/checkpoint/ and a new run continues from there.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..tools.registry import Registry
from .hf_chat import HFChat, end_of_turn, render_chat
from .llm import Completion, Message
from .planner import LLMPlanner

EMBEDDED_BASES = {"embedded:qwen2.5-coder-0.5b": "QWEN_CODER_0_5B",
                  "embedded:qwen2.5-coder-1.5b": "QWEN_CODER_1_5B"}
DEFAULT_BASE = "embedded:qwen2.5-coder-0.5b"


@dataclass
class LoraConfig:
    """Everything a training run needs; saved beside the adapter."""

    base: str = DEFAULT_BASE
    data: str = ""  # folder with train.jsonl / dev.jsonl (default: the shipped switch data)
    out: str = "runs/lora"
    steps: int = 300
    batch_size: int = 1
    grad_accum: int = 8
    lr: float = 2e-4
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj",
                                                               "o_proj"])
    max_len: int = 1536
    save_every: int = 25
    eval_limit: int = 40
    seed: int = 0
    train_limit: int | None = None


class _NoLLM:
    """A stand-in chat model: LLMPlanner only needs one to build prompts."""

    name = "none"

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        raise RuntimeError("prompt-building planner cannot chat")


def load_base(base: str) -> tuple[Any, Any]:
    """(model, tokenizer): a packaged GGUF (dequantized) or any Hugging Face id / folder."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if base in EMBEDDED_BASES:
        from ..tools import weights

        path = weights.assemble(getattr(weights, EMBEDDED_BASES[base]))
        kwargs: dict[str, Any] = {"gguf_file": path.name}
        source: str | Path = path.parent
    else:
        source, kwargs = base, {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, **kwargs)
    except OSError as exc:
        raise UserError(f"cannot load base model {base!r}: {exc}") from exc
    return model, tokenizer


def planner_prompt(registry: Registry) -> LLMPlanner:
    """The LLMPlanner whose messages the tuned model is trained and run on."""
    return LLMPlanner(_NoLLM(), registry, use_examples=False)


def encode_case(tokenizer: Any, planner: LLMPlanner, case: Any,
                max_len: int) -> tuple[list[int], list[int]]:
    """(input_ids, labels) of one case; only the plan tokens are learned."""
    prompt = render_chat(tokenizer, planner.messages(case.request, case.inputs))
    target = case.gold.to_json() + end_of_turn(tokenizer)
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    t_ids = tokenizer(target, add_special_tokens=False)["input_ids"]
    ids = (p_ids + t_ids)[-max_len:]
    labels = ([-100] * len(p_ids) + t_ids)[-max_len:]
    return ids, labels


def _save_checkpoint(model: Any, optimizer: Any, step: int, out: Path,
                     config: LoraConfig, losses: list[float]) -> None:
    import torch

    tmp, final = out / "checkpoint.tmp", out / "checkpoint"
    if tmp.exists():
        shutil.rmtree(tmp)
    model.save_pretrained(str(tmp))
    torch.save({"optimizer": optimizer.state_dict(), "step": step, "losses": losses,
                "config": asdict(config)}, tmp / "trainer_state.pt")
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)  # a crash mid-save leaves the previous checkpoint intact


def train_lora(config: LoraConfig, registry: Registry, train_cases: Sequence[Any],
               on_step: Callable[[int, float], None] | None = None,
               log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train (or resume) a LoRA adapter; returns the run summary (also OUT/train.json)."""
    import torch
    from peft import LoraConfig as PeftConfig
    from peft import get_peft_model, set_peft_model_state_dict

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    start = time.perf_counter()
    model, tokenizer = load_base(config.base)
    log(f"loaded {config.base} in {time.perf_counter() - start:.1f}s")
    model = get_peft_model(model, PeftConfig(r=config.rank, lora_alpha=config.alpha,
                                             lora_dropout=config.dropout,
                                             target_modules=config.target_modules,
                                             task_type="CAUSAL_LM"))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=config.lr, weight_decay=0.0)
    step, losses = 0, []
    ckpt = out / "checkpoint"
    if (ckpt / "trainer_state.pt").exists():
        from safetensors.torch import load_file

        state = torch.load(ckpt / "trainer_state.pt", weights_only=False)
        set_peft_model_state_dict(model, load_file(str(ckpt / "adapter_model.safetensors")))
        optimizer.load_state_dict(state["optimizer"])
        step, losses = int(state["step"]), list(state["losses"])
        log(f"resuming from step {step}")
    cases = list(train_cases)[:config.train_limit] if config.train_limit else list(train_cases)
    random.Random(config.seed).shuffle(cases)
    planner = planner_prompt(registry)
    per_step = config.batch_size * config.grad_accum
    model.train()
    while step < config.steps:
        total = 0.0
        for i in range(per_step):
            case = cases[(step * per_step + i) % len(cases)]
            ids, labels = encode_case(tokenizer, planner, case, config.max_len)
            result = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels]))
            (result.loss / per_step).backward()
            total += float(result.loss.detach()) / per_step
        optimizer.step()
        optimizer.zero_grad()
        step += 1
        losses.append(round(total, 4))
        if on_step is not None:
            on_step(step, total)
        if step % config.save_every == 0 or step == config.steps:
            _save_checkpoint(model, optimizer, step, out, config, losses)
    model.save_pretrained(str(out / "adapter"))
    (out / "adapter" / "modalswitch_train.json").write_text(
        json.dumps(asdict(config), indent=1), encoding="utf-8")
    summary = {"steps": step, "final_loss": losses[-1] if losses else None,
               "first_loss": losses[0] if losses else None, "train_cases": len(cases),
               "seconds": round(time.perf_counter() - start, 1)}
    (out / "train.json").write_text(json.dumps(summary | {"losses": losses}, indent=1),
                                    encoding="utf-8")
    model.eval()
    summary["model"], summary["tokenizer"] = model, tokenizer
    return summary


def tuned_planner(model: Any, tokenizer: Any, registry: Registry, name: str = "lora") -> LLMPlanner:
    """An LLMPlanner over a (tuned) transformers model, prompted as in training."""
    return LLMPlanner(HFChat(model, tokenizer, name), registry, use_examples=False,
                      max_repairs=0)
