"""A planner that hands out fixed plans: a test double shipped for users' tests.

Its `writer` (a ScriptedChat, say) is what tools that write are given; None by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.tools.contract.chat import ChatModel


class ScriptedPlanner:
    """A planner that returns fixed plans (and a fixed answer for text-only plans)."""

    name = "scripted-planner"

    def __init__(self, plans: Sequence[Plan | dict[str, Any] | str], answer: str = "ok",
                 writer: ChatModel | None = None) -> None:
        self._plans = [p if isinstance(p, Plan) else Plan.parse(p) for p in plans]
        self._answer = answer
        self.writer = writer
        self.requests: list[str] = []
        self.narrowing: list[tuple[list[str] | None, bool | None]] = []
        """(tools, require_steps) each plan call was given."""

    def plan(self, request: str, inputs: Sequence[InputSpec], tracer: Any = None, *,
             tools: Sequence[str] | None = None, require_steps: bool | None = None) -> Plan:
        """The next scripted plan (the last one repeats); `tools` and `require_steps` are
        recorded, not enforced."""
        self.narrowing.append((None if tools is None else list(tools), require_steps))
        self.requests.append(request)
        return self._plans.pop(0) if len(self._plans) > 1 else self._plans[0]

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """The scripted text answer."""
        return self._answer
