"""`modalswitch serve` as a process: it answers /healthz, the OpenAPI spec, MCP at /mcp, the
studio at / and the eval folders given with --evals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def test_serve_starts_and_answers(tmp_path: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MODALSWITCH_HOME": str(tmp_path / "home")}
    (tmp_path / "evals" / "first").mkdir(parents=True)
    (tmp_path / "evals" / "first" / "results.jsonl").write_text("")
    proc = subprocess.Popen([sys.executable, "-m", "modalswitch", "serve", "--port",
                             str(port), "--evals", str(tmp_path / "evals")], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        assert "/v1/runs" in httpx.get(f"{url}/openapi.json").json()["paths"]
        hello = httpx.post(f"{url}/mcp", json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"}}},
            headers={"accept": "application/json, text/event-stream"})
        assert hello.status_code == 200 and "modalswitch" in hello.text
        assert "modalswitch studio" in httpx.get(f"{url}/").text
        assert [e["name"] for e in httpx.get(f"{url}/v1/evals").json()["evals"]] == [
            "evals/first"]
    finally:
        proc.terminate()
        proc.wait(30)
