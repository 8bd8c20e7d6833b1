"""`modalswitch eval compare A B`: two evals' metrics side by side, and the cases that changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from modalswitch.evals.reports.fmt import HEADLINE, LOWER_IS_BETTER, fmt
from modalswitch.evals.runner.results import CaseResult, load_eval
from modalswitch.evals.scoring.counts import mean


def case_score(r: CaseResult) -> float:
    """One number per case to rank changes: validity, modality and the mean per-case F1."""
    f1 = mean(v for k, v in r.scores.items() if k.endswith("_f1"))
    parts = [float(r.valid), float(r.modality_ok), f1 if f1 is not None else float(r.valid)]
    if r.executed:
        parts.append(float(bool(r.e2e_ok)))
    return sum(parts) / len(parts)


@dataclass
class Comparison:
    """Metric deltas and per-case changes between eval A and eval B."""

    a: dict[str, Any]
    b: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"a": self.a.get("run", {}), "b": self.b.get("run", {}), "metrics": self.rows,
                "changed": self.changed, "only_a": self.only_a, "only_b": self.only_b}


def _what_changed(ra: CaseResult, rb: CaseResult) -> list[str]:
    notes = []
    for attr in ("status", "valid", "modality_ok", "pred_no_tool", "e2e_ok"):
        va, vb = getattr(ra, attr), getattr(rb, attr)
        if va != vb:
            notes.append(f"{attr} {fmt(va)}→{fmt(vb)}")
    for key in sorted(set(ra.scores) | set(rb.scores)):
        va, vb = ra.scores.get(key), rb.scores.get(key)
        if va != vb:
            notes.append(f"{key} {fmt(va)}→{fmt(vb)}")
    if not notes and ra.pred != rb.pred:
        notes.append("plan differs")
    return notes


def compare_dirs(a: Path, b: Path) -> Comparison:
    """Compare two eval folders."""
    ma, ra = load_eval(a)
    mb, rb = load_eval(b)
    comp = Comparison(ma, mb)
    for key, label in HEADLINE:
        va, vb = ma.get(key), mb.get(key)
        if va is None and vb is None:
            continue
        delta = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
        comp.rows.append({"metric": key, "label": label, "a": va, "b": vb, "delta": delta})
    by_a = {r.id: r for r in ra}
    by_b = {r.id: r for r in rb}
    comp.only_a = [i for i in by_a if i not in by_b]
    comp.only_b = [i for i in by_b if i not in by_a]
    for case_id, case_a in by_a.items():
        case_b = by_b.get(case_id)
        if case_b is None:
            continue
        notes = _what_changed(case_a, case_b)
        if notes:
            sa, sb = case_score(case_a), case_score(case_b)
            comp.changed.append({"id": case_id, "a_status": case_a.status,
                                 "b_status": case_b.status, "a_score": sa, "b_score": sb,
                                 "direction": "better" if sb > sa else "worse" if sb < sa
                                 else "changed", "what": notes})
    return comp


def _delta_text(key: str, delta: float | None) -> Text:
    if delta is None or delta == 0:
        return Text("–" if delta is None else "0", style="dim")
    good = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    return Text(f"{delta:+.3f}", style="green" if good else "red")


def compare_view(comp: Comparison, a_name: str = "A", b_name: str = "B") -> RenderableType:
    """The comparison as rich tables."""
    ra, rb = comp.a.get("run", {}), comp.b.get("run", {})
    metrics = Table("metric", f"{a_name} ({ra.get('planner', '?')})",
                    f"{b_name} ({rb.get('planner', '?')})", "Δ", title="metrics",
                    title_justify="left")
    for row in comp.rows:
        metrics.add_row(row["label"], fmt(row["a"], row["metric"]), fmt(row["b"], row["metric"]),
                        _delta_text(row["metric"], row["delta"]))
    cases = Table("case", "change", f"{a_name} status", f"{b_name} status", "what changed",
                  title=f"cases that changed ({len(comp.changed)})", title_justify="left")
    for c in sorted(comp.changed, key=lambda c: (c["direction"] != "worse", c["id"])):
        style = {"better": "green", "worse": "red"}.get(c["direction"], "yellow")
        cases.add_row(c["id"], Text(c["direction"], style=style), c["a_status"], c["b_status"],
                      "; ".join(c["what"]))
    parts: list[RenderableType] = [metrics, cases]
    if comp.only_a or comp.only_b:
        parts.append(Text(f"only in {a_name}: {', '.join(comp.only_a) or '–'}\n"
                          f"only in {b_name}: {', '.join(comp.only_b) or '–'}", style="dim"))
    return Group(*parts)
