"""Type-check a plan against the registry and the user's inputs before anything runs.

Every problem is collected (not just the first) so a planner can repair them all at once:
unknown tools, arguments that break a tool's schema, dangling references, modality
mismatches, literal paths that are not the user's inputs, and cycles.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import (
    InputRef,
    Plan,
    Ref,
    StepRef,
    is_malformed_ref,
    parse_ref,
    refs_in,
    unescape,
)
from modalswitch.errors import IssueKind, PlanError, PlanIssue, UnknownToolError
from modalswitch.tools.contract.fields import content_fields, field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry


class _Checker:
    def __init__(self, plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> None:
        self.plan = plan
        self.registry = registry
        self.inputs = inputs
        self.issues: list[PlanIssue] = []
        self.steps = {s.id: s for s in plan.steps}

    def add(self, kind: IssueKind, message: str, step: str | None = None,
            arg: str | None = None) -> None:
        self.issues.append(PlanIssue(kind, message, step, arg))

    def run(self) -> list[PlanIssue]:
        seen: set[str] = set()
        for step in self.plan.steps:
            if step.id in seen:
                self.add(IssueKind.DUPLICATE_STEP, f"step id {step.id!r} is used twice", step.id)
            seen.add(step.id)
        for step in self.plan.steps:
            self.check_step(step.id, step.tool, step.args)
        for i, out in enumerate(self.plan.outputs):
            ref = parse_ref(out)
            if ref is None:
                self.add(IssueKind.BAD_ARGUMENTS,
                         f"outputs[{i}] = {out!r} must be a reference like @s1.text")
            else:
                self.modality_of(ref, None, f"outputs[{i}]")
        self.check_cycles()
        return self.issues

    def check_step(self, step_id: str, tool_name: str, args: dict[str, Any]) -> None:
        try:
            tool = self.registry.get(tool_name)
        except UnknownToolError as exc:
            known = ", ".join(self.registry.names)
            self.add(IssueKind.UNKNOWN_TOOL, f"{exc} (known: {known})", step_id)
            return
        fields = tool.Input.model_fields
        for name in args:
            if name not in fields:
                close = difflib.get_close_matches(name, list(fields), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(IssueKind.BAD_ARGUMENTS,
                         f"{tool_name} has no argument {name!r}{hint} (it takes: "
                         f"{', '.join(fields)})", step_id, name)
        for name, info in fields.items():
            if name not in args:
                if info.is_required():
                    self.add(IssueKind.BAD_ARGUMENTS,
                             f"{tool_name} needs argument {name!r}", step_id, name)
                continue
            self.check_arg(step_id, tool_name, name, args[name], tool.Input)

    def check_arg(self, step_id: str, tool_name: str, name: str, value: Any,
                  model: Any) -> None:
        kind = field_kind(model, name)
        items = value if isinstance(value, list) else [value]
        if any(is_malformed_ref(v) for v in items):
            self.add(IssueKind.DANGLING_REFERENCE,
                     f"{value!r} is not a valid reference (use @inputN, @STEP or @STEP.FIELD)",
                     step_id, name)
            return
        refs = refs_in(value)
        if kind.modality is not None and isinstance(value, list) != kind.is_list:
            shape = "a list of references" if kind.is_list else "one value, not a list"
            self.add(IssueKind.BAD_ARGUMENTS, f"{name!r} takes {shape}", step_id, name)
            return
        if refs:
            expected = kind.modality or Modality.TEXT
            for ref in refs:
                got = self.modality_of(ref, step_id, name)
                if got is not None and got is not expected:
                    self.add(IssueKind.MODALITY_MISMATCH,
                             f"{tool_name}.{name} needs {expected.value}, but {ref} is "
                             f"{got.value}", step_id, name)
            return
        if kind.modality in MEDIA:
            for item in items:
                if isinstance(item, str) and ("/" in item or "." in item or "\\" in item):
                    self.add(IssueKind.PATH_OUTSIDE_INPUTS,
                             f"{item!r} is not one of the user's inputs; media arguments must "
                             f"reference an input (@input0..) or an earlier step", step_id, name)
                else:
                    self.add(IssueKind.BAD_ARGUMENTS,
                             f"{name!r} needs a reference to {kind.modality.value}, got "
                             f"{item!r}", step_id, name)
            return
        annotation = model.model_fields[name].annotation
        try:
            TypeAdapter(annotation).validate_python(unescape(value))
        except ValidationError as exc:
            msg = "; ".join(e["msg"] for e in exc.errors())
            self.add(IssueKind.BAD_ARGUMENTS, f"{name!r}={value!r}: {msg}", step_id, name)

    def modality_of(self, ref: Ref, step_id: str | None, arg: str) -> Modality | None:
        if isinstance(ref, InputRef):
            if ref.index >= len(self.inputs):
                have = f"there are {len(self.inputs)} input(s)" if self.inputs else "no inputs"
                self.add(IssueKind.DANGLING_REFERENCE, f"{ref}: {have}", step_id, arg)
                return None
            return self.inputs[ref.index].modality
        assert isinstance(ref, StepRef)
        source = self.steps.get(ref.step)
        if source is None:
            self.add(IssueKind.DANGLING_REFERENCE, f"{ref}: no step {ref.step!r}", step_id, arg)
            return None
        if source.tool not in self.registry:
            return None  # already reported as an unknown tool
        tool = self.registry.get(source.tool)
        out_field = ref.field or tool.primary_output
        if out_field not in tool.Output.model_fields:
            self.add(IssueKind.DANGLING_REFERENCE,
                     f"{ref}: {source.tool} outputs {', '.join(tool.Output.model_fields)}",
                     step_id, arg)
            return None
        modality = field_kind(tool.Output, out_field).modality
        if modality is None and tool.Output.model_fields[out_field].annotation is str:
            return Modality.TEXT
        if modality is None:
            self.add(IssueKind.BAD_ARGUMENTS, f"{ref} is not content that can be passed on",
                     step_id, arg)
        return modality

    def check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 = on the path, 2 = done

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for dep in sorted(self.steps[node].dependencies()):
                if dep not in self.steps:
                    continue
                if state.get(dep) == 1:
                    cycle = [*path[path.index(dep):], dep] if dep in path else [node, dep]
                    self.add(IssueKind.CYCLE, "steps depend on each other: "
                             + " -> ".join(cycle), node)
                elif dep not in state:
                    visit(dep, [*path, dep])
            state[node] = 2

        for step_id in self.steps:
            if step_id not in state:
                visit(step_id, [step_id])


def check_plan(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> list[PlanIssue]:
    """Every issue with a plan; an empty list means it is valid."""
    return _Checker(plan, registry, inputs).run()


def validate_plan(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> Plan:
    """The plan, or PlanError listing every issue."""
    issues = check_plan(plan, registry, inputs)
    if issues:
        raise PlanError(issues)
    return plan


def output_modalities(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> list[str]:
    """The modalities the final response will carry, in order (a valid plan is assumed)."""
    if plan.is_text_answer:
        return [Modality.TEXT.value]
    checker = _Checker(plan, registry, inputs)
    found: list[str] = []
    for out in plan.outputs:
        ref = parse_ref(out)
        modality = checker.modality_of(ref, None, "outputs") if ref else None
        if modality is not None and modality.value not in found:
            found.append(modality.value)
    if (plan.message or plan.answer) and Modality.TEXT.value not in found:
        found.insert(0, Modality.TEXT.value)
    return found


def step_output_modalities(plan: Plan, registry: Registry) -> dict[str, dict[str, str]]:
    """Each step's content outputs and their modalities, primary first (for the pictures)."""
    kinds: dict[str, dict[str, str]] = {}
    for step in plan.steps:
        if step.tool in registry:
            out = registry.get(step.tool).Output
            kinds[step.id] = {name: kind.value for name in content_fields(out)
                              if (kind := field_kind(out, name).modality) is not None}
    return kinds
