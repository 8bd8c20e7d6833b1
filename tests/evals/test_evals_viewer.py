"""The terminal viewer, rendered to text with a recording rich Console."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from modalswitch import LLMPlanner, ScriptedChat
from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.reports.compare import compare_dirs, compare_view
from modalswitch.evals.runner import run_eval
from modalswitch.evals.runner.planners import NoToolPlanner, OraclePlanner, PlannerAdapter
from modalswitch.tools import default_registry
from modalswitch.views.eval_browser import view_trace


def render(path: Path, case: str | None = None, width: int = 140) -> tuple[int, str]:
    console = Console(record=True, width=width, color_system=None)
    code = view_trace(path, case, console)
    return code, console.export_text()


def test_eval_folder_lists_metrics_and_every_case(executed_eval: Path) -> None:
    code, text = render(executed_eval, width=100)
    assert code == 0
    assert "planner oracle" in text and "argument-value F1" in text
    assert "end-to-end success" in text and "0.714" in text  # 5 of 7
    for case_id in ("caption", "caption-again", "speak-back", "draw", "flaky", "crash", "chat"):
        assert case_id in text  # ids are folded, never cut, even in a narrow terminal
    assert "exec_failed" in text
    assert "by shape" in text


def test_case_view_plan_tree_timings_and_artifacts(executed_eval: Path) -> None:
    code, text = render(executed_eval, "speak-back")
    assert code == 0
    assert "case speak-back" in text and "transcribe this and say it back" in text
    assert "@input0 = memo.wav (audio)" in text
    assert "predicted plan" in text and "gold plan" in text
    assert "├── s1 fake_transcribe  ok" in text
    assert "audio = @input0  (memo.wav)" in text and "text = @s1" in text
    assert "steps" in text and "fake_speak" in text
    # the artifacts table: the file, its size and duration
    wav = next((executed_eval / "cases" / "speak-back").glob("s2-audio*.wav"))
    assert str(wav) in text
    assert "KB" in text and "16000 Hz" in text
    duration = json.loads((executed_eval / "cases" / "speak-back" / "response.json")
                          .read_text())["artifacts"][0]["meta"]["duration_s"]
    assert f"{duration:.2f}s" in text


def test_case_view_shows_cache_hits_retries_and_errors(executed_eval: Path) -> None:
    _, cached = render(executed_eval, "caption-again")
    assert "cache hit" in cached and "cached" in cached
    _, flaky = render(executed_eval, "flaky")
    assert "1 retry" in flaky and "#2 after" in flaky and "busy (call 1)" in flaky
    _, crash = render(executed_eval, "crash")
    assert "exec_failed" in crash and "ToolError" in crash and "crashed on purpose" in crash
    _, chat = render(executed_eval, "chat")
    assert "no tools: a plain text answer" in chat and "response text" in chat


def test_single_run_folder_and_trace_file(executed_eval: Path) -> None:
    run_dir = executed_eval / "cases" / "speak-back"
    code, text = render(run_dir)
    assert code == 0 and "├── s1 fake_transcribe  ok" in text and "artifacts" in text
    assert "gold plan" not in text  # a plain run has no gold
    code, same = render(run_dir / "trace.jsonl")
    assert code == 0 and "fake_speak" in same


def test_planner_attempts_with_tokens_and_repair_issues(tmp_path: Path) -> None:
    replies = [
        {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input7"}}],
         "outputs": ["@s1"]},
        {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}}],
         "outputs": ["@s1"]},
    ]
    planner = PlannerAdapter(LLMPlanner(ScriptedChat(replies), default_registry()))
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"id": "ocr", "request": "read the sign",
                                "inputs": [["sign.png", "image"]], "plan": {"steps": [
                                    {"id": "s1", "tool": "read_text",
                                     "args": {"image": "@input0"}}]}}) + "\n")
    run_eval(load_dataset(data), planner, tmp_path / "out")
    _, text = render(tmp_path / "out", "ocr")
    assert "planner attempts" in text
    assert "dangling_reference" in text and "@input7" in text  # attempt 1's issue
    assert "valid" in text  # attempt 2
    assert "planner: llm:scripted" in text


def test_taskbench_case_with_irregular_gold(tmp_path: Path, taskbench_sample: Path) -> None:
    ds = load_dataset(taskbench_sample)
    ds.cases = [c for c in ds.cases if c.id == "28205828"]
    run_eval(ds, OraclePlanner(), tmp_path)
    _, text = render(tmp_path, "28205828")
    assert "validation: [modality_mismatch]" in text
    assert "url = <node-2>" in text  # a 1-based gold reference, kept as a literal


def test_missing_things_give_exit_code_two(executed_eval: Path, tmp_path: Path) -> None:
    code, text = render(executed_eval, "no-such-case")
    assert code == 2 and "no case 'no-such-case'" in text
    code, text = render(tmp_path)
    assert code == 2 and "neither an eval folder" in text


def test_compare_view_renders(tmp_path: Path) -> None:
    from modalswitch.cli.eval import resolve_dataset

    ds = load_dataset(resolve_dataset("core"))
    run_eval(ds, OraclePlanner(), tmp_path / "a", limit=6)
    run_eval(ds, NoToolPlanner(), tmp_path / "b", limit=6)
    console = Console(record=True, width=160, color_system=None)
    console.print(compare_view(compare_dirs(tmp_path / "a", tmp_path / "b")))
    text = console.export_text()
    assert "A (oracle)" in text and "B (none)" in text
    assert "-1.000" in text  # node F1 fell from 1 to 0
    assert "cases that changed (6)" in text and "worse" in text
