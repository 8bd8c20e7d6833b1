"""`plan --json` and `trace show` mark a step whose tool will make a placeholder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch import Agent, Registry, ScriptedPlanner
from modalswitch.cli import common, main
from modalswitch.errors import MissingModelError
from modalswitch.tools.fakes import FakeCaption
from modalswitch.tools.generate import GenerateImage
from modalswitch.tools.helpers import model_tool

PLAN = {"steps": [{"id": "d", "tool": "generate_image", "args": {"prompt": "a red kite"}},
                  {"id": "c", "tool": "fake_caption", "args": {"image": "@d"}}],
        "outputs": ["@d.image", "@c.text"]}


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    def absent(tool: str, slot: str, checkpoint: str, **_: object) -> Path:
        raise MissingModelError(tool, checkpoint, "not here")

    monkeypatch.setattr(model_tool, "resolve", absent)
    monkeypatch.setattr(common, "make_agent", lambda args: Agent(
        ScriptedPlanner([PLAN]), Registry([GenerateImage(), FakeCaption()]), home=home))


@pytest.mark.usefixtures("agent")
def test_plan_json_marks_the_placeholder_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "draw a kite and caption it", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert "title card" in steps[0]["degraded"] and "models pull" in steps[0]["degraded"]
    assert "degraded" not in steps[1]


@pytest.mark.usefixtures("agent")
def test_run_and_trace_show_say_placeholder(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    assert main(["run", "draw a kite", "--out", str(tmp_path / "o")]) == 0
    assert "This is a placeholder" in capsys.readouterr().out
    assert main(["trace", "show", str(tmp_path / "o")]) == 0
    assert "placeholder:" in capsys.readouterr().out
