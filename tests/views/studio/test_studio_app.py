"""What `modalswitch view` makes of the folders it is given, and its typed errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from studio_pilot import drive, press, screen_text
from textual.pilot import Pilot

from modalswitch.cli.main import main
from modalswitch.errors import UserError
from modalswitch.views.studio.app import StudioApp, resolve, studio
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.runs_screen import RunsScreen


def test_each_kind_of_folder(executed_eval: Path, tmp_path: Path) -> None:
    assert resolve(executed_eval).kind == "eval"
    assert resolve(executed_eval / "cases" / "chat").kind == "run"
    assert resolve(executed_eval / "cases" / "chat" / "trace.jsonl").kind == "run"
    assert resolve(executed_eval / "cases").kind == "runs"
    (tmp_path / "cases").mkdir()
    assert resolve(tmp_path).kind == "live-eval"  # an eval has begun writing here
    assert resolve(tmp_path / "not-yet", follow=True).kind == "run"


def test_bad_folders_are_typed_errors_before_anything_draws(executed_eval: Path,
                                                           tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        resolve(tmp_path / "missing")
    with pytest.raises(UserError, match="--follow"):
        resolve(tmp_path)
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(UserError, match="is a file"):
        resolve(tmp_path / "notes.txt")
    with pytest.raises(UserError, match="compares two finished eval folders"):
        studio([executed_eval, executed_eval / "cases" / "chat"])


def test_the_command_exits_2_with_a_reason(executed_eval: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["view", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["view", str(executed_eval)]) == 2  # pytest's stdout is no terminal
    assert "needs a terminal" in capsys.readouterr().err
    assert main(["--home", str(tmp_path), "view"]) == 2  # no runs/ in that home yet
    assert f"{tmp_path / 'runs'} does not exist" in capsys.readouterr().err.replace("\n", "")


def test_a_folder_of_runs_lists_them_and_opens_one(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert isinstance(app.screen, RunsScreen)
        text = screen_text(app)
        assert "7 runs in" in text and "transcribe this and say it back" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, CaseScreen) and "request:" in screen_text(app)

    drive([executed_eval / "cases"], scenario)


def test_a_damaged_trace_shows_what_can_be_read(executed_eval: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "eval"
    shutil.copytree(executed_eval, copy)
    trace = copy / "cases" / "speak-back" / "trace.jsonl"
    lines = trace.read_text().splitlines(keepends=True)
    trace.write_text("".join([lines[0], "{not an event\n", *lines[1:]]))

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "slash", *"speak", "enter", "enter")
        assert isinstance(app.screen, CaseScreen)
        assert "case speak-back  ok" in screen_text(app) and "run ok" in screen_text(app)

    drive([copy], scenario)
