"""The Agent: one request in, one multimodal response out, with a trace of every stage."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from modalswitch import settings
from modalswitch.agent.execution.cache import StepCache
from modalswitch.agent.execution.executor import ExecutionPolicy, Executor
from modalswitch.agent.placeholders import stand_ins
from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import output_modalities, validate_plan
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.response import Response, compose_response
from modalswitch.agent.trace.events import ErrorEvent, PlanReady, ResponseEvent, RunEnd, RunStart
from modalswitch.agent.trace.tracer import Listener, Tracer
from modalswitch.errors import EmptyRequestError, ModalswitchError
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore
from modalswitch.tools.runtime.media import Limits
from modalswitch.tools.runtime.model_cache import ModelCache

InputPath = str | os.PathLike[str]


class Agent:
    """Plans a request over a tool registry, runs the plan, and merges the response."""

    def __init__(self, planner: Planner | None = None, registry: Registry | None = None, *,
                 home: Path | None = None, policy: ExecutionPolicy | None = None,
                 models: ModelCache | None = None, limits: Limits | None = None) -> None:
        if registry is None:
            from modalswitch.tools.catalog import default_registry

            registry = default_registry()
        self.registry = registry
        self._planner = planner
        self.home = Path(home) if home else settings.home()
        self.store = ArtifactStore(self.home / "store", limits)
        self.models = models or ModelCache()
        self.executor = Executor(registry, self.store, self.models,
                                 StepCache(self.home / "cache" / "steps"), policy)

    @property
    def planner(self) -> Planner:
        """The planner; the embedded offline LLM planner unless one was given."""
        if self._planner is None:
            from modalswitch.agent.planners.presets import embedded_planner

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
            on_event: Listener | None = None) -> Response:
        """Plan (unless a plan is given), execute, and write response.json and trace.jsonl."""
        _check_request(request)
        run_dir = Path(out_dir) if out_dir else self._new_run_dir()
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "trace.jsonl").unlink(missing_ok=True)
        tracer = Tracer(run_dir / "trace.jsonl")
        if on_event is not None:
            tracer.subscribe(on_event)
        start = time.perf_counter()
        planner_name = (self._planner.name if self._planner is not None else "embedded"
                        ) if plan is None else "given"
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
                                                                      specs),
                                  degraded=stand_ins(plan, self.registry)))
            if plan.is_text_answer:
                response = Response(text=plan.message or self.planner.answer(request, specs),
                                    run_dir=str(run_dir))
            else:
                results = self.executor.execute(plan, artifacts, tracer, run_dir,
                                                chat=self.planner.writer)
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

    def _new_run_dir(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.home / "runs" / f"{stamp}-{uuid.uuid4().hex[:6]}"


def _check_request(request: str) -> None:
    if not request or not request.strip():
        raise EmptyRequestError()
