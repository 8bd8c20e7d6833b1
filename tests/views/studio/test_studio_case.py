"""The studio's case view at 80×24: plans and their differences, the graph and the modality
flow, attempts, steps, the response, and files that open or play with a key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studio_pilot import Opened, drive, look_at, press, screen_text
from textual.pilot import Pilot
from textual.widgets import Collapsible, DataTable

from modalswitch.views.studio.app import StudioApp
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.compare_screen import CompareScreen


async def open_case(pilot: Pilot[Any], app: StudioApp, case_id: str) -> None:
    """From the eval view, open one case by typing its id in the search box."""
    await press(pilot, "slash", *case_id, "enter", "enter")
    assert isinstance(app.screen, CaseScreen)


def test_an_executed_case_from_request_to_files(executed_eval: Path) -> None:
    opened = Opened()
    case_dir = executed_eval / "cases" / "speak-back"
    wav = next(case_dir.glob("s2-audio*.wav"))

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await open_case(pilot, app, "speak-back")
        text = screen_text(app)
        assert "case speak-back  ok  · chain · 2 gold tool(s)" in text
        assert "@input0 = memo.wav (audio)" in text
        text = await look_at(pilot, app, "#plans")
        assert "s1 fake_transcribe ✓" in text and "s2 fake_speak ✓ ok" in text
        assert "matches gold" in text
        text = await look_at(pilot, app, "#graphs")
        assert "│ @input0 memo.wav (audio) │" in text
        assert "│ s1 fake_transcribe → text │" in text and "response: text, audio" in text
        text = await look_at(pilot, app, "#flows")
        assert "audio ⇒ text, audio" in text
        assert "@input0 memo.wav ─audio→ s1 fake_transcribe ─text→ s2 fake_speak ─audio→" in text
        text = await look_at(pilot, app, "#steps")
        assert "cache hits 0 · retries 0" in text and "fake_speak" in text
        text = await look_at(pilot, app, "#response")
        assert "1.19 seconds of audio" in text
        await press(pilot, "f")
        text = screen_text(app)
        assert "memo.wav" in text and "s2-audio" in text
        await press(pilot, "o", "down", "p", "o")
        assert opened == [("open", executed_eval / "inputs" / "speak-back" / "memo.wav"),
                          ("play", wav), ("open", wav)]

    drive([executed_eval], scenario, opener=opened)


def test_an_image_does_not_play(executed_eval: Path) -> None:
    opened = Opened()

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await open_case(pilot, app, "draw")
        await press(pilot, "f", "p")
        assert opened == []
        await press(pilot, "o")
        assert [action for action, _ in opened] == ["open"] and opened[0][1].suffix == ".png"

    drive([executed_eval], scenario, opener=opened)


def test_cache_hits_retries_and_errors(executed_eval: Path) -> None:
    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await open_case(pilot, app, "caption-again")
        assert "cache hit" in await look_at(pilot, app, "#plans")
        assert "cache hits 1" in await look_at(pilot, app, "#steps")
        await press(pilot, "escape", "c")
        await open_case(pilot, app, "flaky")
        assert "1 retry" in await look_at(pilot, app, "#plans")
        assert "busy (call 1)" in await look_at(pilot, app, "#steps")
        await press(pilot, "escape", "c")
        await open_case(pilot, app, "crash")
        text = await look_at(pilot, app, "#plans")
        assert "s1 crash ✓ failed" in text and "ToolError: crashed on purpose" in text

    drive([executed_eval], scenario, size=(100, 30))


def test_differences_from_gold_and_the_planners_attempts(two_evals: tuple[Path, Path]) -> None:
    _, llm = two_evals

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        await open_case(pilot, app, "speak")
        text = await look_at(pilot, app, "#plans")
        assert "s2 fake_speak ✗ missing" in text and "s2 fake_draw + extra" in text
        text = await look_at(pilot, app, "#diff")
        assert "missing tool fake_speak (gold s2)" in text and "extra tool fake_draw (s2)" in text
        text = await look_at(pilot, app, "#graphs")
        assert "s2 fake_draw → image [extra]" in text
        text = await look_at(pilot, app, "#attempts")
        assert "attempt 1 ·" in text and "1 issue(s)" in text and "attempt 2 ·" in text
        assert "fake_speek" not in text  # raw output stays folded until asked for
        first = app.screen.query(Collapsible).first()
        await pilot.click(first.query_one("CollapsibleTitle"))
        await pilot.pause()
        text = await look_at(pilot, app, "#attempts")
        assert "fake_speek" in text and "[unknown_tool]" in text
        assert "no router: the planner saw every tool" in await look_at(pilot, app, "#route")
        await press(pilot, "escape", "c")
        await open_case(pilot, app, "draw")
        text = await look_at(pilot, app, "#plans")
        assert "text = a dog  ← wrong value (gold a" in text  # (gold a cat), wrapped
        assert "wrong value s1.text" in text

    drive([llm], scenario, size=(100, 30))


def test_compare_worst_first_then_both_predictions(two_evals: tuple[Path, Path]) -> None:
    oracle, llm = two_evals

    async def scenario(pilot: Pilot[Any], app: StudioApp) -> None:
        assert isinstance(app.screen, CompareScreen)
        text = screen_text(app)
        assert "A: cases · planner oracle" in text and "B: cases · planner llm:scripted" in text
        assert "cases that changed (2), worst first" in text
        assert "tool (node) F1" in text and "-0.333" in text
        table = app.screen.query_one("#changed", DataTable)
        first = str(table.coordinate_to_cell_key((0, 0)).row_key.value)
        assert first == "speak"  # lost a tool and two edges: the bigger loss
        await press(pilot, "enter")
        assert isinstance(app.screen, CaseScreen)
        text = await look_at(pilot, app, "#plans")
        assert "predicted · A" in text and "predicted · B" in text
        assert "B: missing tool fake_speak" in await look_at(pilot, app, "#diff")
        await press(pilot, "escape")
        assert isinstance(app.screen, CompareScreen)

    drive([oracle, llm], scenario, size=(100, 30))
