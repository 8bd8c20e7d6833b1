"""Native datasets, the eval runner (plan-only and executed), and the `eval` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modalswitch import LLMPlanner, Plan, ScriptedChat
from modalswitch.agent.plan import check_plan
from modalswitch.agent.trace import read_trace
from modalswitch.cli import main
from modalswitch.cli.eval import resolve_dataset
from modalswitch.errors import DatasetError, UserError
from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.runner import EvalRun, run_eval
from modalswitch.evals.runner.planners import (
    NoToolPlanner,
    OraclePlanner,
    PlannerAdapter,
    make_planner,
)
from modalswitch.evals.runner.results import load_eval
from modalswitch.tools import default_registry
from modalswitch.tools.fakes import fake_registry

REQUIRED_KEYS = {"n", "validity", "modality_accuracy", "no_tool_accuracy", "node_f1", "edge_f1",
                 "arg_name_f1", "arg_value_f1", "latency_p50_s"}


def write_dataset(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_shipped_core_dataset_is_valid_and_mixed() -> None:
    ds = load_dataset(resolve_dataset("core"))
    assert 30 <= len(ds.cases) <= 50
    assert len({c.id for c in ds.cases}) == len(ds.cases)
    no_tool = sum(c.gold.is_text_answer for c in ds.cases)
    assert 0.3 <= no_tool / len(ds.cases) <= 0.5
    assert {c.shape for c in ds.cases} == {"none", "single", "chain", "dag"}
    registry = default_registry()
    for case in ds.cases:
        assert check_plan(case.gold, registry, case.inputs) == [], case.id
    prompts = json.loads((Path(__file__).parents[2] / "prompts" /
                          "planner_examples.json").read_text())
    shots = {p["request"].lower() for p in prompts}
    assert not shots & {c.request.lower() for c in ds.cases}  # no few-shot leaks into the test


@pytest.mark.parametrize(("row", "message"), [
    ({"request": "x", "plan": {"steps": []}}, "missing 'id'"),
    ({"id": "a", "request": "x", "plan": {"steps": [{"tool": "t"}]}}, "bad gold plan"),
    ({"id": "a", "request": "x", "inputs": [["a.png", "smell"]], "plan": {}}, "inputs must be"),
    ({"id": "a", "request": "x", "plan": {}, "shape": "tree"}, "shape 'tree'"),
])
def test_native_loader_errors(tmp_path: Path, row: dict[str, Any], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        load_dataset(write_dataset(tmp_path / "d.jsonl", [row]))


def test_native_loader_rejects_duplicate_ids_and_bad_json(tmp_path: Path) -> None:
    row = {"id": "a", "request": "x", "plan": {}}
    with pytest.raises(DatasetError, match="used twice"):
        load_dataset(write_dataset(tmp_path / "d.jsonl", [row, row]))
    (tmp_path / "e.jsonl").write_text("{not json\n")
    with pytest.raises(DatasetError, match="not JSON"):
        load_dataset(tmp_path / "e.jsonl")
    with pytest.raises(DatasetError, match="no dataset"):
        load_dataset(tmp_path / "missing.jsonl")


def test_folder_dataset_with_its_own_tool_specs(tmp_path: Path) -> None:
    write_dataset(tmp_path / "a.jsonl", [{"id": "1", "request": "shout it", "plan": {
        "steps": [{"id": "s1", "tool": "shout", "args": {"text": "hi"}}], "outputs": ["@s1"]}}])
    (tmp_path / "tools.json").write_text(json.dumps([{
        "name": "shout", "description": "Say it loud.", "inputs": {"text": "text"},
        "outputs": {"audio": "audio"}}]))
    ds = load_dataset(tmp_path)
    assert ds.registry is not None and ds.registry.names == ["shout"]
    metrics = run_eval(ds, OraclePlanner(), tmp_path / "out")
    assert metrics["validity"] == 1.0 and metrics["modality_accuracy"] == 1.0


def test_select_limit_and_seed() -> None:
    ds = load_dataset(resolve_dataset("core"))
    assert [c.id for c in ds.select(3)] == [c.id for c in ds.cases[:3]]
    drawn = [c.id for c in ds.select(5, seed=7)]
    assert drawn == [c.id for c in ds.select(5, seed=7)] and len(drawn) == 5
    assert drawn != [c.id for c in ds.cases[:5]]


def test_oracle_on_core_scores_one_and_writes_a_trace_per_case(tmp_path: Path) -> None:
    ds = load_dataset(resolve_dataset("core"))
    m = run_eval(ds, OraclePlanner(), tmp_path)
    for key in ("validity", "modality_accuracy", "no_tool_accuracy", "routing_accuracy",
                "node_f1", "edge_f1", "arg_name_f1", "arg_value_f1"):
        assert m[key] == 1.0, key
    assert m["n"] == len(ds.cases) and set(m) >= REQUIRED_KEYS
    assert set(m["by_shape"]) == {"none", "single", "chain", "dag"}
    metrics, results = load_eval(tmp_path)
    assert metrics["run"]["planner"] == "oracle" and len(results) == len(ds.cases)
    for case in ds.cases:
        events = read_trace(tmp_path / "cases" / case.id / "trace.jsonl")
        assert [e.type for e in events] == ["run_start", "plan_ready", "run_end"]


def test_no_tool_baseline_on_core(tmp_path: Path) -> None:
    ds = load_dataset(resolve_dataset("core"))
    m = run_eval(ds, NoToolPlanner(), tmp_path)
    share = sum(c.gold.is_text_answer for c in ds.cases) / len(ds.cases)
    assert m["no_tool_accuracy"] == 1.0
    assert m["routing_accuracy"] == pytest.approx(share)
    assert m["node_f1"] == 0.0 and m["node_recall"] == 0.0


def scripted_llm_planner() -> PlannerAdapter:
    """An LLMPlanner over a scripted chat: right on OCR, one step too many on speech, and
    never valid on the broken request."""
    def reply(messages: list[dict[str, str]]) -> str:
        last = messages[-1]["content"]
        if "corrected plan" in last or "broken" in messages[-1]["content"]:
            return '{"steps": [{"id": "s1", "tool": "read_text", "args": {}}], "outputs": []}'
        if "sign" in last:
            return json.dumps({"steps": [{"id": "s1", "tool": "read_text",
                                          "args": {"image": "@input0"}}], "outputs": ["@s1"]})
        if "memo" in last:
            return json.dumps({"steps": [
                {"id": "s1", "tool": "speech_to_text", "args": {"audio": "@input0"}},
                {"id": "s2", "tool": "text_to_speech", "args": {"text": "@s1.text"}}],
                "outputs": ["@s2"]})
        return '{"steps": [], "outputs": []}'

    return PlannerAdapter(LLMPlanner(ScriptedChat(reply), default_registry()), name="scripted")


def test_llm_planner_results_attempts_tokens_and_failures(tmp_path: Path) -> None:
    rows = [
        {"id": "ocr", "request": "read the sign", "inputs": [["sign.png", "image"]],
         "plan": {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}}],
                  "outputs": ["@s1"]}},
        {"id": "stt", "request": "transcribe my memo", "inputs": [["memo.wav", "audio"]],
         "plan": {"steps": [{"id": "s1", "tool": "speech_to_text", "args": {"audio": "@input0"}}],
                  "outputs": ["@s1"]}},
        {"id": "broken", "request": "this one is broken", "inputs": [["x.png", "image"]],
         "plan": {"steps": [{"id": "s1", "tool": "read_text", "args": {"image": "@input0"}}],
                  "outputs": ["@s1"]}},
        {"id": "chat", "request": "hi there", "inputs": [], "plan": {"steps": []}},
    ]
    ds = load_dataset(write_dataset(tmp_path / "d.jsonl", rows))
    m = run_eval(ds, scripted_llm_planner(), tmp_path / "out", workers=2)
    _, results = load_eval(tmp_path / "out")
    by = {r.id: r for r in results}
    assert by["ocr"].status == "ok" and by["ocr"].scores["node_f1"] == 1.0
    assert by["ocr"].attempts == 1 and by["ocr"].prompt_tokens > 0
    stt = by["stt"]
    assert stt.status == "ok" and stt.valid and not stt.modality_ok
    assert stt.counts["node"] == [1, 1, 0] and stt.pred_modalities == ["audio", "text"]
    assert by["broken"].status == "planner_error" and by["broken"].pred is None
    assert by["broken"].attempts == 3 and "PlannerError" in (by["broken"].error or "")
    assert by["chat"].status == "ok" and by["chat"].pred_no_tool
    assert m["planner_failures"] == 1
    assert m["node_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert m["validity"] == pytest.approx(3 / 4) and m["modality_accuracy"] == pytest.approx(2 / 4)
    kinds = [e.type for e in read_trace(tmp_path / "out" / "cases" / "broken" / "trace.jsonl")]
    assert kinds.count("plan_attempt") == 3 and "error" in kinds


def test_make_planner_names() -> None:
    ds = load_dataset(resolve_dataset("core"))
    assert make_planner("oracle", ds).name == "oracle"
    assert make_planner("none", ds).name == "none"
    from modalswitch import UserError

    with pytest.raises(UserError, match="unknown planner"):
        make_planner("gpt-7", ds)
    # an adapter given to an untuned configuration would be silently unused: said instead
    with pytest.raises(UserError, match="only in tuned configurations"):
        make_planner("routed", ds, adapter="my_adapter.gguf")


def test_executed_eval_outcomes(executed_eval: Path) -> None:
    metrics, results = load_eval(executed_eval)
    by = {r.id: r for r in results}
    assert metrics["executed"] == len(results) == 7
    cap = by["caption"]
    assert cap.exec_status == "ok" and cap.e2e_ok and "picture" in (cap.response_text or "")
    speak = by["speak-back"]
    assert speak.response_modalities == ["audio", "text"] and speak.e2e_ok
    wav = next(a for a in speak.artifacts if a["modality"] == "audio")
    assert (executed_eval / "cases" / "speak-back" / wav["file"]).stat().st_size > 1000
    assert by["draw"].exec_status == "ok" and by["draw"].e2e_ok is False  # expects "dog"
    assert by["flaky"].exec_status == "ok"
    assert by["crash"].status == "exec_failed" and by["crash"].exec_status != "ok"
    assert by["chat"].e2e_ok and "oracle" in (by["chat"].response_text or "")
    assert metrics["executable_rate"] == pytest.approx(6 / 7)
    assert metrics["e2e_success"] == pytest.approx(5 / 7)
    kinds = [e.type for e in read_trace(executed_eval / "cases" / "caption-again" /
                                        "trace.jsonl")]
    assert "cache_hit" in kinds
    assert (executed_eval / "inputs" / "speak-back" / "memo.wav").exists()


def test_executing_with_an_invalid_gold_plan_fails_cleanly(tmp_path: Path) -> None:
    rows = [{"id": "bad", "request": "caption", "inputs": [],
             "plan": {"steps": [{"id": "s1", "tool": "fake_caption",
                                 "args": {"image": "@input3"}}], "outputs": ["@s1"]}}]
    ds = load_dataset(write_dataset(tmp_path / "d.jsonl", rows))
    EvalRun(ds, OraclePlanner(), tmp_path / "out", registry=fake_registry(),
            execute=True).run(ds.cases)
    _, (result,) = load_eval(tmp_path / "out")
    assert result.status == "invalid" and result.exec_status == "failed"
    kinds = [e.type for e in read_trace(tmp_path / "out" / "cases" / "bad" / "trace.jsonl")]
    assert "error" in kinds and "step_start" not in kinds


def test_missing_gold_tools_are_reported(tmp_path: Path) -> None:
    rows = [{"id": "x", "request": "r", "plan": {"steps": [
        {"id": "s1", "tool": "teleport", "args": {}}], "outputs": ["@s1"]}}]
    ds = load_dataset(write_dataset(tmp_path / "d.jsonl", rows))
    with pytest.raises(DatasetError, match="teleport"):
        run_eval(ds, OraclePlanner(), tmp_path / "out")


def test_cli_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ev"
    assert main(["eval", "run", "core", "--planner", "oracle", "--limit", "10", "--seed", "1",
                 "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= REQUIRED_KEYS and data["n"] == 10 and data["node_f1"] in (1.0, None)
    assert data["run"]["seed"] == 1 and data["out"] == str(out)
    assert (out / "metrics.json").exists() and (out / "results.jsonl").exists()


def test_cli_eval_table_compare_and_report(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["eval", "run", "core", "--planner", "oracle", "--out", str(a)]) == 0
    assert "argument-value F1" in capsys.readouterr().out
    assert main(["eval", "run", "core", "--planner", "none", "--out", str(b)]) == 0
    capsys.readouterr()
    assert main(["eval", "compare", str(a), str(b), "--json"]) == 0
    comp = json.loads(capsys.readouterr().out)
    node = next(r for r in comp["metrics"] if r["metric"] == "node_f1")
    assert (node["a"], node["b"], node["delta"]) == (1.0, 0.0, -1.0)
    changed = {c["id"]: c for c in comp["changed"]}
    assert "ocr-1" in changed and changed["ocr-1"]["direction"] == "worse"
    assert "text-haiku" not in changed  # both planners answer it without tools
    assert main(["eval", "compare", str(a), str(b)]) == 0
    text = capsys.readouterr().out
    assert "cases that changed" in text and "ocr-1" in text
    assert main(["eval", "report", str(a)]) == 0
    assert Path(capsys.readouterr().out.strip()) == a / "report.html"


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "compare", str(tmp_path)]) == 2
    assert "usage: modalswitch eval compare" in capsys.readouterr().err
    assert main(["eval", "run", "no-such-dataset"]) == 2
    assert main(["eval", "run", "a.jsonl", "b.jsonl"]) == 2
    assert main(["eval", "report", str(tmp_path)]) == 2
    assert "not an eval folder" in capsys.readouterr().err


def test_cli_leaderboard_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tb = tmp_path / "tb"
    tb.mkdir()
    (tb / "tool_desc.json").write_text(json.dumps({"nodes": [
        {"id": "Text-to-Audio", "desc": "Speak.", "input-type": ["text"],
         "output-type": ["audio"]}]}))
    (tb / "samples.jsonl").write_text(json.dumps({
        "id": "1", "type": "single", "instruction": "say hi",
        "task_nodes": [{"task": "Text-to-Audio", "arguments": ["hi"]}]}) + "\n")
    (tb / "README.md").write_text("## Published multimedia leaderboard\n\n| LLM | n-F1 | e-F1 |"
                                  " t-F1 | v-F1 |\n|---|---|---|---|---|\n"
                                  "| gpt-4 | 90.90 | 69.27 | 87.06 | 72.31 |\n")
    assert main(["eval", "leaderboard", str(tb), "--planners", "oracle,none",
                 "--out", str(tmp_path / "lb")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| system | cases | n-F1 | e-F1 | t-F1 | v-F1 |")
    assert any("oracle" in line and "| 1 | 100.00 |" in line for line in lines)
    assert any(line.startswith("| gpt-4 | full set | 90.90 | 69.27 |") for line in lines)
    assert main(["eval", "leaderboard", str(tb), "--planners", "oracle", "--reuse", "--json",
                 "--out", str(tmp_path / "lb")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["node_f1"] == 1.0 and rows[1]["system"] == "gpt-4"


def test_resume_keeps_finished_cases_and_runs_the_rest(tmp_path: Path) -> None:
    from modalswitch import UserError

    ds = load_dataset(resolve_dataset("core"))
    run_eval(ds, OraclePlanner(), tmp_path, limit=3)
    _, first = load_eval(tmp_path)
    m = run_eval(ds, OraclePlanner(), tmp_path, limit=5, resume=True)
    _, both = load_eval(tmp_path)
    assert m["run"]["resumed"] == 3 and m["n"] == 5
    assert [r.model_dump() for r in both[:3]] == [r.model_dump() for r in first]
    assert all((tmp_path / "cases" / r.id / "trace.jsonl").exists() for r in both)
    with pytest.raises(UserError, match="cannot resume"):
        run_eval(ds, NoToolPlanner(), tmp_path, limit=5, resume=True)


class _Stopped(BaseException):
    """Stands for Ctrl-C or a killed job: not a case's failure, the eval's end."""


class _StopsAfter(OraclePlanner):
    """The oracle, until it has planned `n` cases in this eval."""

    serial = True

    def __init__(self, n: int) -> None:
        self.n, self.planned = n, []

    def plan_case(self, case: Any, tracer: Any = None) -> Any:
        if len(self.planned) == self.n:
            raise _Stopped
        self.planned.append(case.id)
        return super().plan_case(case, tracer)


def test_an_eval_stopped_midway_resumes_from_its_progress(tmp_path: Path) -> None:
    ds = load_dataset(resolve_dataset("core"))
    with pytest.raises(_Stopped):
        run_eval(ds, _StopsAfter(2), tmp_path, limit=4, workers=1)
    assert not (tmp_path / "results.jsonl").exists()
    # the journal ends with half a line, as a kill mid-write leaves it
    with (tmp_path / "progress.jsonl").open("a") as fh:
        fh.write('{"id": "torn')
    again = _StopsAfter(2)
    m = run_eval(ds, again, tmp_path, limit=4, workers=1, resume=True)
    _, results = load_eval(tmp_path)
    assert m["run"]["resumed"] == 2 and m["n"] == 4 and m["node_f1"] == 1.0
    assert again.planned == [r.id for r in results[2:]]  # only the cases left were planned
    assert not (tmp_path / "progress.jsonl").exists()
    # a fresh (not resumed) eval in the same folder starts over
    with pytest.raises(_Stopped):
        run_eval(ds, _StopsAfter(1), tmp_path, limit=4, workers=1)
    with pytest.raises(UserError, match="cannot resume"):
        run_eval(ds, NoToolPlanner(), tmp_path, limit=4, resume=True)


class _Exploding:
    name = "exploding"
    serial = True
    writer = None

    def plan_case(self, case: Any, tracer: Any = None) -> Any:
        raise RuntimeError("the planner crashed")

    def answer(self, request: str, inputs: Any) -> str:
        return ""


def test_a_crashing_planner_is_recorded_not_raised(tmp_path: Path) -> None:
    ds = load_dataset(resolve_dataset("core"))
    m = run_eval(ds, _Exploding(), tmp_path, limit=2)
    _, results = load_eval(tmp_path)
    assert m["planner_failures"] == 2 and m["validity"] == 0.0
    assert all(r.status == "planner_error" and "the planner crashed" in (r.error or "")
               for r in results)
    kinds = [e.type for e in read_trace(tmp_path / "cases" / results[0].id / "trace.jsonl")]
    assert kinds == ["run_start", "error", "run_end"]


@pytest.mark.llm
def test_embedded_planner_runs_through_the_eval(tmp_path: Path) -> None:
    # Two plan-only tools keep the prompt short: this checks the wiring, not the quality.
    data = tmp_path / "data"
    data.mkdir()
    write_dataset(data / "d.jsonl", [{"id": "ocr", "request": "What does the sign say?",
                                      "inputs": [["sign.png", "image"]], "plan": {"steps": [
                                          {"id": "s1", "tool": "read_text",
                                           "args": {"image": "@input0"}}], "outputs": ["@s1"]}}])
    (data / "tools.json").write_text(json.dumps([
        {"name": "read_text", "description": "Read the text written in an image (OCR).",
         "inputs": {"image": "image"}, "outputs": {"text": "text"}},
        {"name": "text_to_speech", "description": "Speak text aloud.",
         "inputs": {"text": "text"}, "outputs": {"audio": "audio"}}]))
    ds = load_dataset(data)
    run_eval(ds, make_planner("base", ds), tmp_path / "out")
    _, (result,) = load_eval(tmp_path / "out")
    assert result.attempts >= 1 and result.prompt_tokens > 0 and (result.plan_s or 0) > 0
    # The LLM planner validates and repairs: it returns a valid plan or gives up.
    assert result.status in ("ok", "planner_error") and result.valid == (result.status == "ok")


def test_materialize_makes_real_inputs(tmp_path: Path) -> None:
    from PIL import Image

    from modalswitch import Modality
    from modalswitch.agent.plan import InputSpec
    from modalswitch.evals.datasets import Case
    from modalswitch.evals.runner.media_inputs import materialize
    from modalswitch.tools.runtime.media import probe

    (tmp_path / "given.png").write_bytes(b"")  # a file beside the dataset wins
    case = Case(id="m", request="r", gold=Plan(), shape="none", n_tools=0, inputs=[
        InputSpec("given.png", Modality.IMAGE), InputSpec("scene.jpg", Modality.IMAGE),
        InputSpec("sign.png", Modality.IMAGE), InputSpec("memo.wav", Modality.AUDIO),
        InputSpec("notes.txt", Modality.TEXT)],
        media={"sign.png": "FRAGILE HANDLE WITH CARE", "memo.wav": "hello",
               "notes.txt": "some notes"})
    paths = materialize(case, tmp_path, tmp_path / "made")
    assert paths[0] == tmp_path / "given.png"
    with Image.open(paths[1]) as scene:
        assert scene.format == "JPEG" and scene.size == (480, 320)
    with Image.open(paths[2]) as sign:
        assert sign.height > 120 and sign.width > 400  # two lines, wide enough for each
    assert probe(paths[3]).modality is Modality.AUDIO
    assert paths[4].read_text() == "some notes"
    assert materialize(case, tmp_path, tmp_path / "made") == paths  # made once, reused
