"""Live mode: the studio follows a run, or an eval, while its traces are being written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from studio_pilot import drive, look_at, press, screen_text
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from modalswitch.agent.trace.events import (
    PlanAttempt,
    PlanReady,
    ResponseEvent,
    RouteDecision,
    RunEnd,
    RunStart,
    StepEnd,
    StepStart,
)
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.views.studio.app import StudioApp
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.eval_screen import EvalScreen
from modalswitch.views.studio.live_eval import LiveEvalScreen

PLAN = {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}},
                  {"id": "s2", "tool": "text_to_speech", "args": {"text": "@s1.text"}}],
        "outputs": ["@s1.text", "@s2.audio"]}


async def catch_up(pilot: Pilot[Any], app: StudioApp) -> None:
    """Let the screen read what was written (what its timer does a few times a second)."""
    screen = app.screen
    assert isinstance(screen, CaseScreen | LiveEvalScreen)
    screen.follow()
    await pilot.pause()


def test_a_run_followed_from_planning_to_its_end(tmp_path: Path) -> None:
    tracer = Tracer(tmp_path / "trace.jsonl")
    tracer.emit(RunStart(request="read the sign out loud", inputs=[{"path": "/x/sign.png"}],
                         planner="tuned-routed"))
    tracer.emit(RouteDecision(p_tool=0.91, threshold=0.5, needs_tool=True,
                              tools=["read_text", "text_to_speech"], scores={"read_text": 0.8}))
    tracer.emit(PlanAttempt(span="planner", attempt=1, raw='{"steps": []}', prompt_tokens=812,
                            completion_tokens=64, duration_s=1.25))

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert isinstance(app.screen, CaseScreen)
        assert "planning" in screen_text(app)
        text = await look_at(pilot, app, "#route")
        assert "tools needed  P(tool) 0.91, threshold 0.50" in text
        assert "offered: read_text, text_to_speech" in text
        assert "attempt 1 · 1.25s · 812+64 tokens · valid" in await look_at(pilot, app,
                                                                          "#attempts")
        tracer.emit(PlanReady(span="planner", plan=PLAN, output_modalities=["text", "audio"],
                              step_outputs={"s1": {"text": "text"}, "s2": {"audio": "audio"}}))
        tracer.emit(StepStart(span="s1", tool="read_text", args={"image": {
            "artifact": "a", "modality": "image", "path": "/x/sign.png"}}))
        await catch_up(pilot, app)
        assert "running: 0/2 step(s) done" in await look_at(pilot, app, "#live")
        assert "│ s2 text_to_speech → audio │" in await look_at(pilot, app, "#graphs")
        tracer.emit(StepEnd(span="s1", tool="read_text", status="ok", duration_s=0.4,
                            outputs={"text": "STOP"}))
        await catch_up(pilot, app)
        assert "running: 1/2 step(s) done" in await look_at(pilot, app, "#live")
        assert app.screen.query_one(ProgressBar).progress == 1
        tracer.emit(StepEnd(span="s2", tool="text_to_speech", status="failed", duration_s=0.1,
                            error="no voice", error_type="ToolError"))
        tracer.emit(ResponseEvent(text="STOP", artifacts=[]))
        tracer.emit(RunEnd(status="partial", duration_s=1.9))
        await catch_up(pilot, app)
        assert "done: partial in 1.90s" in await look_at(pilot, app, "#live")
        assert "ToolError: no voice" in await look_at(pilot, app, "#plans")
        assert "STOP" in await look_at(pilot, app, "#response")

    drive([tmp_path], scenario, size=(100, 30))


def test_follow_waits_for_a_run_that_has_not_started(tmp_path: Path) -> None:
    run_dir = tmp_path / "later"

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert "waiting for the trace" in screen_text(app)
        Tracer(run_dir / "trace.jsonl").emit(RunStart(request="hello"))
        await catch_up(pilot, app)
        assert "request: hello" in screen_text(app) and "planning" in screen_text(app)

    drive([run_dir], scenario, follow=True)


def test_an_eval_followed_until_its_results_land(executed_eval: Path, tmp_path: Path) -> None:
    live = tmp_path / "eval"
    shutil.copytree(executed_eval, live)
    kept = {name: (live / name).read_bytes() for name in ("results.jsonl", "metrics.json")}
    for name in kept:
        (live / name).unlink()
    trace = live / "cases" / "flaky" / "trace.jsonl"
    lines = trace.read_text().splitlines(keepends=True)
    trace.write_text("".join(lines[:3]))  # flaky is still running

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert isinstance(app.screen, LiveEvalScreen)
        text = screen_text(app)
        assert "6/7 cases done" in text and "running 1" in text
        assert app.screen.query_one(ProgressBar).total == 7
        await press(pilot, *["down"] * 5, "enter")  # flaky: the sixth case folder
        assert isinstance(app.screen, CaseScreen) and "echo after a hiccup" in screen_text(app)
        assert "running: 0/1 step(s) done" in screen_text(app)
        trace.write_text("".join(lines))
        await catch_up(pilot, app)
        assert "done: ok" in screen_text(app)
        await press(pilot, "escape")
        await catch_up(pilot, app)
        assert "7/7 cases done" in screen_text(app)
        for name, data in kept.items():
            (live / name).write_bytes(data)
            later = (live / "eval.json").stat().st_mtime + 1
            os.utime(live / name, (later, later))
        await catch_up(pilot, app)
        assert isinstance(app.screen, EvalScreen) and "7/7 cases" in screen_text(app)

    drive([live], scenario)


def test_brackets_in_requests_and_errors_are_shown_as_written(tmp_path: Path) -> None:
    tracer = Tracer(tmp_path / "trace.jsonl")
    tracer.emit(RunStart(request="make it [bold]loud[/bold] [/oops]"))
    tracer.emit(PlanReady(span="planner", plan=PLAN, output_modalities=["text"]))
    tracer.emit(StepEnd(span="s1", tool="read_text", status="failed",
                        error="[Errno 2] no such file [/x]", error_type="ToolError"))
    tracer.emit(RunEnd(status="failed", duration_s=0.1))

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert "make it [bold]loud[/bold] [/oops]" in screen_text(app)
        assert "[Errno 2] no such file [/x]" in await look_at(pilot, app, "#steps")

    drive([tmp_path], scenario, size=(120, 30))
