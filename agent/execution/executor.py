"""Run a validated plan as a DAG: each step starts as soon as its inputs exist.

Independent steps run in parallel on a thread pool. Each attempt has a time limit;
transient failures are retried with exponential backoff (scheduled, so a waiting retry
holds no worker); results are cached by (tool, version, resolved arguments). When a step
fails, the steps that need it are skipped and every other branch still finishes.
"""

from __future__ import annotations

import heapq
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from modalswitch.agent.execution.cache import StepCache, cache_key
from modalswitch.agent.execution.engines import make_engine
from modalswitch.agent.execution.guard import reject_unknown_artifacts
from modalswitch.agent.plan.model import InputRef, Plan, Step, StepRef, parse_ref, unescape
from modalswitch.agent.trace.events import CacheHit, Retry, StepEnd, StepProgress, StepStart
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import (
    RunCancelled,
    StepTimeoutError,
    ToolCrashError,
    ToolError,
    TransientToolError,
    UpstreamFailed,
)
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.degraded import degradation
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore, walk
from modalswitch.tools.runtime.model_cache import ModelCache

Status = Literal["ok", "failed", "skipped", "cached"]


@dataclass(frozen=True)
class ExecutionPolicy:
    """How steps are run: parallelism, time limits, retries, caching."""

    max_workers: int = 4
    step_timeout_s: float = 900.0
    retries: int = 2
    """Extra attempts after a transient failure."""
    backoff_s: float = 0.5
    """Delay before the first retry; doubles each time."""
    use_cache: bool = True
    engine: str | None = None
    """Where tools run: "local" (this process) or "ray"; None: $MODALSWITCH_ENGINE."""
    ray_address: str | None = None
    """The Ray cluster to join (None: $MODALSWITCH_RAY_ADDRESS, else a local instance)."""


@dataclass
class StepResult:
    """What became of one step."""

    step: str
    tool: str
    status: Status
    output: BaseModel | None = None
    error: str | None = None
    error_type: str | None = None
    attempts: int = 0
    duration_s: float = 0.0
    retryable: bool = False

    @property
    def succeeded(self) -> bool:
        """True when the step has an output (fresh or cached)."""
        return self.status in ("ok", "cached")


def _artifact_summary(artifact: Artifact) -> dict[str, Any]:
    out: dict[str, Any] = {"artifact": artifact.sha256[:16], "modality": artifact.modality.value,
                           "mime": artifact.mime}
    if artifact.path is not None:
        out["path"] = str(artifact.path)
    return out | {"meta": artifact.meta}


def summarize(value: Any, limit: int = 2000) -> Any:
    """A JSON-able, trace-sized view of an argument or output value."""
    def clip(v: Any) -> Any:
        return v[:limit] + f"... [{len(v)} chars]" if isinstance(v, str) and len(v) > limit else v

    return walk(value, _artifact_summary, scalar=clip, max_items=50)


class _SubToolSpans:
    """Records the tools a step calls (`ctx.call`) as child spans of the step."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def started(self, ctx: ToolContext, args: BaseModel) -> None:
        self.tracer.emit(StepStart(span=ctx.step_id, parent=ctx.parent, tool=ctx.tool_name,
                                   args=summarize(args)))

    def finished(self, ctx: ToolContext, output: BaseModel | None, error: BaseException | None,
                 seconds: float) -> None:
        self.tracer.emit(StepEnd(
            span=ctx.step_id, parent=ctx.parent, tool=ctx.tool_name,
            status="ok" if error is None else "failed", duration_s=round(seconds, 4),
            outputs=summarize(output) if output is not None else {},
            error=None if error is None else str(error) or repr(error),
            error_type=None if error is None else type(error).__name__,
            degraded=degradation(output)))


class Executor:
    """Runs plans over a registry, a store and a model cache."""

    def __init__(self, registry: Registry, store: ArtifactStore, models: ModelCache,
                 cache: StepCache | None = None, policy: ExecutionPolicy | None = None) -> None:
        self.registry = registry
        self.store = store
        self.models = models
        self.cache = cache
        self.policy = policy or ExecutionPolicy()
        self.engine = make_engine(self.policy.engine, store, self.policy.ray_address)

    def execute(self, plan: Plan, inputs: list[Artifact], tracer: Tracer, work_dir: Path,
                chat: ChatModel | None = None,
                cancel: threading.Event | None = None) -> dict[str, StepResult]:
        """Run every step it can; returns a result for every step, in plan order. `chat` is
        the model tools that write are given (the planner's writer); setting `cancel`
        stops the steps not yet finished."""
        return _Run(self, plan, inputs, tracer, work_dir, chat, cancel).go()


@dataclass(order=True)
class _Delayed:
    at: float
    step: str = field(compare=False)


class _Run:
    def __init__(self, ex: Executor, plan: Plan, inputs: list[Artifact], tracer: Tracer,
                 work_dir: Path, chat: ChatModel | None,
                 cancel: threading.Event | None = None) -> None:
        self.ex, self.plan, self.inputs, self.tracer = ex, plan, inputs, tracer
        self.work_dir, self.chat, self.cancel = work_dir, chat, cancel
        self.spans = _SubToolSpans(tracer)
        self.steps = {s.id: s for s in plan.steps}
        self.results: dict[str, StepResult] = {}
        self.attempts: dict[str, int] = dict.fromkeys(self.steps, 0)

    def go(self) -> dict[str, StepResult]:
        policy = self.ex.policy
        waiting = {s.id: s.dependencies() for s in self.plan.steps}
        delayed: list[_Delayed] = []
        running: dict[Future[StepResult], tuple[str, float, threading.Event]] = {}
        pool = ThreadPoolExecutor(max_workers=max(policy.max_workers, 1),
                                  thread_name_prefix="modalswitch-step")
        try:
            while waiting or delayed or running:
                if self.cancel is not None and self.cancel.is_set():
                    self.cancel_all(waiting, delayed, running)
                    break
                now = time.monotonic()
                ready = [sid for sid, deps in waiting.items() if deps <= self.results.keys()]
                while delayed and delayed[0].at <= now:
                    ready.append(heapq.heappop(delayed).step)
                for sid in ready:
                    waiting.pop(sid, None)
                    failed = [d for d in sorted(self.steps[sid].dependencies())
                              if not self.results[d].succeeded]
                    if failed:
                        self.finish(StepResult(sid, self.steps[sid].tool, "skipped",
                                               error=f"skipped: step {failed[0]} failed",
                                               error_type=UpstreamFailed.__name__))
                        continue
                    cancel = threading.Event()
                    self.attempts[sid] += 1
                    fut = pool.submit(self.run_step, self.steps[sid], self.attempts[sid], cancel)
                    running[fut] = (sid, now + policy.step_timeout_s, cancel)
                if ready and not running and not delayed:
                    continue  # skips may have unblocked more steps
                deadlines = [d for _, d, _ in running.values()] + [d.at for d in delayed]
                timeout = max(min(deadlines) - time.monotonic(), 0) if deadlines else None
                if self.cancel is not None:  # wake up to notice a cancellation
                    timeout = min(timeout, 0.05) if timeout is not None else 0.05
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                for fut in done:
                    sid, _, _ = running.pop(fut)
                    result = fut.result()
                    if self.should_retry(result):
                        delay = policy.backoff_s * 2 ** (self.attempts[sid] - 1)
                        self.tracer.emit(Retry(span=sid, tool=result.tool,
                                               attempt=self.attempts[sid] + 1, delay_s=delay,
                                               error=result.error or ""))
                        heapq.heappush(delayed, _Delayed(time.monotonic() + delay, sid))
                    else:
                        self.finish(result)
                now = time.monotonic()
                for fut, (sid, deadline, cancel) in list(running.items()):
                    if now >= deadline:
                        cancel.set()  # a cooperative tool stops; its thread is abandoned
                        del running[fut]
                        err = StepTimeoutError(
                            f"step {sid} ran past its {policy.step_timeout_s:g} s limit")
                        self.finish(StepResult(sid, self.steps[sid].tool, "failed",
                                               error=str(err), error_type=type(err).__name__,
                                               attempts=self.attempts[sid],
                                               duration_s=policy.step_timeout_s))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return {s.id: self.results[s.id] for s in self.plan.steps}

    def cancel_all(self, waiting: dict[str, set[str]], delayed: list[_Delayed],
                   running: dict[Future[StepResult], tuple[str, float, threading.Event]]
                   ) -> None:
        for _, (_, _, cancel) in running.items():
            cancel.set()  # a cooperative tool stops; its result is discarded
        stopped = [sid for _, (sid, _, _) in running.items()]
        pending = [*waiting, *(d.step for d in delayed)]
        for sid in [s.id for s in self.plan.steps if s.id in {*stopped, *pending}]:
            self.finish(StepResult(sid, self.steps[sid].tool,
                                   "failed" if sid in stopped else "skipped",
                                   error="cancelled", error_type=RunCancelled.__name__,
                                   attempts=self.attempts[sid]))
        running.clear()

    def should_retry(self, result: StepResult) -> bool:
        return result.retryable and self.attempts[result.step] <= self.ex.policy.retries

    def finish(self, result: StepResult) -> None:
        self.results[result.step] = result
        self.tracer.emit(StepEnd(span=result.step, tool=result.tool, status=result.status,
                                 duration_s=round(result.duration_s, 4),
                                 outputs=summarize(result.output) if result.output else {},
                                 error=result.error, error_type=result.error_type,
                                 attempts=result.attempts, degraded=degradation(result.output)))

    def resolve(self, step: Step) -> dict[str, Any]:
        tool = self.ex.registry.get(step.tool)
        resolved: dict[str, Any] = {}
        for name, value in step.args.items():
            wants_text = field_kind(tool.Input, name).modality in (None, Modality.TEXT)
            if isinstance(value, list):
                resolved[name] = [self.value_of(v, wants_text) for v in value]
            else:
                resolved[name] = self.value_of(value, wants_text)
        return resolved

    def value_of(self, value: Any, wants_text: bool) -> Any:
        ref = parse_ref(value)
        if ref is None:
            return unescape(value)
        if isinstance(ref, InputRef):
            artifact = self.inputs[ref.index]
            return artifact.text if wants_text and artifact.text is not None else artifact
        assert isinstance(ref, StepRef)
        source = self.results[ref.step]
        tool = self.ex.registry.get(source.tool)
        return getattr(source.output, ref.field or tool.primary_output)

    def run_step(self, step: Step, attempt: int, cancel: threading.Event) -> StepResult:
        tool = self.ex.registry.get(step.tool)
        start = time.perf_counter()

        def result(status: Status, **kw: Any) -> StepResult:
            return StepResult(step.id, step.tool, status, attempts=attempt,
                              duration_s=time.perf_counter() - start, **kw)

        try:
            resolved = self.resolve(step)
            key = cache_key(tool, resolved)
            cache = self.ex.cache if self.ex.policy.use_cache else None
            if cache is not None and (hit := cache.get(tool, key, step.id)) is not None:
                self.tracer.emit(CacheHit(span=step.id, tool=step.tool, key=key))
                return result("cached", output=hit)
            self.tracer.emit(StepStart(span=step.id, tool=step.tool, args=summarize(resolved),
                                       attempt=attempt))
            args = tool.Input.model_validate(resolved)
            reject_unknown_artifacts(args, self.inputs, list(self.results.values()))
            ctx = ToolContext(
                store=self.ex.store, models=self.ex.models, step_id=step.id,
                tool_name=step.tool, work_dir=self.work_dir, cancelled=cancel,
                on_progress=lambda f, m: self.tracer.emit(
                    StepProgress(span=step.id, fraction=f, message=m)),
                chat=self.chat, observer=self.spans,
            )
            output = self.ex.engine.run(tool, args, ctx)
            if cancel.is_set():  # timed out or cancelled: discarded, and never cached
                return result("failed", error=f"step {step.id} was stopped",
                              error_type=RunCancelled.__name__)
            if not isinstance(output, tool.Output):
                raise ToolError(f"{step.tool} returned {type(output).__name__}, "
                                f"not {tool.Output.__name__}")
            if cancel.is_set():  # it stopped early on its time limit: partial, never cached
                raise StepTimeoutError(f"step {step.id} was stopped at its time limit")
            if cache is not None and degradation(output) is None:  # placeholders rerun later
                cache.put(key, output)
            return result("ok", output=output)
        except TransientToolError as exc:
            return result("failed", error=str(exc), error_type=type(exc).__name__,
                          retryable=True)
        except ValidationError as exc:
            msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            return result("failed", error=f"bad arguments for {step.tool}: {msg}",
                          error_type="ToolError")
        except Exception as exc:  # a crashing tool must not take down the run
            return result("failed", error=str(exc) or repr(exc), error_type=type(exc).__name__)
        except BaseException as exc:  # SystemExit and the like, raised in a worker thread
            return result("failed", error=f"the tool raised {exc!r}",
                          error_type=ToolCrashError.__name__)
