"""A chat model that replies from a script: a test double shipped for users' tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from modalswitch.tools.contract.chat import Completion, Message


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
