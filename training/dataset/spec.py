"""The building blocks of switching tasks: a task's templates and the plan it builds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Values = dict[str, Any]
PlanDict = dict[str, Any]


@dataclass
class Task:
    """One kind of request: phrasings (templates with slots) and the gold plan they map to.

    `inputs` lists the modalities of the attached files; "images" means two to four images.
    Templates in `implicit` say what they want without naming it ("I'd love to see ...").
    """

    key: str
    inputs: tuple[str, ...]
    templates: list[str]
    build: Callable[[Values], PlanDict]
    implicit: list[str] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    weight: float = 1.0
    fixed_split: dict[str, str] | None = None
    """Template -> split, for tasks that assign their own (composed chains)."""

    def all_templates(self) -> list[tuple[str, tuple[str, ...]]]:
        """(template, tags) for every phrasing of the task."""
        return ([(t, self.tags) for t in self.templates]
                + [(t, (*self.tags, "implicit")) for t in self.implicit])


def plan(steps: list[tuple[str, dict[str, Any]]], outputs: list[str]) -> PlanDict:
    """A plan dict whose steps are numbered s1, s2, ... in order."""
    return {"steps": [{"id": f"s{i}", "tool": tool, "args": args}
                      for i, (tool, args) in enumerate(steps, 1)],
            "outputs": outputs}


def no_tool() -> PlanDict:
    """The plan of a request answered in plain text."""
    return {"steps": [], "outputs": []}


def tools_of(plan_dict: PlanDict) -> list[str]:
    """The tool names a plan dict calls, in order."""
    return [s["tool"] for s in plan_dict["steps"]]
