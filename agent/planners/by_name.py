"""Pick the planner, and the writer, by name: one spec works everywhere (CLI, config, Agent).

    planner("tuned-routed", registry)       # an embedded configuration (presets.CONFIGS)
    planner("openai:gpt-4o-mini", registry) # any chat backend: OpenAI-compatible, Ollama, ...
    planner(ChatOpenAI(...), registry)      # a LangChain BaseChatModel object
    planner(my_chat_model, registry)        # any ChatModel (ScriptedChat, ...)

Every LLM goes through the same LLMPlanner: the registry's plan schema (as the endpoint's
structured output), then the same validation and repair. The writer (text answers and
text tools) is chosen the same way (`writer=`, $MODALSWITCH_WRITER).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from modalswitch import settings
from modalswitch.agent.chat.langchain import LangChainChat
from modalswitch.agent.chat.registry import chat_model
from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import UserError
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.registry import Registry

PlannerSpec = str | Planner | ChatModel | Any
"""An embedded configuration name, "backend:model", a Planner, a ChatModel or a LangChain
chat model."""
WriterSpec = str | ChatModel | Any


def is_planner(value: Any) -> bool:
    """True for a ready planner (it plans and answers)."""
    return callable(getattr(value, "plan", None)) and callable(getattr(value, "answer", None))


def as_chat_model(spec: str | ChatModel | Any) -> ChatModel:
    """A ChatModel from "backend:model", a ChatModel, or a LangChain chat model."""
    if isinstance(spec, str):
        return chat_model(spec)
    if callable(getattr(spec, "chat", None)) and isinstance(getattr(spec, "name", None), str):
        return spec
    if callable(getattr(spec, "invoke", None)):
        return LangChainChat(spec)
    raise UserError(f"cannot use {type(spec).__name__} as a chat model: pass 'backend:model', "
                    "a ChatModel or a LangChain chat model")


def planner(spec: PlannerSpec | None, registry: Registry,
            writer: WriterSpec | None = None) -> Planner:
    """The planner a spec names (None: $MODALSWITCH_PLANNER, else the embedded default),
    with its writer replaced when `writer` (or $MODALSWITCH_WRITER) names one."""
    if spec is None:
        spec = settings.setting("MODALSWITCH_PLANNER")
    writer = writer if writer is not None else settings.setting("MODALSWITCH_WRITER")
    chosen_writer = as_chat_model(writer) if writer is not None else None
    if is_planner(spec):
        made = cast(Planner, spec)
    elif spec is None or (isinstance(spec, str) and ":" not in spec):
        from modalswitch.agent.planners.presets import embedded_planner

        made = embedded_planner(registry, spec)
    else:
        return LLMPlanner(as_chat_model(spec), registry, writer=chosen_writer)
    return made if chosen_writer is None else WithWriter(made, chosen_writer, registry)


class WithWriter:
    """A planner whose text answers and text tools use another chat model."""

    def __init__(self, inner: Planner, writer: ChatModel, registry: Registry) -> None:
        self.inner = inner
        self.writer = writer
        self.name = inner.name
        self._answerer = LLMPlanner(writer, registry)

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """The inner planner's plan."""
        return self.inner.plan(request, inputs, tracer)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A text answer from the writer."""
        return self._answerer.answer(request, inputs)


def spec_label(spec: PlannerSpec | None) -> str:
    """How a planner spec is named in a trace before the planner is made."""
    if spec is None:
        return settings.setting("MODALSWITCH_PLANNER") or "embedded"
    if isinstance(spec, str):
        return spec
    return str(getattr(spec, "name", None) or type(spec).__name__)
