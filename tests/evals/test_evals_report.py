"""The HTML report, parsed back with html.parser."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

from modalswitch.evals.reports.html import media_html, render_report, write_report
from modalswitch.evals.runner.results import load_eval


class Parsed(HTMLParser):
    """Tags with their attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in ("img", "br", "meta", "rect", "line"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k, "").split()[0:1] == [v] or a.get(k) == v
                        for k, v in attrs.items())]


def parse(html: str) -> Parsed:
    p = Parsed()
    p.feed(html)
    p.close()
    return p


def test_report_has_metrics_charts_and_every_case(executed_eval: Path) -> None:
    page = write_report(executed_eval)
    assert page == executed_eval / "report.html"
    html = page.read_text()
    p = parse(html)
    text = " ".join(p.text)
    assert html.startswith("<!DOCTYPE html>")
    assert "modalswitch eval · fake · oracle" in text
    assert "argument-value F1" in text and "end-to-end success" in text
    assert len(p.all("svg", **{"class": "chart"})) == 3  # headline, F1 by shape, latency
    assert len(p.all("svg", **{"class": "dag"})) == 14  # gold and predicted plan per case
    assert p.all("article", **{"class": "case"}).__len__() == 7
    _, results = load_eval(executed_eval)
    for r in results:
        assert r.request in text
    anchors = {a["href"] for a in p.all("a") if a.get("href", "").startswith("#case-")}
    ids = {a["id"] for a in p.all("article")}
    assert {h[1:] for h in anchors} == ids
    assert not p.open or p.open == ["html"]  # every element that was opened was closed


def test_report_embeds_media_with_players(executed_eval: Path) -> None:
    p = parse(render_report(executed_eval, executed_eval / "report.html"))
    images = [a["src"] for a in p.all("img")]
    audios = [a["src"] for a in p.all("audio")]
    assert any(src.startswith("data:image/png;base64,") for src in images)
    assert any(src.startswith("data:audio/") for src in audios)
    png = next(src for src in images if src.startswith("data:image/png"))
    assert base64.b64decode(png.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert all("controls" in a for a in p.all("audio"))
    # inputs are shown too: the synthesised memo.wav and pic.png
    captions = " ".join(p.text)
    assert "@input0 memo.wav" in captions and "@input0 pic.png" in captions


def test_large_media_is_linked_relative_to_the_page(executed_eval: Path, tmp_path: Path) -> None:
    page = tmp_path / "out" / "report.html"
    write_report(executed_eval, page, max_embed_bytes=0)
    p = parse(page.read_text())
    srcs = [a["src"] for a in p.all("img")] + [a["src"] for a in p.all("audio")]
    assert srcs and not any(s.startswith("data:") for s in srcs)
    for src in srcs:
        assert (page.parent / src).resolve().is_file()


def test_media_html_for_each_modality(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32)
    html = media_html(clip, "video", "the clip", tmp_path, 1 << 20)
    video = parse(html).all("video")
    assert video and video[0]["src"].startswith("data:video/mp4;base64,") and "controls" in video[0]
    assert "missing" in media_html(tmp_path / "nope.png", "image", "x", tmp_path, 1 << 20)


def test_report_escapes_untrusted_text(tmp_path: Path) -> None:
    import json

    from modalswitch.evals.datasets import load_dataset
    from modalswitch.evals.runner import run_eval
    from modalswitch.evals.runner.planners import OraclePlanner

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"id": "x<y", "request": "<script>alert(1)</script>",
                                "plan": {"steps": []}}) + "\n")
    run_eval(load_dataset(data), OraclePlanner(), tmp_path / "out")
    html = render_report(tmp_path / "out", tmp_path / "out" / "report.html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not parse(html).all("script")
