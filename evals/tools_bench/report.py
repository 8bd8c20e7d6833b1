"""The tool benchmark's HTML page: the quality table, breakdowns by how each input was made,
and every case with its input (or output) media, the reference, what the tool said, and its
score, worst first. `modalswitch eval report DIR` writes it for a tool-bench folder too."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from modalswitch.evals.reports.html import CSS, media_html
from modalswitch.evals.tools_bench.records import BenchResult
from modalswitch.evals.tools_bench.scoring import Errors, total
from modalswitch.evals.tools_bench.summary import pct

MODALITY = {".wav": "audio", ".mp3": "audio", ".m4a": "audio", ".png": "image",
            ".jpg": "image", ".mp4": "video"}
BREAKDOWN_KEYS = ("condition", "noise", "codec", "voice", "engine", "speed", "language",
                  "length", "kind", "font")


def is_tool_bench(folder: Path) -> bool:
    """Whether a folder holds a tool benchmark (rather than a planner eval)."""
    return (folder / "summary.json").is_file() and (folder / "results.jsonl").is_file()


def load_results(folder: Path) -> list[BenchResult]:
    """The per-case results of a tool-bench folder."""
    lines = (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [BenchResult.model_validate_json(line) for line in lines if line.strip()]


def _score(r: BenchResult) -> str:
    if r.error:
        return f"failed: {r.error}"
    parts = []
    if r.length:
        parts.append(f"{r.errors}/{r.length} errors ({pct((r.errors or 0) / r.length)})")
    if r.hit1 is not None:
        parts.append(f"top-1 {'yes' if r.hit1 else 'no'}, top-5 {'yes' if r.hit5 else 'no'}")
    if r.named is not None:
        parts.append("names the subject" if r.named else "does not name the subject")
    return "; ".join(parts) or "–"


def _badness(r: BenchResult) -> float:
    if r.error:
        return 2.0
    if r.length:
        return (r.errors or 0) / r.length
    return float(r.hit1 is False) + float(r.named is False)


def breakdown_html(results: list[BenchResult]) -> str:
    """Error rates grouped by each way the inputs were made, per bench and model."""
    out = []
    by_model: dict[tuple[str, str], list[BenchResult]] = defaultdict(list)
    for r in results:
        if r.length and r.error is None:
            by_model[(r.bench, r.model)].append(r)
    for (bench, model), mine in by_model.items():
        metric = "CER" if bench == "read_text" else "WER"
        rows = []
        for key in BREAKDOWN_KEYS:
            groups: dict[str, list[BenchResult]] = defaultdict(list)
            for r in mine:
                if key in r.tags:
                    groups[r.tags[key]].append(r)
            for value, group in sorted(groups.items()):
                errs: Errors = total(Errors(r.errors or 0, r.length or 0) for r in group)
                rows.append(f"<tr><td>{escape(key)}</td><td>{escape(value)}</td>"
                            f"<td>{len(group)}</td><td>{pct(errs.rate)}</td></tr>")
        out.append(f"<h3>{escape(bench)} · {escape(model)}</h3><table><tr><th>by</th>"
                   f"<th>group</th><th>cases</th><th>{metric}</th></tr>{''.join(rows)}</table>")
    return "".join(out)


def _case_html(r: BenchResult, page_dir: Path, max_embed: int) -> str:
    media = ""
    if r.media and Path(r.media).is_file():
        kind = MODALITY.get(Path(r.media).suffix.lower(), "file")
        media = media_html(Path(r.media), kind, Path(r.media).name, page_dir, max_embed)
    tags = ", ".join(f"{k}: {v}" for k, v in r.tags.items())
    return (f"<article class='case'><h3>{escape(r.case)} <small class='meta'>"
            f"{escape(r.tool)} · {escape(r.model)} · {r.seconds:.2f} s</small></h3>"
            f"<p class='meta'>{escape(tags)}</p><div class='media'>{media}</div>"
            f"<p><b>score</b>: {escape(_score(r))}</p>"
            f"<div class='plans'><div><h4>reference</h4><pre>{escape(r.reference)}</pre></div>"
            f"<div><h4>tool output</h4><pre>{escape(r.output)}</pre></div></div></article>")


def render_tools_report(folder: Path, page: Path, max_embed_bytes: int = 96 << 10) -> str:
    """The page's HTML for a tool-bench folder."""
    summary: dict[str, Any] = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    results = load_results(folder)
    env = summary.get("environment", {})
    table = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row[k]))}</td>" for k in
                         ("tool", "model", "test_set", "cases", "score", "speed")) + "</tr>"
        for row in summary.get("rows", []))
    notes = "".join(f"<li>{escape(n)}</li>" for n in summary.get("notes", []))
    ordered = sorted(results, key=lambda r: (r.bench, r.model, -_badness(r), r.case))
    cases = "".join(_case_html(r, page.parent, max_embed_bytes) for r in ordered)
    title = "modalswitch · tool quality benchmark"
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{CSS}</style></head><body><h1>{title}</h1>"
            f"<p class='meta'>{escape(json.dumps(env))}</p>"
            "<section><h2>Quality</h2><table><tr><th>tool</th><th>model</th><th>test set</th>"
            f"<th>cases</th><th>score</th><th>speed</th></tr>{table}</table><ul>{notes}</ul>"
            f"</section><section><h2>Breakdowns</h2>{breakdown_html(results)}</section>"
            f"<section><h2>Cases ({len(results)}), worst first</h2>{cases}</section>"
            "</body></html>")


def write_tools_report(folder: Path, out: Path | None = None,
                       max_embed_bytes: int = 96 << 10) -> Path:
    """Write the page (default FOLDER/report.html) and return its path."""
    page = Path(out) if out else folder / "report.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    tmp = page.with_suffix(page.suffix + ".tmp")
    tmp.write_text(render_tools_report(folder, page, max_embed_bytes), encoding="utf-8")
    os.replace(tmp, page)
    return page
