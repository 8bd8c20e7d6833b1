"""LoRA instruction tuning of a planner LLM on the switching dataset (peft + transformers).

The model learns to write the plan for a request given exactly the prompt the tuned
planner uses (a compact catalog of tool signatures without descriptions, no few-shot turns)
and spelled exactly as the plan writer writes it (`canonical_plan`), so at run time the
writer never pushes it off what it learned. At run time the router narrows the tools by
the writer's choices, not by the prompt, so by default every example shows the whole
catalog (`full_catalog_share` below 1 shows some a narrowed one).
Training is resumable: the adapter, optimizer and step live in OUT/checkpoint/ and a new run
continues from there with the same examples and catalogs.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.agent.chat.transformers import HFChat, end_of_turn, render_chat
from modalswitch.agent.planners.canonical import canonical_plan
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.planners.retrieval import ExampleIndex, shipped_examples
from modalswitch.errors import UserError
from modalswitch.tools.contract.chat import Completion, Message
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.devices import cpu_has
from modalswitch.tools.runtime.weights import EMBEDDED_LLMS, assemble

DEFAULT_BASE = "embedded:qwen2.5-coder-0.5b"


@dataclass
class LoraConfig:
    """Everything a training run needs; saved beside the adapter."""

    base: str = DEFAULT_BASE
    data: str = ""  # folder with train.jsonl / dev.jsonl (default: the shipped switch data)
    out: str = "runs/lora"
    steps: int = 100
    batch_size: int = 1
    grad_accum: int = 8
    lr: float = 4e-4
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj",
                                                               "o_proj"])
    max_len: int = 1536
    full_catalog_share: float = 1.0
    """Share of examples that offer the whole registry rather than a narrowed catalog."""
    prompt: str = "compact"
    """The planner prompt learned: "compact" (tool signatures, no examples; the tuned
    planner's) or "examples" (the untuned planner's: tool descriptions and the nearest
    solved examples of the index, the case itself left out)."""
    lr_schedule: str = "constant"
    """constant, or cosine (5 warm-up steps, then down to 5 % of lr at the last step)."""
    max_grad_norm: float = 0.0
    """Clip the gradient to this norm (0: no clipping); a step with a non-finite
    gradient is skipped either way."""
    dtype: str = "auto"
    """Base weights: float32, bfloat16, or auto (bfloat16 where the CPU/GPU has it)."""
    save_every: int = 10
    eval_limit: int = 40
    seed: int = 0
    train_limit: int | None = None


class _NoLLM:
    """A stand-in chat model: LLMPlanner only needs one to build prompts."""

    name = "none"

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        raise RuntimeError("prompt-building planner cannot chat")


def torch_dtype(name: str) -> Any:
    """The base weights' dtype; "auto" is bfloat16 where matmuls have it natively."""
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
        fast = torch.backends.mkldnn.is_available() and cpu_has("avx512_bf16", "amx_bf16")
        return torch.bfloat16 if fast else torch.float32
    try:
        return {"float32": torch.float32, "bfloat16": torch.bfloat16}[name]
    except KeyError:
        raise UserError(f"dtype must be float32, bfloat16 or auto, not {name!r}") from None


def load_base(base: str, dtype: str = "float32") -> tuple[Any, Any]:
    """(model, tokenizer): a packaged GGUF (dequantized) or any Hugging Face id / folder."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if base in EMBEDDED_LLMS:
        path = assemble(EMBEDDED_LLMS[base])
        kwargs: dict[str, Any] = {"gguf_file": path.name}
        source: str | Path = path.parent
    else:
        source, kwargs = base, {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch_dtype(dtype), **kwargs)
    except OSError as exc:
        raise UserError(f"cannot load base model {base!r}: {exc}") from exc
    return model, tokenizer


def planner_prompt(registry: Registry, prompt: str = "compact",
                   examples: ExampleIndex | None = None, llm: Any = None,
                   **options: Any) -> LLMPlanner:
    """The LLMPlanner whose messages the tuned model is trained and run on ("examples"
    retrieves from `examples`, by default the shipped index); `llm` plans with it, by
    default nothing (the messages alone)."""
    llm = llm if llm is not None else _NoLLM()
    if prompt == "examples":
        return LLMPlanner(llm, registry, examples=examples or shipped_examples(), **options)
    if prompt != "compact":
        raise UserError(f"prompt must be compact or examples, not {prompt!r}")
    return LLMPlanner(llm, registry, use_examples=False, compact=True, **options)


def learning_rate(config: LoraConfig, step: int) -> float:
    """The learning rate of optimisation step `step` (0-based)."""
    if config.lr_schedule == "constant":
        return config.lr
    if config.lr_schedule != "cosine":
        raise UserError(f"lr schedule must be constant or cosine, not {config.lr_schedule!r}")
    warm = min(1.0, (step + 1) / 5)
    return config.lr * warm * max(0.05, 0.5 * (1 + math.cos(math.pi * step / config.steps)))


def offered_tools(gold: Sequence[str], registry: Registry, rng: random.Random,
                  full_share: float) -> list[str]:
    """The catalog one example offers: all tools for a share of examples, else the gold
    tools and 2-5 random others (what the router offers: ~4 tools with the right ones)."""
    names = registry.names
    if rng.random() < full_share:
        return list(names)
    others = [n for n in names if n not in gold]
    chosen = set(gold) | set(rng.sample(others, min(rng.randint(2, 5), len(others))))
    return [n for n in names if n in chosen]


def encode_case(tokenizer: Any, planner: LLMPlanner, case: Any,
                max_len: int) -> tuple[list[int], list[int]]:
    """(input_ids, labels) of one case; only the plan tokens are learned. The target is
    the plan as constrained decoding writes it ("wants" first, compact JSON)."""
    prompt = render_chat(tokenizer, planner.messages(case.request, case.inputs))
    target = canonical_plan(case.gold, planner.registry, case.inputs) + end_of_turn(tokenizer)
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    t_ids = tokenizer(target, add_special_tokens=False)["input_ids"]
    ids = (p_ids + t_ids)[-max_len:]
    labels = ([-100] * len(p_ids) + t_ids)[-max_len:]
    return ids, labels


def plan_loss(model: Any, ids: list[int], labels: list[int]) -> Any:
    """Cross-entropy on the plan tokens only; logits are computed just for the positions
    that predict them (the vocabulary projection of every prompt position is a quarter of
    a 0.5B model's work, wasted on tokens that are not learned)."""
    import torch

    first = next(i for i, label in enumerate(labels) if label != -100)
    keep = len(ids) - first + 1  # the position before the first plan token predicts it
    logits = model(input_ids=torch.tensor([ids]), logits_to_keep=keep).logits[0, :-1]
    target = torch.tensor(labels[first:])
    return torch.nn.functional.cross_entropy(logits.float(), target)


def _save_checkpoint(model: Any, optimizer: Any, step: int, out: Path,
                     config: LoraConfig, losses: list[float], train_seconds: float) -> None:
    import torch

    tmp, final = out / "checkpoint.tmp", out / "checkpoint"
    if tmp.exists():
        shutil.rmtree(tmp)
    model.save_pretrained(str(tmp))
    torch.save({"optimizer": optimizer.state_dict(), "step": step, "losses": losses,
                "train_seconds": train_seconds, "config": asdict(config)},
               tmp / "trainer_state.pt")
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)  # a crash mid-save leaves the previous checkpoint intact


def train_lora(config: LoraConfig, registry: Registry, train_cases: Sequence[Any],
               on_step: Callable[[int, float], None] | None = None,
               log: Callable[[str], None] = print,
               examples: ExampleIndex | None = None) -> dict[str, Any]:
    """Train (or resume) a LoRA adapter; returns the run summary (also OUT/train.json).
    `examples` is the index the "examples" prompt retrieves from (default: the shipped one
    over the default catalog)."""
    import torch
    from peft import LoraConfig as PeftConfig
    from peft import get_peft_model, set_peft_model_state_dict

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    start = time.perf_counter()
    model, tokenizer = load_base(config.base, config.dtype)
    log(f"loaded {config.base} in {time.perf_counter() - start:.1f}s")
    model = get_peft_model(model, PeftConfig(r=config.rank, lora_alpha=config.alpha,
                                             lora_dropout=config.dropout,
                                             target_modules=config.target_modules,
                                             task_type="CAUSAL_LM"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable,
                                  lr=config.lr, weight_decay=0.0)
    step, losses, earlier_s = 0, [], 0.0
    ckpt = out / "checkpoint"
    if (ckpt / "trainer_state.pt").exists():
        from safetensors.torch import load_file

        state = torch.load(ckpt / "trainer_state.pt", weights_only=False)
        set_peft_model_state_dict(model, load_file(str(ckpt / "adapter_model.safetensors")))
        optimizer.load_state_dict(state["optimizer"])
        step, losses = int(state["step"]), list(state["losses"])
        earlier_s = float(state.get("train_seconds", 0.0))
        log(f"resuming from step {step}")
        if on_step is not None and losses:
            on_step(step, losses[-1])
    full_prompt = planner_prompt(registry, config.prompt, examples)
    cases = list(train_cases)[:config.train_limit] if config.train_limit else list(train_cases)
    random.Random(config.seed).shuffle(cases)
    per_step = config.batch_size * config.grad_accum
    lora_dtype = trainable[0].dtype
    log(f"{len(cases)} training cases, {per_step} per step, base weights {model.dtype}, "
        f"adapter {lora_dtype}, "
        f"{100 * config.full_catalog_share:.0f}% with the full catalog")
    model.train()
    # Time spent in optimisation steps only, added up across resumes. The checkpoint and the
    # summary record this same sum: a summary that also counted saving time would claim
    # seconds a resumed run never gets back.
    train_s = earlier_s
    while step < config.steps:
        step_start = time.perf_counter()
        total = 0.0
        for i in range(per_step):
            index = step * per_step + i
            case = cases[index % len(cases)]
            if config.prompt == "examples":  # the whole catalog, as the planner shows it
                planner = full_prompt
            else:
                names = offered_tools([s.tool for s in case.gold.steps], registry,
                                      random.Random(f"{config.seed}:{index}"),
                                      config.full_catalog_share)
                planner = planner_prompt(registry.subset(names))
            ids, labels = encode_case(tokenizer, planner, case, config.max_len)
            loss = plan_loss(model, ids, labels)
            (loss / per_step).backward()
            total += float(loss.detach()) / per_step
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config, step)
        norm = torch.nn.utils.clip_grad_norm_(
            trainable, config.max_grad_norm if config.max_grad_norm > 0 else float("inf"))
        if math.isfinite(total) and bool(torch.isfinite(norm)):
            optimizer.step()
        else:  # one bad batch must not turn every weight into NaN
            log(f"step {step + 1}: non-finite loss or gradient, skipped")
        optimizer.zero_grad()
        train_s += time.perf_counter() - step_start
        step += 1
        losses.append(round(total, 4))
        if on_step is not None:
            on_step(step, total)
        if step % config.save_every == 0 or step == config.steps:
            _save_checkpoint(model, optimizer, step, out, config, losses, train_s)
    model.save_pretrained(str(out / "adapter"))
    (out / "adapter" / "modalswitch_train.json").write_text(
        json.dumps(asdict(config), indent=1), encoding="utf-8")
    summary = {"steps": step, "final_loss": losses[-1] if losses else None,
               "first_loss": losses[0] if losses else None, "train_cases": len(cases),
               "seconds": round(time.perf_counter() - start, 1),
               "train_seconds": round(train_s, 6)}
    (out / "train.json").write_text(json.dumps(summary | {"losses": losses}, indent=1),
                                    encoding="utf-8")
    model.eval()
    summary["model"], summary["tokenizer"] = model, tokenizer
    return summary


def tuned_planner(model: Any, tokenizer: Any, registry: Registry, name: str = "lora",
                  prompt: str = "compact", examples: ExampleIndex | None = None
                  ) -> LLMPlanner:
    """An LLMPlanner over a (tuned) transformers model, prompted as in training."""
    return planner_prompt(registry, prompt, examples, llm=HFChat(model, tokenizer, name),
                          max_repairs=0)
