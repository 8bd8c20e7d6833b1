"""The step display `train lora` and `train adapt` share (modalswitch/cli/train.py)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from modalswitch.cli import train


def _log_console(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    out = io.StringIO()
    monkeypatch.setattr(train, "_ERR", Console(file=out, force_terminal=False, width=100))
    return out


def test_a_log_gets_a_line_every_five_steps_and_at_the_last(
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = _log_console(monkeypatch)
    with train.training_progress(7) as on_step:
        assert out.getvalue() == ""  # nothing before the first step (loading, synthesis)
        for step in range(1, 8):
            on_step(step, 1.0 / step)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("step ")]
    assert [line.split(" loss")[0] for line in lines] == ["step 5/7", "step 7/7"]
    assert "loss 0.200" in lines[0] and "loss 0.143" in lines[1]


def test_time_counts_from_the_first_step(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _log_console(monkeypatch)
    now = [0.0]
    monkeypatch.setattr(train.time, "perf_counter", lambda: now[0])
    with train.training_progress(5) as on_step:
        now[0] = 3000.0  # loading and synthesis came first
        for step in range(1, 6):
            on_step(step, 0.5)
            now[0] += 10.0
    assert "step 5/5 loss 0.500 (40s)" in out.getvalue()


def test_an_error_before_any_step_shows_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _log_console(monkeypatch)
    with pytest.raises(ValueError), train.training_progress(3):
        raise ValueError("no catalog")
    assert out.getvalue() == ""


def test_no_steps_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _log_console(monkeypatch)
    with train.training_progress(0) as on_step:
        on_step(1, 0.5)
    assert out.getvalue() == ""
