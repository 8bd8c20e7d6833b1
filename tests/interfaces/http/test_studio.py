"""The studio's routes without a browser: the page and every file it loads, offline by its
policy, and /summary telling a run exactly as the one trace fold does."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.agent.trace import summarize_trace
from modalswitch.interfaces.http.app import ServeConfig, create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.interfaces.http.studio import WEB, read_events
from modalswitch.tools.fakes import fake_registry

FLAKY_THEN_SPEAK = {"steps": [{"id": "s1", "tool": "flaky", "args": {"text": "hello"}},
                              {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}},
                              {"id": "s3", "tool": "crash", "args": {"text": "boom"}}],
                    "outputs": ["@s1", "@s2", "@s3"]}


@pytest.fixture
def service(home: Path) -> Iterator[httpx.Client]:
    agent = Agent(ScriptedPlanner([FLAKY_THEN_SPEAK]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig(workers=1))) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        yield client


def finished(client: httpx.Client, run_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = client.get(f"/v1/runs/{run_id}").json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def test_the_page_and_every_file_it_loads_come_from_the_service(service: httpx.Client):
    page = service.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy  # nothing from a CDN, so it works offline
    assets = re.findall(r'(?:src|href)="(studio/[^"]+)"', page.text)
    assert {"studio/studio.css", "studio/main.js"} <= set(assets)
    scripts = [p.name for p in WEB.glob("*.js")]
    for name in scripts:  # every module another imports is shipped and served
        for imported in re.findall(r'from "\./([\w.]+)"', (WEB / name).read_text()):
            assert imported in scripts, (name, imported)
    for path in [*assets, *(f"studio/{name}" for name in scripts)]:
        answer = service.get("/" + path)
        assert answer.status_code == 200, path
    assert "javascript" in service.get("/studio/main.js").headers["content-type"]
    sources = "".join(p.read_text() for p in WEB.iterdir())
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\b)", sources)  # no CDN


def test_each_page_file_stays_small():
    sizes = {p.name: len(p.read_text().splitlines()) for p in WEB.iterdir()}
    assert max(sizes.values()) <= 400, sizes


def test_the_summary_is_the_fold_of_the_trace(service: httpx.Client):
    run_id = service.post("/v1/runs", json={"request": "say hello, then crash"}).json()["id"]
    done = finished(service, run_id)
    summary = service.get(f"/v1/runs/{run_id}/summary").json()
    run_dir = Path(done["response"]["artifacts"][0]["path"]).parent
    fold = summarize_trace(run_dir)
    assert summary["status"] == fold.status == "partial"
    assert [(s["id"], s["status"], s["attempts"], len(s["retries"])) for s in summary["steps"]] \
        == [(s.id, s.status, s.attempts, len(s.retries)) for s in fold.steps.values()] \
        == [("s1", "ok", 2, 1), ("s2", "ok", 1, 0), ("s3", "failed", 1, 0)]
    assert summary["steps"][2]["error"] == fold.steps["s3"].error
    assert summary["retries"] == 1 and summary["plan"] == fold.plan
    (audio,) = summary["artifacts"]
    assert audio["name"] == "s2-audio.wav" and "local" not in audio
    assert service.get(f"/v1/runs/{run_id}/artifacts/{audio['name']}").status_code == 200
    assert service.get("/v1/runs/nope/summary").status_code == 404


def test_a_summary_of_a_trace_being_written_leaves_out_the_half_written_line(tmp_path: Path):
    lines = [{"type": "run_start", "request": "hi"},
             {"type": "plan_ready", "plan": {"steps": [], "outputs": []},
              "output_modalities": []}]
    trace = tmp_path / "trace.jsonl"
    whole = "".join(json.dumps(line) + "\n" for line in lines)
    trace.write_text(whole + '{"type": "run_end", "sta')
    assert [e.type for e in read_events(trace)] == ["run_start", "plan_ready"]
    assert read_events(tmp_path / "missing.jsonl") == []


def test_the_page_needs_no_key_but_its_calls_do(home: Path):
    agent = Agent(ScriptedPlanner([FLAKY_THEN_SPEAK]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig(api_key="k"))) as url:
        assert httpx.get(url + "/").status_code == 200
        assert httpx.get(url + "/studio/main.js").status_code == 200
        assert httpx.get(url + "/v1/runs/x/summary").status_code == 401
        assert httpx.get(url + "/v1/evals").status_code == 401
        assert httpx.get(url + "/v1/evals", headers={"X-API-Key": "k"}).json() == {
            "roots": 0, "evals": []}
