"""Test doubles shipped with the library, so users' tests never need a real LLM.

`ScriptedChat` replies from a list (or a function) and records what it was asked;
`ScriptedPlanner` skips the LLM and hands out fixed plans.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .llm import Completion, Message
from .plan import Plan
from .validate import InputSpec


class ScriptedChat:
    """A chat model that replies with scripted outputs, in order, and records each call."""

    name = "scripted"

    def __init__(self, replies: Iterable[str | dict[str, Any]] | Callable[[list[Message]], str]):
        self._fn = replies if callable(replies) else None
        self._replies = [] if callable(replies) else [
            r if isinstance(r, str) else json.dumps(r) for r in replies]
        self.calls: list[dict[str, Any]] = []

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """Return the next scripted reply."""
        self.calls.append({"messages": messages, "json_schema": json_schema})
        if self._fn is not None:
            text = self._fn(messages)
        elif self._replies:
            text = self._replies.pop(0)
        else:
            raise RuntimeError("ScriptedChat ran out of scripted replies")
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        return Completion(text, prompt_tokens, len(text.split()), 0.0)


class ScriptedPlanner:
    """A planner that returns fixed plans (and a fixed answer for text-only plans)."""

    name = "scripted-planner"

    def __init__(self, plans: Sequence[Plan | dict[str, Any] | str], answer: str = "ok") -> None:
        self._plans = [p if isinstance(p, Plan) else Plan.parse(p) for p in plans]
        self._answer = answer
        self.requests: list[str] = []

    def plan(self, request: str, inputs: Sequence[InputSpec], tracer: Any = None) -> Plan:
        """The next scripted plan (the last one repeats)."""
        self.requests.append(request)
        return self._plans.pop(0) if len(self._plans) > 1 else self._plans[0]

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """The scripted text answer."""
        return self._answer
