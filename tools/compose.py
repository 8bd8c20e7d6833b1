"""Tools that use other tools or the chat model: calling a sub-tool, holding a ChatModel.

A composite tool (the video summarizer, the captioner's offline fallback) calls another
registered tool directly with a child context, matching arguments by modality, so it works
with whatever describe or transcribe tool the catalog wires in.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import ToolError
from .artifacts import Artifact
from .base import Tool, ToolContext, field_kind

if TYPE_CHECKING:
    from ..agent.llm import ChatModel, Message
    from .registry import Registry

_llm_locks: dict[int, threading.Lock] = {}
_llm_guard = threading.Lock()


def call_with_media(tool: Tool[Any, Any], ctx: ToolContext, media: Artifact,
                    **extra: Any) -> BaseModel:
    """Run a tool on one media artifact: it goes into the first field of its modality."""
    target = next((name for name in tool.Input.model_fields
                   if field_kind(tool.Input, name).modality is media.modality), None)
    if target is None:
        raise ToolError(f"{tool.name} takes no {media.modality.value} input")
    args = tool.Input.model_validate({target: media, **extra})
    child = ToolContext(store=ctx.store, models=ctx.models, step_id=f"{ctx.step_id}/{tool.name}",
                        tool_name=tool.name, work_dir=ctx.work_dir, cancelled=ctx.cancelled)
    return tool.run(args, child)


def text_of(tool: Tool[Any, Any], output: BaseModel) -> str:
    """A tool output's primary text."""
    value = getattr(output, tool.primary_output)
    return value if isinstance(value, str) else str(value)


class ChatModelHolder:
    """Mixin for tools that ask the chat model; it comes from the constructor or the setter."""

    _llm: ChatModel | None = None

    def set_chat_model(self, llm: ChatModel | None) -> None:
        """Give the tool a chat model (the agent wires its planner LLM in here)."""
        self._llm = llm

    @property
    def chat_model(self) -> ChatModel | None:
        """The chat model, if one was given."""
        return self._llm

    def require_chat_model(self, name: str) -> ChatModel:
        """The chat model, or a ToolError saying how to provide one."""
        if self._llm is None:
            raise ToolError(f"tool {name!r} needs a chat model and none was given: pass llm= "
                            f"to the tool, or call attach_chat_model(registry, llm)")
        return self._llm

    def ask(self, messages: list[Message], max_tokens: int = 512) -> str:
        """One chat completion (serialised per model: local LLM runtimes are not reentrant)."""
        llm = self.require_chat_model(getattr(self, "name", type(self).__name__))
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


def attach_chat_model(registry: Registry, llm: ChatModel | None) -> int:
    """Give every tool in a registry that can use a chat model this one; returns how many."""
    count = 0
    for tool in registry:
        setter = getattr(tool, "set_chat_model", None)
        if callable(setter):
            setter(llm)
            count += 1
    return count
