"""MCP through the SDK's own client: stdio (a child process) and streamable HTTP (serve)."""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import anyio
import httpx
from mcp import Client, StdioServerParameters

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.http.app import create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.interfaces.mcp import mcp_http_app
from modalswitch.tools.fakes import fake_registry

HERE = Path(__file__).parent
DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                  {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}}],
        "outputs": ["@s2", "@s1"]}


async def exercise(client: Client, wav: Path) -> dict:
    """List the tools, call one with progress, call the agent, and break a call."""
    names = [t.name for t in (await client.list_tools()).tools]
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    spoken = await client.call_tool("fake_transcribe", {"audio": str(wav)})
    drawn = await client.call_tool("modalswitch", {"request": "draw a cat and describe it"},
                                   progress_callback=on_progress)
    missing = await client.call_tool("fake_caption", {"image": "/no/such.png"})
    return {"names": names, "spoken": spoken, "drawn": drawn, "missing": missing,
            "progress": progress}


def check(result: dict) -> None:
    assert result["names"][0] == "modalswitch" and "fake_transcribe" in result["names"]
    assert result["spoken"].content[0].text == "0.5 seconds of audio"
    drawn = result["drawn"]
    assert not drawn.is_error and drawn.content[0].text.startswith("a 64x48 picture")
    image = next(b for b in drawn.content if b.type == "image")
    assert base64.b64decode(image.data).startswith(b"\x89PNG")
    assert drawn.structured_content["artifacts"][0]["mime"] == "image/png"
    assert result["missing"].is_error and "no such file" in result["missing"].content[0].text
    assert [p[0] for p in result["progress"]] == [1, 2]
    assert result["progress"][-1][1] == 2 and "s2 fake_caption: ok" in result["progress"][-1][2]


def test_stdio_with_the_sdk_client(tmp_path: Path, tone_wav: Path):
    params = StdioServerParameters(command=sys.executable,
                                   args=[str(HERE / "fake_server.py"), str(tmp_path / "home")],
                                   env=dict(os.environ))

    async def main() -> dict:
        async with Client(params, mode="legacy") as client:
            return await exercise(client, tone_wav)

    check(anyio.run(main))


def test_streamable_http_mounted_in_serve(home: Path, tone_wav: Path):
    agent = Agent(ScriptedPlanner([DRAW]), fake_registry(), home=home)
    app = create_app(agent, extra_apps=[mcp_http_app(agent)])

    async def main(url: str) -> dict:
        async with Client(f"{url}/mcp", mode="legacy") as client:
            return await exercise(client, tone_wav)

    with serve_in_thread(app) as url:
        check(anyio.run(main, url))
        assert httpx.get(f"{url}/healthz").json()["status"] == "ok"


def test_the_mcp_command_serves_the_default_tools(tmp_path: Path):
    env = {**os.environ, "MODALSWITCH_HOME": str(tmp_path / "home")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "modalswitch", "mcp"],
                                   env=env, cwd=str(tmp_path))

    async def main() -> list[str]:
        async with Client(params, mode="legacy") as client:
            return [t.name for t in (await client.list_tools()).tools]

    names = anyio.run(main)
    assert names[0] == "modalswitch" and len(names) > 20
