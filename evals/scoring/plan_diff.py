"""Where a predicted plan departs from the gold one, step by step, for the viewers to mark.

Steps are matched by tool: in gold order, each gold step takes the unmatched predicted step
of the same tool whose arguments agree most. A gold step left over is a missing tool, a
predicted one an extra tool. A matched pair is compared argument by argument. As in the
metrics, a reference is compared by what it points at (the producing tool and field, or the
input), never by step id: pointing at the wrong source is a wrong edge, while two literals
that differ are a wrong value.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from modalswitch.agent.plan.model import InputRef, StepRef, parse_ref, unescape

SAME, DIFFERS, MISSING, EXTRA = "same", "differs", "missing", "extra"
"""A step's mark: matched and equal, matched with argument differences, gold only, or
predicted only."""
WRONG_VALUE, WRONG_EDGE = "wrong value", "wrong edge"
"""An argument's mark, besides MISSING (gold only) and EXTRA (predicted only)."""


@dataclass
class StepMark:
    """How one step compares with its partner on the other side."""

    status: str
    partner: str | None = None
    """The matched step's id on the other side."""
    args: dict[str, str] = field(default_factory=dict)
    """Argument name -> MISSING, EXTRA, WRONG_VALUE or WRONG_EDGE (agreeing ones left out)."""


@dataclass
class PlanDiff:
    """Marks for both plans' steps, and the tool-level edges only one side has."""

    gold: dict[str, StepMark] = field(default_factory=dict)
    pred: dict[str, StepMark] = field(default_factory=dict)
    missing_edges: list[tuple[str, str]] = field(default_factory=list)
    """(producer tool, consumer tool) edges of the gold plan the prediction lacks."""
    extra_edges: list[tuple[str, str]] = field(default_factory=list)
    outputs_differ: bool = False
    answer_differs: bool = False
    """One plan also answers in words (`answer`) and the other does not."""
    no_prediction: bool = False

    @property
    def same(self) -> bool:
        """True when the prediction matches the gold plan everywhere."""
        return (not self.no_prediction and not self.outputs_differ and not self.answer_differs
                and not self.missing_edges
                and not self.extra_edges
                and all(m.status == SAME for m in [*self.gold.values(), *self.pred.values()]))

    def notes(self, gold: dict[str, Any], pred: dict[str, Any] | None) -> list[str]:
        """The differences in words, gold step ids first."""
        if self.no_prediction:
            return ["no prediction (the planner failed)"]
        tools = {s["id"]: s["tool"] for s in _steps(gold)}
        pred_tools = {s["id"]: s["tool"] for s in _steps(pred)}
        out = [f"missing tool {tools[i]} (gold {i})" for i, m in self.gold.items()
               if m.status == MISSING]
        out += [f"extra tool {pred_tools[i]} ({i})" for i, m in self.pred.items()
                if m.status == EXTRA]
        for i, m in self.pred.items():
            out += [f"{kind} {i}.{arg}" for arg, kind in m.args.items()]
        out += [f"missing edge {a} → {b}" for a, b in self.missing_edges]
        out += [f"extra edge {a} → {b}" for a, b in self.extra_edges]
        if self.outputs_differ:
            out.append("different outputs")
        if self.answer_differs:
            gold_words = "yes" if gold.get("answer") else "no"
            out.append(f"answers in words: gold {gold_words}, predicted "
                       f"{'yes' if (pred or {}).get('answer') else 'no'}")
        return out


def _steps(plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((plan or {}).get("steps") or [])


def _source(value: Any, tools: dict[str, str]) -> tuple[Any, ...]:
    """What an argument value is, independent of step ids."""
    if isinstance(value, list):
        return ("list", *(_source(v, tools) for v in value))
    ref = parse_ref(value)
    if isinstance(ref, InputRef):
        return ("input", ref.index)
    if isinstance(ref, StepRef):
        return ("step", tools.get(ref.step, f"?{ref.step}"), ref.field)
    literal = unescape(value)
    text = literal if isinstance(literal, str) else json.dumps(literal, sort_keys=True)
    return ("literal", " ".join(text.lower().split()))


def _agree(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Equal sources; a step reference without a field matches any field of that tool."""
    if a[0] == "list" and b[0] == "list":
        return len(a) == len(b) and all(_agree(x, y) for x, y in zip(a[1:], b[1:], strict=True))
    if a[0] == b[0] == "step":
        return a[1] == b[1] and (a[2] is None or b[2] is None or a[2] == b[2])
    return a == b


def _is_wired(source: tuple[Any, ...]) -> bool:
    return source[0] in ("input", "step") or (
        source[0] == "list" and any(_is_wired(s) for s in source[1:]))


def _arg_marks(gold: dict[str, Any], pred: dict[str, Any], gold_tools: dict[str, str],
               pred_tools: dict[str, str]) -> dict[str, str]:
    marks: dict[str, str] = {}
    for name in dict.fromkeys([*gold, *pred]):
        if name not in pred:
            marks[name] = MISSING
        elif name not in gold:
            marks[name] = EXTRA
        else:
            g, p = _source(gold[name], gold_tools), _source(pred[name], pred_tools)
            if not _agree(g, p):
                marks[name] = WRONG_EDGE if _is_wired(g) or _is_wired(p) else WRONG_VALUE
    return marks


def _output_key(value: Any, tools: dict[str, str]) -> tuple[Any, ...]:
    """An output's source; the field is left out (`@s1` and `@s1.text` are one output)."""
    source = _source(value, tools)
    return source[:2] if source[0] == "step" else source


def _edges(plan: dict[str, Any] | None) -> Counter[tuple[str, str]]:
    tools = {s["id"]: s["tool"] for s in _steps(plan)}
    edges: Counter[tuple[str, str]] = Counter()
    for step in _steps(plan):
        sources = {ref.step for value in step.get("args", {}).values()
                   for item in (value if isinstance(value, list) else [value])
                   if isinstance(ref := parse_ref(item), StepRef)}
        edges.update((tools.get(s, f"?{s}"), step["tool"]) for s in sorted(sources))
    return edges


def diff_plans(gold: dict[str, Any], pred: dict[str, Any] | None) -> PlanDiff:
    """Compare a predicted plan (None: the planner failed) with the gold plan."""
    diff = PlanDiff(no_prediction=pred is None)
    gold_steps, pred_steps = _steps(gold), _steps(pred)
    gold_tools = {s["id"]: s["tool"] for s in gold_steps}
    pred_tools = {s["id"]: s["tool"] for s in pred_steps}
    free = list(pred_steps)
    for g in gold_steps:
        candidates = [p for p in free if p["tool"] == g["tool"]]
        if not candidates:
            diff.gold[g["id"]] = StepMark(MISSING)
            continue
        best = min(candidates, key=lambda p: len(_arg_marks(
            g.get("args", {}), p.get("args", {}), gold_tools, pred_tools)))
        free.remove(best)
        marks = _arg_marks(g.get("args", {}), best.get("args", {}), gold_tools, pred_tools)
        status = DIFFERS if marks else SAME
        diff.gold[g["id"]] = StepMark(status, best["id"], marks)
        diff.pred[best["id"]] = StepMark(status, g["id"], marks)
    for p in free:
        diff.pred[p["id"]] = StepMark(EXTRA)
    diff.pred = {p["id"]: diff.pred[p["id"]] for p in pred_steps}  # in plan order
    gold_edges, pred_edges = _edges(gold), _edges(pred)
    diff.missing_edges = sorted((gold_edges - pred_edges).elements())
    diff.extra_edges = sorted((pred_edges - gold_edges).elements())
    if pred is not None:
        diff.answer_differs = bool(gold.get("answer")) != bool(pred.get("answer"))
        diff.outputs_differ = (Counter(_output_key(o, gold_tools) for o in gold.get("outputs", []))
                               != Counter(_output_key(o, pred_tools)
                                          for o in pred.get("outputs", [])))
    return diff
