"""Tools that use other tools or the chat model.

A composite tool (the video summarizer, the captioner's offline fallback) runs another
tool through `ctx.call` (a child span in the trace), matching arguments by modality, so it
works with whatever describe or transcribe tool the catalog wires in. A writing tool asks
the chat model given to it, else the one in its context (the agent's writer).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from pydantic import BaseModel

from modalswitch.errors import ToolError
from modalswitch.tools.contract.chat import ChatModel, Message
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import Artifact

_llm_locks: dict[int, threading.Lock] = {}
_llm_guard = threading.Lock()


def call_with_media(tool: Tool[Any, Any], ctx: ToolContext, media: Artifact,
                    **extra: Any) -> BaseModel:
    """Run a tool on one media artifact: it goes into the first field of its modality."""
    target = next((name for name in tool.Input.model_fields
                   if field_kind(tool.Input, name).modality is media.modality), None)
    if target is None:
        raise ToolError(f"{tool.name} takes no {media.modality.value} input")
    return ctx.call(tool, {target: media, **extra})


def text_of(tool: Tool[Any, Any], output: BaseModel) -> str:
    """A tool output's primary text."""
    value = getattr(output, tool.primary_output)
    return value if isinstance(value, str) else str(value)


class ChatWriter:
    """Mixin for tools that write with a chat model: their own (`llm=`), else the context's
    (the agent's writer)."""

    uses_chat: ClassVar[bool] = True
    llm: ChatModel | None = None

    def chat_model(self, ctx: ToolContext) -> ChatModel | None:
        """The chat model this call writes with, if there is one."""
        return self.llm if self.llm is not None else ctx.chat

    def ask(self, ctx: ToolContext, messages: list[Message], max_tokens: int = 512) -> str:
        """One chat completion (serialised per model: local runtimes are not reentrant);
        a ToolError when there is no chat model or it fails."""
        llm = self.chat_model(ctx)
        if llm is None:
            raise ToolError(f"tool {ctx.tool_name!r} needs a chat model and none was given: "
                            "run it through an Agent (its planner's writer is used) or pass "
                            "llm= to the tool")
        with _llm_guard:
            lock = _llm_locks.setdefault(id(llm), threading.Lock())
        with lock:
            try:
                reply = llm.chat(messages, max_tokens=max_tokens, temperature=0.2)
            except Exception as exc:
                raise ToolError(f"the chat model failed: {exc}") from None
        text = reply.text.strip()
        if not text:
            raise ToolError("the chat model returned an empty reply")
        return text
