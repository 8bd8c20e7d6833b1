"""The plan: steps of tool calls whose arguments are literals or typed references.

Written by a planner as JSON:

    {"steps": [{"id": "s1", "tool": "describe_image", "args": {"image": "@input0"}},
               {"id": "s2", "tool": "text_to_speech", "args": {"text": "@s1.text"}}],
     "outputs": ["@s1.text", "@s2.audio"]}

A string argument starting with `@` is a reference: `@inputN` is the N-th user input,
`@STEP.FIELD` a field of an earlier step's output, and `@STEP` alone its primary output.
`@@` escapes a literal leading `@`. A plan with no steps is a plain text answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from modalswitch.errors import IssueKind, PlanError, PlanIssue

_INPUT_REF = re.compile(r"^@input(\d+)$")
RESERVED_STEP_ID = re.compile(r"^input\d+$")
"""Step ids that would read like a user input reference (`@input0`)."""
MAX_DEPTH = 32
"""How deeply plan JSON may nest: a plan needs 6 levels; thousands would exhaust the stack."""
_STEP_REF = re.compile(r"^@([A-Za-z_][A-Za-z0-9_-]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$")


@dataclass(frozen=True)
class InputRef:
    """The N-th user input."""

    index: int

    def __str__(self) -> str:
        return f"@input{self.index}"


@dataclass(frozen=True)
class StepRef:
    """A step's output field; `field=None` means the tool's primary output."""

    step: str
    field: str | None = None

    def __str__(self) -> str:
        return f"@{self.step}" + (f".{self.field}" if self.field else "")


Ref = InputRef | StepRef


def parse_ref(value: object) -> Ref | None:
    """The reference a value spells, or None for a literal."""
    if not isinstance(value, str) or not value.startswith("@") or value.startswith("@@"):
        return None
    if m := _INPUT_REF.match(value):
        return InputRef(int(m.group(1)))
    if m := _STEP_REF.match(value):
        return StepRef(m.group(1), m.group(2))
    return None


def is_malformed_ref(value: object) -> bool:
    """A string that starts like a reference but does not parse as one."""
    return (isinstance(value, str) and value.startswith("@") and not value.startswith("@@")
            and parse_ref(value) is None)


def renamed_refs(value: Any, names: dict[str, str]) -> Any:
    """An argument value (a string or a list of them) with references to the steps in
    `names` pointing at their new names, fields kept."""
    if isinstance(value, list):
        return [renamed_refs(v, names) for v in value]
    ref = parse_ref(value)
    if isinstance(ref, StepRef) and ref.step in names:
        return str(StepRef(names[ref.step], ref.field))
    return value


def refs_in(value: object) -> list[Ref]:
    """Every reference in an argument value (a string or a list of them)."""
    items = value if isinstance(value, list) else [value]
    return [ref for item in items if (ref := parse_ref(item)) is not None]


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when lists and dicts nest more than `limit` levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def unescape(value: Any) -> Any:
    """A literal with `@@` escapes undone."""
    if isinstance(value, str) and value.startswith("@@"):
        return value[1:]
    return value


_DEEP_MESSAGE = f"the plan nests lists or objects more than {MAX_DEPTH} levels deep"


class Step(BaseModel):
    """One tool call."""

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)

    def dependencies(self) -> set[str]:
        """Ids of the steps whose outputs this step reads."""
        return {ref.step for v in self.args.values() for ref in refs_in(v)
                if isinstance(ref, StepRef)}


class Plan(BaseModel):
    """Steps to run and what the final response carries."""

    steps: list[Step] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    """References whose values make up the response, in order (text joins the answer)."""
    message: str | None = None
    """Optional words the response starts with (e.g. "Here is your picture.")."""
    answer: bool = False
    """The response also answers the request in words (written by the planner's writer),
    as in "a limerick about my dog, with a picture to go with it"."""

    @property
    def is_text_answer(self) -> bool:
        """True when no tool is needed."""
        return not self.steps

    def step(self, step_id: str) -> Step:
        """The step with this id."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def to_json(self) -> str:
        """The plan as compact JSON, as a planner writes it."""
        return self.model_dump_json(exclude_none=True,
                                    exclude=None if self.answer else {"answer"})

    @classmethod
    def parse(cls, raw: str | dict[str, Any]) -> Plan:
        """Parse a planner's JSON, raising PlanError(MALFORMED) with the reason."""
        try:
            data = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise PlanError([PlanIssue(IssueKind.MALFORMED, f"not valid JSON: {exc}")]) from exc
        except RecursionError:  # the decoder's own stack limit
            raise PlanError([PlanIssue(IssueKind.TOO_DEEP, _DEEP_MESSAGE)]) from None
        if not isinstance(data, dict):
            raise PlanError([PlanIssue(IssueKind.MALFORMED, "a plan must be a JSON object")])
        if too_deep(data):
            raise PlanError([PlanIssue(IssueKind.TOO_DEEP, _DEEP_MESSAGE)])
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            issues = [
                PlanIssue(IssueKind.MALFORMED,
                          f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
                for err in exc.errors()
            ]
            raise PlanError(issues) from exc
