"""The Planner interface: what the Agent asks of any planner (LLM, routed, scripted, remote)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.tools.contract.chat import ChatModel


class Planner(Protocol):
    """Anything that plans requests and answers text-only ones."""

    name: str

    @property
    def writer(self) -> ChatModel | None:
        """The model that writes text answers and text tools' output (None: no such model)."""
        ...

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """A valid plan for the request, or PlannerError."""
        ...

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A direct text answer, for requests that need no tool."""
        ...
