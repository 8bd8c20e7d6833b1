"""Separate agents in one process share one copy of each model."""

from __future__ import annotations

from pydantic import BaseModel

from modalswitch import Agent, Registry, ScriptedPlanner, TextContent, Tool, ToolContext
from modalswitch.tools import ModelCache


class EchoIn(BaseModel):
    text: TextContent


class EchoOut(BaseModel):
    text: TextContent


LOADS: list[str] = []


class BigModelTool(Tool[EchoIn, EchoOut]):
    name = "big_model_tool"
    description = "Echo through a (pretend) large model."

    def run(self, args: EchoIn, ctx: ToolContext) -> EchoOut:
        def load() -> str:
            LOADS.append("loaded")
            return "model"

        ctx.models.get("shared-test:big-model", load, size_bytes=1024)
        return EchoOut(text=args.text)


def test_agents_share_loaded_models(tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "big_model_tool", "args": {"text": "hi"}}],
            "outputs": ["@s1.text"]}
    agents = [Agent(ScriptedPlanner([plan]), Registry([BigModelTool()]),
                    home=tmp_path / f"home{i}") for i in range(3)]
    assert all(a.models is ModelCache.shared() for a in agents)
    for i, agent in enumerate(agents):
        assert agent.run(f"echo {i}", out_dir=tmp_path / f"run{i}").text == "hi"
    assert LOADS == ["loaded"]
    own = Agent(ScriptedPlanner([plan]), Registry([BigModelTool()]), home=tmp_path / "own",
                models=ModelCache())
    assert own.models is not ModelCache.shared()  # a caller may still give its own
