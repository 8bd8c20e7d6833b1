"""Hostile plans: every list item checked, literals never become files, options never take
references, ids never shadow inputs, and depth never crashes validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from modalswitch import (
    Agent,
    Artifact,
    ImageArtifact,
    Modality,
    Plan,
    PlanError,
    PlannerError,
    Registry,
    ScriptedPlanner,
    Tool,
    ToolContext,
)
from modalswitch.agent.plan import InputSpec, bind_input_names, check_plan
from modalswitch.agent.trace import read_trace
from modalswitch.errors import IssueKind
from modalswitch.tools.fakes import ImageOut, TextOut, fake_registry
from modalswitch.tools.generate import TextToSpeech

IMAGE_IN = [InputSpec("photo.png", Modality.IMAGE)]
NOTE_IN = [InputSpec("note.txt", Modality.TEXT)]


class GridIn(BaseModel):
    images: list[ImageArtifact]


class Grid(Tool[GridIn, ImageOut]):
    name = "grid"
    description = "Put pictures side by side."

    def run(self, args: GridIn, ctx: ToolContext) -> ImageOut:
        return ImageOut(image=args.images[0])


class RawIn(BaseModel):
    """An unmarked Artifact field: validation cannot tell it is media."""

    thing: Artifact


class ReadRaw(Tool[RawIn, TextOut]):
    name = "read_raw"
    description = "Read a file."

    def __init__(self) -> None:
        self.opened: list[Path] = []

    def run(self, args: RawIn, ctx: ToolContext) -> TextOut:
        assert args.thing.path is not None
        self.opened.append(args.thing.path)
        return TextOut(text=args.thing.path.read_text())


def kinds(plan: dict, registry: Registry, inputs=IMAGE_IN) -> set[IssueKind]:
    return {i.kind for i in check_plan(Plan.parse(plan), registry, list(inputs))}


def inline_artifact(path: Path) -> dict:
    return {"sha256": "0" * 64, "modality": "image", "mime": "image/png", "path": str(path),
            "provenance": {"source": "input"}}


@pytest.fixture
def grid_registry() -> Registry:
    return Registry([Grid(), *fake_registry()])


def test_every_item_of_a_media_list_is_checked(grid_registry, tmp_path):
    def plan(images: list) -> dict:
        return {"steps": [{"id": "s1", "tool": "grid", "args": {"images": images}}]}

    assert kinds(plan(["@input0", "@input0"]), grid_registry) == set()
    assert kinds(plan(["@input0", "/etc/passwd.png"]), grid_registry) == {
        IssueKind.PATH_OUTSIDE_INPUTS}
    assert kinds(plan(["@input0", inline_artifact(tmp_path / "x.png")]), grid_registry) == {
        IssueKind.BAD_ARGUMENTS}
    assert kinds(plan(["@input0", 7]), grid_registry) == {IssueKind.BAD_ARGUMENTS}


def test_an_inline_artifact_never_reaches_a_tool(home, tmp_path, png):
    secret = tmp_path / "secret.txt"
    secret.write_text("the password")
    reader = ReadRaw()
    agent = Agent(ScriptedPlanner([{"steps": []}]), Registry([reader]), home=home)
    plan = Plan.parse({"steps": [{"id": "s1", "tool": "read_raw",
                                  "args": {"thing": inline_artifact(secret)}}],
                       "outputs": ["@s1.text"]})
    response = agent.run("read it", [png], out_dir=tmp_path / "run", plan=plan)
    assert reader.opened == []
    assert response.failures[0].error_type == "ToolError"
    assert "neither an input nor a step's output" in response.failures[0].message
    assert "the password" not in response.text


def test_settings_take_literals_not_references(registry):
    plan = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}},
                      {"id": "s2", "tool": "sleep",
                       "args": {"text": "@s1.text", "seconds": "@s1.text"}}]}
    issues = check_plan(Plan.parse(plan), registry, IMAGE_IN)
    assert [(i.kind, i.arg) for i in issues] == [(IssueKind.BAD_ARGUMENTS, "seconds")]
    assert "is a setting" in issues[0].message


def test_a_voice_is_a_name_never_a_path(tmp_path):
    registry = Registry([TextToSpeech()])
    existing = tmp_path / "voice.onnx"
    existing.write_bytes(b"x")
    messages = []
    for voice in (str(existing), str(tmp_path / "missing.onnx"), "../voices/x.onnx"):
        issues = check_plan(Plan.parse({"steps": [{"id": "s1", "tool": "text_to_speech",
                                                   "args": {"text": "hi", "voice": voice}}]}),
                            registry, [])
        assert [i.kind for i in issues] == [IssueKind.BAD_ARGUMENTS]
        messages.append(issues[0].message.replace(repr(voice), "VOICE"))
    assert messages[0] == messages[1]  # an existing and a missing file read alike
    ok = {"steps": [{"id": "s1", "tool": "text_to_speech",
                     "args": {"text": "hi", "voice": "en-us"}}]}
    assert check_plan(Plan.parse(ok), registry, []) == []


def test_text_that_names_an_input_stays_text(registry):
    plan = Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_speak", "args": {"text": "please read /x/note.txt"}},
        {"id": "s2", "tool": "fake_speak", "args": {"text": "note.txt"}},
        {"id": "s3", "tool": "fake_caption", "args": {"image": "/home/me/photo.png"}}]})
    bound = bind_input_names(plan, [*NOTE_IN, InputSpec("photo.png", Modality.IMAGE)],
                             registry)
    args = [s.args for s in bound.steps]
    assert args == [{"text": "please read /x/note.txt"}, {"text": "note.txt"},
                    {"image": "@input1"}]


def test_a_step_cannot_be_named_like_an_input(registry):
    plan = {"steps": [{"id": "input0", "tool": "fake_draw", "args": {"text": "x"}},
                      {"id": "s2", "tool": "fake_caption", "args": {"image": "@input0"}}]}
    assert IssueKind.RESERVED_ID in kinds(plan, registry)


def _deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_deep_nesting_is_a_typed_issue_not_a_crash(registry, home, tmp_path):
    text = ('{"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": '
            + "[" * 5000 + "]" * 5000 + "}}]}")
    with pytest.raises(PlanError) as err:
        Plan.parse(text)
    assert err.value.kinds == {IssueKind.TOO_DEEP}
    with pytest.raises(PlanError) as err:
        Plan.parse({"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": _deep(3000)}}]})
    assert err.value.kinds == {IssueKind.TOO_DEEP}
    # a Plan built in code skips parsing; validation still refuses it, and the trace ends
    plan = Plan(steps=[{"id": "s1", "tool": "fake_draw", "args": {"text": _deep(3000)}}])
    agent = Agent(ScriptedPlanner([{"steps": []}]), registry, home=home)
    with pytest.raises(PlanError) as err:
        agent.run("draw", out_dir=tmp_path / "run", plan=plan)
    assert err.value.kinds == {IssueKind.TOO_DEEP}
    assert read_trace(tmp_path / "run" / "trace.jsonl")[-1].type == "run_end"


def chain(length: int, cycle: bool = False) -> dict:
    """Each step echoes the next one's text: listed in the reverse of the order they run."""
    steps = [{"id": f"s{i}", "tool": "sleep",
              "args": {"text": f"@s{i + 1}.text", "seconds": 0}} for i in range(1, length)]
    last = "@s1.text" if cycle else "end"
    steps.append({"id": f"s{length}", "tool": "sleep", "args": {"text": last, "seconds": 0}})
    return {"steps": steps, "outputs": ["@s1.text"]}


def test_a_thousand_step_chain_in_reverse_order_validates_and_runs(registry, home, tmp_path):
    assert check_plan(Plan.parse(chain(1000)), registry, []) == []
    looped = check_plan(Plan.parse(chain(1000, cycle=True)), registry, [])
    assert [i.kind for i in looped] == [IssueKind.CYCLE]
    assert "..." in looped[0].message and len(looped[0].message) < 300
    agent = Agent(ScriptedPlanner([chain(300)]), registry, home=home)
    assert agent.run("echo", out_dir=tmp_path / "run").text == "end"


def test_an_invalid_plan_from_a_planner_never_runs(registry, home, tmp_path, png):
    bad = {"steps": [{"id": "s1", "tool": "fake_caption", "args": {"image": "/etc/x.png"}}],
           "outputs": ["@s1.text"]}
    agent = Agent(ScriptedPlanner([bad]), registry, home=home)
    with pytest.raises(PlannerError) as err:
        agent.run("caption", [png], out_dir=tmp_path / "run")
    assert err.value.last_error is not None
    assert err.value.last_error.kinds == {IssueKind.PATH_OUTSIDE_INPUTS}
    events = read_trace(tmp_path / "run" / "trace.jsonl")
    assert [e.type for e in events][-2:] == ["error", "run_end"]
    assert not any(e.type == "step_start" for e in events)
    assert json.dumps(bad)  # the plan itself is untouched
