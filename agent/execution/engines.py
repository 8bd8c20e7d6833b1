"""Where a step's tool runs: in this process (default) or as a Ray task on a cluster.

The executor keeps everything that gives a run its meaning (references, retries, time
limits, the step cache, the trace) and hands an engine only the call itself:
`engine.run(tool, args, ctx)`. So a plan means the same on any engine.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

from modalswitch import settings
from modalswitch.errors import ConfigError
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import ArtifactStore

ENGINES = ("local", "ray")


class Engine(Protocol):
    """Runs one tool call and returns its output."""

    name: str

    def run(self, tool: Tool[Any, Any], args: BaseModel, ctx: ToolContext) -> BaseModel:
        """The tool's output for these arguments (raises what the tool raises)."""
        ...


class LocalEngine:
    """Runs the tool on the executor's own thread."""

    name = "local"

    def run(self, tool: Tool[Any, Any], args: BaseModel, ctx: ToolContext) -> BaseModel:
        """Call the tool directly."""
        return tool.run(args, ctx)


def make_engine(name: str | None, store: ArtifactStore, address: str | None = None) -> Engine:
    """The engine a name picks (None: $MODALSWITCH_ENGINE, default local); `address` is the
    Ray cluster's (None: $MODALSWITCH_RAY_ADDRESS)."""
    chosen = name or settings.choice("MODALSWITCH_ENGINE", ENGINES)
    if chosen == "ray":
        from modalswitch.agent.execution.ray_engine import RayEngine

        return RayEngine(store, address=address or settings.setting("MODALSWITCH_RAY_ADDRESS"),
                         transfer=settings.choice("MODALSWITCH_RAY_STORE",
                                                  ("shared", "object")))
    if chosen != "local":
        raise ConfigError(f"unknown engine {chosen!r}: choose one of {', '.join(ENGINES)}")
    return LocalEngine()
