"""The command-line contract other tools rely on (run, plan --json, tools --json, trace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.cli import common, main

PLAN = {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                  {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1.text"}}],
        "outputs": ["@s1.text", "@s2.audio"]}


@pytest.fixture
def scripted(monkeypatch, registry, home):
    def make(plan: dict):
        monkeypatch.setattr(common, "make_agent", lambda args: Agent(ScriptedPlanner([plan]),
                                                               registry, home=home))
    return make


def test_plan_json_contract(scripted, capsys, tone_wav):
    scripted(PLAN)
    assert main(["plan", "say what it says", "--input", str(tone_wav), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["output_modalities"] == ["text", "audio"]
    assert [s["id"] for s in out["steps"]] == ["s1", "s2"]
    assert out["steps"][0] == {"id": "s1", "tool": "fake_transcribe",
                               "args": {"audio": "@input0"}, "input_modalities": ["audio"],
                               "output_modalities": ["text"]}


def test_run_writes_response_and_trace(scripted, capsys, tone_wav, tmp_path):
    scripted(PLAN)
    out_dir = tmp_path / "out"
    assert main(["run", "say it", "--input", str(tone_wav), "--out", str(out_dir)]) == 0
    response = json.loads((out_dir / "response.json").read_text())
    assert response["text"] == "0.5 seconds of audio"
    assert [a["modality"] for a in response["artifacts"]] == ["audio"]
    assert Path(response["artifacts"][0]["path"]).exists()
    assert (out_dir / "trace.jsonl").read_text().count("\n") >= 6
    assert "0.5 seconds of audio" in capsys.readouterr().out


def test_bad_input_exits_2_with_a_clear_message(scripted, capsys, tmp_path):
    scripted(PLAN)
    assert main(["run", "say it", "--input", str(tmp_path / "gone.wav")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["run", " "]) == 2


def test_files_may_follow_the_request(scripted, capsys, tone_wav, png, tmp_path):
    scripted(PLAN)
    out_dir = tmp_path / "out"
    assert main(["run", "say it", str(tone_wav), "--out", str(out_dir)]) == 0
    assert json.loads((out_dir / "response.json").read_text())["text"] == "0.5 seconds of audio"
    capsys.readouterr()
    scripted(PLAN)
    assert main(["plan", "say what it says", str(tone_wav), "--input", str(png), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"][0]["args"] == {"audio": "@input0"}


def test_an_unquoted_request_is_told_to_quote(scripted, capsys, tone_wav):
    scripted(PLAN)
    assert main(["run", "transcribe", "this", str(tone_wav)]) == 2
    err = capsys.readouterr().err
    assert "no such file: 'this'" in err and "in quotes" in err


def test_failed_steps_exit_1(scripted, tmp_path):
    scripted({"steps": [{"id": "s1", "tool": "crash", "args": {"text": "x"}}]})
    assert main(["run", "crash", "--out", str(tmp_path / "o")]) == 1
    saved = json.loads((tmp_path / "o" / "response.json").read_text())
    assert saved["failures"][0]["error_type"] == "ToolError"


def test_tools_json_lists_the_default_registry(capsys):
    assert main(["tools", "--json"]) == 0
    tools = json.loads(capsys.readouterr().out)
    assert isinstance(tools, list)
    for tool in tools:
        assert {"name", "description", "input_modalities", "output_modalities", "backend",
                "input_schema", "output_schema"} <= tool.keys()


def test_trace_show(scripted, capsys, tone_wav, tmp_path):
    scripted(PLAN)
    main(["run", "say it", "--input", str(tone_wav), "--out", str(tmp_path / "o")])
    capsys.readouterr()
    assert main(["trace", "show", str(tmp_path / "o")]) == 0
    assert "fake_transcribe" in capsys.readouterr().out


def test_demo_makes_its_inputs_and_runs_the_demo_request(monkeypatch, registry, home,
                                                         tmp_path, capsys):
    """`make demo`, the README's first command: it crashed when `run` gained an option the
    demo did not pass on (AttributeError: 'Namespace' object has no attribute 'plan')."""
    seen: list = []

    def agent(args):
        seen.append(args)
        plan = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}},
                          {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1.text"}}],
                "outputs": ["@s2.audio"]}
        return Agent(ScriptedPlanner([plan]), registry, home=home)

    monkeypatch.setattr(common, "make_agent", agent)
    out = tmp_path / "demo"
    assert main(["--home", str(home), "demo", "--out", str(out), "--planner", "base"]) == 0
    (args,) = seen
    assert (args.command, args.request, args.planner, args.home) == (
        "run", "read the sign in this photo out loud", "base", str(home))
    assert args.input == [str(out / "inputs" / "sign.png")] and args.plan is None
    response = json.loads((out / "sign" / "response.json").read_text())
    assert [a["modality"] for a in response["artifacts"]] == ["audio"]
    assert (out / "inputs" / "memo.wav").stat().st_size > 0
