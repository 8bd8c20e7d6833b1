"""The Tool contract: a typed pydantic input model in, a typed output model out.

    class CountPixels(Tool[CountIn, CountOut]):
        name = "count_pixels"
        description = "Count the pixels of an image."

        def run(self, args: CountIn, ctx: ToolContext) -> CountOut: ...

`Input` and `Output` come from the generic parameters, and a tool class is checked when it
is defined (name, description, a content output), so a mistake fails at import, not in the
middle of a run. Everything a running step may use arrives in its `ToolContext`: the
artifact store, the model cache, cancellation, progress, the chat model for tools that
write, and `ctx.call` to run another tool as a traced part of this step.
"""

from __future__ import annotations

import inspect
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar, get_args, get_origin

from pydantic import BaseModel

from modalswitch.errors import ToolDefinitionError
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.degraded import Degraded
from modalswitch.tools.contract.fields import content_fields, field_kind, model_modalities
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore, Provenance
from modalswitch.tools.runtime.model_cache import ModelCache

TOOL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class SubToolObserver(Protocol):
    """Told when a step runs another tool (the executor records it as a child span)."""

    def started(self, ctx: ToolContext, args: BaseModel) -> None:
        """A sub-tool call began."""

    def finished(self, ctx: ToolContext, output: BaseModel | None, error: BaseException | None,
                 seconds: float) -> None:
        """A sub-tool call ended, with its output or its error."""


@dataclass
class ToolContext:
    """What a running step may use: store, models, chat model, cancellation and progress."""

    store: ArtifactStore
    models: ModelCache
    step_id: str
    tool_name: str
    work_dir: Path
    cancelled: threading.Event = field(default_factory=threading.Event)
    on_progress: Callable[[float, str], None] | None = None
    chat: ChatModel | None = None
    """The chat model tools write with (the agent's writer); None when there is none."""
    parent: str | None = None
    """The step this context's tool was called from (sub-tool calls only)."""
    observer: SubToolObserver | None = None
    calls: Counter[str] = field(default_factory=Counter)
    """How many times this step called each tool (spans of repeated calls are numbered)."""

    def provenance(self) -> Provenance:
        """Provenance for an artifact this step makes."""
        return Provenance(source="step", step=self.step_id, tool=self.tool_name)

    def save_file(self, path: Path, *, move: bool = True) -> Artifact:
        """Store a file this step wrote and return it as an artifact."""
        return self.store.put_file(path, self.provenance(), move=move)

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress on long work (0..1)."""
        if self.on_progress is not None:
            self.on_progress(fraction, message)

    def call(self, tool: Tool[Any, Any], args: BaseModel | dict[str, Any]) -> BaseModel:
        """Run another tool as part of this step, as a child span in the trace."""
        parsed = args if isinstance(args, tool.Input) else tool.Input.model_validate(args)
        self.calls[tool.name] += 1
        n = self.calls[tool.name]
        span = f"{self.step_id}/{tool.name}" + (f"#{n}" if n > 1 else "")
        child = replace(self, step_id=span, tool_name=tool.name, parent=self.step_id,
                        calls=Counter())
        if self.observer is not None:
            self.observer.started(child, parsed)
        start = time.perf_counter()
        try:
            output = tool.run(parsed, child)
        except BaseException as exc:
            if self.observer is not None:
                self.observer.finished(child, None, exc, time.perf_counter() - start)
            raise
        if self.observer is not None:
            self.observer.finished(child, output, None, time.perf_counter() - start)
        return output


InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)


def _generic_models(cls: type) -> tuple[type[BaseModel], type[BaseModel]] | None:
    """The (Input, Output) models a class names as `Tool[In, Out]` (or a generic subclass)."""
    for base in getattr(cls, "__orig_bases__", ()):
        origin = get_origin(base)
        if isinstance(origin, type) and issubclass(origin, Tool):
            args = get_args(base)
            if len(args) == 2 and all(isinstance(a, type) and issubclass(a, BaseModel)
                                      for a in args):
                return args[0], args[1]
    return None


class Tool(ABC, Generic[InT, OutT]):
    """A modality converter: typed input model in, typed output model out."""

    name: ClassVar[str]
    description: ClassVar[str]  # written for the planner: what it does, when to use it
    Input: ClassVar[type[BaseModel]]
    Output: ClassVar[type[BaseModel]]
    version: ClassVar[str] = "1"  # bump when outputs change, so cached results are not reused
    backend: ClassVar[str] = "python"  # the library doing the work, shown by `tools --json`
    uses_chat: ClassVar[bool] = False
    """True for tools that write with the chat model (`ctx.chat`)."""
    writes_speech: ClassVar[dict[str, Any] | None] = None
    """Set on a tool that, given an idea in its `text` field and these other arguments,
    writes the words for a voice to say ("a joke" -> a joke): plans that would speak a
    description of words get such a step first (agent/planners/spoken_words.py)."""
    resources: ClassVar[dict[str, float]] = {}
    """What one call needs on a cluster node ({"gpus": 1, "memory_gb": 6, "cpus": 1}); the
    Ray engine asks the scheduler for it, so a model runs where it fits."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        models = _generic_models(cls)
        if models is not None:
            cls.Input, cls.Output = models
        if not inspect.isabstract(cls):
            _check_definition(cls)

    @property
    def checkpoint(self) -> str | None:
        """The model id or path this tool will load, if it uses one."""
        return None

    @property
    def settings(self) -> dict[str, Any]:
        """Options this instance was built with that change its outputs (decoding settings,
        not the checkpoint): part of the cache key, so another setting never reuses a
        result made with this one."""
        return {}

    def stand_in(self) -> Degraded | None:
        """The placeholder this tool would make now instead of its real output (its model is
        not on this machine), or None. Plans mark such steps before they run."""
        return None

    @property
    def input_modalities(self) -> list[Modality]:
        """Modalities this tool consumes."""
        return model_modalities(self.Input)

    @property
    def output_modalities(self) -> list[Modality]:
        """Modalities this tool produces."""
        return model_modalities(self.Output)

    @property
    def primary_output(self) -> str:
        """The output field a bare `@step` reference means: the first content field."""
        return content_fields(self.Output)[0]

    @abstractmethod
    def run(self, args: InT, ctx: ToolContext) -> OutT:
        """Do the conversion. Raise ToolError (or TransientToolError to ask for a retry)."""

    def describe(self) -> dict[str, Any]:
        """Everything the registry exports about this tool."""
        from modalswitch.tools.contract.schemas import input_schema, output_schema

        return {
            "name": self.name,
            "description": self.description,
            "input_modalities": [m.value for m in self.input_modalities],
            "output_modalities": [m.value for m in self.output_modalities],
            "backend": self.backend,
            "checkpoint": self.checkpoint,
            "version": self.version,
            "input_schema": input_schema(self.Input),
            "output_schema": output_schema(self.Output),
        }


def _check_definition(cls: type[Tool[Any, Any]]) -> None:
    """Raise ToolDefinitionError if a concrete tool class cannot work."""
    where = f"tool class {cls.__qualname__}"
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not TOOL_NAME.match(name):
        raise ToolDefinitionError(f"{where}: `name` must be a lower_snake_case string, "
                                  f"got {name!r}")
    description = getattr(cls, "description", None)
    if not isinstance(description, str) or not description.strip():
        raise ToolDefinitionError(f"{where}: `description` must say what it does, for the "
                                  "planner")
    for role in ("Input", "Output"):
        model = getattr(cls, role, None)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise ToolDefinitionError(f"{where}: declare it as Tool[InputModel, OutputModel] "
                                      f"with pydantic models ({role} is {model!r})")
    for model in (cls.Input, cls.Output):
        for field_name in model.model_fields:
            field_kind(model, field_name)  # raises on a malformed annotation
    if not content_fields(cls.Output):
        raise ToolDefinitionError(
            f"{where}: {cls.Output.__name__} has no content field: mark what the tool "
            "produces as TextContent, ImageArtifact, AudioArtifact or VideoArtifact")
