"""The trained files shipped in agent/planners/trained/: the router head, the LoRA adapters,
the example index.

Each adapter has a model card beside it (how it was trained and scored).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ROUTER_HEAD = "router_head.npz"
PLANNER_ADAPTER = "planner_lora_qwen2.5-coder-1.5b.gguf"
"""The planning adapter of the `tuned` configurations: the 1.5B tuned on its untuned prompt."""
SMALL_ADAPTER = "planner_lora_qwen2.5-coder-0.5b.gguf"
"""The 0.5B tuned on the compact prompt: about 3x faster plans, weaker on natural requests
(MODALSWITCH_PLANNER_ADAPTER selects it)."""
EXAMPLE_INDEX = "examples.npz"
"""Solved training cases and their embeddings: few-shot turns by similarity."""


def trained_file(name: str) -> Path:
    """The path of a shipped trained file."""
    return Path(str(resources.files("modalswitch.agent.planners").joinpath("trained", name)))
