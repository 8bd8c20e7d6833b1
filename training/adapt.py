"""Adapt the planner to any tool catalog: synthesize requests for it, then tune on them.

    modalswitch train adapt --catalog CATALOG --out DIR [--requests 300] [--steps 60]

CATALOG is `default` (the shipped tools), a TaskBench `tool_desc.json` (or its folder), or
a plan-only `tools.json` of tool specs. The run:

1. writes DIR/data/train.jsonl: requests written backwards from sampled plans by the chat
   model (training.dataset.backinstruct), only pairs whose filled plan validates;
   resumable (kept lines stay, synthesis continues up to --requests);
2. writes DIR/examples.npz, the cases as a retrieval index for few-shot turns;
3. LoRA-tunes the planner on them (training.lora) and writes DIR/adapter.gguf.

`modalswitch eval run DATASET --planner base --adapted DIR` plans with the examples among
the few-shot turns, `--planner tuned --adapted DIR` with the adapter
(agent/planners/adaptation.py).

Nothing of an eval set is used: the requests come from the catalog's tool descriptions
and types alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modalswitch.agent.chat.registry import chat_model
from modalswitch.agent.planners.adaptation import ADAPTER_FILE, EXAMPLES_FILE
from modalswitch.agent.planners.retrieval import ExampleIndex, ToolIndex
from modalswitch.errors import UserError
from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json
from modalswitch.evals.datasets.native import native_case
from modalswitch.evals.datasets.taskbench import load_catalog
from modalswitch.tools.catalog import default_registry
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.registry import Registry
from modalswitch.training.dataset.backinstruct import asks_for_every_step, synthesize
from modalswitch.training.lora import DEFAULT_BASE, LoraConfig, train_lora

SYNTH_MODEL = "embedded:qwen2.5-coder-1.5b"


@dataclass
class AdaptConfig:
    """What an adaptation run does."""

    catalog: str
    out: str
    requests: int = 300
    steps: int = 60
    """LoRA steps; 0 synthesizes and indexes only."""
    base: str = DEFAULT_BASE
    synth_model: str | ChatModel = SYNTH_MODEL
    """The chat model that writes requests: a "backend:model" name or a model."""
    seed: int = 0
    lr: float = 4e-4
    check_steps: bool = True
    """Keep only cases whose request asks for every step (backinstruct.asks_for_every_step),
    also among the cases an earlier run kept."""


def catalog_registry(catalog: str) -> Registry:
    """The registry a catalog argument names."""
    if catalog == "default":
        return default_registry()
    path = Path(catalog)
    if path.is_dir():
        names = [n for n in ("tool_desc.json", "tools.json") if (path / n).exists()]
        path = path / (names[0] if names else "tools.json")
    if not path.is_file():
        raise UserError(f"no catalog at {catalog!r}: give `default`, a TaskBench "
                        "tool_desc.json or a tools.json of tool specs")
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "nodes" in data:
        return load_catalog(path).registry
    return spec_registry(specs_from_json(data))


def synthesize_data(config: AdaptConfig, registry: Registry,
                    log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """DIR/data/train.jsonl, continued up to `requests` cases."""
    out = Path(config.out) / "data" / "train.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = ([json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
            if out.exists() else [])
    n_lines = len(rows)  # seeds new synthesis past every earlier one, kept or not
    tools = ToolIndex(registry) if config.check_steps else None
    if tools is not None:
        asked = [r for r in rows if asks_for_every_step(r, tools)]
        if len(asked) < len(rows):
            log(f"{len(rows) - len(asked)} of {len(rows)} earlier cases left out: their "
                "requests do not ask for every step")
            rows = asked
    missing = config.requests - len(rows)
    if missing > 0:
        chat = (chat_model(config.synth_model) if isinstance(config.synth_model, str)
                else config.synth_model)
        tried = [0, 0]

        def progress(n: int, kept: bool) -> None:
            tried[0], tried[1] = tried[0] + 1, tried[1] + kept
            if tried[0] % 20 == 0:
                log(f"synthesis: {tried[1]} kept of {tried[0]} tried")

        with out.open("a", encoding="utf-8") as fh:
            for case in synthesize(registry, chat, missing, seed=config.seed + n_lines,
                                   tools=tools, on_case=progress):
                fh.write(json.dumps(case, ensure_ascii=False) + "\n")
                fh.flush()  # a stopped run keeps what it made
                rows.append(case)
    log(f"{len(rows)} synthesized cases in {out}")
    return rows


def adapt(config: AdaptConfig, log: Callable[[str], None] = print,
          on_step: Callable[[int, float], None] | None = None) -> dict[str, Any]:
    """Synthesize, index and tune (`on_step` hears each LoRA step's loss); returns the run
    summary (also DIR/adapt.json)."""
    registry = catalog_registry(config.catalog)
    rows = synthesize_data(config, registry, log)
    out = Path(config.out)
    ExampleIndex.from_cases(rows).save(out / EXAMPLES_FILE)
    result: dict[str, Any] = {"catalog": config.catalog, "tools": len(registry),
                              "cases": len(rows), "examples": str(out / EXAMPLES_FILE),
                              "adapter": None, "train": None}
    if config.steps > 0:  # 0: synthesize and index only (untuned planners use the index)
        cases = [native_case(row, f"{row['id']}") for row in rows]
        lora = LoraConfig(base=config.base, out=str(out / "lora"), steps=config.steps,
                          lr=config.lr, seed=config.seed, eval_limit=0)
        summary = train_lora(lora, registry, cases, on_step=on_step, log=log)
        model = summary.pop("model")
        summary.pop("tokenizer")
        from modalswitch.training.gguf_export import export_gguf_adapter

        export_gguf_adapter(model, out / ADAPTER_FILE, base=config.base)
        result |= {"adapter": str(out / ADAPTER_FILE),
                   "train": {k: v for k, v in summary.items() if k != "losses"}}
    (out / "adapt.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result
