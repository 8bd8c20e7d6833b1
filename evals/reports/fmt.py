"""How metrics are named and printed, shared by the CLI, viewer, compare and report."""

from __future__ import annotations

from typing import Any

from rich.table import Table

HEADLINE: tuple[tuple[str, str], ...] = (
    ("n", "cases"),
    ("validity", "plan validity"),
    ("modality_accuracy", "output-modality accuracy"),
    ("no_tool_accuracy", "no-tool accuracy"),
    ("routing_accuracy", "tool / no-tool routing"),
    ("node_f1", "tool (node) F1"),
    ("edge_f1", "dependency (edge) F1"),
    ("arg_name_f1", "argument-name F1"),
    ("arg_value_f1", "argument-value F1"),
    ("executable_rate", "executable rate"),
    ("e2e_success", "end-to-end success"),
    ("planner_failures", "planner failures"),
    ("latency_p50_s", "latency p50 (s)"),
    ("latency_p95_s", "latency p95 (s)"),
    ("plan_latency_p50_s", "planning p50 (s)"),
    ("tokens_per_case", "tokens per case"),
)
SPLIT_KEYS = ("n", "validity", "modality_accuracy", "node_f1", "edge_f1", "arg_name_f1",
              "arg_value_f1", "latency_p50_s")
SPLIT_LABELS = ("n", "valid", "modality", "node F1", "edge F1", "arg F1", "value F1", "p50 s")
LOWER_IS_BETTER = {"latency_p50_s", "latency_p95_s", "plan_latency_p50_s", "plan_latency_p95_s",
                   "tokens_per_case", "planner_failures"}


def fmt(value: Any, key: str = "") -> str:
    """A metric value as text: 3 decimals for scores, seconds for latencies, '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if key.endswith("_s"):
            return f"{value:.3f}" if value < 10 else f"{value:.1f}"
        if key.startswith("tokens"):
            return f"{value:.0f}"
        return f"{value:.3f}"
    return str(value)


def metrics_table(metrics: dict[str, Any], title: str | None = None) -> Table:
    """The headline metrics as a two-column table (rows with no value are left out)."""
    table = Table("metric", "value", title=title, title_justify="left")
    for key, label in HEADLINE:
        if key in metrics and (metrics[key] is not None or key.endswith("_f1")):
            if key in ("executable_rate", "e2e_success") and not metrics.get("executed"):
                continue
            table.add_row(label, fmt(metrics[key], key))
    return table


def split_table(splits: dict[str, dict[str, Any]], by: str) -> Table:
    """One row per split (plan shape or number of tools)."""
    table = Table(by, *SPLIT_LABELS, title=f"by {by}", title_justify="left")
    for name, m in splits.items():
        table.add_row(name, *(fmt(m.get(k), k) for k in SPLIT_KEYS))
    return table
