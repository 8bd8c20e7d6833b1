"""A small OpenAI-compatible chat server for tests, served over real HTTP on loopback.

It answers `/v1/chat/completions` with scripted replies (text or a tool call), can fail
the first calls with a status (429, 500) or be slow, and records every request body.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass
class Stub:
    """What the stub answers, and what it was asked."""

    replies: list[str] = field(default_factory=list)
    fail_first: int = 0
    fail_status: int = 429
    delay_s: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def complete(request: Request) -> JSONResponse:
            body = await request.json()
            self.requests.append(body)
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if len(self.requests) <= self.fail_first:
                return JSONResponse({"error": {"message": "slow down"}},
                                    status_code=self.fail_status,
                                    headers={"retry-after-ms": "10"})
            if not self.replies:
                return JSONResponse({"error": {"message": "no reply scripted"}}, 400)
            text = self.replies.pop(0)
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if "tools" in body:
                name = body["tools"][0]["function"]["name"]
                message = {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": name, "arguments": text}}]}
            return JSONResponse({
                "id": "cmpl-1", "object": "chat.completion", "created": 0,
                "model": body.get("model", "stub"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 11, "completion_tokens": len(text.split()),
                          "total_tokens": 11 + len(text.split())}})

        return app


def plan_json(plan: dict[str, Any], wants: str = "image") -> str:
    """A plan as the planner's schema asks for it ("wants" first)."""
    return json.dumps({"wants": wants, **plan})
