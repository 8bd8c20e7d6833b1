"""The Agent: one request in, one multimodal response out, with a trace of every stage."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, cast

from modalswitch import settings
from modalswitch.agent.aio import arun, astream
from modalswitch.agent.execution.cache import StepCache
from modalswitch.agent.execution.executor import ExecutionPolicy, Executor
from modalswitch.agent.placeholders import stand_ins
from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import (
    check_plan,
    output_modalities,
    step_output_modalities,
    validate_plan,
)
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.by_name import PlannerSpec, WriterSpec, is_planner, spec_label
from modalswitch.agent.planners.by_name import planner as planner_by_name
from modalswitch.agent.response import Response, compose_response
from modalswitch.agent.run_folder import TRACE, RunFolder
from modalswitch.agent.session import Session
from modalswitch.agent.telemetry import telemetry_listeners
from modalswitch.agent.trace.events import (
    ErrorEvent,
    Event,
    PlanReady,
    ResponseEvent,
    RunEnd,
    RunStart,
)
from modalswitch.agent.trace.tracer import Listener, Tracer
from modalswitch.errors import (
    EmptyRequestError,
    PlanError,
    PlannerError,
    RunCancelled,
)
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore
from modalswitch.tools.runtime.media import Limits
from modalswitch.tools.runtime.model_cache import ModelCache

InputPath = str | os.PathLike[str]


class Agent:
    """Plans a request over a tool registry, runs the plan, and merges the response."""

    def __init__(self, planner: PlannerSpec | None = None, registry: Registry | None = None, *,
                 home: Path | None = None, policy: ExecutionPolicy | None = None,
                 models: ModelCache | None = None, limits: Limits | None = None,
                 writer: WriterSpec | None = None) -> None:
        if registry is None:
            from modalswitch.tools.catalog import default_registry

            registry = default_registry()
        self.registry = registry
        self._planner: Planner | None = (
            cast(Planner, planner) if is_planner(planner) and writer is None else None)
        self._planner_spec = (planner, writer)
        """What names the planner and writer (by_name.planner), resolved on first use."""
        self.listeners: list[Listener] = telemetry_listeners()
        """Told every event of every run (OpenTelemetry spans when enabled)."""
        self.home = Path(home) if home else settings.home()
        self.store = ArtifactStore(self.home / "store", limits)
        self.models = models or ModelCache.shared()  # one copy of each model per process
        self.executor = Executor(registry, self.store, self.models,
                                 StepCache(self.home / "cache" / "steps", self.store), policy)

    @property
    def planner(self) -> Planner:
        """The planner the spec names; the embedded offline planner unless one was given."""
        if self._planner is None:
            spec, writer = self._planner_spec
            self._planner = planner_by_name(spec, self.registry, writer)
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
            on_event: Listener | None = None,
            cancel: threading.Event | None = None) -> Response:
        """Plan (unless a plan is given), execute, and write response.json and trace.jsonl;
        setting `cancel` stops the steps not yet finished."""
        _check_request(request)
        run_dir = Path(out_dir) if out_dir else self._new_run_dir()
        with RunFolder(run_dir):  # one run at a time; the last run's files cleared
            return self._run(request, inputs, run_dir, plan, on_event, cancel)

    def _run(self, request: str, inputs: Sequence[InputPath], run_dir: Path,
             plan: Plan | None, on_event: Listener | None,
             cancel: threading.Event | None) -> Response:
        tracer = Tracer(run_dir / TRACE)
        for listener in [*self.listeners, *([on_event] if on_event else [])]:
            tracer.subscribe(listener)
        start = time.perf_counter()
        planner_name = (self._planner.name if self._planner is not None
                        else spec_label(self._planner_spec[0])) if plan is None else "given"
        tracer.emit(RunStart(request=request, planner=planner_name,
                             inputs=[{"path": str(p)} for p in inputs]))
        try:
            artifacts = self.import_inputs(inputs)
            specs = [InputSpec.of(a) for a in artifacts]
            if plan is None:
                plan = _planned(self.planner, request, specs, tracer, self.registry)
            else:
                plan = validate_plan(bind_input_names(plan, specs, self.registry),
                                     self.registry, specs)
            tracer.emit(PlanReady(span="planner", plan=plan.model_dump(exclude_none=True),
                                  output_modalities=output_modalities(plan, self.registry,
                                                                      specs),
                                  step_outputs=step_output_modalities(plan, self.registry),
                                  degraded=stand_ins(plan, self.registry)))
            if cancel is not None and cancel.is_set():
                raise RunCancelled("the run was cancelled before its steps ran")
            if plan.is_text_answer:
                response = Response(text=plan.message or self.planner.answer(request, specs),
                                    run_dir=str(run_dir))
            else:
                results = self.executor.execute(plan, artifacts, tracer, run_dir,
                                                chat=self.planner.writer, cancel=cancel)
                words = self.planner.answer(request, specs) if plan.answer else None
                response = compose_response(plan, results, artifacts, self.registry, run_dir,
                                            words=words)
            response.write(run_dir)
        except BaseException as exc:  # the trace always ends, whatever stopped the run
            tracer.emit(ErrorEvent(error_type=type(exc).__name__, message=str(exc)))
            tracer.emit(RunEnd(status="failed", duration_s=round(time.perf_counter() - start, 4)))
            raise
        tracer.emit(ResponseEvent(text=response.text,
                                  artifacts=[a.model_dump() for a in response.artifacts],
                                  failures=[f.model_dump() for f in response.failures]))
        status: Literal["ok", "partial", "failed"] = (
            "ok" if response.ok else "partial" if response.artifacts or response.text
            else "failed")
        tracer.emit(RunEnd(status=status, duration_s=round(time.perf_counter() - start, 4)))
        return response

    def session(self, session_id: str | None = None) -> Session:
        """A conversation: a new one, or the saved one `session_id` names."""
        return Session(self.run, self.home, session_id)

    async def arun(self, request: str, inputs: Sequence[InputPath] = (), **options: Any
                   ) -> Response:
        """`run` for asyncio; cancelling the task stops the run's pending steps."""
        return await arun(self.run, request, inputs, **options)

    def astream(self, request: str, inputs: Sequence[InputPath] = (), **options: Any
                ) -> AsyncIterator[Event]:
        """The run's typed trace events as they happen, ending with `run_end`."""
        return astream(self.run, request, inputs, **options)

    def _new_run_dir(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.home / "runs" / f"{stamp}-{uuid.uuid4().hex[:6]}"


def _check_request(request: str) -> None:
    if not request or not request.strip():
        raise EmptyRequestError()


def _planned(planner: Planner, request: str, specs: list[InputSpec], tracer: Tracer,
             registry: Registry) -> Plan:
    """The planner's plan, checked again: whatever a planner returns, only a valid plan runs."""
    plan = planner.plan(request, specs, tracer)
    issues = check_plan(plan, registry, specs)
    if issues:
        error = PlanError(issues)
        raise PlannerError(f"planner {planner.name!r} returned an {error}", error)
    return plan
