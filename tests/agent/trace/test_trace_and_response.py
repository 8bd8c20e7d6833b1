"""The trace records every stage; the response and run folder follow the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from modalswitch import Agent, LLMPlanner, ScriptedChat
from modalswitch.agent.trace import read_trace
from modalswitch.views.trace_tree import show_trace

CHAIN = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                   {"id": "s2", "tool": "fake_draw", "args": {"text": "@s1.text"}}],
         "outputs": ["@s1.text", "@s2.image"]}
BROKEN = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input4"}}],
          "outputs": ["@s1.text"]}


def run_chain(registry, home, tmp_path, tone_wav) -> Path:
    planner = LLMPlanner(ScriptedChat([BROKEN, CHAIN]), registry)
    Agent(planner, registry, home=home).run("draw what they say", [tone_wav],
                                            out_dir=tmp_path / "run")
    return tmp_path / "run"


def test_trace_has_every_stage_in_order(registry, home, tmp_path, tone_wav):
    run = run_chain(registry, home, tmp_path, tone_wav)
    events = read_trace(run / "trace.jsonl")
    types = [e.type for e in events]
    assert types[0] == "run_start" and types[-2:] == ["response", "run_end"]
    assert types.count("plan_attempt") == 2
    assert types.index("plan_ready") < types.index("step_start")
    assert len({e.run_id for e in events}) == 1
    attempts = [e for e in events if e.type == "plan_attempt"]
    assert "@input4" in attempts[0].raw and "dangling_reference" in attempts[0].issues[0]
    s1_start = next(e for e in events if e.type == "step_start" and e.span == "s1")
    assert s1_start.args["audio"]["modality"] == "audio"
    assert s1_start.args["audio"]["meta"]["duration_s"] == 0.5
    s2_start = next(e for e in events if e.type == "step_start" and e.span == "s2")
    assert s2_start.args == {"text": "0.5 seconds of audio"}
    ends = {e.span: e for e in events if e.type == "step_end"}
    assert ends["s2"].status == "ok" and ends["s2"].outputs["image"]["mime"] == "image/png"
    assert events[-1].status == "ok" and events[-1].duration_s > 0


def test_response_json_and_artifacts_beside_it(registry, home, tmp_path, tone_wav):
    run = run_chain(registry, home, tmp_path, tone_wav)
    data = json.loads((run / "response.json").read_text())
    assert data["text"] == "0.5 seconds of audio"
    [art] = data["artifacts"]
    assert {"path", "modality", "mime"} <= art.keys()
    assert art["modality"] == "image" and art["mime"] == "image/png"
    path = Path(art["path"])
    assert path.parent == run.resolve() and path.read_bytes().startswith(b"\x89PNG")


def test_trace_show_renders_the_tree(registry, home, tmp_path, tone_wav):
    run = run_chain(registry, home, tmp_path, tone_wav)
    console = Console(record=True, width=140)
    assert show_trace(run, console) == 0
    text = console.export_text()
    for expected in ("draw what they say", "attempt 1", "dangling_reference", "attempt 2",
                     "s1  fake_transcribe", "s2  fake_draw", "image/png, 64x48", "response"):
        assert expected in text, expected
    assert show_trace(tmp_path / "nowhere", Console(record=True)) == 2
