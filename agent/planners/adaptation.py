"""An adaptation folder, as `modalswitch train adapt` writes it, read back for planning.

    DIR/examples.npz   the synthesized (request, plan) cases: few-shot turns by similarity
    DIR/adapter.gguf   a LoRA adapter tuned on them, for the tuned configurations

Untuned planners add the examples to the index their few-shot turns come from (a catalog's
hand-written demos stay in it); tuned ones take the adapter. The folder may hold only the
examples (synthesis done, tuning not yet): the tuned configurations then say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.errors import UserError

EXAMPLES_FILE = "examples.npz"
ADAPTER_FILE = "adapter.gguf"


@dataclass(frozen=True)
class Adaptation:
    """What an adaptation run left for the planner."""

    folder: Path
    examples: ExampleIndex

    @property
    def adapter(self) -> Path:
        """The tuned adapter (UserError when the run has not written one)."""
        path = self.folder / ADAPTER_FILE
        if not path.is_file():
            raise UserError(f"{self.folder} has no {ADAPTER_FILE}: its tuning has not "
                            "finished (run `modalswitch train adapt` again to resume it), "
                            "so only untuned planners can use this adaptation")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Adaptation:
        """The adaptation in `folder` (UserError when it is not one)."""
        folder = Path(folder)
        if not (folder / EXAMPLES_FILE).is_file():
            raise UserError(f"{folder} is not an adaptation folder: no {EXAMPLES_FILE} "
                            "(write one with `modalswitch train adapt --out DIR`)")
        return cls(folder, ExampleIndex.load(folder / EXAMPLES_FILE))
