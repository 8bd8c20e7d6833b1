"""`modalswitch eval tools`: make the data, run every offline default tool on it, score it,
and write results.jsonl, summary.json, table.md and report.html into one folder.

Numbers depend on the machine and on what else runs on it, so the summary records the
cores, the load average before and after, and the library versions next to them.
"""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from modalswitch.errors import UserError
from modalswitch.evals.tools_bench.audio_benches import (
    installed_whispers,
    run_speech_to_text,
    run_text_to_speech,
)
from modalswitch.evals.tools_bench.photos import photo_cases
from modalswitch.evals.tools_bench.records import BenchContext, BenchResult, Progress
from modalswitch.evals.tools_bench.speech_data import speech_cases
from modalswitch.evals.tools_bench.speech_sentences import VOICEMAIL
from modalswitch.evals.tools_bench.summary import (
    Row,
    all_rows,
    markdown,
    pct,
    rows_json,
    rtfs,
)
from modalswitch.evals.tools_bench.text_images import ocr_cases
from modalswitch.evals.tools_bench.vision_benches import (
    ocr_engines,
    run_photos,
    run_read_text,
    run_summarize_video,
    video_case,
)

BENCHES = ("speech_to_text", "read_text", "photos", "text_to_speech", "summarize_video")
PACKAGES = ("faster-whisper", "ctranslate2", "rapidocr", "onnxruntime", "piper-tts", "torch",
            "jiwer", "scikit-image")
RTF_LIMIT = 0.1
"""speech_to_text's default is the most accurate model within this real-time factor..."""
CORES_BUDGET = 2
"""... on this many cores (the CI machine's)."""


def environment() -> dict[str, Any]:
    """Where the numbers were measured."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date": datetime.now().isoformat(timespec="seconds"), "cores": cores,
            "cpu": platform.processor() or platform.machine(), "python": platform.python_version(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "versions": versions}


def run_tool_bench(out: Path, benches: tuple[str, ...] = BENCHES, *, limit: int | None = None,
                   whispers: list[str] | None = None, engines: list[str] | None = None,
                   progress: Progress = lambda _: None) -> dict[str, Any]:
    """Run the chosen benchmarks into `out` and return the summary (also in summary.json)."""
    unknown = set(benches) - set(BENCHES)
    if unknown:
        raise UserError(f"unknown benchmark(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(BENCHES)}")
    out.mkdir(parents=True, exist_ok=True)
    bench = BenchContext(out)
    data = out / "data"
    before, start = environment(), time.perf_counter()
    results: list[BenchResult] = []
    if "speech_to_text" in benches:
        results += run_speech_to_text(bench, speech_cases(bench, data / "speech", limit),
                                      whispers or installed_whispers(), progress)
    if "read_text" in benches:
        results += run_read_text(bench, ocr_cases(data / "text", limit),
                                 engines or ocr_engines(), progress)
    if "photos" in benches:
        results += run_photos(bench, photo_cases(limit), progress)
    if "text_to_speech" in benches:
        results += run_text_to_speech(bench, data / "tts", progress, limit)
    if "summarize_video" in benches:
        case = video_case(bench, data / "video")
        if case is not None:
            results += run_summarize_video(bench, case, progress)
    rows = all_rows(results)
    summary = {"environment": before, "load_average_after": environment()["load_average"],
               "seconds": round(time.perf_counter() - start, 1), "benches": list(benches),
               "limit": limit, "rows": rows_json(rows), "notes": notes(results, rows)}
    write_results(out, results, summary, rows)
    return summary


def write_results(out: Path, results: list[BenchResult], summary: dict[str, Any],
                  rows: list[Row]) -> None:
    """results.jsonl, summary.json and table.md; the HTML report is written from them."""
    from modalswitch.evals.tools_bench.report import write_tools_report

    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for result in results:
            fh.write(result.model_dump_json() + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (out / "table.md").write_text(doc_section(summary, rows), encoding="utf-8")
    write_tools_report(out)


def notes(results: list[BenchResult], rows: list[Row]) -> list[str]:
    """The sentences under the table: the voicemail, and the default the numbers choose."""
    lines = []
    for r in results:
        if r.bench == "speech_to_text" and r.case == "en00-clean" and r.error is None:
            verdict = "word-perfect" if r.errors == 0 else f"{r.errors} word error(s)"
            lines.append(f"The issue's voicemail (\"{VOICEMAIL}\", espeak-ng, WAV) with "
                         f"{r.model}: \"{r.output}\" ({verdict}).")
    choice = speech_default(results)
    if choice:
        lines.append(choice)
    return lines


def two_core_rtf(results: list[BenchResult]) -> float:
    """The real-time factor on two idle cores, as the CPU time allows: CPU time over media
    time, halved (both cores busy). Wall time on a shared machine says more about the
    neighbours than about the model; this does not depend on them."""
    return rtfs(results)[1] / CORES_BUDGET


def speech_default(results: list[BenchResult]) -> str:
    """Which Whisper the measurement picks: the fewest English word errors among models
    whose two-core real-time factor on long speech is within RTF_LIMIT (all, if none is)."""
    english = [r for r in results if r.bench == "speech_to_text" and r.error is None
               and r.tags.get("language") == "en"]
    scores: dict[str, tuple[float, float]] = {}
    for model in dict.fromkeys(r.model for r in english):
        mine = [r for r in english if r.model == model]
        long = [r for r in mine if r.tags.get("length") == "long"] or mine
        errors = sum(r.errors or 0 for r in mine) / max(sum(r.length or 0 for r in mine), 1)
        scores[model] = (errors, two_core_rtf(long))
    if not scores:
        return ""
    fast = {m: s for m, s in scores.items() if s[1] <= RTF_LIMIT} or scores
    best = min(fast, key=lambda m: fast[m][0])
    listed = "; ".join(f"{m}: English WER {pct(w)}, two-core RTF {r:.3f} on long speech"
                       for m, (w, r) in scores.items())
    within = "within" if scores[best][1] <= RTF_LIMIT else "none is within"
    return (f"speech_to_text default by this measurement: {best} (most accurate {within} "
            f"RTF {RTF_LIMIT:g}; {listed}).")


def doc_section(summary: dict[str, Any], rows: list[Row]) -> str:
    """The Markdown that goes into docs/tools.md: where, the table, the notes."""
    env = summary["environment"]
    load = env.get("load_average") or [0.0]
    after = summary.get("load_average_after") or [0.0]
    head = (f"Measured {env['date'][:10]} by `modalswitch eval tools` on {env['cores']} CPU "
            f"cores ({env['cpu']}, Python {env['python']}; load average {load[0]:.1f} before, "
            f"{after[0]:.1f} after: the machine was shared, so speeds are pessimistic); "
            f"{summary['seconds']:.0f} s in all. RTF is wall time over audio time; CPU is "
            "the process's CPU time (all threads) over audio time, which the neighbours do "
            "not inflate: on two idle cores the RTF would be about CPU / 2.")
    body = [head, "", markdown(rows)]
    if summary.get("notes"):
        body += [""] + [f"- {n}" for n in summary["notes"]]
    return "\n".join(body) + "\n"
