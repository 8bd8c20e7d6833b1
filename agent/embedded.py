"""The embedded offline default planner: Qwen2.5-Coder-1.5B-Instruct from packaged GGUF parts."""

from __future__ import annotations

import os

from ..tools.registry import Registry
from ..tools.weights import QWEN_CODER_1_5B, assemble
from .llama_cpp_llm import LlamaCppChat
from .planner import LLMPlanner


def embedded_chat() -> LlamaCppChat:
    """The packaged planner LLM ($MODALSWITCH_PLANNER_GGUF overrides the file)."""
    override = os.environ.get("MODALSWITCH_PLANNER_GGUF")
    path = override if override else assemble(QWEN_CODER_1_5B)
    return LlamaCppChat(path, name=QWEN_CODER_1_5B.name if not override else None)


def embedded_planner(registry: Registry) -> LLMPlanner:
    """The default planner over a registry."""
    return LLMPlanner(embedded_chat(), registry)
