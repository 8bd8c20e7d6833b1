"""The files an eval writes, and their typed form: eval.json (at the start: the cases it will
run), progress.jsonl (while it runs: each case's CaseResult as it finishes, so a stopped
eval can be resumed), results.jsonl (at the end: one CaseResult a line), metrics.json
(aggregates and the run's settings), and cases/<id>/ with each case's trace."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from modalswitch.errors import EvalDirError

MANIFEST = "eval.json"
"""Written when an eval starts: dataset, planner and the ids of the cases it will run."""

PROGRESS = "progress.jsonl"
"""Appended as each case finishes; replaced by results.jsonl when the eval ends."""

Status = Literal["ok", "invalid", "planner_error", "exec_failed", "error"]


class CaseResult(BaseModel):
    """Everything measured on one case."""

    id: str
    request: str
    shape: str
    n_tools: int
    inputs: list[list[str]] = Field(default_factory=list)
    gold: dict[str, Any]
    pred: dict[str, Any] | None = None
    status: Status = "ok"
    error: str | None = None
    valid: bool = False
    issues: list[str] = Field(default_factory=list)
    gold_modalities: list[str] = Field(default_factory=list)
    pred_modalities: list[str] = Field(default_factory=list)
    modality_ok: bool = False
    gold_no_tool: bool = False
    pred_no_tool: bool = False
    counts: dict[str, list[int]] = Field(default_factory=dict)
    """metric -> [tp, fp, fn]"""
    scores: dict[str, float | None] = Field(default_factory=dict)
    taskbench_nodes: list[dict[str, Any]] | None = None
    plan_s: float | None = None
    case_s: float = 0.0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    executed: bool = False
    exec_status: str | None = None
    e2e_ok: bool | None = None
    response_text: str | None = None
    response_modalities: list[str] = Field(default_factory=list)
    artifacts: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def plan_correct(self) -> bool:
        """True when every node, edge and argument matched exactly."""
        return all(fp == 0 and fn == 0 for _, fp, fn in self.counts.values())


def case_dirname(case_id: str) -> str:
    """A safe folder name for a case id."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", case_id) or "_"


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def write_results(out: Path, results: list[CaseResult], metrics: dict[str, Any]) -> None:
    """results.jsonl and metrics.json in an eval folder."""
    tmp = out / "results.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(r.model_dump_json() + "\n")
    os.replace(tmp, out / "results.jsonl")
    write_json(out / "metrics.json", metrics)


def append_progress(out: Path, result: CaseResult) -> None:
    """Record a finished case at once (one whole line; flushed), for `--resume`."""
    with (out / PROGRESS).open("a", encoding="utf-8") as fh:
        fh.write(result.model_dump_json() + "\n")
        fh.flush()


def load_progress(out: Path) -> list[CaseResult]:
    """The cases a stopped eval finished; a line cut short by the stop is left out."""
    path = Path(out) / PROGRESS
    if not path.exists():
        return []
    results = []
    for line in path.read_text("utf-8").splitlines():
        try:
            results.append(CaseResult.model_validate_json(line))
        except ValueError:  # the line being written when the eval stopped
            continue
    return results


def is_eval_dir(path: Path) -> bool:
    """True for a folder an eval wrote."""
    return (Path(path) / "results.jsonl").exists()


def load_eval(path: Path) -> tuple[dict[str, Any], list[CaseResult]]:
    """(metrics, results) of an eval folder."""
    path = Path(path)
    if not is_eval_dir(path):
        raise EvalDirError(f"{path} is not an eval folder (no results.jsonl)")
    results = [CaseResult.model_validate_json(line)
               for line in (path / "results.jsonl").read_text("utf-8").splitlines()
               if line.strip()]
    metrics_file = path / "metrics.json"
    metrics = json.loads(metrics_file.read_text("utf-8")) if metrics_file.exists() else {}
    return metrics, results
