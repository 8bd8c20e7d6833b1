"""The last check before a tool runs: it may only be handed artifacts the run already holds.

Validation lets media in only through references, but a tool's input model could still turn
a literal (an inline artifact object, say) into an Artifact naming any file on disk. Here
every artifact in a step's validated arguments must be one of the run's inputs or an output
of a step that finished, so no plan can make a tool read a file the user did not pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from pydantic import BaseModel

from modalswitch.errors import ToolError
from modalswitch.tools.runtime.artifacts import Artifact, walk


class _HasOutput(Protocol):
    output: BaseModel | None


def _identity(artifact: Artifact) -> tuple[str, str | None]:
    return artifact.sha256, None if artifact.path is None else str(artifact.path)


def reject_unknown_artifacts(args: BaseModel, inputs: Iterable[Artifact],
                             results: Iterable[_HasOutput]) -> None:
    """Raise ToolError if `args` holds an artifact that is not an input or a step output."""
    known = {_identity(a) for a in inputs}
    for result in results:
        if result.output is not None:
            walk(result.output, lambda a: known.add(_identity(a)))
    found: list[Artifact] = []
    walk(args, found.append)
    for artifact in found:
        if artifact.path is not None and _identity(artifact) not in known:
            raise ToolError(f"refused an artifact that is neither an input nor a step's output "
                            f"({_clip(artifact.path)}): media must come from a reference")


def _clip(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
