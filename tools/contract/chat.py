"""The chat-model interface: what planners and writing tools talk to, and its result type.

It lives in the tool contract because tools that write (summaries, translations) receive
a chat model through their ToolContext; the backends (llama.cpp, OpenAI-compatible,
scripted) live in modalswitch.agent.chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Completion:
    """One reply of a chat model, with its token counts and wall time."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_s: float = 0.0


Message = dict[str, str]


class ChatModel(Protocol):
    """A chat LLM: messages in, one completion out, optionally constrained to a JSON schema."""

    name: str

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """Reply to the conversation; with `json_schema`, the reply must parse and match it."""
        ...
