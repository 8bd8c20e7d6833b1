"""The studio's eval view, driven with Textual's pilot at 80×24: navigation, filters, sorts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio_pilot import drive, look_at, press, screen_text
from textual.pilot import Pilot
from textual.widgets import Input

from modalswitch.evals.runner.results import load_eval
from modalswitch.views.studio.app import StudioApp
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.case_table import CaseTable
from modalswitch.views.studio.eval_screen import EvalScreen
from modalswitch.views.studio.metrics_screen import MetricsScreen

ALL = ["caption", "caption-again", "chat", "crash", "draw", "flaky", "speak-back"]


def shown(app: StudioApp) -> list[str]:
    """The case ids in the table, top to bottom."""
    screen = app.screen
    assert isinstance(screen, EvalScreen)
    return [r.id for r in screen.shown]


def test_opens_on_metrics_and_every_case(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert isinstance(app.screen, EvalScreen)
        text = screen_text(app)
        assert "fake · planner oracle · 7 cases" in text
        assert "e2e 0.714" in text and "shapes: none 1 · single 5 · chain 1" in text
        assert "7/7 cases · all cases · sort id ↑" in text
        for key in ("/ search", "f failed", "i invalid", "t tool", "s shape", "o sort",
                    "m metrics", "q quit"):
            assert key in text.splitlines()[-1]  # the footer, in 80 columns
        assert shown(app) == ALL

    drive([executed_eval], scenario)


def test_enter_opens_a_case_escape_comes_back_n_steps_through(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "down", "down", "down", "enter")
        assert isinstance(app.screen, CaseScreen)
        assert "case crash  exec_failed" in screen_text(app)
        await press(pilot, "n")
        assert "case draw  ok" in screen_text(app)
        await press(pilot, "N", "N")
        assert "case chat  ok" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, EvalScreen)
        table = app.screen.query_one("#cases", CaseTable)
        assert shown(app)[table.cursor] == "chat"  # the cursor followed the stepping
        assert "chat: why is grass green?" in screen_text(app)  # the full request below

    drive([executed_eval], scenario)


def test_failed_search_tool_shape_and_clear(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "f")
        assert shown(app) == ["crash", "draw"]  # crashed; ran but missed "dog"
        assert "2/7 cases · failed" in screen_text(app)
        await press(pilot, "f", "slash", *"CAT", "enter")
        assert shown(app) == ["draw"]
        assert '"CAT"' in screen_text(app)
        await press(pilot, "c", "t")
        assert "filter by tool" in screen_text(app)
        options = screen_text(app)
        assert "fake_caption (2)" in options and "fake_speak (1)" in options
        await press(pilot, *["down"] * options.split("any tool")[1].split("fake_speak")[0]
                    .count("\n"), "enter")
        assert shown(app) == ["speak-back"]
        await press(pilot, "c", "s", "down", "down", "down", "enter")  # any, none, single, chain
        assert shown(app) == ["speak-back"] and "shape chain" in screen_text(app)
        await press(pilot, "c")
        assert shown(app) == ALL

    drive([executed_eval], scenario)


def test_sorting_by_key_by_header_click_and_reversed(executed_eval: Path) -> None:
    _, results = load_eval(executed_eval)
    slowest = max(results, key=lambda r: r.case_s).id

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "r")
        assert shown(app) == ALL[::-1]
        await press(pilot, "o")  # id -> status
        assert shown(app)[-1] == "crash" and "sort status ↓" in screen_text(app)
        header = next(line for line in screen_text(app).splitlines() if "case s" in line)
        column = header.index("case s")
        await pilot.click("#cases", offset=(column, 0))
        await pilot.pause()
        assert "sort case s ↑" in screen_text(app)
        await pilot.click("#cases", offset=(column, 0))
        await pilot.pause()
        assert shown(app)[0] == slowest and "sort case s ↓" in screen_text(app)

    drive([executed_eval], scenario)


def test_metrics_screen_has_splits_and_histograms(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "m")
        assert isinstance(app.screen, MetricsScreen)
        text = screen_text(app)
        assert "end-to-end success" in text and "by shape" in text
        assert "latency per case" not in text  # below the fold in 24 rows
        await press(pilot, "end")
        text = screen_text(app)
        assert "latency per case" in text and "planning time per case" in text and "│█" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, EvalScreen)

    drive([executed_eval], scenario)


def test_invalid_only_on_the_taskbench_sample(taskbench_sample: Path, tmp_path: Path) -> None:
    from modalswitch.evals.datasets import load_dataset
    from modalswitch.evals.runner import run_eval
    from modalswitch.evals.runner.planners import OraclePlanner

    run_eval(load_dataset(taskbench_sample), OraclePlanner(), tmp_path)
    _, results = load_eval(tmp_path)
    invalid = sorted(r.id for r in results if not r.valid)
    assert len(results) == 369 and invalid  # TaskBench's gold breaks our modality rules

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert "369/369 cases" in screen_text(app)
        await press(pilot, "i")
        assert sorted(shown(app)) == invalid
        assert f"{len(invalid)}/369 cases · invalid" in screen_text(app)
        await press(pilot, "enter")
        assert "[modality_mismatch]" in await look_at(pilot, app, "#diff")

    drive([tmp_path], scenario)


def test_rows_are_drawn_with_the_cursor_on_the_highlighted_case(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        lines = screen_text(app).splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("id "))
        assert lines[header].split() == ["id", "status", "shape", "n", "node", "edge", "value",
                                         "case", "s", "request"]
        assert [line.split()[0] for line in lines[header + 1: header + 8]] == ALL
        crash = lines[header + 4]
        assert "exec_failed" in crash and "this will break" in crash
        await press(pilot, "end")
        assert app.screen.query_one(CaseTable).cursor == 6
        assert "speak-back: transcribe this and say it back" in screen_text(app)
        await pilot.click("#cases", offset=(2, 3))  # a click on draw's row moves the cursor
        await pilot.pause()
        assert app.screen.query_one(CaseTable).cursor == 2
        await pilot.click("#cases", offset=(2, 3))  # and a second click opens it
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen) and "case chat" in screen_text(app)

    drive([executed_eval], scenario)


def test_q_types_into_the_search_box_and_quits_from_the_table(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await press(pilot, "slash", "q", "left_square_bracket")
        assert app.is_running and app.screen.query_one("#search", Input).value == "q["
        assert shown(app) == [] and '"q["' in screen_text(app)  # no markup trouble
        await press(pilot, "escape", "q")
        assert not app.is_running

    drive([executed_eval], scenario)
