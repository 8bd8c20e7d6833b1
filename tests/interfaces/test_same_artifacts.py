"""One request and plan through `modalswitch run`, the HTTP service, MCP and LangChain:
the same artifacts, byte for byte (each way in its own home, so nothing is shared)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import anyio
import httpx
import pytest
from mcp import Client

from modalswitch import Agent, ScriptedPlanner
from modalswitch.cli import common, main
from modalswitch.interfaces.http.app import create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.interfaces.langchain import agent_tool
from modalswitch.interfaces.mcp import build_server
from modalswitch.tools.fakes import fake_registry

REQUEST = "draw a cat, then say what you drew"
PLAN = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}},
                  {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1"}},
                  {"id": "s3", "tool": "fake_speak", "args": {"text": "@s2"}}],
        "outputs": ["@s2", "@s1", "@s3"]}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def agent(home: Path) -> Agent:
    return Agent(ScriptedPlanner([PLAN]), fake_registry(), home=home)


def via_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    monkeypatch.setattr(common, "make_agent", lambda args: agent(tmp_path / "cli-home"))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    assert main(["run", REQUEST, "--plan", str(plan), "--out", str(tmp_path / "cli")]) == 0
    response = json.loads((tmp_path / "cli" / "response.json").read_text())
    return response["text"], [sha(Path(a["path"]).read_bytes()) for a in response["artifacts"]]


def via_http(tmp_path: Path) -> tuple[str, list[str]]:
    with serve_in_thread(create_app(agent(tmp_path / "http-home"))) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        run_id = client.post("/v1/runs", json={"request": REQUEST, "plan": PLAN}).json()["id"]
        while (body := client.get(f"/v1/runs/{run_id}").json())["status"] in ("queued",
                                                                               "running"):
            pass
        names = [Path(a["path"]).name for a in body["response"]["artifacts"]]
        return body["response"]["text"], [
            sha(client.get(f"/v1/runs/{run_id}/artifacts/{n}").content) for n in names]


def via_mcp(tmp_path: Path) -> tuple[str, list[str]]:
    async def call() -> tuple[str, list[str]]:
        async with Client(build_server(agent(tmp_path / "mcp-home")), mode="legacy") as client:
            result = await client.call_tool("modalswitch", {"request": REQUEST})
        media = [base64.b64decode(b.data) for b in result.content if b.type != "text"]
        return result.content[0].text, [sha(m) for m in media]
    return anyio.run(call)


def via_langchain(tmp_path: Path) -> tuple[str, list[str]]:
    reply = json.loads(agent_tool(agent(tmp_path / "lc-home")).invoke({"request": REQUEST}))
    return reply["text"], [sha(Path(a["path"]).read_bytes()) for a in reply["artifacts"]]


def test_every_interface_gives_the_same_text_and_bytes(tmp_path, monkeypatch):
    ways = {"cli": via_cli(tmp_path, monkeypatch), "http": via_http(tmp_path),
            "mcp": via_mcp(tmp_path), "langchain": via_langchain(tmp_path)}
    text, hashes = ways["cli"]
    assert text.startswith("a 64x48 picture") and len(hashes) == 2
    for name, (other_text, other_hashes) in ways.items():
        assert (other_text, other_hashes) == (text, hashes), name
