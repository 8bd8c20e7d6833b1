"""An MCP stdio server over the fake tools, for the SDK client to launch in the tests."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.mcp import serve_stdio
from modalswitch.tools.fakes import fake_registry

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                  {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}}],
        "outputs": ["@s2", "@s1"]}

if __name__ == "__main__":
    agent = Agent(ScriptedPlanner([DRAW]), fake_registry(), home=Path(sys.argv[1]))
    anyio.run(serve_stdio, agent)
