"""The pictures of one eval case: its gold and predicted plan graphs, marked where they differ
(and, for an executed case, how each step ran)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from modalswitch.agent.trace.fold import StepInfo, TraceSummary
from modalswitch.evals.reports.plan_graph import PlanGraph, plan_graph
from modalswitch.evals.runner.results import CaseResult
from modalswitch.evals.scoring.plan_diff import EXTRA, SAME, PlanDiff, StepMark, diff_plans


@dataclass
class CaseGraphs:
    """Gold and predicted graphs of a case, and the diff that marks them."""

    gold: PlanGraph
    pred: PlanGraph
    diff: PlanDiff


def run_marks(steps: Mapping[str, StepInfo]) -> dict[str, str]:
    """Step id -> how it ran, for steps that ran."""
    return {i: s.status for i, s in steps.items() if s.parent is None and s.status != "pending"}


def pred_marks(diff: Mapping[str, StepMark], ran: Mapping[str, str]) -> dict[str, str]:
    """A predicted step's mark: extra first, then a failure, then a difference, then its run."""
    marks = {}
    for step, mark in diff.items():
        status = ran.get(step)
        if mark.status == EXTRA or (status not in ("failed", "skipped") and mark.status != SAME):
            marks[step] = mark.status
        else:
            marks[step] = status or mark.status
    return marks


def case_graphs(result: CaseResult, summary: TraceSummary | None = None) -> CaseGraphs:
    """Both graphs of a case; a trace summary adds each step's output kinds and run status."""
    diff = diff_plans(result.gold, result.pred)
    inputs = [(name, kind) for name, kind in result.inputs]
    steps = summary.steps if summary is not None else {}
    outputs = summary.output_kinds() if summary is not None else {}
    gold = plan_graph(result.gold, inputs, marks={i: m.status for i, m in diff.gold.items()})
    pred = plan_graph(result.pred, inputs, outputs=outputs,
                      marks=pred_marks(diff.pred, run_marks(steps)))
    return CaseGraphs(gold, pred, diff)


def flow_text(graph: PlanGraph, path: list[str]) -> str:
    """One path of a graph as words: `@input0 a.png —image→ s1 ocr —text→ response`."""
    out = graph.nodes[path[0]].label
    for a, b in itertools.pairwise(path):
        edge = graph.edge(a, b)
        out += f" —{edge.label if edge and edge.label else '?'}→ {graph.nodes[b].label}"
    return out
