"""Typed events end to end, and sub-tool calls as child spans of their step."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from rich.console import Console

from modalswitch import (
    Agent,
    ImageArtifact,
    Registry,
    ScriptedPlanner,
    TextContent,
    Tool,
    ToolContext,
)
from modalswitch.agent.trace import (
    Event,
    PlanReady,
    RunEnd,
    RunStart,
    StepEnd,
    StepStart,
    read_trace,
    summarize_trace,
)
from modalswitch.tools.fakes import FakeCaption
from modalswitch.views.trace_tree import trace_tree


class PhotoIn(BaseModel):
    image: ImageArtifact


class AlbumOut(BaseModel):
    text: TextContent


class AlbumNote(Tool[PhotoIn, AlbumOut]):
    """A composite: captions the photo with another tool, twice."""

    name = "album_note"
    description = "Write an album note for a photo."

    def __init__(self) -> None:
        self.captioner = FakeCaption()

    def run(self, args: PhotoIn, ctx: ToolContext) -> AlbumOut:
        first = ctx.call(self.captioner, {"image": args.image})
        second = ctx.call(self.captioner, {"image": args.image})
        return AlbumOut(text=f"{first.text} / {second.text}")  # type: ignore[attr-defined]


def _run(png: Path, home: Path, tmp_path: Path, events: list[Event]) -> Path:
    plan = {"steps": [{"id": "s1", "tool": "album_note", "args": {"image": "@input0"}}],
            "outputs": ["@s1.text"]}
    agent = Agent(ScriptedPlanner([plan]), Registry([AlbumNote()]), home=home)
    response = agent.run("note this", [png], out_dir=tmp_path / "run", on_event=events.append)
    assert response.ok, response.text
    return tmp_path / "run"


def test_listeners_and_read_trace_get_the_same_typed_events(png: Path, home: Path,
                                                            tmp_path: Path) -> None:
    live: list[Event] = []
    run = _run(png, home, tmp_path, live)
    stored = read_trace(run / "trace.jsonl")
    assert [type(e) for e in live] == [type(e) for e in stored]
    assert isinstance(stored[0], RunStart) and isinstance(stored[-1], RunEnd)
    assert any(isinstance(e, PlanReady) for e in stored)
    assert [e.model_dump() for e in live] == [e.model_dump() for e in stored]


def test_sub_tool_calls_are_child_spans(png: Path, home: Path, tmp_path: Path) -> None:
    run = _run(png, home, tmp_path, [])
    events = read_trace(run / "trace.jsonl")
    children = [e for e in events if isinstance(e, StepStart | StepEnd) and e.parent == "s1"]
    assert [(type(e).__name__, e.span) for e in children] == [
        ("StepStart", "s1/fake_caption"), ("StepEnd", "s1/fake_caption"),
        ("StepStart", "s1/fake_caption#2"), ("StepEnd", "s1/fake_caption#2")]
    summary = summarize_trace(run)
    assert [s.id for s in summary.top_steps] == ["s1"]
    assert summary.steps["s1"].children == ["s1/fake_caption", "s1/fake_caption#2"]
    assert summary.steps["s1/fake_caption"].status == "ok"
    console = Console(record=True, width=120)
    console.print(trace_tree(summary))
    text = console.export_text()
    assert text.index("s1  album_note") < text.index("s1/fake_caption  fake_caption")
