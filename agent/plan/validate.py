"""Type-check a plan against the registry and the user's inputs before anything runs.

Every problem is collected (not just the first) so a planner can repair them all at once:
unknown tools, arguments that break a tool's schema, dangling references, modality
mismatches, literal paths that are not the user's inputs, and cycles.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import (
    MAX_DEPTH,
    RESERVED_STEP_ID,
    InputRef,
    Plan,
    Ref,
    StepRef,
    is_malformed_ref,
    parse_ref,
    refs_in,
    too_deep,
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
            if RESERVED_STEP_ID.match(step.id):
                self.add(IssueKind.RESERVED_ID, f"step id {step.id!r} reads like a user input "
                         "reference (@inputN); name steps s1, s2, ...", step.id)
            seen.add(step.id)
        for step in self.plan.steps:
            if too_deep(step.args):
                self.add(IssueKind.TOO_DEEP, f"arguments nest more than {MAX_DEPTH} levels deep",
                         step.id)
                continue
            self.check_step(step.id, step.tool, step.args)
        for i, out in enumerate(self.plan.outputs):
            ref = parse_ref(out)
            if ref is None:
                self.add(IssueKind.BAD_ARGUMENTS,
                         f"outputs[{i}] = {_clip(out)} must be a reference like @s1.text")
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
                         f"{tool_name} has no argument {_clip(name)}{hint} (it takes: "
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
                     f"{_clip(value)} is not a valid reference (use @inputN, @STEP or "
                     "@STEP.FIELD)", step_id, name)
            return
        if kind.modality is not None and isinstance(value, list) != kind.is_list:
            shape = "a list of references" if kind.is_list else "one value, not a list"
            self.add(IssueKind.BAD_ARGUMENTS, f"{name!r} takes {shape}", step_id, name)
            return
        if kind.modality in MEDIA:
            # Every item, not just the first: media only ever comes from a reference.
            for item in items:
                self.check_media_item(step_id, tool_name, name, item, kind.modality)
            return
        refs = refs_in(value)
        if refs and kind.modality is None:
            self.add(IssueKind.BAD_ARGUMENTS,
                     f"{name!r} is a setting: it takes a literal value, not a reference "
                     f"({refs[0]})", step_id, name)
            return
        for ref in refs:
            self.expect(ref, Modality.TEXT, step_id, tool_name, name)
        # Literals are type-checked with each reference stood in for by empty text.
        literal = ([("" if parse_ref(v) else unescape(v)) for v in value]
                   if isinstance(value, list) else "" if refs else unescape(value))
        info = model.model_fields[name]  # with its constraints: ranges, patterns
        try:
            constrained: Any = Annotated[info.annotation, info]
            TypeAdapter(constrained).validate_python(literal)
        except ValidationError as exc:
            msg = "; ".join(e["msg"] for e in exc.errors())
            self.add(IssueKind.BAD_ARGUMENTS, f"{name!r}={_clip(value)}: {msg}", step_id, name)

    def check_media_item(self, step_id: str, tool_name: str, name: str, item: Any,
                         modality: Modality) -> None:
        ref = parse_ref(item)
        if ref is not None:
            self.expect(ref, modality, step_id, tool_name, name)
        elif isinstance(item, str) and ("/" in item or "." in item or "\\" in item):
            self.add(IssueKind.PATH_OUTSIDE_INPUTS,
                     f"{_clip(item)} is not one of the user's inputs; media arguments must "
                     f"reference an input (@input0..) or an earlier step", step_id, name)
        else:
            self.add(IssueKind.BAD_ARGUMENTS,
                     f"{name!r} needs a reference to {modality.value}, got {_clip(item)}",
                     step_id, name)

    def expect(self, ref: Ref, expected: Modality, step_id: str, tool_name: str,
               name: str) -> None:
        got = self.modality_of(ref, step_id, name)
        if got is not None and got is not expected:
            self.add(IssueKind.MODALITY_MISMATCH,
                     f"{tool_name}.{name} needs {expected.value}, but {ref} is {got.value}",
                     step_id, name)

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
        if modality is None and step_id is not None:  # an output may show it as text
            self.add(IssueKind.BAD_ARGUMENTS, f"{ref} is not content that can be passed on",
                     step_id, arg)
        return modality

    def check_cycles(self) -> None:
        """Report each cycle once; a depth-first walk with its own stack (plans may be long)."""
        deps = {sid: iter(sorted(d for d in step.dependencies() if d in self.steps))
                for sid, step in self.steps.items()}
        done: set[str] = set()
        for root in self.steps:
            if root in done:
                continue
            path, on_path = [root], {root}
            while path:
                node = path[-1]
                dep = next(deps[node], None)
                if dep is None:
                    done.add(node)
                    on_path.discard(path.pop())
                elif dep in on_path:
                    cycle = [*path[path.index(dep):], dep]
                    shown = cycle if len(cycle) <= 12 else [*cycle[:6], "...", *cycle[-5:]]
                    self.add(IssueKind.CYCLE, "steps depend on each other: "
                             + " -> ".join(shown), node)
                elif dep not in done:
                    path.append(dep)
                    on_path.add(dep)


def _clip(value: Any, limit: int = 120) -> str:
    """A value for an issue message, cut short (issues go back into the planner's prompt)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... [{len(text)} chars]"


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
