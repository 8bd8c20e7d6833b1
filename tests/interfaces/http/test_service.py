"""The HTTP service over real HTTP on loopback: submit, poll, stream, fetch, cancel, limits."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.interfaces.http.app import ServeConfig, create_app
from modalswitch.interfaces.http.loopback import serve_in_thread
from modalswitch.tools.fakes import fake_registry

SPEAK_BACK = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}}],
              "outputs": ["@s1", "@s2"]}
DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
        "outputs": ["@s1"]}


def wait_final(client: httpx.Client, run_id: str, timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/v1/runs/{run_id}").json()
        if body["status"] not in ("queued", "running"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def wait_for_event(client: httpx.Client, run_id: str, kind: str,
                   timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        reply = client.get(f"/v1/runs/{run_id}/trace")  # read while the run writes it
        lines = reply.text.splitlines() if reply.status_code == 200 else []
        if any(json.loads(line)["type"] == kind for line in lines):  # whole lines only
            return
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} wrote no {kind} event")


@pytest.fixture
def service(home: Path) -> Iterator[httpx.Client]:
    agent = Agent(ScriptedPlanner([SPEAK_BACK]), fake_registry(), home=home)
    config = ServeConfig(workers=2, queue=8, max_upload_bytes=200_000, max_files=2)
    with serve_in_thread(create_app(agent, config)) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_a_multipart_run_from_submit_to_artifact(service: httpx.Client, tone_wav: Path):
    with tone_wav.open("rb") as fh:
        submitted = service.post("/v1/runs", data={"request": "say back what I said"},
                                 files=[("files", ("memo.wav", fh, "audio/wav"))])
    assert submitted.status_code == 202
    run_id = submitted.json()["id"]
    assert submitted.json()["status"] in ("queued", "running")
    done = wait_final(service, run_id)
    assert done["status"] == "ok", done
    assert done["response"]["text"] == "0.5 seconds of audio"
    (audio,) = done["response"]["artifacts"]
    fetched = service.get(f"/v1/runs/{run_id}/artifacts/{Path(audio['path']).name}")
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "audio/wav"
    assert fetched.content == Path(audio["path"]).read_bytes()
    trace = service.get(f"/v1/runs/{run_id}/trace")
    assert [json.loads(line)["type"] for line in trace.text.splitlines()][-1] == "run_end"
    assert service.get(f"/v1/runs/{run_id}/artifacts/../../etc/passwd").status_code == 404


def test_events_stream_as_server_sent_events_ending_with_run_end(service: httpx.Client,
                                                                 tone_wav: Path):
    with tone_wav.open("rb") as fh:
        run_id = service.post("/v1/runs", data={"request": "say it back"},
                              files={"files": ("memo.wav", fh, "audio/wav")}).json()["id"]
    kinds, payloads = [], []
    with service.stream("GET", f"/v1/runs/{run_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kinds.append(line.removeprefix("event: "))
            elif line.startswith("data: "):
                payloads.append(json.loads(line.removeprefix("data: ")))
    assert kinds[0] == "run_start" and kinds[-1] == "run_end"
    assert kinds.count("step_end") == 2
    assert [p["type"] for p in payloads] == kinds
    assert payloads[-1]["status"] == "ok"


def test_a_json_run_with_a_given_plan(service: httpx.Client):
    submitted = service.post("/v1/runs", json={"request": "draw a cat", "plan": DRAW})
    assert submitted.status_code == 202
    done = wait_final(service, submitted.json()["id"])
    assert done["status"] == "ok" and done["response"]["artifacts"][0]["mime"] == "image/png"


@pytest.mark.parametrize(("body", "code"), [
    ({"request": ""}, 422), ({"request": "x", "plan": {"steps": "nope"}}, 422),
    ({"request": "x", "surprise": 1}, 422), ({"nothing": True}, 422),
    ({"request": "x", "session": "no-such-session"}, 404)])
def test_bad_json_submissions_get_clear_errors(service: httpx.Client, body: dict, code: int):
    response = service.post("/v1/runs", json=body)
    assert response.status_code == code, response.text
    assert response.json()["detail"]


def test_uploads_over_the_limits_get_413_with_the_limit(service: httpx.Client, tmp_path: Path):
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * 300_000)
    with big.open("rb") as fh:
        too_big = service.post("/v1/runs", data={"request": "x"},
                               files={"files": ("big.wav", fh, "audio/wav")})
    assert too_big.status_code == 413 and "200000" in too_big.json()["detail"]
    small = [("files", (f"f{i}.txt", b"hello", "text/plain")) for i in range(3)]
    too_many = service.post("/v1/runs", data={"request": "x"}, files=small)
    assert too_many.status_code == 413 and "2 files" in too_many.json()["detail"]
    assert service.get("/healthz").json()["status"] == "ok"


def test_unknown_runs_are_404_and_the_openapi_spec_is_served(service: httpx.Client):
    assert service.get("/v1/runs/nope").status_code == 404
    assert service.delete("/v1/runs/nope").status_code == 404
    spec = service.get("/openapi.json").json()
    assert {"/v1/runs", "/v1/runs/{run_id}", "/v1/runs/{run_id}/events",
            "/v1/runs/{run_id}/artifacts/{name}", "/healthz"} <= set(spec["paths"])
    body = spec["paths"]["/v1/runs"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


def test_delete_cancels_a_running_run(home: Path):
    slow = {"steps": [{"id": "wait", "tool": "sleep", "args": {"seconds": 30}}],
            "outputs": ["@wait"]}
    agent = Agent(ScriptedPlanner([slow]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig(workers=1))) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        run_id = client.post("/v1/runs", json={"request": "wait"}).json()["id"]
        # "running" starts with planning; a cancel then ends the run before its steps
        # (agent.py), so wait for the step itself to be running
        wait_for_event(client, run_id, "step_start")
        assert client.delete(f"/v1/runs/{run_id}").status_code == 202
        done = wait_final(client, run_id, timeout_s=10)
        assert done["status"] == "cancelled"
        ends = [json.loads(line) for line in client.get(f"/v1/runs/{run_id}/trace").text
                .splitlines()]
        assert any(e["type"] == "step_end" and e["error_type"] == "RunCancelled" for e in ends)


def test_an_api_key_is_required_when_set(home: Path):
    agent = Agent(ScriptedPlanner([DRAW]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent, ServeConfig(api_key="s3cret"))) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/v1/runs", json={"request": "draw"}).status_code == 401
        assert client.get("/v1/runs", headers={"X-API-Key": "wrong"}).status_code == 401
        ok = client.post("/v1/runs", json={"request": "draw"},
                         headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 202
        assert client.get("/healthz").status_code == 200


def test_a_restart_lists_finished_runs_and_fails_interrupted_ones(home: Path):
    from modalswitch.interfaces.http.jobs import JobRecord, SQLiteJobStore

    agent = Agent(ScriptedPlanner([DRAW]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent)) as url, httpx.Client(base_url=url) as client:
        done_id = client.post("/v1/runs", json={"request": "draw"}).json()["id"]
        wait_final(client, done_id)
    store = SQLiteJobStore(home / "serve" / "jobs.sqlite3")  # a run the "crash" left behind
    store.create(JobRecord(id="left-running", status="running", request="draw",
                           run_dir=str(home / "serve" / "runs" / "left-running"),
                           created=time.time()))
    store.close()
    with serve_in_thread(create_app(agent)) as url, httpx.Client(base_url=url) as client:
        assert client.get(f"/v1/runs/{done_id}").json()["status"] == "ok"
        left = client.get("/v1/runs/left-running").json()
        assert left["status"] == "failed" and "interrupted" in left["error"]
        events = client.get("/v1/runs/left-running/events").text
        assert "event: run_end" in events
        assert {r["id"] for r in client.get("/v1/runs").json()["runs"]} >= {done_id,
                                                                           "left-running"}


def test_a_session_over_http_carries_the_earlier_picture(home: Path):
    describe = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
                "outputs": ["@s1"]}
    agent = Agent(ScriptedPlanner([DRAW, describe]), fake_registry(), home=home)
    with serve_in_thread(create_app(agent)) as url, httpx.Client(base_url=url) as client:
        first = client.post("/v1/runs", json={"request": "draw", "session": "new"}).json()
        assert wait_final(client, first["id"])["status"] == "ok"
        second = client.post("/v1/runs", json={"request": "describe it",
                                               "session": first["session"]}).json()
        done = wait_final(client, second["id"])
        assert done["status"] == "ok" and done["response"]["text"].startswith("a 64x48")
