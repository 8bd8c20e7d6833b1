"""`modalswitch eval report DIR`: one self-contained HTML page for an eval folder.

Metrics, inline SVG charts, and for every case the request, the gold and predicted plans,
the scores, and the produced (and input) images, audio and video with players. Media up
to `max_embed_bytes` each is embedded as base64 data URIs; larger files are linked
relative to the page, so the page stays openable without a server either way.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
from html import escape
from pathlib import Path
from typing import Any

from modalswitch.evals.reports.fmt import HEADLINE, SPLIT_KEYS, SPLIT_LABELS, fmt
from modalswitch.evals.reports.graphs_html import graphs_html
from modalswitch.evals.reports.svg import bar_chart, grouped_bars, histogram
from modalswitch.evals.runner.results import CaseResult, case_dirname, load_eval

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;
color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.meta{color:#666}.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{background:#fff;border:1px solid #e4e4e4}.chart-title{font-weight:600;font-size:13px}
.chart-label{font-size:12px}.chart-value,.chart-axis{font-size:11px;fill:#555}
.case{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:14px 0}
.case h3{margin:4px 0}.status{padding:1px 6px;border-radius:4px;font-size:12px;color:#fff}
.st-ok{background:#2e7d32}.st-invalid{background:#b58900}.st-planner_error,.st-error,
.st-exec_failed{background:#c62828}.plans{display:flex;gap:24px;flex-wrap:wrap}
.plans>div{flex:1;min-width:300px}code{background:#f6f6f6;padding:0 3px}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;max-height:240px;overflow:auto}
.media{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.media figure{margin:0}.media img{max-width:320px;max-height:240px;border:1px solid #ccc}
figcaption{font-size:12px;color:#666}
.dags{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}.dag{background:#fcfcfc;
border:1px solid #e4e4e4}.dag-label{font:12px ui-monospace,monospace}.dag-edge{font-size:11px}
.diff{color:#b58900}.flow{font:12px ui-monospace,monospace;color:#444;margin:4px 0}
"""


def _media_src(path: Path, page_dir: Path, max_embed_bytes: int) -> str:
    """A data URI for a small file, else a link relative to the page."""
    size = path.stat().st_size
    if size <= max_embed_bytes:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    return escape(os.path.relpath(path, page_dir))


def media_html(path: Path, modality: str, caption: str, page_dir: Path,
               max_embed_bytes: int) -> str:
    """A figure with the right player for one file."""
    if not path.is_file():
        return f"<figure><figcaption>{escape(caption)} (missing)</figcaption></figure>"
    src = _media_src(path, page_dir, max_embed_bytes)
    if modality == "image":
        player = f'<img src="{src}" alt="{escape(caption)}">'
    elif modality == "audio":
        player = f'<audio controls preload="none" src="{src}"></audio>'
    elif modality == "video":
        player = f'<video controls preload="none" width="320" src="{src}"></video>'
    else:
        player = f'<a href="{src}">{escape(path.name)}</a>'
    size = path.stat().st_size
    return (f"<figure>{player}<figcaption>{escape(caption)} · {size:,} bytes"
            f"</figcaption></figure>")


def plan_html(plan: dict[str, Any] | None) -> str:
    """A plan as an ordered list of tool calls."""
    if plan is None:
        return "<p><em>no plan (the planner failed)</em></p>"
    if not plan.get("steps"):
        return "<p><em>no tools: a plain text answer</em></p>"
    items = "".join(
        f"<li><code>{escape(s['id'])}</code> <b>{escape(s['tool'])}</b>"
        f"({escape(', '.join(f'{k}={json.dumps(v)}' for k, v in s.get('args', {}).items()))})"
        f"</li>" for s in plan["steps"])
    outputs = ", ".join(plan.get("outputs", []))
    return f"<ol>{items}</ol><p class='meta'>outputs: {escape(outputs) or '–'}</p>"


def _case_html(r: CaseResult, eval_dir: Path, page_dir: Path, max_embed: int) -> str:
    s = r.scores
    scores = ("<table><tr><th>valid</th><th>modalities (gold → pred)</th><th>node F1</th>"
              "<th>edge F1</th><th>arg-name F1</th><th>arg-value F1</th><th>plan s</th>"
              "<th>case s</th></tr>"
              f"<tr><td>{fmt(r.valid)}</td><td>{escape(','.join(r.gold_modalities) or '–')} → "
              f"{escape(','.join(r.pred_modalities) or '–')}</td>"
              + "".join(f"<td>{fmt(s.get(k))}</td>" for k in
                        ("node_f1", "edge_f1", "arg_name_f1", "arg_value_f1"))
              + f"<td>{fmt(r.plan_s, 'plan_s')}</td><td>{fmt(r.case_s, 'case_s')}</td></tr>"
              "</table>")
    inputs_dir = eval_dir / "inputs" / case_dirname(r.id)
    input_media = [media_html(inputs_dir / Path(name).name, modality, f"@input{i} {name}",
                              page_dir, max_embed)
                   for i, (name, modality) in enumerate(r.inputs)
                   if (inputs_dir / Path(name).name).is_file()]
    inputs_text = ", ".join(f"@input{i} = {n} ({m})" for i, (n, m) in enumerate(r.inputs))
    case_dir = eval_dir / "cases" / case_dirname(r.id)
    outputs = [media_html(case_dir / a.get("file", Path(a["path"]).name), a["modality"],
                          f"{a['modality']} from {a.get('step') or '?'}", page_dir, max_embed)
               for a in r.artifacts]
    response = ""
    if r.executed:
        response = (f"<h4>Response <span class='status st-{escape(r.exec_status or 'error')}'>"
                    f"{escape(r.exec_status or '–')}</span> end-to-end: {fmt(r.e2e_ok)}</h4>"
                    f"<pre>{escape(r.response_text or '')}</pre>"
                    f"<div class='media'>{''.join(outputs)}</div>")
    problems = ""
    if r.error or r.issues:
        problems = (f"<pre class='problems'>{escape(r.error or '')}\n"
                    f"{escape('; '.join(r.issues))}</pre>")
    return (f"<article class='case' id='case-{escape(case_dirname(r.id))}'>"
            f"<h3>{escape(r.id)} <span class='status st-{escape(r.status)}'>{escape(r.status)}"
            f"</span> <small class='meta'>{escape(r.shape)} · {r.n_tools} gold tool(s)</small></h3>"
            f"<p class='request'>{escape(r.request)}</p>"
            f"<p class='meta'>inputs: {escape(inputs_text) or 'none'}</p>"
            + (f"<div class='media inputs'>{''.join(input_media)}</div>" if input_media else "")
            + f"<div class='plans'><div><h4>Gold plan</h4>{plan_html(r.gold)}</div>"
            f"<div><h4>Predicted plan</h4>{plan_html(r.pred)}</div></div>"
            + graphs_html(r, case_dir)
            + f"{scores}{problems}{response}</article>")


def render_report(eval_dir: Path, page: Path, *, max_embed_bytes: int = 4 << 20) -> str:
    """The report's HTML for an eval folder (`page` is where it will be saved)."""
    eval_dir, page_dir = Path(eval_dir), Path(page).parent
    metrics, results = load_eval(eval_dir)
    run = metrics.get("run", {})
    title = f"modalswitch eval · {run.get('dataset', eval_dir.name)} · {run.get('planner', '?')}"
    rows = "".join(f"<tr><td>{escape(label)}</td><td>{fmt(metrics.get(key), key)}</td></tr>"
                   for key, label in HEADLINE if key in metrics)
    score_keys = ("validity", "modality_accuracy", "no_tool_accuracy", "node_f1", "edge_f1",
                  "arg_name_f1", "arg_value_f1", "executable_rate", "e2e_success")
    labels = dict(HEADLINE)
    charts = [bar_chart([(labels[k], metrics.get(k)) for k in score_keys
                         if k in metrics and (metrics.get("executed") or k not in
                                              ("executable_rate", "e2e_success"))],
                        "headline metrics")]
    if metrics.get("by_shape"):
        charts.append(grouped_bars({s: {k: m.get(k) for k in ("node_f1", "edge_f1", "arg_value_f1")}
                                    for s, m in metrics["by_shape"].items()},
                                   ("node_f1", "edge_f1", "arg_value_f1"), "F1 by plan shape"))
    charts.append(histogram([r.case_s for r in results], "latency per case"))
    splits = ""
    for key, name in (("by_shape", "plan shape"), ("by_n_tools", "number of gold tools")):
        if metrics.get(key):
            head = "".join(f"<th>{escape(k)}</th>" for k in SPLIT_LABELS)
            body = "".join(f"<tr><td>{escape(g)}</td>"
                           + "".join(f"<td>{fmt(m.get(k), k)}</td>" for k in SPLIT_KEYS) + "</tr>"
                           for g, m in metrics[key].items())
            splits += f"<h3>By {name}</h3><table><tr><th>{name}</th>{head}</tr>{body}</table>"
    index = "".join(f"<tr><td><a href='#case-{escape(case_dirname(r.id))}'>{escape(r.id)}</a></td>"
                    f"<td>{escape(r.shape)}</td><td><span class='status st-{escape(r.status)}'>"
                    f"{escape(r.status)}</span></td><td>{fmt(r.scores.get('node_f1'))}</td>"
                    f"<td>{fmt(r.scores.get('arg_value_f1'))}</td>"
                    f"<td>{escape(r.request[:90])}</td></tr>" for r in results)
    cases = "".join(_case_html(r, eval_dir, page_dir, max_embed_bytes) for r in results)
    settings = escape(", ".join(f"{k}: {v}" for k, v in run.items()))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class='meta'>{settings}</p>"
            f"<section id='metrics'><h2>Metrics</h2><div class='charts'>"
            f"<table class='metrics'><tr><th>metric</th><th>value</th></tr>{rows}</table>"
            f"{''.join(charts)}</div>{splits}</section>"
            f"<section id='cases'><h2>Cases ({len(results)})</h2><table class='index'>"
            "<tr><th>case</th><th>shape</th><th>status</th><th>node F1</th>"
            f"<th>arg-value F1</th><th>request</th></tr>{index}</table>{cases}</section>"
            "</body></html>")


def write_report(eval_dir: Path, out: Path | None = None, *,
                 max_embed_bytes: int = 4 << 20) -> Path:
    """Write the report (default DIR/report.html) and return its path."""
    page = Path(out) if out else Path(eval_dir) / "report.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    html = render_report(eval_dir, page, max_embed_bytes=max_embed_bytes)
    tmp = page.with_suffix(page.suffix + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, page)
    return page

