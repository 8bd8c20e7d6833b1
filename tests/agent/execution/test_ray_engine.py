"""The Ray engine on a local Ray instance: same artifacts, cache, retries and time limits."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from modalswitch import Agent, ExecutionPolicy, ScriptedPlanner
from modalswitch.agent.execution.ray_engine import RayEngine, ray_options
from modalswitch.agent.trace import read_trace
from modalswitch.errors import TransientToolError
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.fakes import FakeDraw, TextIn, TextOut, fake_registry

ray = pytest.importorskip("ray")
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers can't import tests


class FlakyOnDisk(Tool[TextIn, TextOut]):
    """Fails transiently once per marker folder: its state must outlive one Ray task."""

    name = "flaky_on_disk"
    description = "Echo text after one transient failure."

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        if not self.marker.exists():
            self.marker.touch()
            raise TransientToolError("busy once")
        return TextOut(text=args.text)


class Nap(Tool[TextIn, TextOut]):
    """Sleeps 20 s (a stand-in for a long model call)."""

    name = "nap"
    description = "Sleep, then echo."

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        ctx.cancelled.wait(20)
        return TextOut(text=args.text)


def registry(tmp_path: Path) -> Registry:
    tools = fake_registry()
    return Registry([*tools, Nap(),
                     FlakyOnDisk(tmp_path / f"marker-{len(list(tmp_path.iterdir()))}")])
PLAN = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                  {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}},
                  {"id": "s3", "tool": "fake_draw", "args": {"text": "@s1"}},
                  {"id": "s4", "tool": "flaky_on_disk", "args": {"text": "@s1"}}],
        "outputs": ["@s1", "@s2", "@s3", "@s4"]}


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    worker_home = tmp_path_factory.mktemp("ray-worker-home")
    env = {k: v for k, v in os.environ.items() if k.startswith(("PYTHON", "MODALSWITCH_"))}
    env["MODALSWITCH_HOME"] = str(worker_home)
    # workers put the driver's folder first on sys.path; a checkout's root holds the folder
    # modalswitch/, which would shadow the package the workers should import
    here = os.getcwd()
    os.chdir(worker_home)
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": env})
    finally:
        os.chdir(here)
    try:
        yield worker_home
    finally:
        ray.shutdown()


def run(tmp_path: Path, name: str, wav: Path, **policy) -> tuple[Agent, object]:
    agent = Agent(ScriptedPlanner([PLAN]), registry(tmp_path), home=tmp_path / "home",
                  policy=ExecutionPolicy(backoff_s=0.01, **policy))
    return agent, agent.run("transcribe, speak and draw", [wav], out_dir=tmp_path / name)


@pytest.mark.parametrize("transfer", ["shared", "object"])
def test_steps_run_as_ray_tasks_with_the_same_artifacts(local_ray, tmp_path, tone_wav,
                                                        transfer, monkeypatch):
    monkeypatch.setenv("MODALSWITCH_RAY_STORE", transfer)
    _, local = run(tmp_path, "local", tone_wav, engine="local", use_cache=False)
    agent, remote = run(tmp_path, "ray", tone_wav, engine="ray", use_cache=False)
    assert isinstance(agent.executor.engine, RayEngine)
    assert remote.ok, remote.failures
    assert remote.text == local.text
    assert [Path(a.path).read_bytes() for a in remote.artifacts] == [
        Path(a.path).read_bytes() for a in local.artifacts]
    events = read_trace(tmp_path / "ray" / "trace.jsonl")
    assert [e.attempt for e in events if e.type == "retry"] == [2]  # s4, retried
    if transfer == "object":  # the worker kept its own copies, by content hash
        assert list((local_ray / "ray-store" / "objects").rglob("*.wav"))


def test_the_step_cache_and_time_limits_keep_their_meaning(local_ray, tmp_path, tone_wav):
    run(tmp_path, "first", tone_wav, engine="ray")
    _, again = run(tmp_path, "again", tone_wav, engine="ray")
    hits = [e for e in read_trace(tmp_path / "again" / "trace.jsonl") if e.type == "cache_hit"]
    assert len(hits) == 4 and again.ok
    slow = {"steps": [{"id": "s1", "tool": "nap", "args": {"text": "zz"}}], "outputs": ["@s1"]}
    agent = Agent(ScriptedPlanner([slow]), registry(tmp_path), home=tmp_path / "home",
                  policy=ExecutionPolicy(engine="ray", step_timeout_s=1.0, use_cache=False))
    response = agent.run("wait", out_dir=tmp_path / "slow")
    assert response.failures[0].error_type == "StepTimeoutError"
    locked = {"steps": [{"id": "s1", "tool": "sleep", "args": {"seconds": 0}}],
              "outputs": ["@s1"]}  # the fake sleep tool holds a lock: it cannot travel
    agent = Agent(ScriptedPlanner([locked]), fake_registry(), home=tmp_path / "home",
                  policy=ExecutionPolicy(engine="ray", use_cache=False))
    failure = agent.run("wait", out_dir=tmp_path / "locked").failures[0]
    assert failure.error_type == "ToolError" and "cannot be sent to a Ray worker" in \
        failure.message


def test_resource_needs_become_ray_options():
    class GpuDraw(FakeDraw):
        resources: ClassVar[dict[str, float]] = {"gpus": 1, "memory_gb": 2}

    assert ray_options(GpuDraw()) == {"num_cpus": 1, "max_retries": 0, "num_gpus": 1,
                                      "memory": 2 * 1024**3}
    assert ray_options(FakeDraw()) == {"num_cpus": 1, "max_retries": 0}
