"""Live progress of a run in the terminal, driven by trace events."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

_STYLE = {"running": "yellow", "ok": "green", "cached": "cyan", "failed": "red",
          "skipped": "dim", "waiting": "dim", "retrying": "magenta"}


class RunProgress:
    """A live table: the planner's state, then one row per step with status and time."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.phase = "starting"
        self.rows: dict[str, dict[str, Any]] = {}
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

    def __call__(self, event: Any) -> None:
        """Update the display for one trace event."""
        kind = event.type
        if kind == "run_start":
            self.phase = "planning"
        elif kind == "plan_attempt":
            note = f" ({len(event.issues)} issue(s), repairing)" if event.issues else ""
            self.phase = f"planned, attempt {event.attempt}, {event.completion_tokens} tokens{note}"
        elif kind == "plan_ready":
            steps = event.plan.get("steps", [])
            self.phase = "answering in text" if not steps else f"running {len(steps)} step(s)"
            for step in steps:
                self.rows[step["id"]] = {"tool": step["tool"], "status": "waiting",
                                         "start": None, "took": None, "note": ""}
        elif kind in ("step_start", "cache_hit"):
            row = self.rows.setdefault(event.span, {"tool": event.tool, "note": "",
                                                    "took": None})
            row.update(status="running" if kind == "step_start" else "cached",
                       start=time.monotonic())
        elif kind == "step_progress" and event.span in self.rows:
            self.rows[event.span]["note"] = f"{event.fraction:.0%} {event.message}".strip()
        elif kind == "retry" and event.span in self.rows:
            self.rows[event.span].update(status="retrying",
                                         note=f"retry {event.attempt} in {event.delay_s:.1f}s")
        elif kind == "step_end" and event.span in self.rows:
            self.rows[event.span].update(status=event.status, took=event.duration_s,
                                         note=(event.error or "")[:80])
        elif kind == "run_end":
            self.phase = f"done ({event.status}) in {event.duration_s:.1f}s"
        if self._live is not None:
            self._live.update(self._render())
        elif kind in ("plan_ready", "step_end", "retry", "run_end"):
            self._log(event)

    def _log(self, event: Any) -> None:
        if event.type == "step_end":
            row = self.rows.get(event.span, {})
            line = f"{event.span} {row.get('tool', event.tool)}: {event.status}"
            line += f" in {event.duration_s:.2f}s" + (f" ({event.error})" if event.error else "")
        elif event.type == "retry":
            line = f"{event.span}: {self.rows[event.span]['note']}"
        else:
            line = self.phase
        self.console.print(line, markup=False, highlight=False)

    def _render(self) -> Table:
        table = Table.grid(padding=(0, 2))
        head: Any = Spinner("dots", text=Text(self.phase)) if not self.phase.startswith(
            "done") else Text(self.phase, style="bold")
        table.add_row(head)
        if self.rows:
            steps = Table(box=None, show_header=True, header_style="bold")
            for col in ("step", "tool", "status", "time", ""):
                steps.add_column(col)
            for sid, row in self.rows.items():
                took = row["took"]
                if took is None and row.get("start") and row["status"] == "running":
                    took = time.monotonic() - row["start"]
                steps.add_row(sid, row["tool"], Text(row["status"],
                                                     style=_STYLE.get(row["status"], "")),
                              f"{took:.1f}s" if took is not None else "", row["note"])
            table.add_row(steps)
        return table
