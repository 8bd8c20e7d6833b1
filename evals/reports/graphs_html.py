"""A case's plan pictures for the HTML report: gold and predicted DAGs as SVG, the
differences in words, and the modality flow of the prediction."""

from __future__ import annotations

from html import escape
from pathlib import Path

from modalswitch.agent.trace.fold import summarize_trace
from modalswitch.evals.reports.case_graphs import case_graphs, flow_text
from modalswitch.evals.reports.svg_dag import plan_svg
from modalswitch.evals.runner.results import CaseResult


def graphs_html(r: CaseResult, case_dir: Path) -> str:
    """Both DAGs side by side, what differs, and each input-to-response path."""
    trace = case_dir / "trace.jsonl"
    summary = summarize_trace(trace) if trace.is_file() else None
    graphs = case_graphs(r, summary)
    notes = graphs.diff.notes(r.gold, r.pred)
    diff = (f"<p class='diff'>{escape('; '.join(notes))}</p>" if notes else "")
    flows = "".join(f"<div class='flow'>{escape(flow_text(graphs.pred, path))}</div>"
                    for path in graphs.pred.flows())
    return (f"<div class='dags'>{plan_svg(graphs.gold, 'gold plan')}"
            f"{plan_svg(graphs.pred, 'predicted plan')}</div>{diff}{flows}")
