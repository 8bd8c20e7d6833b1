"""The embedded offline planners: packaged Qwen2.5-Coder GGUFs, the router, the tuned adapter.

Four configurations, measured against each other in docs/switching.md:

- `base`: Qwen2.5-Coder-1.5B-Instruct with the full tool catalog and the nearest solved
  examples as few-shot turns.
- `routed`: the switching router in front of `base` (only a sure text-only verdict skips
  the planner; the others are planned over the likely tools).
- `tuned`: the planning adapter on the model it was trained on, prompted as it was trained:
  the shipped one is the 1.5B tuned on `base`'s prompt (examples and all); the small 0.5B
  adapter (shipped too, MODALSWITCH_PLANNER_ADAPTER) learned a compact prompt without them.
- `tuned-routed` (the default): the router in front of `tuned`.

Answers in words and the text tools' writing always come from the 1.5B model without an
adapter (the planner's `writer`), so tuning for plans cannot cost prose quality.
The MODALSWITCH_PLANNER setting picks a configuration, MODALSWITCH_PLANNER_GGUF replaces
the 1.5B file and MODALSWITCH_PLANNER_ADAPTER the shipped adapter (modalswitch.settings).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from modalswitch.agent.chat.llama_cpp import LlamaCppChat
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.planners.retrieval import ExampleIndex, shipped_examples
from modalswitch.agent.planners.router import Router
from modalswitch.agent.planners.shipped import PLANNER_ADAPTER, SMALL_ADAPTER, trained_file
from modalswitch.errors import MissingModelError, UserError
from modalswitch.settings import setting
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.weights import EMBEDDED_LLMS, QWEN_CODER_1_5B, assemble

CONFIGS = ("base", "routed", "tuned", "tuned-routed")
DEFAULT_CONFIG = "tuned-routed"
"""The best configuration measured on requests as people write them (the natural sets of
docs/switching.md); `modalswitch plan/run`, `eval` and `Agent()` use it."""


def embedded_chat() -> LlamaCppChat:
    """The packaged general LLM ($MODALSWITCH_PLANNER_GGUF overrides the file)."""
    override = setting("MODALSWITCH_PLANNER_GGUF")
    path = override if override else assemble(QWEN_CODER_1_5B)
    return LlamaCppChat.shared(path, name=QWEN_CODER_1_5B.name if not override else None)


def shipped_adapter(small: bool = False) -> Path:
    """The planning LoRA adapter shipped with modalswitch, or its small 0.5B one (see
    their model cards)."""
    return trained_file(SMALL_ADAPTER if small else PLANNER_ADAPTER)


def tuned_chat(adapter: str | os.PathLike[str]) -> LlamaCppChat:
    """The packaged LLM a GGUF LoRA adapter was trained on, with the adapter applied.

    `modalswitch train` records the base in the adapter; for a base that is not packaged,
    $MODALSWITCH_PLANNER_GGUF names a GGUF file of it.
    """
    from modalswitch.agent.chat.lora_adapter import adapter_base

    path = Path(adapter)
    if not path.is_file():
        raise MissingModelError("planner", str(path), "Pass a GGUF LoRA adapter written by "
                                "`modalswitch train` (OUT/adapter.gguf).")
    base = adapter_base(path)
    override = setting("MODALSWITCH_PLANNER_GGUF")
    if base in EMBEDDED_LLMS:
        model = assemble(EMBEDDED_LLMS[base])
    elif override:
        model = Path(override)
    else:
        raise UserError(f"adapter {path} was trained on {base or 'an unrecorded base'}, "
                        "which is not packaged: set MODALSWITCH_PLANNER_GGUF to a GGUF of it")
    return LlamaCppChat.shared(model, lora_path=str(path), name=f"{model.stem}+{path.stem}")


def embedded_planner(registry: Registry, config: str | None = None,
                     adapter: str | os.PathLike[str] | None = None, *,
                     examples: list[dict[str, Any]] | None = None,
                     index: ExampleIndex | None = None) -> Planner:
    """An embedded planner over a registry: `config` (default the MODALSWITCH_PLANNER
    setting, else DEFAULT_CONFIG) is one of CONFIGS; `adapter` replaces the shipped one for
    tuned ones. Untuned ones take their few-shot turns from `index` (the nearest solved
    examples; over the default catalog, the shipped index), else the fixed `examples`.
    Given `examples`, plans do not end without a tool the request names where those
    examples show that such mentions can be trusted (tool_mentions.py).
    The router only knows the default catalog's tools: over another registry a routed
    configuration plans without it."""
    from modalswitch.agent.chat.lora_adapter import adapter_prompt
    from modalswitch.agent.planners.output_cues import OutputCues
    from modalswitch.agent.planners.retrieval import ToolIndex
    from modalswitch.agent.planners.routed import RoutedPlanner
    from modalswitch.agent.planners.tool_mentions import ToolMentions

    name = config or setting("MODALSWITCH_PLANNER") or DEFAULT_CONFIG
    if name not in CONFIGS:
        raise UserError(f"unknown embedded planner {name!r}: choose from {', '.join(CONFIGS)}")
    if adapter is not None and not name.startswith("tuned"):
        raise UserError(f"an adapter plans only in tuned configurations; {name!r} plans with "
                        "the plain model (choose tuned or tuned-routed)")
    writer = embedded_chat()  # loaded on first use only: plans alone never touch it
    cues = OutputCues()
    router_knows = set(Router.default_tools()) >= set(registry.names)
    mentions = ToolMentions.calibrated(ToolIndex(registry), examples) if examples else None
    path = adapter or setting("MODALSWITCH_PLANNER_ADAPTER") or shipped_adapter()
    if name.startswith("tuned") and adapter_prompt(Path(path)) == "compact":
        planner = LLMPlanner(tuned_chat(path), registry, use_examples=False, compact=True,
                             writer=writer, cues=cues, mentions=mentions)
    else:  # the untuned model, or an adapter tuned on the same prompt: nearest examples
        if index is None and examples is None and router_knows:
            index = shipped_examples()
        planning = tuned_chat(path) if name.startswith("tuned") else writer
        planner = LLMPlanner(planning, registry, example_cases=examples, examples=index,
                             cues=cues, writer=writer, mentions=mentions)
    routed = name.endswith("routed") and router_knows
    return RoutedPlanner(planner, registry) if routed else planner
