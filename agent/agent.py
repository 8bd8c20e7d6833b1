"""The Agent: one request in, one multimodal response out, with a trace of every stage."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ..errors import EmptyRequestError, ModalswitchError
from ..tools.artifacts import Artifact, ArtifactStore
from ..tools.media import Limits
from ..tools.model_cache import ModelCache
from ..tools.registry import Registry
from .cache import StepCache
from .executor import ExecutionPolicy, Executor
from .plan import Plan
from .planner import Planner
from .response import Response, compose_response
from .trace import ErrorEvent, PlanReady, ResponseEvent, RunEnd, RunStart, Tracer
from .validate import InputSpec, bind_input_names, output_modalities, validate_plan

InputPath = str | os.PathLike[str]


def default_home() -> Path:
    """Where the store, step cache, assembled models and runs live ($MODALSWITCH_HOME)."""
    env = os.environ.get("MODALSWITCH_HOME")
    return Path(env) if env else Path.home() / ".cache" / "modalswitch"


class Agent:
    """Plans a request over a tool registry, runs the plan, and merges the response."""

    def __init__(self, planner: Planner | None = None, registry: Registry | None = None, *,
                 home: Path | None = None, policy: ExecutionPolicy | None = None,
                 models: ModelCache | None = None, limits: Limits | None = None) -> None:
        if registry is None:
            from ..tools.catalog import default_registry

            registry = default_registry()
        self.registry = registry
        self._planner = planner
        self.home = Path(home) if home else default_home()
        self.store = ArtifactStore(self.home / "store", limits)
        self.models = models or ModelCache()
        self.executor = Executor(registry, self.store, self.models,
                                 StepCache(self.home / "cache" / "steps"), policy)

    @property
    def planner(self) -> Planner:
        """The planner; the embedded offline LLM planner unless one was given."""
        if self._planner is None:
            from .embedded import embedded_planner

            self._planner = embedded_planner(self.registry)
        return self._planner

    def import_inputs(self, inputs: Sequence[InputPath]) -> list[Artifact]:
        """Check and store the user's input files (InputFileError on a bad one)."""
        return [self.store.import_input(p) for p in inputs]

    def plan(self, request: str, inputs: Sequence[InputPath] = (),
             tracer: Tracer | None = None) -> Plan:
        """Plan only: the validated plan for a request."""
        _check_request(request)
        specs = [InputSpec.of(a) for a in self.import_inputs(inputs)]
        return self.planner.plan(request, specs, tracer)

    def run(self, request: str, inputs: Sequence[InputPath] = (), *,
            out_dir: InputPath | None = None, plan: Plan | None = None,
            on_event: Callable[[Any], None] | None = None) -> Response:
        """Plan (unless a plan is given), execute, and write response.json and trace.jsonl."""
        _check_request(request)
        run_dir = Path(out_dir) if out_dir else self._new_run_dir()
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "trace.jsonl").unlink(missing_ok=True)
        tracer = Tracer(run_dir / "trace.jsonl")
        if on_event is not None:
            tracer.subscribe(on_event)
        start = time.perf_counter()
        planner_name = getattr(self._planner, "name", "embedded") if plan is None else "given"
        tracer.emit(RunStart(request=request, planner=planner_name,
                             inputs=[{"path": str(p)} for p in inputs]))
        try:
            artifacts = self.import_inputs(inputs)
            specs = [InputSpec.of(a) for a in artifacts]
            if plan is None:
                plan = self.planner.plan(request, specs, tracer)
            else:
                plan = validate_plan(bind_input_names(plan, specs), self.registry, specs)
            tracer.emit(PlanReady(span="planner", plan=plan.model_dump(exclude_none=True),
                                  output_modalities=output_modalities(plan, self.registry,
                                                                      specs)))
            self._lend_llm(plan)
            if plan.is_text_answer:
                response = Response(text=plan.message or self.planner.answer(request, specs),
                                    run_dir=str(run_dir))
            else:
                results = self.executor.execute(plan, artifacts, tracer, run_dir)
                response = compose_response(plan, results, artifacts, self.registry, run_dir)
        except ModalswitchError as exc:
            tracer.emit(ErrorEvent(error_type=type(exc).__name__, message=str(exc)))
            tracer.emit(RunEnd(status="failed", duration_s=round(time.perf_counter() - start, 4)))
            raise
        response.write(run_dir)
        tracer.emit(ResponseEvent(text=response.text,
                                  artifacts=[a.model_dump() for a in response.artifacts],
                                  failures=[f.model_dump() for f in response.failures]))
        status: Literal["ok", "partial", "failed"] = (
            "ok" if response.ok else "partial" if response.artifacts or response.text
            else "failed")
        tracer.emit(RunEnd(status=status, duration_s=round(time.perf_counter() - start, 4)))
        return response

    def _lend_llm(self, plan: Plan) -> None:
        """Give tools that write with an LLM (summarize, translate...) the planner's writer
        (its general model, not a plan-tuned one)."""
        tools = [self.registry.get(s.tool) for s in plan.steps]
        needy = [t for t in tools if callable(getattr(t, "set_chat_model", None))
                 and getattr(t, "chat_model", None) is None]
        llm = (getattr(self.planner, "writer", None) or getattr(self.planner, "llm", None)
               if needy else None)
        for tool in needy:
            tool.set_chat_model(llm)  # type: ignore[attr-defined]

    def _new_run_dir(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.home / "runs" / f"{stamp}-{uuid.uuid4().hex[:6]}"


def _check_request(request: str) -> None:
    if not request or not request.strip():
        raise EmptyRequestError()
