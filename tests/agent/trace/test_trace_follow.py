"""Following a trace while it is written: the same fold as reading it whole."""

from __future__ import annotations

from pathlib import Path

from modalswitch.agent.trace.events import PlanReady, RunEnd, RunStart, StepEnd, StepStart
from modalswitch.agent.trace.fold import TraceFollower, summarize_trace
from modalswitch.agent.trace.tracer import Tracer


def test_whole_lines_only_and_the_same_summary_as_a_full_read(tmp_path: Path) -> None:
    follower = TraceFollower(tmp_path)
    assert not follower.poll() and not follower.finished  # no trace yet
    tracer = Tracer(tmp_path / "trace.jsonl")
    tracer.emit(RunStart(request="say hi"))
    tracer.emit(PlanReady(plan={"steps": [{"id": "s1", "tool": "speak", "args": {}}]},
                          output_modalities=["audio"], step_outputs={"s1": {"audio": "audio"}}))
    assert follower.poll() and follower.events == 2
    assert follower.summary.request == "say hi" and follower.summary.steps["s1"].status == "pending"
    line = StepStart(span="s1", tool="speak", args={}).model_dump_json() + "\n"
    with (tmp_path / "trace.jsonl").open("a") as fh:  # a writer caught mid-line
        fh.write(line[:20])
    assert not follower.poll() and follower.events == 2
    with (tmp_path / "trace.jsonl").open("a") as fh:
        fh.write(line[20:])
    assert follower.poll() and follower.summary.steps["s1"].status == "running"
    tracer.emit(StepEnd(span="s1", tool="speak", status="ok", outputs={
        "audio": {"artifact": "x", "modality": "audio", "path": "/x.wav"}}))
    tracer.emit(RunEnd(status="ok", duration_s=0.5))
    assert follower.poll() and follower.finished and not follower.poll()
    full = summarize_trace(tmp_path)
    assert full.status == follower.summary.status == "ok"
    assert full.output_kinds() == follower.summary.output_kinds() == {"s1": {"audio": "audio"}}


def test_a_run_started_over_in_the_same_folder_is_folded_afresh(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    first = Tracer(trace)
    first.emit(RunStart(request="the first request, which is longer"))
    first.emit(RunEnd(status="failed", duration_s=1.0))
    follower = TraceFollower(trace)
    follower.poll()
    assert follower.summary.status == "failed"
    trace.unlink()  # what Agent.run does before a new run in the same folder
    Tracer(trace).emit(RunStart(request="again"))
    assert follower.poll()
    assert follower.summary.request == "again" and follower.summary.status == "unfinished"
    trace.unlink()  # and a new trace longer than the old one
    Tracer(trace).emit(RunStart(request="a third request, long enough to pass the old end " * 3))
    assert follower.poll() and follower.summary.request.startswith("a third request")


def test_planned_modalities_give_way_to_what_a_step_produced(executed_eval: Path) -> None:
    summary = summarize_trace(executed_eval / "cases" / "speak-back")
    assert summary.step_outputs == {"s1": {"text": "text"}, "s2": {"audio": "audio"}}
    assert summary.steps["s2"].output_modalities == {"audio": "audio"}
    assert summary.output_kinds() == {"s1": {"text": "text"}, "s2": {"audio": "audio"}}


def test_a_line_that_is_no_event_is_counted_and_skipped(tmp_path: Path) -> None:
    tracer = Tracer(tmp_path / "trace.jsonl")
    tracer.emit(RunStart(request="hi"))
    with (tmp_path / "trace.jsonl").open("a") as fh:
        fh.write('{"type": "no_such_event"}\nnot json at all\n')
    tracer.emit(RunEnd(status="ok", duration_s=0.1))
    follower = TraceFollower(tmp_path / "trace.jsonl")
    assert follower.poll()
    assert (follower.events, follower.unreadable, follower.finished) == (2, 2, True)
