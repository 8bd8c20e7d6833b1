"""What the studio shows, without the screens: eval folders, case filters and sort orders.

An eval folder loads once (results.jsonl and metrics.json); a case's trace is folded only
when the case is opened, and kept. Filters and sorts are plain functions over CaseResults,
so the screens stay thin and the rules are tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modalswitch.agent.trace.fold import TraceFollower, TraceSummary
from modalswitch.evals.runner.results import CaseResult, case_dirname, load_eval


def fold_trace(folder: Path) -> TraceSummary:
    """A run folder's trace as it is now; a line that is no event is skipped, not fatal (the
    viewer should show what it can of a damaged trace)."""
    follower = TraceFollower(folder)
    follower.poll()
    return follower.summary


def is_failed(r: CaseResult) -> bool:
    """Anything short of a perfect case: a bad status, a plan off gold, or a failed run."""
    return r.status != "ok" or not r.plan_correct or r.e2e_ok is False


def case_tools(r: CaseResult) -> set[str]:
    """The tools a case's gold and predicted plans use."""
    plans = [r.gold, r.pred or {}]
    return {s["tool"] for plan in plans for s in plan.get("steps") or []}


@dataclass
class EvalData:
    """An eval folder: its metrics, its cases, and their traces as they are asked for."""

    path: Path
    metrics: dict[str, Any]
    results: list[CaseResult]
    by_id: dict[str, CaseResult] = field(default_factory=dict)
    _summaries: dict[str, TraceSummary] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> EvalData:
        """Read an eval folder (EvalDirError when it is not one)."""
        metrics, results = load_eval(Path(path))
        return cls(Path(path), metrics, results, {r.id: r for r in results})

    @property
    def title(self) -> str:
        """Dataset and planner, as the eval recorded them."""
        run = self.metrics.get("run", {})
        return f"{run.get('dataset', self.path.name)} · planner {run.get('planner', '?')}"

    def case_dir(self, case_id: str) -> Path:
        """The folder holding a case's trace (and response and files, when executed)."""
        return self.path / "cases" / case_dirname(case_id)

    def summary(self, case_id: str) -> TraceSummary:
        """A case's trace, folded (empty when the case has none)."""
        if case_id not in self._summaries:
            self._summaries[case_id] = fold_trace(self.case_dir(case_id))
        return self._summaries[case_id]

    def tools(self) -> list[str]:
        """Every tool any case's gold or predicted plan uses."""
        return sorted(set().union(*(case_tools(r) for r in self.results)))

    def shapes(self) -> list[str]:
        """The plan shapes present, in their natural order."""
        order = ["none", "single", "chain", "dag"]
        found = {r.shape for r in self.results}
        return sorted(found, key=lambda s: (order.index(s) if s in order else len(order), s))


@dataclass
class CaseFilter:
    """Which cases the table shows."""

    failed: bool = False
    invalid: bool = False
    tool: str | None = None
    shape: str | None = None
    text: str = ""

    def matches(self, r: CaseResult) -> bool:
        """True when the case passes every active filter."""
        if self.failed and not is_failed(r):
            return False
        if self.invalid and r.valid:
            return False
        if self.tool is not None and self.tool not in case_tools(r):
            return False
        if self.shape is not None and r.shape != self.shape:
            return False
        needle = self.text.strip().lower()
        return not needle or needle in r.request.lower() or needle in r.id.lower()

    def describe(self) -> str:
        """The active filters in a few words."""
        bits = (["failed"] if self.failed else []) + (["invalid"] if self.invalid else [])
        bits += [f"tool {self.tool}"] if self.tool else []
        bits += [f"shape {self.shape}"] if self.shape else []
        bits += [f'"{self.text.strip()}"'] if self.text.strip() else []
        return ", ".join(bits) or "all cases"


def _score(key: str) -> Callable[[CaseResult], Any]:
    return lambda r: r.scores.get(key)


SORTS: dict[str, Callable[[CaseResult], Any]] = {
    "id": lambda r: r.id,
    "status": lambda r: r.status,
    "shape": lambda r: r.shape,
    "tools": lambda r: r.n_tools,
    "node F1": _score("node_f1"),
    "edge F1": _score("edge_f1"),
    "value F1": _score("arg_value_f1"),
    "plan s": lambda r: r.plan_s,
    "case s": lambda r: r.case_s,
}
"""Sort orders by name; a case without the value (an F1 with nothing to score) sorts last."""


def sort_cases(results: Sequence[CaseResult], key: str, descending: bool = False
               ) -> list[CaseResult]:
    """Cases ordered by a SORTS key; missing values last either way."""
    get = SORTS[key]
    present = [r for r in results if get(r) is not None]
    missing = [r for r in results if get(r) is None]
    return sorted(present, key=get, reverse=descending) + missing


def select(data: EvalData, flt: CaseFilter, sort: str, descending: bool) -> list[CaseResult]:
    """The cases the table shows, in order."""
    return sort_cases([r for r in data.results if flt.matches(r)], sort, descending)
