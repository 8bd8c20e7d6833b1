"""Fault injection: tools that raise, hang, return partial results, die or run out of memory,
and `kill -9` of a whole run at random points. The response and the trace always say what
happened, the other branches still deliver, and nothing corrupt is ever served."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
from modalswitch.agent.trace import read_trace
from modalswitch.tools.fakes import fake_registry
from modalswitch.tools.faults import Hang, fault_registry
from modalswitch.tools.runtime.integrity import sha256_file


def run_with_fault(step: dict, home: Path, out: Path, **policy):
    plan = {"steps": [step, {"id": "good", "tool": "fake_draw", "args": {"text": "ok"}}],
            "outputs": [f"@{step['id']}.text", "@good.image"]}
    registry = fault_registry(fake_registry())
    agent = Agent(ScriptedPlanner([plan]), registry, home=home,
                  policy=ExecutionPolicy(**policy))
    return agent, agent.run("go", out_dir=out)


def assert_told(response, out: Path, step: str, error_type: str) -> None:
    assert [(f.step, f.error_type) for f in response.failures] == [(step, error_type)]
    assert [a.modality for a in response.artifacts] == ["image"]  # the other branch
    saved = json.loads((out / "response.json").read_text())
    assert saved["failures"][0]["error_type"] == error_type
    events = read_trace(out / "trace.jsonl")
    end = next(e for e in events if e.type == "step_end" and e.span == step)
    assert end.status == "failed" and end.error_type == error_type
    assert events[-1].type == "run_end" and events[-1].status == "partial"


@pytest.mark.parametrize(("failure", "error_type"), [
    ("tool_error", "ToolError"), ("runtime_error", "RuntimeError"),
    ("system_exit", "ToolCrashError"), ("keyboard_interrupt", "ToolCrashError"),
    ("base_exception", "ToolCrashError")])
def test_a_tool_that_raises(home, tmp_path, failure, error_type):
    step = {"id": "bad", "tool": "explode", "args": {"failure": failure}}
    _, response = run_with_fault(step, home, tmp_path / "run")
    assert_told(response, tmp_path / "run", "bad", error_type)


def test_a_tool_that_hangs(home, tmp_path):
    step = {"id": "stuck", "tool": "hang", "args": {"text": "x"}}
    # a limit far above what the other branch needs, far below the hang
    agent, response = run_with_fault(step, home, tmp_path / "run", step_timeout_s=1.0)
    hang = agent.registry.get("hang")
    assert isinstance(hang, Hang)
    hang.release.set()  # let the abandoned thread go
    assert_told(response, tmp_path / "run", "stuck", "StepTimeoutError")


def test_a_tool_that_returns_a_partial_result(home, tmp_path):
    step = {"id": "part", "tool": "partial", "args": {"pieces": 500, "seconds_each": 0.01}}
    _, response = run_with_fault(step, home, tmp_path / "run", step_timeout_s=1.0)
    assert_told(response, tmp_path / "run", "part", "StepTimeoutError")
    assert "pieces" not in response.text  # the partial count is never delivered


def test_a_tool_whose_worker_process_dies(home, tmp_path):
    step = {"id": "dead", "tool": "die_in_subprocess", "args": {"text": "x"}}
    _, response = run_with_fault(step, home, tmp_path / "run")
    assert_told(response, tmp_path / "run", "dead", "ToolError")
    assert "exit code 7" in response.failures[0].message


def test_a_tool_that_runs_out_of_memory(home, tmp_path):
    step = {"id": "oom", "tool": "allocate", "args": {"text": "x"}}
    _, response = run_with_fault(step, home, tmp_path / "run")
    assert_told(response, tmp_path / "run", "oom", "MemoryError")


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
    from modalswitch.tools.fakes import fake_registry

    home, out = Path(sys.argv[1]), Path(sys.argv[2])
    steps = []
    for i in range(6):
        steps.append({"id": f"w{i}", "tool": "sleep",
                      "args": {"text": f"picture {i}", "seconds": 0.05 * (i % 3)}})
        steps.append({"id": f"d{i}", "tool": "fake_draw", "args": {"text": f"@w{i}.text"}})
        steps.append({"id": f"v{i}", "tool": "fake_speak", "args": {"text": f"@w{i}.text"}})
    outputs = [f"@{s['id']}" for s in steps if s["tool"] != "sleep"]
    plan = {"steps": steps, "outputs": outputs}
    agent = Agent(ScriptedPlanner([plan]), fake_registry(), home=home,
                  policy=ExecutionPolicy(max_workers=3))
    response = agent.run("draw and say", out_dir=out)
    print(len(response.artifacts), response.ok)
""")


def check_nothing_corrupt(home: Path) -> None:
    for obj in (home / "store" / "objects").rglob("*.*"):
        assert sha256_file(obj) == obj.stem.split(".")[0], f"corrupt object {obj}"
    for entry in (home / "cache" / "steps").rglob("*.json"):
        data = json.loads(entry.read_text())  # never half-written: written then renamed
        for value in json.loads(data["output"]).values():
            if isinstance(value, dict) and value.get("path"):
                path = Path(value["path"])
                assert not path.exists() or sha256_file(path) == value["sha256"]


def test_kill_minus_nine_at_random_points_then_a_rerun(home, tmp_path):
    out = tmp_path / "run"
    rng = random.Random(12)
    command = [sys.executable, "-c", CHILD, str(home), str(out)]
    trace = out / "trace.jsonl"
    for _ in range(6):
        trace.unlink(missing_ok=True)
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 cwd=tmp_path)
        target = rng.randint(0, 45)  # events written before the kill: 0 is during start-up
        while child.poll() is None and (
                not trace.exists() or len(trace.read_bytes().splitlines()) < target):
            time.sleep(0.002)
        child.kill()
        child.wait()
        check_nothing_corrupt(home)
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["12", "True"]
    check_nothing_corrupt(home)
    response = json.loads((out / "response.json").read_text())
    names = {Path(a["path"]).name for a in response["artifacts"]}
    on_disk = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert on_disk == names | {"response.json", "trace.jsonl"}  # nothing stale or partial
    for artifact in response["artifacts"]:
        data = Path(artifact["path"]).read_bytes()
        assert data[:4] in (b"\x89PNG", b"RIFF")
    events = read_trace(out / "trace.jsonl")
    assert events[0].type == "run_start" and events[-1].type == "run_end"
    assert {e.run_id for e in events} == {events[0].run_id}
    leftovers = [p for p in (home / "store" / "tmp").rglob("*") if p.is_file()
                 and p.suffix not in (".lock",)]
    assert leftovers == []  # the killed runs' temporary files were cleaned on start
