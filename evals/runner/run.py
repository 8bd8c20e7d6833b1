"""Run a dataset's cases through a planner (and optionally the executor), score, and save.

`OUT/eval.json` says at the start which cases will run. Each case gets `OUT/cases/<id>/`
with its trace.jsonl (and response.json plus the produced files when executed);
`OUT/results.jsonl` holds one scored CaseResult a line and
`OUT/metrics.json` the aggregates. Cases run on a thread pool: executor work and scoring
overlap, while a `serial` planner (the embedded LLM: one llama.cpp context) plans one
case at a time behind a lock.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from modalswitch.agent.execution.executor import ExecutionPolicy
from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import step_output_modalities, validate_plan
from modalswitch.agent.trace.events import ErrorEvent, PlanReady, RunEnd, RunStart
from modalswitch.agent.trace.tracer import Tracer, read_trace
from modalswitch.errors import DatasetError, ModalswitchError, UserError
from modalswitch.evals.datasets.model import Case, Dataset
from modalswitch.evals.runner.planners import EvalPlanner, dataset_registry
from modalswitch.evals.runner.results import (
    MANIFEST,
    PROGRESS,
    CaseResult,
    Status,
    append_progress,
    case_dirname,
    load_eval,
    load_progress,
    write_json,
    write_results,
)
from modalswitch.evals.scoring.metrics import modalities, score_plan, summarize
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.model_cache import ModelCache


class _BoundPlanner:
    """One case's view of an eval planner, shaped as the Agent's Planner."""

    def __init__(self, planner: EvalPlanner, case: Case, lock: threading.Lock,
                 registry: Registry, validate: bool) -> None:
        self.planner, self.case, self.registry = planner, case, registry
        self.name = planner.name
        self.writer = planner.writer
        self.lock = lock if planner.serial else contextlib.nullcontext()
        self.validate = validate
        self.pred: Plan | None = None
        self.error: Exception | None = None
        self.plan_s: float | None = None

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        with self.lock:
            start = time.perf_counter()
            try:
                plan = self.planner.plan_case(self.case, tracer)
            except Exception as exc:
                self.error = exc
                raise
            finally:
                self.plan_s = round(time.perf_counter() - start, 4)
        self.pred = plan
        if self.validate:  # the executor must never see an invalid plan (e.g. noisy gold)
            validate_plan(bind_input_names(plan, inputs), self.registry, inputs)
        return plan

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        with self.lock:
            return self.planner.answer(request, inputs)


def check_gold_tools(dataset: Dataset, registry: Registry) -> None:
    """A native dataset's gold plans must only use tools the registry has."""
    if dataset.format != "native":
        return  # external gold data may name tools outside its own catalog; that is scored
    missing = sorted({s.tool for c in dataset.cases for s in c.gold.steps} - set(registry.names))
    if missing:
        raise DatasetError(f"the registry lacks tools the gold plans use: {', '.join(missing)} "
                           f"(registry has: {', '.join(registry.names) or 'nothing'})")


class EvalRun:
    """One eval: a dataset, a planner, settings, and the output folder."""

    def __init__(self, dataset: Dataset, planner: EvalPlanner, out: Path, *,
                 registry: Registry | None = None, execute: bool = False, workers: int = 4,
                 policy: ExecutionPolicy | None = None) -> None:
        self.dataset, self.planner, self.out = dataset, planner, Path(out)
        self.registry = registry or dataset_registry(dataset)
        self.execute = execute
        self.workers = max(workers, 1)
        self.policy = policy
        self.lock = threading.Lock()
        self.models = ModelCache()
        self.catalog = dataset.extra.get("catalog")
        if execute and dataset.format == "taskbench":
            raise UserError("TaskBench tools are plan-only: they can be planned and scored, "
                            "not executed (drop --execute)")
        check_gold_tools(dataset, self.registry)

    def previous_results(self) -> dict[str, CaseResult]:
        """Finished cases of an earlier eval of the same planner, dataset and mode in OUT:
        its results, or for an eval that was stopped midway, its progress journal."""
        if (self.out / "results.jsonl").exists():
            metrics, results = load_eval(self.out)
            run = metrics.get("run", {})
        elif (self.out / PROGRESS).exists() and (self.out / MANIFEST).exists():
            run = json.loads((self.out / MANIFEST).read_text("utf-8"))
            results = load_progress(self.out)
        else:
            return {}
        if (run.get("planner"), run.get("dataset"), run.get("execute")) != (
                self.planner.name, self.dataset.name, self.execute):
            raise UserError(f"cannot resume: {self.out} holds an eval of planner "
                            f"{run.get('planner')!r} on {run.get('dataset')!r}")
        return {r.id: r for r in results if r.status != "error"}

    def run(self, cases: Sequence[Case], settings: dict[str, Any] | None = None,
            on_result: Callable[[CaseResult], None] | None = None, *,
            resume: bool = False) -> dict[str, Any]:
        """Run, score and save every case; returns metrics.json's content.

        With `resume`, cases an earlier eval of the same planner already finished in OUT
        are kept as they are (planners are deterministic; a slow LLM eval can go on).
        """
        previous = self.previous_results() if resume else {}
        if not resume and any((self.out / f).exists() for f in ("results.jsonl", PROGRESS)):
            shutil.rmtree(self.out / "cases", ignore_errors=True)  # an earlier eval's cases
        (self.out / "cases").mkdir(parents=True, exist_ok=True)
        journal, journal_lock = self.out / PROGRESS, threading.Lock()  # anew, with what is kept
        journal.write_text("".join(r.model_dump_json() + "\n" for r in previous.values()),
                           encoding="utf-8")
        write_json(self.out / MANIFEST, {  # lets a viewer following the eval show progress
            "dataset": self.dataset.name, "planner": self.planner.name, "execute": self.execute,
            "cases": [c.id for c in cases],
            "started": datetime.now(UTC).isoformat(timespec="seconds")})
        start = time.perf_counter()

        def one(case: Case) -> CaseResult:
            result = previous.get(case.id)
            if result is None:
                result = self.run_case(case)
                with journal_lock:
                    append_progress(self.out, result)
            if on_result is not None:
                on_result(result)
            return result

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="eval") as pool:
            results = list(pool.map(one, cases))
        metrics = summarize(results)
        metrics["run"] = {
            "dataset": self.dataset.name, "format": self.dataset.format,
            "dataset_path": str(self.dataset.root), "planner": self.planner.name,
            "execute": self.execute, "workers": self.workers,
            "registry": self.registry.names,
            "scoring": "taskbench" if self.dataset.format == "taskbench" else "native",
            "wall_s": round(time.perf_counter() - start, 3),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "resumed": len([c for c in cases if c.id in previous]),
            **(settings or {}),
        }
        write_results(self.out, results, metrics)
        journal.unlink(missing_ok=True)  # results.jsonl holds it all now
        return metrics

    def run_case(self, case: Case) -> CaseResult:
        """Plan (and execute) one case, write its trace, and score it."""
        case_dir = self.out / "cases" / case_dirname(case.id)
        if case_dir.exists():
            shutil.rmtree(case_dir)
        case_dir.mkdir(parents=True)
        bound = _BoundPlanner(self.planner, case, self.lock, self.registry, self.execute)
        start = time.perf_counter()
        fields: dict[str, Any] = {}
        error: str | None = None
        try:
            if self.execute:
                fields = self._execute(case, case_dir, bound)
            else:
                self._plan_only(case, case_dir, bound)
        except Exception as exc:  # one broken case must not end the eval
            error = f"{type(exc).__name__}: {exc}"
        case_s = round(time.perf_counter() - start, 4)
        scored = score_plan(case, bound.pred, self.registry, self.catalog)
        status: Status = (
            "planner_error" if bound.error is not None
            else "invalid" if not scored["valid"]
            else "exec_failed" if self.execute and fields.get("exec_status") != "ok"
            else "error" if error else "ok")
        if bound.error is not None:
            error = f"{type(bound.error).__name__}: {bound.error}"
        attempts = [e for e in _events(case_dir) if e.type == "plan_attempt"]
        return CaseResult(
            id=case.id, request=case.request, shape=case.shape, n_tools=case.n_tools,
            inputs=[[s.name, s.modality.value] for s in case.inputs],
            gold=case.gold.model_dump(exclude_none=True),
            pred=bound.pred.model_dump(exclude_none=True) if bound.pred is not None else None,
            status=status, error=error, plan_s=bound.plan_s, case_s=case_s,
            attempts=len(attempts) or int(bound.pred is not None),
            prompt_tokens=sum(e.prompt_tokens for e in attempts),
            completion_tokens=sum(e.completion_tokens for e in attempts),
            executed=self.execute, **scored, **fields)

    def _plan_only(self, case: Case, case_dir: Path, bound: _BoundPlanner) -> None:
        tracer = Tracer(case_dir / "trace.jsonl")
        start = time.perf_counter()
        tracer.emit(RunStart(request=case.request, planner=bound.name,
                             inputs=[{"name": s.name, "modality": s.modality.value}
                                     for s in case.inputs]))
        status = "ok"
        try:
            plan = bound.plan(case.request, case.inputs, tracer)
            tracer.emit(PlanReady(span="planner", plan=plan.model_dump(exclude_none=True),
                                  output_modalities=modalities(plan, self.registry,
                                                               case.inputs),
                                  step_outputs=step_output_modalities(plan, self.registry)))
        except Exception as exc:  # recorded as the case's error; the trace still ends
            tracer.emit(ErrorEvent(error_type=type(exc).__name__, message=str(exc)))
            status = "failed"
        tracer.emit(RunEnd(status="ok" if status == "ok" else "failed",
                           duration_s=round(time.perf_counter() - start, 4)))

    def _execute(self, case: Case, case_dir: Path, bound: _BoundPlanner) -> dict[str, Any]:
        from modalswitch.agent.agent import Agent
        from modalswitch.evals.runner.media_inputs import materialize

        paths = materialize(case, self.dataset.root,
                            self.out / "inputs" / case_dirname(case.id))
        agent = Agent(planner=bound, registry=self.registry, home=self.out / "home",
                      models=self.models, policy=self.policy)
        with contextlib.suppress(ModalswitchError):  # the trace holds the error event
            agent.run(case.request, paths, out_dir=case_dir)
        return _execution_fields(case, case_dir, modalities(case.gold, self.registry,
                                                            case.inputs))


def _events(case_dir: Path) -> list[Any]:
    path = case_dir / "trace.jsonl"
    return read_trace(path) if path.exists() else []


def _execution_fields(case: Case, case_dir: Path, gold_mods: list[str]) -> dict[str, Any]:
    """Execution outcome of a case from its trace and response.json."""
    end = next((e for e in reversed(_events(case_dir)) if e.type == "run_end"), None)
    fields: dict[str, Any] = {"exec_status": end.status if end else "failed", "e2e_ok": False}
    response_file = case_dir / "response.json"
    if not response_file.exists():
        return fields
    response = json.loads(response_file.read_text("utf-8"))
    text = response.get("text") or ""
    artifacts = []
    for art in response.get("artifacts", []):
        path = Path(art["path"])
        artifacts.append({**art, "file": path.name,
                          "size_bytes": path.stat().st_size if path.exists() else None})
    mods = sorted({a["modality"] for a in artifacts} | ({"text"} if text.strip() else set()))
    found = all(word.lower() in text.lower() for word in case.expect)
    fields.update(response_text=text, response_modalities=mods, artifacts=artifacts,
                  e2e_ok=fields["exec_status"] == "ok" and set(gold_mods) <= set(mods)
                  and found)
    return fields


def run_eval(dataset: Dataset, planner: EvalPlanner, out: Path, *, limit: int | None = None,
             seed: int | None = None, execute: bool = False, workers: int = 4,
             registry: Registry | None = None, resume: bool = False,
             on_result: Callable[[CaseResult], None] | None = None) -> dict[str, Any]:
    """Run an eval end to end and return its metrics (also written to OUT/metrics.json)."""
    run = EvalRun(dataset, planner, out, registry=registry, execute=execute, workers=workers)
    cases = dataset.select(limit, seed)
    return run.run(cases, {"limit": limit, "seed": seed, "cases": len(cases)}, on_result,
                   resume=resume)
