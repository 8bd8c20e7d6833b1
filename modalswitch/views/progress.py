"""Live progress of a run in the terminal: the trace fold, redrawn as events arrive."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from modalswitch.agent.trace.events import (
    Event,
    PlanAttempt,
    PlanReady,
    Retry,
    RouteDecision,
    RunEnd,
    RunStart,
    StepEnd,
)
from modalswitch.agent.trace.fold import StepInfo, TraceSummary
from modalswitch.views.style import STATUS_STYLE


def phase(summary: TraceSummary, last: Event | None) -> str:
    """One line saying where the run is."""
    if isinstance(last, RunEnd):
        return f"done ({last.status}) in {last.duration_s:.1f}s"
    if isinstance(last, PlanAttempt):
        note = f" ({len(last.issues)} issue(s), repairing)" if last.issues else ""
        return f"planned, attempt {last.attempt}, {last.completion_tokens} tokens{note}"
    if isinstance(last, RouteDecision):
        return ("routed: tools needed, planning" if last.needs_tool
                else "routed: a text answer")
    if summary.plan is not None:
        n = len(summary.plan.get("steps", []))
        return "answering in text" if not n else f"running {n} step(s)"
    return "planning" if isinstance(last, RunStart) or summary.request else "starting"


class RunProgress:
    """A live table: the run's phase, then one row per step with status and time."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.summary = TraceSummary()
        self.phase = "starting"
        # Not a terminal (CI logs, pipes): print one line per change instead of redrawing.
        self._live = (Live(self._render(), console=self.console, refresh_per_second=8)
                      if self.console.is_terminal else None)

    def __enter__(self) -> RunProgress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(exc_type, exc, tb)

    def __call__(self, event: Event) -> None:
        """Fold one trace event in and show it."""
        self.summary.apply(event)
        if not isinstance(event, StepEnd | Retry) or event.parent is None:
            self.phase = phase(self.summary, event)
        if self._live is not None:
            self._live.update(self._render())
        elif isinstance(event, PlanReady | StepEnd | Retry | RunEnd) and event.parent is None:
            self._log(event)

    def _log(self, event: Event) -> None:
        if isinstance(event, StepEnd):
            line = f"{event.span} {event.tool}: {event.status} in {event.duration_s:.2f}s"
            line += f" ({event.error})" if event.error else ""
            line += " (placeholder: its model is not here)" if event.degraded else ""
        elif isinstance(event, Retry):
            line = f"{event.span}: retry {event.attempt} in {event.delay_s:.1f}s"
        else:
            line = self.phase
        self.console.print(line, markup=False, highlight=False)

    def _row(self, info: StepInfo) -> list[Any]:
        took = info.duration_s
        if info.status == "running" and info.started_at is not None:
            took = time.time() - info.started_at
        note = (info.error or ("placeholder: its model is not here" if info.degraded else ""))[:80]
        if info.status == "running" and info.progress is not None:
            fraction, message = info.progress
            note = f"{fraction:.0%} {message}".strip()
        elif info.status == "retrying" and info.retries:
            retry = info.retries[-1]
            note = f"retry {retry['attempt']} in {retry['delay_s']:.1f}s"
        status = "waiting" if info.status == "pending" else info.status
        return [info.id, info.tool, Text(status, style=STATUS_STYLE.get(status, "")),
                f"{took:.1f}s" if took is not None else "", note]

    def _render(self) -> Table:
        table = Table.grid(padding=(0, 2))
        head: Any = (Text(self.phase, style="bold") if self.phase.startswith("done")
                     else Spinner("dots", text=Text(self.phase)))
        table.add_row(head)
        if self.summary.top_steps:
            steps = Table(box=None, show_header=True, header_style="bold")
            for col in ("step", "tool", "status", "time", ""):
                steps.add_column(col)
            for info in self.summary.top_steps:
                steps.add_row(*self._row(info))
            table.add_row(steps)
        return table
