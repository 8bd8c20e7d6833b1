"""A LangChain chat model (any `BaseChatModel`) as the planner's or writer's LLM.

The plan schema goes through the model's own structured output (`with_structured_output`,
JSON schema first, then tool calling); a model that has neither gets the schema in the
prompt, and the planner's validation and repair do the rest. langchain-core is only
touched through the object the caller passes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from modalswitch.tools.contract.chat import Completion, Message

_ROLES = {"system": "system", "user": "human", "assistant": "ai"}


class LangChainChat:
    """Wraps a LangChain `BaseChatModel` as a ChatModel."""

    def __init__(self, model: Any, name: str | None = None) -> None:
        self.model = model
        label = getattr(model, "model_name", None) or getattr(model, "model", None)
        self.name = name or f"langchain:{label or type(model).__name__}"

    def _structured(self, schema: dict[str, Any]) -> Any | None:
        schema = {"title": "reply", **schema}  # LangChain names the output after the title
        for method in ("json_schema", "function_calling"):
            try:
                return self.model.with_structured_output(schema, method=method,
                                                         include_raw=True)
            except (NotImplementedError, TypeError, ValueError):
                continue
        return None

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """One reply; with `json_schema`, through the model's structured output if it has one."""
        turns = [(_ROLES.get(m["role"], m["role"]), m["content"]) for m in messages]
        start = time.perf_counter()
        runnable = self._structured(json_schema) if json_schema is not None else None
        if runnable is not None:
            result = runnable.invoke(turns)
            raw, parsed = result.get("raw"), result.get("parsed")
            text = json.dumps(parsed) if parsed is not None else _text(raw)
        else:
            if json_schema is not None:
                turns.insert(0, ("system", "Reply with one JSON object that matches this "
                                           f"JSON schema, and nothing else:\n"
                                           f"{json.dumps(json_schema)}"))
            raw = self.model.invoke(turns)
            text = _text(raw)
        usage = getattr(raw, "usage_metadata", None) or {}
        return Completion(text=text, prompt_tokens=int(usage.get("input_tokens", 0)),
                          completion_tokens=int(usage.get("output_tokens", 0)),
                          duration_s=time.perf_counter() - start)


def _text(message: Any) -> str:
    if message is None:
        return ""
    calls = getattr(message, "tool_calls", None)
    if calls:
        return json.dumps(calls[0].get("args", {}))
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)
