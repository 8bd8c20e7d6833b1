"""OpenAI-compatible chat endpoints: OpenAI, vLLM, llama.cpp's server, LM Studio, Ollama's /v1.

One client for all of them, the official `openai` SDK (extra: `remote`). The plan schema
reaches the endpoint in the form it understands (`structured`):

- `json_schema`: `response_format={"type": "json_schema", ...}` (OpenAI, vLLM, Ollama,
  LM Studio);
- `json_object`: `{"type": "json_object", "schema": ...}` (llama.cpp's server);
- `tools`: one function whose parameters are the schema, and the call forced;
- `none`: the schema only in the prompt (the planner's validation and repair still apply).

Timeouts and retries (429, 408, 409, 5xx, dropped connections; exponential backoff that
honours Retry-After) are the SDK's; an endpoint that is down, or still failing after its
retries, is an EndpointError that names the URL.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal, cast

from modalswitch.errors import EndpointError, UserError
from modalswitch.tools.contract.chat import Completion, Message

Structured = Literal["json_schema", "json_object", "tools", "none"]
STRUCTURED: tuple[str, ...] = ("json_schema", "json_object", "tools", "none")
_FUNCTION = "submit"
"""The function name a `tools` endpoint is made to call with the structured reply."""


class OpenAIChat:
    """A chat model behind an OpenAI-compatible `/v1/chat/completions`."""

    def __init__(self, model: str, *, base_url: str, api_key: str | None = None,
                 timeout_s: float = 120.0, retries: int = 3,
                 structured: Structured = "json_schema", name: str | None = None) -> None:
        try:
            import openai
        except ImportError:
            raise UserError("remote chat models need the openai package: "
                            "pip install 'modalswitch[remote]'") from None
        if structured not in STRUCTURED:
            raise UserError(f"structured output {structured!r}: choose one of "
                            f"{', '.join(STRUCTURED)}")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.structured = structured
        self.name = name or f"openai:{model}"
        # a local server needs no key, but the SDK insists on one
        self._client = openai.OpenAI(base_url=self.base_url, api_key=api_key or "unused",
                                     timeout=timeout_s, max_retries=retries)

    def request_options(self, json_schema: dict[str, Any] | None) -> dict[str, Any]:
        """The extra request fields that hold the reply to `json_schema`."""
        if json_schema is None or self.structured == "none":
            return {}
        if self.structured == "json_schema":
            return {"response_format": {"type": "json_schema", "json_schema": {
                "name": "reply", "schema": json_schema, "strict": False}}}
        if self.structured == "json_object":
            return {"response_format": {"type": "json_object", "schema": json_schema}}
        return {"tools": [{"type": "function", "function": {
                    "name": _FUNCTION, "description": "Give the reply.",
                    "parameters": json_schema}}],
                "tool_choice": {"type": "function", "function": {"name": _FUNCTION}}}

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """One completion; with `json_schema`, the reply is held to it the endpoint's way."""
        import openai

        start = time.perf_counter()
        try:
            reply = self._client.chat.completions.create(
                model=self.model, messages=cast(Any, messages),
                max_tokens=max_tokens, temperature=temperature,
                **self.request_options(json_schema))
        except openai.APIConnectionError as exc:  # the timeout error is one of these
            raise EndpointError(self.base_url, f"cannot reach it ({exc}); is the server "
                                "running, and is the base URL right?") from exc
        except openai.APIStatusError as exc:
            raise EndpointError(self.base_url, f"HTTP {exc.status_code} for model "
                                f"{self.model!r}: {_detail(exc)}") from exc
        if not reply.choices:
            raise EndpointError(self.base_url, "the reply has no choices")
        message = reply.choices[0].message
        text = message.content or ""
        calls = getattr(message, "tool_calls", None) or []
        if calls and json_schema is not None:
            text = calls[0].function.arguments
        usage = reply.usage
        return Completion(text=text, prompt_tokens=usage.prompt_tokens if usage else 0,
                          completion_tokens=usage.completion_tokens if usage else 0,
                          duration_s=time.perf_counter() - start)


def _detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and "message" in error:
            return str(error["message"])
        return json.dumps(body)[:500]
    return str(exc)[:500]
