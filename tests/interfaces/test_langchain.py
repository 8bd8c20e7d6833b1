"""LangChain adapters run through the same agent, validation and trace."""

from __future__ import annotations

import json
from pathlib import Path

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.langchain import agent_tool, registry_tools


def test_registry_tools_take_paths_and_return_the_response(registry, home, tone_wav):
    agent = Agent(ScriptedPlanner([{"steps": []}]), registry, home=home)
    tools = {t.name: t for t in registry_tools(agent)}
    assert set(tools) == set(registry.names)
    assert tools["fake_transcribe"].args["audio"]["type"] == "string"
    reply = json.loads(tools["fake_transcribe"].invoke({"audio": str(tone_wav)}))
    assert reply["text"] == "0.5 seconds of audio"
    drawn = json.loads(tools["fake_draw"].invoke({"text": "a cat"}))
    assert Path(drawn["artifacts"][0]["path"]).read_bytes().startswith(b"\x89PNG")


def test_agent_tool_plans_and_runs(registry, home, png):
    plan = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
            "outputs": ["@s1.text"]}
    tool = agent_tool(Agent(ScriptedPlanner([plan]), registry, home=home))
    reply = json.loads(tool.invoke({"request": "what is this?", "inputs": [str(png)]}))
    assert reply["text"].startswith("a 32x24 picture")
    assert tool.name == "modalswitch" and "request" in tool.args
