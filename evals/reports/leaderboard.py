"""Our planners' TaskBench scores beside the published leaderboard, as rows and as Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modalswitch.evals.datasets.model import Dataset
from modalswitch.evals.datasets.taskbench import published_scores
from modalswitch.evals.runner.results import load_eval
from modalswitch.evals.scoring.metrics import aggregate

COLUMNS = (("node_f1", "n-F1"), ("edge_f1", "e-F1"), ("arg_name_f1", "t-F1"),
           ("arg_value_f1", "v-F1"))
PLANNER_LABEL = {
    "base": "modalswitch base (Qwen2.5-Coder-1.5B Q4_K_M, few-shot, plan writer)",
    "tuned": "modalswitch tuned (Qwen2.5-Coder-0.5B Q4_K_M + LoRA, plan writer)",
    "oracle": "modalswitch oracle (gold plans; scorer check)",
    "none": "modalswitch none (never uses a tool)",
}


def _row(system: str, m: dict[str, Any], source: str) -> dict[str, Any]:
    return {"system": system, "cases": m.get("n"), "source": source,
            "validity": m.get("validity"), "planning_p50_s": m.get("plan_latency_p50_s"),
            "planner_failures": m.get("planner_failures"), **{k: m.get(k) for k, _ in COLUMNS}}


def answered_only(eval_dir: Path) -> dict[str, Any] | None:
    """Metrics over the cases the planner produced a plan for (how evaluate.py counts, as
    it scores only predictions that parsed); None when the planner never failed."""
    _, results = load_eval(eval_dir)
    answered = [r for r in results if r.status != "planner_error"]
    return aggregate(answered) if answered and len(answered) < len(results) else None


def leaderboard_rows(runs: list[tuple[str, dict[str, Any], Path | None]],
                     dataset: Dataset) -> list[dict[str, Any]]:
    """One row per run of ours (on this sample), then the published rows (full test set).

    A planner that sometimes gives up gets a second row scored on the cases it answered.
    """
    rows = []
    for name, m, out in runs:
        label = PLANNER_LABEL.get(name, name)
        rows.append(_row(label, m, "this sample; planner failures count as empty plans"))
        answered = answered_only(out) if out is not None else None
        if answered is not None:
            rows.append(_row(f"{label}, answered cases only", answered,
                             "this sample; cases without a plan left out, as evaluate.py"))
    for p in published_scores(dataset.root):
        rows.append({"system": p["llm"], "cases": None, "source": "published (full test set)",
                     "validity": None, "planning_p50_s": None, "planner_failures": None,
                     **{k: p[k] for k, _ in COLUMNS}})
    return rows


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table (scores in %, as TaskBench reports them)."""
    head = ["system", "cases", *(label for _, label in COLUMNS), "valid plans %",
            "planning p50 s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cases = str(r["cases"]) if r["cases"] is not None else "full set"
        p50 = r["planning_p50_s"]
        lines.append("| " + " | ".join([
            r["system"], cases, *(_pct(r[k]) for k, _ in COLUMNS), _pct(r["validity"]),
            "–" if p50 is None else f"{p50:.2f}"]) + " |")
    return "\n".join(lines)
