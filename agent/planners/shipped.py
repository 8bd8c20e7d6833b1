"""The trained files shipped in agent/planners/trained/: the router head, the LoRA adapter.

The adapter has a model card beside it (how it was trained and scored).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from modalswitch.agent.planners.retrieval import ExampleIndex

ROUTER_HEAD = "router_head.npz"
PLANNER_ADAPTER = "planner_lora_qwen2.5-coder-0.5b.gguf"
EXAMPLE_INDEX = "examples.npz"
"""Solved training cases and their embeddings: few-shot turns by similarity."""


def trained_file(name: str) -> Path:
    """The path of a shipped trained file."""
    return Path(str(resources.files("modalswitch.agent.planners").joinpath("trained", name)))


def shipped_examples() -> ExampleIndex:
    """The shipped index of solved examples over the default catalog."""
    from modalswitch.agent.planners.retrieval import ExampleIndex

    return ExampleIndex.load(trained_file(EXAMPLE_INDEX))
