"""Conversations: later turns get earlier files as inputs; sessions persist and resume."""

from __future__ import annotations

import json

import pytest

from modalswitch import Agent, ScriptedPlanner
from modalswitch.errors import SessionError
from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.fakes import FakeDraw, ImageOut, TextIn, fake_registry

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a red square"}}],
        "outputs": ["@s1"]}


def test_a_follow_up_references_the_earlier_picture_without_reattaching(home, png):
    # turn 2 is given turn 1's picture as @input0, then the user's new photo as @input1
    side_by_side = {"steps": [{"id": "a", "tool": "fake_caption", "args": {"image": "@input0"}},
                              {"id": "b", "tool": "fake_caption", "args": {"image": "@input1"}}],
                    "outputs": ["@a", "@b"]}
    planner = ScriptedPlanner([DRAW, side_by_side])
    agent = Agent(planner, fake_registry(), home=home)
    session = agent.session()
    first = session.ask("draw a red square")
    assert [a.modality for a in first.artifacts] == ["image"]
    second = session.ask("describe both pictures", [png])
    assert second.ok, second.failures
    assert "64x48" in second.text and "32x24" in second.text
    assert "turn 1: 'draw a red square' gave turn1-s1-image.png" in planner.requests[1]
    assert [t.request for t in session.turns] == ["draw a red square", "describe both pictures"]


def test_a_session_is_saved_and_resumed_by_id(home):
    agent = Agent(ScriptedPlanner([DRAW, {"steps": [
        {"id": "s1", "tool": "fake_caption", "args": {"image": "@input0"}}],
        "outputs": ["@s1"]}]), fake_registry(), home=home)
    session = agent.session()
    session.ask("draw a red square")
    record = json.loads((home / "sessions" / session.id / "session.json").read_text())
    assert record["turns"][0]["made"][0].endswith("turn1-s1-image.png")

    resumed = agent.session(session.id)
    assert [t.request for t in resumed.turns] == ["draw a red square"]
    response = resumed.ask("what did you draw?")
    assert response.text.startswith("a 64x48 picture")
    assert len(agent.session(session.id).turns) == 2


def test_text_answers_are_carried_as_text_files(home):
    speak = {"steps": [{"id": "s1", "tool": "fake_speak", "args": {"text": "@input0"}}],
             "outputs": ["@s1"]}
    agent = Agent(ScriptedPlanner([{"steps": [], "message": "hello there"}, speak]),
                  fake_registry(), home=home)
    session = agent.session()
    assert session.ask("say hi").text == "hello there"
    spoken = session.ask("say that again more slowly")
    assert spoken.ok and spoken.artifacts[0].modality == "audio"
    # the tone's length follows the carried text ("hello there", 11 characters)
    assert spoken.artifacts[0].meta["duration_s"] == pytest.approx(0.16, abs=0.01)


@pytest.mark.parametrize("bad", ["../../etc", "nope", "x"])
def test_an_unknown_or_malformed_session_id_is_a_session_error(home, bad):
    agent = Agent(ScriptedPlanner([DRAW]), fake_registry(), home=home)
    with pytest.raises(SessionError):
        agent.session(bad)


class _SketchOut(ImageOut):
    degraded: Degraded | None = degraded_field()


class _Sketch(Tool[TextIn, _SketchOut]):
    """A drawing tool without its model: a placeholder picture and a note."""

    name = "sketch"
    description = "Draw a picture of what the text describes."

    def run(self, args: TextIn, ctx: ToolContext) -> _SketchOut:
        drawn = FakeDraw().run(args, ctx)
        return _SketchOut(image=drawn.image, degraded=Degraded(
            placeholder="a title card", missing="no drawing model is here", fix="pull one"))


def test_notes_on_placeholder_and_failed_steps_are_not_carried_as_an_answer(home):
    """The next turn reads a turn's answer as a text input; a note that a step made a
    placeholder or failed is not an answer (the planner summarized such a note once)."""
    registry = fake_registry()
    registry.add(_Sketch())
    sketch = {"steps": [{"id": "s1", "tool": "sketch", "args": {"text": "a lighthouse"}}],
              "outputs": ["@s1"]}
    sketch_and_fail = {"steps": [
        {"id": "s1", "tool": "sketch", "args": {"text": "a boat"}},
        {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1.image"}},
        {"id": "s3", "tool": "crash", "args": {"text": "x"}}],
        "message": "Here is your boat.", "outputs": ["@s1", "@s2", "@s3"]}
    agent = Agent(ScriptedPlanner([sketch, sketch_and_fail]), registry, home=home)
    session = agent.session()
    first = session.ask("draw a lighthouse")
    assert "placeholder" in first.text  # the user is still told
    assert first.answer_text() == ""
    assert [p.endswith("turn1-s1-image.png") for p in session.turns[0].made] == [True]

    second = session.ask("now a boat, and describe it")
    assert "placeholder" in second.text and "crashed on purpose" in second.text
    answer = home / "sessions" / session.id / "files" / "turn2-answer.txt"
    assert answer.read_text().startswith("Here is your boat.\n\na 64x48 picture, mean colour")
    assert "placeholder" not in answer.read_text() and "crash" not in answer.read_text()
    assert [p.rsplit("/", 1)[-1] for p in session.carried()] == [
        "turn1-s1-image.png", "turn2-s1-image.png", "turn2-answer.txt"]
